"""Wall time of `calcgrade check` for some exercises, on copies of their references.

    .venv/bin/python benchmarks/bench_checks.py SLUG... [--repeats N]

(e.g. ``05_backprop 09_perceptron_regression 10_perceptron_classification``, or
``06_optimum 07_svm 08_descent``). Each slug alone and all of them together, as whole
processes (the way a student runs them), then one in-process run that splits the time
into the sandbox (running the solution: training, SymPy solving, SciPy) and the trusted
judging (the reference's answers on the same hidden inputs, JAX compiling expected
gradients), with the slowest checks of each, so a regression can be located.
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


def wall(argv: list[str], repeats: int) -> list[float]:
    """Wall seconds of ``repeats`` runs of a whole command (output discarded)."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=False)
        times.append(time.perf_counter() - t0)
    return times


def split(submission: Path, slugs: list[str]) -> None:
    """Sandbox vs judging time of one grading of ``slugs`` (in this process)."""
    sys.path.insert(0, str(ROOT))
    from grader.judge import engine as grading

    judged: dict[str, float] = {}
    judge = grading.judge_check

    def timed(check, raw, seed):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        result = judge(check, raw, seed)
        judged[check.id] = time.perf_counter() - t0
        return result

    grading.judge_check = timed
    t0 = time.perf_counter()
    results = grading.grade([grading.Submission.from_dir(submission)], slugs, seed=1)
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("slugs", nargs="+")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    for slug in args.slugs:
        (tmp / slug).mkdir()
        shutil.copy(ROOT / "reference" / f"{slug}.py", tmp / slug / "solution.py")
    cli = [sys.executable, "-m", "grader", "check", "--submission", str(tmp), "--seed", "1"]
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'command':<58} {'median':>8} {'min':>7} {'max':>7}")
    together = "calcgrade check " + " ".join(s[:2] for s in args.slugs)
    for name, argv in [*[(f"calcgrade check {s}", cli + [s]) for s in args.slugs],
                       *([(together, cli + args.slugs)] if len(args.slugs) > 1 else [])]:
        t = wall(argv, args.repeats)
        print(f"{name:<58} {statistics.median(t):>7.2f}s {min(t):>6.2f}s {max(t):>6.2f}s")
    split(tmp, args.slugs)
    print(f"# load average at the end {os.getloadavg()[0]:.1f}")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
