"""Where the test suite's CPU goes, by kind of process (issue 9, item 7).

    sudo .venv/bin/python benchmarks/bench_suite_cpu.py                  # pytest -q -n 3
    sudo .venv/bin/python benchmarks/bench_suite_cpu.py -- -n 0 tests/test_hostile.py
    sudo .venv/bin/python benchmarks/bench_suite_cpu.py --by-test 80 --save run.json
    .venv/bin/python benchmarks/bench_suite_cpu.py --by-test 80 --from run.json

Runs pytest under BSD process accounting (``acct(2)``: root, a kernel with
``CONFIG_BSD_PROCESS_ACCT``), which records every process that ends with its own CPU
time (not its children's), its pid and its parent's, including processes in the
sandbox's PID namespaces. A thread reads ``/proc/<pid>/cmdline`` of every new process
every 0.2 s; a process it missed (it lived less than that) is put with its nearest
ancestor it saw, and below a sandbox server it still counts as a level (the kernel's
records name every parent), so a student's short-lived process is not taken for a new
server. Prints the CPU by kind: pytest's processes, the sandbox servers (the
server, the per-student process, the PID namespace's init that runs the checks, the
student's child), the judges, ``python -m grader`` subprocesses, the rest.
"""
from __future__ import annotations

import argparse
import collections
import ctypes
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RECORD = 64  # sizeof(struct acct_v3)
KINDS = [("load hog", "end = time.monotonic"), ("python -m grader", "-m grader "),
         ("pytest worker", "import sys;exec(eval(sys.stdin.readline()))"),
         ("pytest", "pytest"), ("sandbox server", "grader.sandbox.server"),
         ("judge server", "grader.classrun.judge_server"), ("bwrap", "bwrap"),
         ("chromium", "chrom"), ("notebook kernel", "ipykernel"), ("other python", "python")]
SERVER_LEVELS = ["the server", "a student's process", "its PID namespace's init (runner)",
                 "the student's child (their code, the checks)"]


def _comp(v: int) -> int:
    """A comp_t: 13-bit mantissa, 3-bit base-8 exponent."""
    return (v & 0x1FFF) << (3 * (v >> 13))


def _sample(seen: dict, stop: threading.Event) -> None:
    while not stop.is_set():
        now = time.time()
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in seen:
                try:
                    cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                seen[int(entry)] = (cmd.replace(b"\0", b" ").decode(errors="replace"),
                                    int(stat.rsplit(")", 1)[1].split()[1]), now)
        time.sleep(0.2)


def _records(path: Path) -> list[tuple[int, int, float]]:
    data = path.read_bytes()
    out = []
    for i in range(0, len(data) - RECORD + 1, RECORD):
        pid, ppid = struct.unpack_from("<II", data, i + 16)
        btime, etime = struct.unpack_from("<If", data, i + 24)
        utime, stime = struct.unpack_from("<HH", data, i + 32)
        out.append((pid, ppid, (_comp(utime) + _comp(stime)) / 100.0,  # AHZ = 100
                    btime + 0.5))  # began (whole seconds)
    return out


def _kind(cmd: str) -> str:
    return next((name for name, key in KINDS if key in cmd), "other")


def _parents(records: list, seen: dict) -> dict[int, int]:
    parents = {pid: ppid for pid, ppid, *_ in records}
    parents.update({pid: entry[1] for pid, entry in seen.items()})
    return parents


def _command(pid: int, seen: dict) -> str:
    """The command line the sampler saw for ``pid``; "" if it missed it, or saw a zombie
    (an empty command line: no command to go by, so its parent's counts)."""
    return seen[pid][0].strip() if pid in seen else ""


def server_depth(pid: int, parents: dict, seen: dict) -> int | None:
    """How far below its sandbox server a process is (0: the server), or None when no
    server is above it. Processes the sampler missed (they lived under 0.2 s) still count
    as levels: the walk goes through the kernel's parent records up to the first process
    seen with another command, and the topmost server on the way is the start."""
    top, steps = None, 0
    for _ in range(64):
        if command := _command(pid, seen):
            if _kind(command) != "sandbox server":
                break
            top = steps
        if pid not in parents:
            break
        pid, steps = parents[pid], steps + 1
    return top


def classify(records: list, seen: dict) -> collections.Counter:
    parents = _parents(records, seen)

    def kind(pid: int) -> str:
        depth = server_depth(pid, parents, seen)
        if depth is not None:
            return f"sandbox server: {SERVER_LEVELS[min(depth, 3)]}"
        for _ in range(64):
            if command := _command(pid, seen):
                return _kind(command)
            if pid not in parents:
                break
            pid = parents[pid]
        return "unknown"

    cpu: collections.Counter = collections.Counter()
    for pid, _, seconds, _ in records:
        cpu[kind(pid)] += seconds
    return cpu


PLUGIN = '''
import os, time
import pytest
LOG = os.environ["CALCGRADE_PERTEST_LOG"]
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    start, cpu = time.time(), time.process_time()
    yield
    with open(LOG, "a") as fh:
        fh.write(f"{os.getpid()}\\t{item.nodeid}\\t{start}\\t{time.time()}\\t"
                 f"{time.process_time() - cpu}\\n")
'''


