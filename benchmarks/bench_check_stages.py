"""Where the time of one ``calcgrade check SLUG`` goes, stage by stage (issue 9).

    .venv/bin/python benchmarks/bench_check_stages.py [SLUG] [--repeats 5]

Each repeat runs in a fresh interpreter (as a student's ``check`` does) and prints the
seconds from the start of the process to the end of each stage: imports, servers
started (they import in parallel from here on), inputs drawn and the request built,
raw results collected from the sandbox, the expected answers ready (computed in a
thread meanwhile, as `engine.grade` does), judged; then the CPU seconds of this process and of the sandbox
(server and the processes it forked), which a loaded machine inflates less than wall
time. Then the median of each, and the machine's load average.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ONE_RUN = r"""
import json, sys, threading, time
t0 = time.perf_counter()
from pathlib import Path
from grader.course.spec import load_exercises
from grader.judge import engine
from grader.judge.engine import judge_student, lay_out, Submission
from grader.judge.requests import student_request
from grader.sandbox.client import Policy, collect, start_servers
import tempfile
marks = {}
slug, sub = sys.argv[1], Path(sys.argv[2])
exercises = load_exercises([slug]); marks["imports"] = time.perf_counter() - t0
scratch = Path(tempfile.mkdtemp())
policy = Policy(isolation="process", parallel=1, scratch_root=scratch)
servers = start_servers(policy, [slug], 1); marks["servers started"] = time.perf_counter() - t0
source = engine.expected_source()
cache = {}
engine._draw_public_inputs(exercises, 1, cache)  # as grade() does: drawn once, shared
solutions = lay_out(Submission.from_dir(sub), [slug], scratch / "s0")
request = student_request(0, scratch / "s0", exercises, solutions, 1, cache=cache)
marks["inputs drawn"] = time.perf_counter() - t0
warm = threading.Thread(target=engine._precompute_expected, args=(exercises, 1, source))
warm.start()
raw = collect([request], policy, servers=servers)[0]; marks["collected"] = time.perf_counter() - t0
warm.join(); marks["expected ready"] = time.perf_counter() - t0
res = judge_student(raw, exercises, name="x", seed=1, isolation="process", source=source)
marks["judged"] = time.perf_counter() - t0
import resource
marks["CPU s: this process"] = time.process_time()  # the trusted side (imports, drawing, judging)
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
marks["CPU s: sandbox"] = kids.ru_utime + kids.ru_stime  # server, student process, children
assert res.points == res.max_points, [c.message for c in res.checks if not c.passed]
print(json.dumps(marks))
"""

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slug", nargs="?", default="01_derivative")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sub = Path(tempfile.mkdtemp())
    (sub / args.slug).mkdir()
    shutil.copyfile(ROOT / "reference" / f"{args.slug}.py", sub / args.slug / "solution.py")
    runs = []
    for _ in range(args.repeats):
        out = subprocess.run([sys.executable, "-c", ONE_RUN, args.slug, str(sub)], check=True,
                             capture_output=True, text=True, cwd=ROOT).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
    shutil.rmtree(sub)
    print(f"{args.slug}: seconds since process start, median of {args.repeats} "
          f"(load {os.getloadavg()[0]:.1f})")
    for stage in runs[0]:
        print(f"  {stage:16s} {statistics.median(r[stage] for r in runs):6.2f}")


if __name__ == "__main__":
    main()
