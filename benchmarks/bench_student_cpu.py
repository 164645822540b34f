"""CPU time per student of a class run's sandbox, warm servers against cold ones.

    .venv/bin/python benchmarks/bench_student_cpu.py [SLUG ...] [--students 16] [--rounds 3]

Grades the reference of each exercise as ``--students`` students in one batch
(``grader.judge.engine.grade``: one sandbox server, process isolation), once with the
servers' default (``Policy.warm``: the server warms up and freezes its imports before
forking) and once cold (``warm=False``), interleaved for ``--rounds`` rounds, and prints
the median CPU seconds per student (user + system of this process and everything it
waited for: the server and each student's process). The first grading of each process
(imports, expected answers) is not counted. This machine's CPU speed drifts between
minutes: compare the two columns of one run, not runs of different hours.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_ONE = """
import functools, json, os, resource, sys
from pathlib import Path
import grader.judge.engine as engine
from grader.sandbox.client import Policy
slug, n, warm = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "warm"
engine.Policy = functools.partial(Policy, warm=warm)
def cpu():
    a, b = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime
ref = Path("reference") / f"{slug}.py"
subs = [engine.Submission(f"s{i}", {slug: ref}, [slug]) for i in range(n)]
engine.grade(subs[:1], [slug], seed=77)
start = cpu()
results = engine.grade(subs, [slug], seed=77)
assert all(r.points == r.max_points for r in results), "the reference lost points"
print(json.dumps({"per_student": (cpu() - start) / n}))
"""


def one(slug: str, students: int, warm: bool) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALCGRADE_")}
    env["CALCGRADE_JOBS"] = "1"
    out = subprocess.run([sys.executable, "-c", _ONE, slug, str(students),
                          "warm" if warm else "cold"], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["per_student"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("slugs", nargs="*", default=["01_derivative", "04_jacobian",
                                                     "05_backprop", "08_descent"])
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"{'exercise':<30} {'cold s/student':>15} {'warm s/student':>15} {'change':>8}")
    for slug in args.slugs:
        cold, warm = [], []
        for _ in range(args.rounds):
            cold.append(one(slug, args.students, False))
            warm.append(one(slug, args.students, True))
        c, w = statistics.median(cold), statistics.median(warm)
        print(f"{slug:<30} {c:>15.3f} {w:>15.3f} {100 * (w - c) / c:>+7.0f} %")
    return 0


if __name__ == "__main__":
    sys.exit(main())
