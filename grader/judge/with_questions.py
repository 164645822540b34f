"""What :func:`grader.judge.engine.grade` adds around grading the code: variants, questions.

* Per-student variants (:mod:`grader.course.variants`): a submission's exercise folder
  may carry ``variant.toml`` (``code = "…"``, written by ``calcgrade variant``). Its
  parameters are active while that submission's checks are drawn and judged;
  submissions with different variants are graded in separate batches, and each
  result records its variants.
* Concept questions (:mod:`grader.judge.questions`): where an exercise folder holds
  ``answers.toml``, its questions are judged beside the code (not with ``--function``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable


def _folder(sub: Any, slug: str) -> Path | None:
    path = sub.files.get(slug)
    if path is None:
        return None
    folder = Path(path).parent
    return folder if folder.is_dir() else None


def grade_with_questions(grade_code: Callable[..., list], submissions: list, slugs: Any, *,
                         seed: int, **options: Any) -> list:
    from grader.course.spec import all_slugs
    from grader.course.variants import activate, read_claim, spec_for
    from grader.judge.questions import add_question_results, read_answers_file

    chosen = list(slugs) if slugs else all_slugs()
    with_variants = [s for s in chosen if spec_for(s) is not None]
    groups: dict[tuple, list[int]] = {}
    claims: list[dict[str, Any]] = []
    for i, sub in enumerate(submissions):
        claim = {}
        for slug in with_variants:
            folder = _folder(sub, slug)
            found = read_claim(folder) if folder is not None else None
            if found is not None:
                claim[slug] = found
        claims.append(claim)
        codes = tuple(sorted((s, c.code) for s, c in claim.items() if c.code))
        groups.setdefault(codes, []).append(i)
    out: list[Any] = [None] * len(submissions)
    for codes, members in groups.items():
        with activate(dict(codes)):
            results = grade_code([submissions[i] for i in members], slugs, seed=seed, **options)
        for i, res in zip(members, results):
            out[i] = res
    for sub, res, claim in zip(submissions, out, claims):
        for ex in res.exercises:
            if ex.slug in claim:
                ex.variant = claim[ex.slug].record()
        if options.get("function") is None:
            answers = {}
            for ex in res.exercises:
                folder = _folder(sub, ex.slug)
                data = read_answers_file(folder) if folder is not None else None
                if data is not None:
                    answers[ex.slug] = data
            add_question_results(res, answers)
    return out
