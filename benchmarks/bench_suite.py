"""Wall time of the test suite (issue 9: at most 6 minutes on the 2-core CI machine).

    .venv/bin/python benchmarks/bench_suite.py                 # the README's `make test`
    .venv/bin/python benchmarks/bench_suite.py --pytest -n 2   # pytest alone, 2 workers
    .venv/bin/python benchmarks/bench_suite.py --pytest -n 2 --durations 15 -- -k cli

Runs the command once, as a whole process tree, and prints its wall time, the CPU time of
everything it started (user + system: on a shared machine the part that does not depend
on the others' load; CPU / cores is the best a quiet machine of that many cores could
do), the load averages before and after, and pytest's summary line. ``--durations N``
also prints pytest's N slowest phases. ``--json FILE`` writes the same numbers.
Exit status: the command's.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 6 * 60


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all but idle and iowait, every core),
    from /proc/stat: unlike the process tree's rusage, it also counts processes nobody
    waited for (sandbox servers killed at a worker's exit); valid on a quiet machine."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            fields = [int(v) for v in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return float("nan")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def command(args: argparse.Namespace) -> list[str]:
    if not args.pytest:
        return ["make", "test"]
    argv = [sys.executable, "-m", "pytest", "-q", "-n", str(args.n)]
    if args.durations:
        argv += [f"--durations={args.durations}"]
    return argv + list(args.extra)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--pytest", action="store_true",
                        help="run `python -m pytest -q -n N` instead of `make test`")
    parser.add_argument("-n", default="2", help="xdist workers with --pytest (default 2)")
    parser.add_argument("--durations", type=int, default=0,
                        help="with --pytest: also print the N slowest test phases")
    parser.add_argument("--json", type=Path, default=None, help="write the numbers here")
    parser.add_argument("--log", type=Path, default=None,
                        help="write the command's whole output here (failures' tracebacks)")
    parser.add_argument("extra", nargs="*", help="more pytest arguments (after --)")
    args = parser.parse_args()
    if args.extra and not args.pytest:
        parser.error("extra pytest arguments need --pytest")
    argv = command(args)

    load_before = os.getloadavg()
    used_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = machine_busy_s()
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - start
    busy = machine_busy_s() - busy_before
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    load_after = os.getloadavg()
    cpu = (used.ru_utime - used_before.ru_utime) + (used.ru_stime - used_before.ru_stime)
    if args.log is not None:
        args.log.write_text(proc.stdout + proc.stderr)

    out = proc.stdout.splitlines()
    summary = next((line.strip("= ") for line in reversed(out)
                    if " in " in line and ("passed" in line or "failed" in line)), "")
    slowest: list[str] = []
    if args.durations:
        at = next((i for i, line in enumerate(out) if "slowest" in line and "durations" in line),
                  None)
        if at is not None:
            slowest = [line for line in out[at + 1:at + 1 + args.durations] if line.strip()]
    cores = os.cpu_count() or 1
    result = {
        "command": shlex.join(argv), "returncode": proc.returncode,
        "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "cores": cores,
        "cpu_per_core_s": round(cpu / cores, 1), "machine_busy_s": round(busy, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in load_after],
        "summary": summary, "slowest": slowest,
        "python": platform.python_version(), "when": time.strftime("%Y-%m-%d %H:%M"),
    }
    print(f"command      {result['command']}")
    print(f"exit status  {proc.returncode}   {summary}")
    target = ("" if args.extra else f"   (target {TARGET_S} s on a quiet 2-core machine: "
              f"{'met' if wall <= TARGET_S else 'NOT met'})")
    print(f"wall         {wall:7.1f} s{target}")
    print(f"CPU          {cpu:7.1f} s   user + system of the whole tree; "
          f"{cpu / cores:.1f} s per core on {cores} cores")
    print(f"machine busy {busy:7.1f} s   every process of the machine (the tree's unwaited-for "
          f"ones too); {100 * busy / (wall * cores):.0f} % of {cores} cores")
    print("load avg     before {:.2f} {:.2f} {:.2f}   after {:.2f} {:.2f} {:.2f}".format(
        *load_before, *load_after))
    for line in slowest:
        print(f"  {line}")
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        print(f"--- the command failed; its last lines:\n{tail}", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
