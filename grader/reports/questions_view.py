"""The class report's concept-question section: per question, how the class answered,
which catalogued wrong answers were given, and every free-text answer for the
instructor to read (and to score in ``RESULTS/overrides.toml``)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from grader.judge.results import Results


@dataclass
class QuestionRow:
    id: str
    title: str
    kind: str  # choice, number, expression, text
    max_points: float
    answered: int = 0
    passed: int = 0
    wrong: dict[str, list[str]] = field(default_factory=dict)  # mistake id → students
    texts: list[dict] = field(default_factory=list)  # free text: student, answer, points


def variant_rows(results: Sequence[Results]) -> list[dict]:
    """Who was graded with which per-student variant, and any refused claim."""
    return [{"student": r.submission, "slug": ex.slug, "code": str(ex.variant.get("code")),
             "problem": str(ex.variant.get("problem", ""))}
            for r in results for ex in r.exercises if ex.variant]


def question_rows(results: Sequence[Results]) -> list[QuestionRow]:
    rows: dict[str, QuestionRow] = {}
    for res in results:
        for c in res.checks:
            if c.kind != "question":
                continue
            kind = str(c.detail.get("question", ""))
            row = rows.setdefault(c.id, QuestionRow(c.id, c.title, kind, c.max_points))
            row.kind = row.kind or kind
            if c.status in ("not_implemented", "missing"):
                continue
            row.answered += 1
            row.passed += c.passed
            if c.mistake:
                row.wrong.setdefault(c.mistake, []).append(res.submission)
            if kind == "text":
                row.texts.append({"student": res.submission, "answer": str(c.detail.get("answer", "")),
                                  "points": c.points, "max_points": c.max_points,
                                  "message": c.message})
    return list(rows.values())
