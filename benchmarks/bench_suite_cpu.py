"""Where the test suite's CPU goes, by kind of process (issue 9, item 7).

    sudo .venv/bin/python benchmarks/bench_suite_cpu.py                  # pytest -q -n 3
    sudo .venv/bin/python benchmarks/bench_suite_cpu.py -- -n 0 tests/test_hostile.py

Runs pytest under BSD process accounting (``acct(2)``: root, a kernel with
``CONFIG_BSD_PROCESS_ACCT``), which records every process that ends with its own CPU
time (not its children's), its pid and its parent's, including processes in the
sandbox's PID namespaces. A thread reads ``/proc/<pid>/cmdline`` of every new process
every 0.2 s; a process it missed (it lived less than that) is put with its nearest
ancestor it saw. Prints the CPU by kind: pytest's processes, the sandbox servers (the
server, the per-student process, the PID namespace's init that runs the checks, the
student's child), the judges, ``python -m grader`` subprocesses, the rest.
"""
from __future__ import annotations

import argparse
import collections
import ctypes
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
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in seen:
                try:
                    cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
                    stat = Path(f"/proc/{entry}/stat").read_text()
                except OSError:
                    continue
                seen[int(entry)] = (cmd.replace(b"\0", b" ").decode(errors="replace"),
                                    int(stat.rsplit(")", 1)[1].split()[1]))
        time.sleep(0.2)


def _records(path: Path) -> list[tuple[int, int, float]]:
    data = path.read_bytes()
    out = []
    for i in range(0, len(data) - RECORD + 1, RECORD):
        pid, ppid = struct.unpack_from("<II", data, i + 16)
        utime, stime = struct.unpack_from("<HH", data, i + 32)
        out.append((pid, ppid, (_comp(utime) + _comp(stime)) / 100.0))  # AHZ = 100
    return out


def _kind(cmd: str) -> str:
    return next((name for name, key in KINDS if key in cmd), "other")


def classify(records: list[tuple[int, int, float]], seen: dict) -> collections.Counter:
    parents = {pid: ppid for pid, ppid, _ in records}
    parents.update({pid: ppid for pid, (_, ppid) in seen.items()})

    def kind(pid: int) -> str:
        for _ in range(64):
            if pid in seen:
                name = _kind(seen[pid][0])
                if name == "sandbox server":
                    depth, up = 0, seen[pid][1]
                    while up in seen and _kind(seen[up][0]) == name:
                        depth, up = depth + 1, seen[up][1]
                    return f"{name}: {SERVER_LEVELS[min(depth, 3)]}"
                return name
            if pid not in parents:
                break
            pid = parents[pid]
        return "unknown"

    cpu: collections.Counter = collections.Counter()
    for pid, _, seconds in records:
        cpu[kind(pid)] += seconds
    return cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pytest_args", nargs="*", default=["-q", "-n", "3"])
    args = parser.parse_args()
    libc = ctypes.CDLL(None, use_errno=True)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "acct"
        log.touch()
        if libc.acct(str(log).encode()) != 0:
            print(f"acct(2): {os.strerror(ctypes.get_errno())} (root and "
                  "CONFIG_BSD_PROCESS_ACCT needed)", file=sys.stderr)
            return 2
        seen: dict = {}
        stop = threading.Event()
        sampler = threading.Thread(target=_sample, args=(seen, stop), daemon=True)
        sampler.start()
        started = time.monotonic()
        try:
            rc = subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], cwd=ROOT)
        finally:
            wall = time.monotonic() - started
            stop.set()
            sampler.join()
            libc.acct(None)
        records = _records(log)
    cpu = classify(records, seen)
    total = sum(cpu.values())
    print(f"\nwall {wall:.0f} s, CPU of {len(records)} processes {total:.0f} s")
    for name, seconds in cpu.most_common():
        print(f"{seconds:8.1f} s  {100 * seconds / total:4.1f} %  {name}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