def by_test(records: list, seen: dict, log: str) -> tuple[collections.Counter, collections.Counter]:
    """Each process's CPU put with the test its pytest worker ran when it began (a
    process of a kept server: the test that asked for it); a worker's own CPU with the
    test it ran (``time.process_time()`` around it: setup, call, teardown), what it spent
    outside every test in a bucket of its own. Also: how many sandbox servers each test
    started."""
    spans: dict[int, list[tuple[float, float, str]]] = collections.defaultdict(list)
    cpu: collections.Counter = collections.Counter()
    inside: collections.Counter = collections.Counter()
    for line in log.splitlines():
        pid, nodeid, start, end, own = line.split("\t")
        spans[int(pid)].append((float(start), float(end), nodeid))
        cpu[nodeid] += float(own)
        inside[int(pid)] += float(own)
    parents = _parents(records, seen)
    starts: collections.Counter = collections.Counter()
    for pid, ppid, seconds, began in records:
        if pid in spans:
            cpu["(the pytest workers' own CPU outside tests)"] += max(0.0, seconds - inside[pid])
            continue
        when = seen[pid][2] if pid in seen else began
        up = pid
        for _ in range(64):
            if up in spans or up not in parents:
                break
            up = parents[up]
        tests = spans.get(up)
        if not tests:
            cpu["(outside any test)"] += seconds
            continue
        best = min(tests, key=lambda t: 0 if t[0] <= when <= t[1] else min(
            abs(when - t[0]), abs(when - t[1])))
        cpu[best[2]] += seconds
        if server_depth(pid, parents, seen) == 0:
            starts[best[2]] += 1
    return cpu, starts


def run(args: argparse.Namespace) -> dict:
    """pytest under process accounting: its exit status, wall time, the kernel's records,
    what the sampler saw and (``--by-test``) when each test ran."""
    libc = ctypes.CDLL(None, use_errno=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "acct"
        log.touch()
        if libc.acct(str(log).encode()) != 0:
            sys.exit(f"acct(2): {os.strerror(ctypes.get_errno())} (root and "
                     "CONFIG_BSD_PROCESS_ACCT needed)")
        seen: dict = {}
        stop = threading.Event()
        sampler = threading.Thread(target=_sample, args=(seen, stop), daemon=True)
        sampler.start()
        started = time.monotonic()
        env = dict(os.environ)
        tests_log = Path(tmp) / "tests.log"
        tests_log.touch()
        extra = []
        if args.by_test:
            (Path(tmp) / "calcgrade_pertest.py").write_text(PLUGIN)
            env["PYTHONPATH"] = os.pathsep.join(filter(None, [tmp, env.get("PYTHONPATH")]))
            env["CALCGRADE_PERTEST_LOG"] = str(tests_log)
            extra = ["-p", "calcgrade_pertest"]
        try:
            rc = subprocess.call([sys.executable, "-m", "pytest", *extra, *args.pytest_args],
                                 cwd=ROOT, env=env)
        finally:
            wall = time.monotonic() - started
            stop.set()
            sampler.join()
            libc.acct(None)
        return {"rc": rc, "wall": wall, "records": _records(log),
                "seen": {str(k): v for k, v in seen.items()}, "tests": tests_log.read_text()}


def report(data: dict, top: int) -> None:
    records = [tuple(r) for r in data["records"]]
    seen = {int(k): tuple(v) for k, v in data["seen"].items()}
    cpu = classify(records, seen)
    total = sum(cpu.values())
    print(f"\nwall {data['wall']:.0f} s, CPU of {len(records)} processes {total:.0f} s")
    for name, seconds in cpu.most_common():
        print(f"{seconds:8.1f} s  {100 * seconds / total:4.1f} %  {name}")
    if not top or not data["tests"]:
        return
    tests, starts = by_test(records, seen, data["tests"])
    files: collections.Counter = collections.Counter()
    for nodeid, seconds in tests.items():
        files[nodeid.split("::")[0]] += seconds
    print("\nby file, subprocesses included:")
    for name, seconds in files.most_common():
        print(f"{seconds:8.1f} s  {name}")
    print(f"\nthe {top} tests with the most CPU:")
    for name, seconds in tests.most_common(top):
        print(f"{seconds:8.1f} s  {name}")
    print(f"\nsandbox servers started: {sum(starts.values())}; by the tests that started most:")
    for name, count in starts.most_common(top):
        print(f"{count:5d}  {name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--by-test", type=int, default=0, metavar="N",
                        help="also print the N tests and all files with the most CPU, "
                             "their subprocesses included")
    parser.add_argument("--save", type=Path, metavar="FILE",
                        help="also write what was recorded to FILE (JSON), for --from")
    parser.add_argument("--from", dest="source", type=Path, metavar="FILE",
                        help="run nothing: report what --save wrote")
    parser.add_argument("pytest_args", nargs="*", default=["-q", "-n", "3"])
    args = parser.parse_args()
    if args.source:
        data = json.loads(args.source.read_text())
    else:
        data = run(args)
        if args.save:
            args.save.write_text(json.dumps(data))
    report(data, args.by_test)
    return data["rc"]


if __name__ == "__main__":
    sys.exit(main())
