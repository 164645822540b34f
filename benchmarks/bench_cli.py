"""Wall time of the commands a student waits for (issue 2's targets).

    .venv/bin/python benchmarks/bench_cli.py [--repeats N]

Times `calcgrade list` (target < 0.3 s) and `calcgrade check 01_derivative` on a copy of
the reference (target < 2 s), and `calcgrade check` of all ten references (target < 30 s),
as whole processes, the way a student runs them. Prints medians and spreads.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_checks import wall  # noqa: E402 - one timing helper for the CLI benchmarks

CALCGRADE = [sys.executable, "-m", "grader.cli.main"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp())
    slugs = sorted(p.stem for p in (ROOT / "reference").glob("[0-9]*.py"))
    for slug in slugs:
        (tmp / slug).mkdir()
        shutil.copy(ROOT / "reference" / f"{slug}.py", tmp / slug / "solution.py")
    cases = [
        ("calcgrade list", CALCGRADE + ["list"], args.repeats, 0.3),
        ("calcgrade check 01_derivative (reference)",
         CALCGRADE + ["check", "01_derivative", "--submission", str(tmp), "--seed", "1"],
         args.repeats, 2.0),
        (f"calcgrade check, all {len(slugs)} references",
         CALCGRADE + ["check", "--submission", str(tmp), "--seed", "1"], max(3, args.repeats // 2), 30.0),
    ]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}")
    print(f"{'command':<46} {'median':>8} {'min':>7} {'max':>7} {'target':>7}")
    for name, argv, n, target in cases:
        t = wall(argv, n)
        ok = "ok" if statistics.median(t) < target else "MISSED"
        print(f"{name:<46} {statistics.median(t):>7.2f}s {min(t):>6.2f}s {max(t):>6.2f}s "
              f"{target:>6.1f}s {ok}")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
