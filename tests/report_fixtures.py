"""A small fixed class of results for the report and export tests (built by hand, no grading).

Three students: ``alice`` passes everything, ``bob`` fails checks (a catalogued mistake, a
wrong array, an exercise not implemented) and prints HTML, ``carol``'s code crashed and
timed out (so her figure has only the reference) and printed control characters.
Timestamps and durations are fixed, so every export is byte-for-byte reproducible.
"""
from __future__ import annotations

import math

from grader.judge.results import CheckResult, ExerciseResult, Results

CREATED = "2026-01-15T10:00:00+00:00"
VERSION = "0.1.0"
GRID = [round(-2.0 + 0.25 * i, 6) for i in range(21)]  # [−2, 3] like 01's report figure
RULE = [round(3 * x * x - 4 * x, 6) for x in GRID]
HTML_MESSAGE = 'ValueError: <img src=x onerror="alert(1)"> & <b>bold</b>'
HTML_OUTPUT = "<script>alert('printed')</script>\n"

D_TITLE = "Derivatives three ways: symbolic, numerical, automatic"
A_TITLE = "Antiderivatives and areas"
FIGURE_TITLE = "f′ by the rules vs by the rate of change over [−2, 3]"

DERIVATIVE_CHECKS = [  # (function, case, title, points)
    ("symbolic_derivative", None, "f′(x) of x³ − 2x² + 1 with SymPy", 2),
    ("rate_of_change", "polynomial", "numerical derivative of a hidden polynomial function", 1),
    ("rate_of_change", "trig", "numerical derivative of a hidden trig function", 1),
    ("autodiff_derivative", "polynomial", "JAX derivative of a hidden polynomial function", 1),
]
ANTIDERIVATIVE_CHECKS = [
    ("antiderivative", None, "an antiderivative of 3x² − 4x", 2),
    ("riemann_sum", "polynomial", "Riemann sum of a hidden polynomial", 1),
]


def _check(slug: str, spec: tuple, status: str = "passed", **extra) -> CheckResult:
    function, case, title, points = spec
    cid = "/".join([slug, function] + ([case] if case else []))
    passed = status == "passed"
    base = {"message": "correct" if passed else "", "duration": 0.125}
    base.update(extra)
    return CheckResult(id=cid, exercise=slug, function=function, title=title, status=status,
                       points=points if passed else 0.0, max_points=points, case=case, **base)


def _figure(student: list | None, message: str = "") -> dict:
    return {"title": FIGURE_TITLE, "reference": {"x": GRID, "rule": RULE},
            "student": None if student is None else {"x": GRID, "rate_of_change": student},
            "message": message}


def _results(name: str, exercises: list[ExerciseResult], duration: float) -> Results:
    return Results(submission=name, seed=12345, isolation="process", exercises=exercises,
                   grader_version=VERSION, created=CREATED, duration=duration)


def alice() -> Results:
    d = [_check("01_derivative", spec) for spec in DERIVATIVE_CHECKS]
    a = [_check("02_antiderivative", spec) for spec in ANTIDERIVATIVE_CHECKS]
    return _results("alice", [
        ExerciseResult("01_derivative", D_TITLE, d, figure=_figure(list(RULE))),
        ExerciseResult("02_antiderivative", A_TITLE, a)], 3.5)


def bob() -> Results:
    off = [round(v * 1.08 + 0.8 * math.sin(3 * x), 6) for x, v in zip(GRID, RULE)]  # visibly off
    d = [
        _check("01_derivative", DERIVATIVE_CHECKS[0], "failed", mistake="derivative_of_minus_2x2",
               message="The derivative of −2x² is −4x, not −4: the power rule brings the 2 "
                       "down and leaves x¹.",
               detail={"got": "3*x**2 - 4", "expected": "3*x**2 - 4*x"}),
        _check("01_derivative", DERIVATIVE_CHECKS[1], "failed",
               message="3 of 4 derivative values are off at index [2]: expected 4, got 4.5 "
                       "(tolerance rtol=1e-05, atol=1e-06)",
               detail={"expected": [1.0, 2.0, 4.0, 8.0], "got": [1.0, 2.1, 4.5, 8.8],
                       "tolerance": {"rtol": 1e-05, "atol": 1e-06}, "mismatched": "3 of 4",
                       "max_abs_error": 0.8, "worst_index": [3]},
               output=HTML_OUTPUT),
        _check("01_derivative", DERIVATIVE_CHECKS[2], "error", message=HTML_MESSAGE),
        _check("01_derivative", DERIVATIVE_CHECKS[3]),
    ]
    a = [_check("02_antiderivative", spec, "not_implemented",
                message=f"{spec[0]}() is not implemented yet") for spec in ANTIDERIVATIVE_CHECKS]
    return _results("bob", [
        ExerciseResult("01_derivative", D_TITLE, d, figure=_figure(off)),
        ExerciseResult("02_antiderivative", A_TITLE, a)], 4.25)


def carol() -> Results:
    crash = "your code crashed the sandbox (killed by signal 9: the memory limit?)"
    d = [
        _check("01_derivative", DERIVATIVE_CHECKS[0], "failed", mistake="derivative_of_minus_2x2",
               message="The derivative of −2x² is −4x, not −4: the power rule brings the 2 "
                       "down and leaves x¹.",
               detail={"got": "3*x**2 - 4", "expected": "3*x**2 - 4*x"}),
        _check("01_derivative", DERIVATIVE_CHECKS[1], "error", message=crash,
               output="\x1b[31mloading…\x1b[0m\x00\n"),
        _check("01_derivative", DERIVATIVE_CHECKS[2], "timeout",
               message="took longer than the 5 s limit"),
        _check("01_derivative", DERIVATIVE_CHECKS[3], "failed",
               message="Your g never let JAX trace f, so it is not automatic differentiation.",
               mistake="not_autodiff"),
    ]
    a = [_check("02_antiderivative", spec, "missing", message="solution.py not found")
         for spec in ANTIDERIVATIVE_CHECKS]
    return _results("carol", [
        ExerciseResult("01_derivative", D_TITLE, d, output="starting\n",
                       figure=_figure(None, f"your functions could not be plotted ({crash}); "
                                            "showing the reference alone")),
        ExerciseResult("02_antiderivative", A_TITLE, a)], 12.0)


def fixed_class() -> list[Results]:
    return [alice(), bob(), carol()]
