"""What a class's results add up to: scores, per-check pass rates, the common mistakes.

One pass over a list of :class:`~grader.judge.results.Results` (one per student) gives the
numbers every class-level output shows: the HTML class report, the Markdown summary and
the CSV gradebook read the same :class:`ClassSummary`, so they never disagree.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Sequence

from grader.judge.results import STATUSES, Results

CRASH_STATUSES = ("error", "timeout")
# the statuses flagged on a student's exercise cell, the one to look at first first
FLAG_ORDER = ("error", "timeout", "missing", "not_implemented", "failed")


def student_name(results: Results) -> str:
    """The name a report shows: the submission's name; of a path (``calcgrade check``
    names a submission by its folder), the last part."""
    name = results.submission
    if PurePath(name).is_absolute() or name.startswith("."):
        name = PurePath(name).name or name
    return name or "submission"


def percent(points: float, max_points: float) -> float:
    return 100.0 * points / max_points if max_points else 0.0


@dataclass
class StudentRow:
    name: str
    results: Results
    points: float
    max_points: float
    by_exercise: dict[str, tuple[float, float]]  # slug → (points, max points)
    crashed: list[str]  # exercises with a check that errored or timed out
    # slug → the statuses of its checks that did not pass, worst first (error, timeout …)
    flags: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # status → checks, over all exercises

    @property
    def percent(self) -> float:
        return percent(self.points, self.max_points)

    @property
    def outcomes(self) -> list[tuple[str, int]]:
        """(status, checks) for every status but passed that this student has, in the
        order of :data:`STATUSES` (what the class report's status column shows)."""
        return [(s, self.counts[s]) for s in STATUSES if s != "passed" and self.counts.get(s)]


@dataclass
class CheckRate:
    id: str
    exercise: str
    title: str
    max_points: float
    counts: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})

    @property
    def graded(self) -> int:
        return sum(self.counts.values())

    @property
    def passed(self) -> int:
        return self.counts["passed"]

    @property
    def rate(self) -> float:
        return percent(self.passed, self.graded)

    @property
    def not_passed(self) -> int:
        return self.graded - self.passed


@dataclass
class MistakeCount:
    """A catalogued mistake and how often the class made it."""

    exercise: str
    mistake: str
    message: str
    students: int = 0
    checks: int = 0
    check_ids: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the students who made it, class order


@dataclass
class ExerciseStats:
    slug: str
    title: str
    max_points: float
    mean_points: float
    full_marks: int
    crashed: int
    # status → how many students have at least one check of this exercise in that status
    students_with: dict[str, int] = field(default_factory=dict)


@dataclass
class ClassSummary:
    students: list[StudentRow]
    exercises: list[ExerciseStats]
    checks: list[CheckRate]
    mistakes: list[MistakeCount]

    @property
    def slugs(self) -> list[str]:
        return [e.slug for e in self.exercises]

    @property
    def percents(self) -> list[float]:
        return [s.percent for s in self.students]

    def score_stats(self) -> dict[str, float]:
        """Mean, median, lowest and highest score in percent (zeros for an empty class)."""
        p = self.percents
        if not p:
            return {"mean": 0.0, "median": 0.0, "min": 0.0, "max": 0.0}
        return {"mean": statistics.fmean(p), "median": statistics.median(p),
                "min": min(p), "max": max(p)}

    def hardest(self, n: int = 10) -> list[CheckRate]:
        """The ``n`` checks the fewest students passed (ties in course order); checks
        everyone passed are never "hard"."""
        order = {id(r): k for k, r in enumerate(self.checks)}
        hard = [r for r in self.checks if r.graded and r.not_passed]
        return sorted(hard, key=lambda r: (r.rate, order[id(r)]))[:n]


def summarise(results: Sequence[Results]) -> ClassSummary:
    """Aggregate one Results per student into the class's numbers (order kept)."""
    students: list[StudentRow] = []
    titles: dict[str, str] = {}
    maxima: dict[str, float] = {}
    totals: dict[str, list[float]] = {}
    full: dict[str, int] = {}
    crashes: dict[str, int] = {}
    with_status: dict[str, dict[str, int]] = {}
    checks: dict[str, CheckRate] = {}
    mistakes: dict[tuple[str, str], MistakeCount] = {}
    for res in results:
        by_exercise: dict[str, tuple[float, float]] = {}
        crashed: list[str] = []
        flags: dict[str, list[str]] = {}
        counts: dict[str, int] = {}
        seen_mistakes: set[tuple[str, str]] = set()
        name = student_name(res)
        for ex in res.exercises:
            titles.setdefault(ex.slug, ex.title)
            maxima[ex.slug] = max(maxima.get(ex.slug, 0.0), ex.max_points)
            by_exercise[ex.slug] = (ex.points, ex.max_points)
            totals.setdefault(ex.slug, []).append(ex.points)
            full[ex.slug] = full.get(ex.slug, 0) + (ex.points >= ex.max_points > 0)
            if any(c.status in CRASH_STATUSES for c in ex.checks):
                crashed.append(ex.slug)
                crashes[ex.slug] = crashes.get(ex.slug, 0) + 1
            present = {c.status for c in ex.checks}
            flags[ex.slug] = [st for st in FLAG_ORDER if st in present]
            for st in present:
                per = with_status.setdefault(ex.slug, {})
                per[st] = per.get(st, 0) + 1
            for c in ex.checks:
                counts[c.status] = counts.get(c.status, 0) + 1
                rate = checks.setdefault(c.id, CheckRate(c.id, ex.slug, c.title, c.max_points))
                rate.counts[c.status] = rate.counts.get(c.status, 0) + 1
                if c.mistake:
                    key = (ex.slug, c.mistake)
                    m = mistakes.setdefault(key, MistakeCount(ex.slug, c.mistake, c.message))
                    m.checks += 1
                    if c.id not in m.check_ids:
                        m.check_ids.append(c.id)
                    if key not in seen_mistakes:
                        seen_mistakes.add(key)
                        m.students += 1
                        m.names.append(name)
        students.append(StudentRow(name, res, res.points, res.max_points,
                                   by_exercise, crashed, flags, counts))
    slugs = sorted(titles)
    exercises = [ExerciseStats(s, titles[s], maxima[s], statistics.fmean(totals[s]),
                               full.get(s, 0), crashes.get(s, 0), with_status.get(s, {}))
                 for s in slugs]
    order = {s: i for i, s in enumerate(slugs)}
    check_list = sorted(checks.values(), key=lambda r: order[r.exercise])  # stable: check order kept
    ranked = sorted(mistakes.values(), key=lambda m: (-m.students, -m.checks, m.exercise, m.mistake))
    return ClassSummary(students, exercises, check_list, ranked)
