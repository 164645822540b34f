"""Which checks a results document covers, in words (the student bundle's ``check``)."""
from __future__ import annotations

from grader.judge.results import Results


def _pts(value: float) -> str:
    return f"{value:g}"


def scope_lines(results: Results) -> list[str]:
    """In a student bundle: the public checks run (against the public key), how many
    hidden checks and points run at grading, the check spec's fingerprint. Elsewhere
    (the instructor's checkout, where every check runs): nothing."""
    hidden = results.hidden or {}
    if results.expected_from != "public key" and not hidden.get("checks"):
        return []
    out = [f"Public checks: {len(results.checks)} ({_pts(results.max_points)} points), judged "
           f"against the {results.expected_from or 'reference'} for seed {results.seed}."]
    if hidden.get("checks"):
        out.append(f"{hidden['checks']} hidden checks ({_pts(hidden.get('points', 0))} points) "
                   "run at grading.")
    if results.spec_fingerprint:
        out.append(f"Check spec {results.spec_fingerprint}")
    return out
