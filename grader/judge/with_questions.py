"""What :func:`grader.judge.engine.grade` adds around grading the code: variants, questions.

* Per-student variants (:mod:`grader.course.variants`): a submission's exercise folder
  may carry ``variant.toml`` (``code = "…"``, written by ``calcgrade variant``). Its
  parameters are active while that submission's checks are drawn and judged;
  submissions with different variants are graded in separate batches, and each
  result records its variants. An exercise the course turns variants on for
  (``[variants]``, :func:`~grader.course.variants.enabled_slugs`) without a
  ``variant.toml`` is checked with the lesson's numbers, and its result says so once
  (:data:`NO_VARIANT`).
* Assigned variants: where the grader itself knows the student's codes (the Gradescope
  autograder, :mod:`grader.release.gradescope`, computes them from the class key and
  the student's id), it passes them in ``CALCGRADE_ASSIGNED_VARIANTS`` (JSON slug →
  code). Those codes are graded whatever ``variant.toml`` says, and a ``variant.toml``
  naming another code is refused as the class run refuses it
  (``variant.claimed``, ``variant.problem``).
* Concept questions (:mod:`grader.judge.questions`): where an exercise folder holds
  ``answers.toml``, its questions are judged beside the code (not with ``--function``).

:func:`variant_claims` and :func:`finish` are what ``calcgrade watch``
(:mod:`grader.judge.session`) shares, so a re-grade there gives ``check``'s verdicts.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Callable

ASSIGNED_ENV = "CALCGRADE_ASSIGNED_VARIANTS"
NO_VARIANT = ("this exercise has per-student variants: run `calcgrade variant {slug} --code "
              "YOURCODE --write` with the code your instructor gave you; checking with the "
              "lesson's numbers")


def _folder(sub: Any, slug: str) -> Path | None:
    path = sub.files.get(slug)
    if path is None:
        return None
    folder = Path(path).parent
    return folder if folder.is_dir() else None


def assigned_codes() -> dict[str, str]:
    """The codes the grader was told to use (``CALCGRADE_ASSIGNED_VARIANTS``); {} when
    unset. A malformed value is an error, never silently the lesson's numbers."""
    from grader.course.variants import VariantError, check_code

    text = os.environ.get(ASSIGNED_ENV, "")
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        raise VariantError(f"{ASSIGNED_ENV} is not JSON (slug → code)") from None
    if not isinstance(data, dict):
        raise VariantError(f"{ASSIGNED_ENV} is not a JSON object (slug → code)")
    return {str(slug): check_code(code) for slug, code in data.items()}


def variant_claims(sub: Any, slugs: list[str],
                   assigned: dict[str, str] | None = None) -> dict[str, dict[str, Any]]:
    """Each exercise's variant record for this submission (slug → ``{"code", maybe
    "claimed", "problem"}``): the ``variant.toml`` claim, or the assigned code with any
    other claim refused; exercises with neither are left out."""
    from grader.course.variants import VARIANT_FILE, read_claim

    assigned = assigned or {}
    out: dict[str, dict[str, Any]] = {}
    for slug in slugs:
        folder = _folder(sub, slug)
        found = read_claim(folder) if folder is not None else None
        code = assigned.get(slug)
        if code is None:
            if found is not None:
                out[slug] = found.record()
            continue
        entry: dict[str, Any] = {"code": code}
        if found is not None and found.code != code:
            entry["claimed"] = found.code
            entry["problem"] = found.problem or (
                f"{VARIANT_FILE} names variant {found.code}, which is not yours: graded with "
                f"your own, {code} (run `calcgrade variant {slug} --code {code} --write`)")
        out[slug] = entry
    return out


def codes_of(claims: dict[str, dict[str, Any]]) -> dict[str, str]:
    """slug → the code graded (the claims with a code)."""
    return {s: c["code"] for s, c in claims.items() if isinstance(c.get("code"), str)}


def finish(sub: Any, res: Any, claims: dict[str, dict[str, Any]], *,
           function: str | None, enabled: list[str]) -> None:
    """After the code is judged: each exercise's variant (or the one line saying that the
    course has variants and none was given), then its questions, judged under it."""
    from grader.judge.questions import add_question_results, read_answers_file

    for ex in res.exercises:
        if ex.slug in claims:
            ex.variant = dict(claims[ex.slug])
        elif ex.slug in enabled:
            ex.variant = {"code": None, "problem": NO_VARIANT.format(slug=ex.slug)}
    if function is None:
        answers = {}
        for ex in res.exercises:
            folder = _folder(sub, ex.slug)
            data = read_answers_file(folder) if folder is not None else None
            if data is not None:
                answers[ex.slug] = data
        add_question_results(res, answers)


def grade_with_questions(grade_code: Callable[..., list], submissions: list, slugs: Any, *,
                         seed: int, **options: Any) -> list:
    from grader.course.spec import all_slugs
    from grader.course.variants import activate, enabled_slugs, spec_for

    chosen = list(slugs) if slugs else all_slugs()
    with_variants = [s for s in chosen if spec_for(s) is not None]
    enabled = enabled_slugs() if with_variants else []
    assigned = assigned_codes()
    groups: dict[tuple, list[int]] = {}
    claims: list[dict[str, dict[str, Any]]] = []
    for i, sub in enumerate(submissions):
        claim = variant_claims(sub, with_variants, assigned)
        claims.append(claim)
        groups.setdefault(tuple(sorted(codes_of(claim).items())), []).append(i)
    out: list[Any] = [None] * len(submissions)
    for codes, members in groups.items():
        with activate(dict(codes)):
            results = grade_code([submissions[i] for i in members], slugs, seed=seed, **options)
        for i, res in zip(members, results):
            out[i] = res
    for sub, res, claim in zip(submissions, out, claims):
        finish(sub, res, claim, function=options.get("function"), enabled=enabled)
    return out
