"""Wall time of `calcgrade check` for 06_optimum, 07_svm and 08_descent on reference copies.

    .venv/bin/python benchmarks/bench_checks_06_07_08.py [--repeats N]

Each slug alone and the three together, as whole processes (the way a student runs
them), then one in-process run that splits the time into the sandbox (the solution's
SymPy solving in 06, SciPy's SLSQP in 07, descent loops and BFGS in 08) and the trusted
judging (the reference's answers on the same hidden inputs), with the slowest checks.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SLUGS = ["06_optimum", "07_svm", "08_descent"]


def wall(argv: list[str], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - t0)
    return times


def split(submission: Path) -> None:
    """Sandbox vs judging time of one grading of the three exercises (in this process)."""
    sys.path.insert(0, str(ROOT))
    from grader import grading

    judged: dict[str, float] = {}
    judge = grading.judge_check

    def timed(check, raw, seed):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        result = judge(check, raw, seed)
        judged[check.id] = time.perf_counter() - t0
        return result

    grading.judge_check = timed
    t0 = time.perf_counter()
    results = grading.grade([grading.Submission.from_dir(submission)], SLUGS, seed=1)
    total = time.perf_counter() - t0
    checks = results[0].checks
    print(f"in-process grade(): {total:.2f}s total, student code "
          f"{sum(c.duration for c in checks):.2f}s, judging {sum(judged.values()):.2f}s, "
          f"{results[0].points:g}/{results[0].max_points:g} points")
    for c in sorted(checks, key=lambda c: -c.duration)[:4]:
        print(f"  sandbox {c.id:<56} {c.duration:.2f}s")
    for check_id, seconds in sorted(judged.items(), key=lambda kv: -kv[1])[:4]:
        print(f"  judge   {check_id:<56} {seconds:.2f}s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    for slug in SLUGS:
        (tmp / slug).mkdir()
        shutil.copy(ROOT / "reference" / f"{slug}.py", tmp / slug / "solution.py")
    cli = [sys.executable, "-m", "grader.cli", "check", "--submission", str(tmp), "--seed", "1"]
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<58} {'median':>8} {'min':>7} {'max':>7}")
    for name, argv in [*[(f"calcgrade check {s}", cli + [s]) for s in SLUGS],
                       ("calcgrade check 06 07 08", cli + SLUGS)]:
        t = wall(argv, args.repeats)
        print(f"{name:<58} {statistics.median(t):>7.2f}s {min(t):>6.2f}s {max(t):>6.2f}s")
    split(tmp)
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
