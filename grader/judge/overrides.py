"""The instructor's points for answers calcgrade does not grade (free-text questions).

``RESULTS/overrides.toml``, read whenever reports are written from a results folder
(``calcgrade grade`` and ``calcgrade report``), never by grading itself, so regrading
keeps them::

    [alice."01_derivative/q/why_central"]
    points = 2
    comment = "Right: the f″ terms cancel."

Only checks of kind ``question`` can be overridden, and only within 0 … max points.
A malformed file raises :class:`OverridesError` (message for the user); entries that
name no stored student or question are returned as warnings.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import tomllib

from grader.judge.results import Results

OVERRIDES_FILE = "overrides.toml"


class OverridesError(ValueError):
    pass


def apply_overrides(results: Sequence[Results], folder: Path) -> list[str]:
    """Set the instructor's points from ``folder/overrides.toml`` (absent: nothing)."""
    path = Path(folder) / OVERRIDES_FILE
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise OverridesError(f"{path} cannot be read: {exc}") from None
    by_name = {r.submission: r for r in results}
    warnings = []
    for student, entries in data.items():
        if not isinstance(entries, dict):
            raise OverridesError(f"{path}: [{student}] must be a table of question ids")
        res = by_name.get(student)
        if res is None:
            warnings.append(f"{path}: no results for student {student!r}")
            continue
        checks = {c.id: c for c in res.checks}
        for check_id, entry in entries.items():
            c = checks.get(check_id)
            if c is None or c.kind != "question":
                warnings.append(f"{path}: {student} has no question {check_id!r}")
                continue
            points = entry.get("points") if isinstance(entry, dict) else None
            if isinstance(points, bool) or not isinstance(points, (int, float)) or \
                    not math.isfinite(points) or not 0 <= points <= c.max_points:
                raise OverridesError(f"{path}: [{student}.\"{check_id}\"] points must be a "
                                     f"number from 0 to {c.max_points:g}")
            comment = str(entry.get("comment", "")).strip()
            c.points = float(points)
            c.status = "passed" if points == c.max_points else "failed"
            c.detail = {**c.detail, "instructor_points": float(points)}
            c.message = (f"instructor: {points:g}/{c.max_points:g}"
                         + (f" — {comment}" if comment else ""))
    return warnings
