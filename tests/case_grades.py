"""Gradings of the case folders (``tests/cases/<slug>/<case>/``), shared by every test of
one process: test_cases.py grades all of an exercise's cases on its seed, the
discriminating sweeps grade some of them on that seed and two more. A (slug, seed) batch
is graded once, with what has not been graded yet, and the tests that share it run on one
pytest-xdist worker (:func:`same_worker`, the group of test_cases.py's batch).

On CASE_SEED a batch is graded end to end (:func:`case_results`: the sandbox, then the
judge); on the sweeps' other seeds, in this process (:func:`case_results_here`): each
check run on the case's file by the sandbox child's own code, the answer judged by the
engine. What a sweep varies is the seed — the checks' inputs and expected answers, so
the verdicts — not where the code runs, which CASE_SEED's batch and
tests/test_same_grade.py already show makes no difference; in one process, JAX compiles
a primitive once for every case and seed instead of once per sandboxed student."""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest
from case_data import CASES
from conftest import ROOT, overlay

from grader.judge.engine import Submission, grade, judge_student

CASE_SEED = 77           # test_cases.py's seed; the sweeps' first seed, so they share it
REFERENCE = "(reference)"  # not a case name: case names are folder names
_done: dict[tuple[str, int], dict] = {}
_here: dict[tuple[str, int], dict] = {}
_requested: dict = {}  # (check id, seed) -> its public inputs, as exercise_request keeps them


def same_worker(slug: str) -> pytest.MarkDecorator:
    """One worker grades an exercise's batches: every test that reads them goes there."""
    return pytest.mark.xdist_group(f"cases-{slug}")


def case_results(slug: str, seed: int, names: list[str], scratch: Path) -> dict:
    """{case name: Results} of ``names`` (case folder names, or REFERENCE) graded on
    ``seed``; the ones not graded yet in this process in one batch, under ``scratch``."""
    have = _done.setdefault((slug, seed), {})
    missing = [n for n in dict.fromkeys(names) if n not in have]
    if missing:
        subs = [Submission(n, {slug: _case_file(slug, n, scratch / f"{slug}-{seed}")}, [slug])
                for n in missing]
        have.update({r.submission: r for r in grade(subs, [slug], seed=seed)})
    return {n: have[n] for n in names}


def _case_file(slug: str, name: str, folder: Path) -> Path:
    """The file graded as case ``name`` (the reference plus the case's file, laid out
    under ``folder``; REFERENCE: the reference itself)."""
    if name == REFERENCE:
        return ROOT / "reference" / f"{slug}.py"
    return overlay(slug, CASES / slug / name / "solution.py", folder / name) / slug / "solution.py"


def case_results_here(slug: str, seed: int, names: list[str], scratch: Path) -> dict:
    """{case name: Results} of ``names`` graded on ``seed`` in this process: the case's
    file (the reference plus the case, as :func:`case_results` lays it out) imported as
    the sandbox's child imports it, each check run by the child's ``_run_one`` (public
    inputs through the wire encoding, the answer through the wire format, an exception
    as its message, the child's warning filters), judged by ``judge_student``; the
    inputs are the ones a request carries (``exercise_request``, drawn once per exercise
    and seed). Only for the project's own cases: no limits, no isolation."""
    from grader.course.spec import load_exercise
    from grader.judge.requests import exercise_request
    from grader.sandbox import child
    from grader.sandbox.client import ExerciseRaw, StudentRaw
    from grader.sandbox.raw import RawResult

    exercise = load_exercise(slug)
    have = _here.setdefault((slug, seed), {})
    for name in dict.fromkeys(names):
        if name in have:
            continue
        path = _case_file(slug, name, scratch / f"{slug}-{seed}-here")
        request = exercise_request(exercise, path, seed, cache=_requested)
        before = list(sys.path)
        sys.path.insert(0, str(path.parent))
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("default")
                module = child.import_solution(path)
                raw = ExerciseRaw()
                for index, (check, inputs) in enumerate(zip(exercise.checks, request.inputs)):
                    raw.results[index] = RawResult.from_wire(
                        child._run_one(check, module, inputs, path))
        finally:
            sys.path[:] = before
            sys.modules.pop("solution", None)
        have[name] = judge_student(StudentRaw(name, [raw]), [exercise], name=name, seed=seed,
                                   isolation="none")
    return {n: have[n] for n in names}


def verdicts(results) -> list[tuple]:
    """What a grading decided, check by check (not how long it took or what it printed)."""
    return [(c.id, c.status, c.points, c.mistake, c.message, c.case) for c in results.checks]


def assert_graded_alike(slug: str, names: list[str], sample: list[str], scratch: Path) -> None:
    """``sample``'s cases graded here give the verdicts their sandboxed CASE_SEED batch
    (of ``names``, the batch the sweep shares with test_cases.py) gave them."""
    sandboxed = case_results(slug, CASE_SEED, names, scratch)
    here = case_results_here(slug, CASE_SEED, sample, scratch)
    for name in sample:
        assert verdicts(here[name]) == verdicts(sandboxed[name]), name
