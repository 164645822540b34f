"""What students may see of a check that is not public (``visibility`` hidden or
after_due_date): its status and points, never its expected values.

The class run's student reports use :func:`for_students`; an instructor who wants the full
feedback of hidden checks in them asks for it (``show_hidden``). Gradescope's own
``visibility`` field does the same for its results (:mod:`grader.reports.formats`).
"""
from __future__ import annotations

import copy

from grader.judge.results import Results

WITHHELD = "hidden check: its feedback (expected values, counter-examples) is not shown"


def for_students(results: Results) -> Results:
    """A copy of ``results`` in which every non-public check keeps its status, points and
    the student's own printed output, but no message or detail (which may hold expected
    values); the original is unchanged."""
    if all(c.visibility == "public" for c in results.checks):
        return results
    shown = copy.deepcopy(results)
    for check in shown.checks:
        if check.visibility != "public":
            check.message = WITHHELD if check.status != "passed" else "correct"
            check.detail = {}
            check.mistake = None
    return shown
