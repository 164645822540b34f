"""How long reports take to render: one plot, one student, a class (sequential vs parallel).

Run: ``.venv/bin/python benchmarks/report_rendering.py [N_STUDENTS] [JOBS]``.

Synthetic results, no grading: every student has ten exercises and each carries the
01_derivative figure with its own (slightly different) data, so every plot is really
drawn (identical figures are cached) — the cost once all ten exercises declare figures.
"""
from __future__ import annotations

import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.judge.results import CheckResult, ExerciseResult, Results  # noqa: E402
from grader.reports import formats  # noqa: E402

GRID = [-2.0 + 0.025 * i for i in range(201)]


def student(k: int, n_exercises: int = 10) -> Results:
    exercises = []
    for e in range(n_exercises):
        wobble = [3 * x * x - 4 * x + 0.01 * math.sin(100 * k + e + x) for x in GRID]
        checks = [CheckResult(id=f"01_derivative/rate_of_change/c{c}", exercise="01_derivative",
                              function="rate_of_change", title=f"check {c}",
                              status="passed" if (k + c) % 3 else "failed",
                              points=1.0 if (k + c) % 3 else 0.0, max_points=1.0,
                              message="correct" if (k + c) % 3 else "values are off",
                              detail={} if (k + c) % 3 else {"expected": [1.0, 2.0], "got": [1.0, 2.5]})
                  for c in range(5)]
        figure = {"title": "f′", "reference": {"x": GRID, "rule": [3 * x * x - 4 * x for x in GRID]},
                  "student": {"x": GRID, "rate_of_change": wobble}, "message": ""}
        exercises.append(ExerciseResult("01_derivative", f"exercise {e}", checks, figure=figure))
    return Results(submission=f"student{k:03d}", seed=1, isolation="process",
                   exercises=exercises, created="2026-01-01T00:00:00+00:00", duration=1.0)


def timed(fn, repeat: int = 1) -> float:
    from grader.reports import plots

    times = []
    for _ in range(repeat):
        plots._cached_plot.cache_clear()  # measure drawing, not the cache
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 1)
    from grader.reports import plots
    from grader.reports.html import student_html, write_class_report

    t0 = time.perf_counter()
    one = student(0)
    plots.exercise_plot("01_derivative", one.exercises[0].figure)
    print(f"first plot (imports matplotlib, loads checks.py): {time.perf_counter() - t0:.2f} s")
    per_plot = timed(lambda: plots.exercise_plot("01_derivative", student(1).exercises[0].figure), 5)
    print(f"one plot: {per_plot * 1000:.0f} ms (median of 5)")
    print(f"one student report, 10 plots: {timed(lambda: student_html(student(2)), 3):.2f} s")
    print(f"one student report, no plots: {timed(lambda: student_html(student(2), plots=False), 3) * 1000:.0f} ms")
    klass = [student(k) for k in range(n)]
    print(f"class exports for {n} students (csv + md + junit): "
          f"{timed(lambda: (formats.to_csv(klass), formats.class_markdown(klass), formats.to_junit(klass)), 3) * 1000:.0f} ms")
    for j in (1, jobs) if jobs > 1 else (1,):
        with tempfile.TemporaryDirectory() as tmp:
            t = timed(lambda: write_class_report(klass, Path(tmp), jobs=j))
        print(f"class report, {n} students × 10 plots, jobs={j}: {t:.1f} s "
              f"({t / n:.2f} s per student)")


if __name__ == "__main__":
    main()
