"""The check spec's fingerprint: the same course gives the same hash, wherever it runs.

A student's results (in the release bundle) and the instructor's (with the reference)
both carry it, so anyone can see that they ran the same checks. It hashes what decides a
grade's shape, never an answer: per exercise its slug and limits, per check its id,
points, visibility and time limit.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

from grader.course.spec import Exercise, load_exercises


def spec_data(exercises: list[Exercise]) -> list[dict[str, Any]]:
    """The fingerprinted facts, in a canonical order (exercises by slug)."""
    return [{"slug": ex.slug, "time_limit": ex.time_limit, "memory_mb": ex.memory_mb,
             "checks": [{"id": c.id, "points": float(c.points), "visibility": c.visibility,
                         "time_limit": c.time_limit} for c in ex.checks]}
            for ex in sorted(exercises, key=lambda e: e.slug)]


def spec_fingerprint(exercises: list[Exercise] | None = None) -> str:
    """``sha256:`` and 16 hex digits of the canonical JSON of :func:`spec_data` (the
    whole course by default)."""
    data = spec_data(exercises if exercises is not None else load_exercises())
    text = json.dumps(data, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]
