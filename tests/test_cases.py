"""Every exercise's example answers through the grader, discovered from tests/cases/.

For each exercise (found by ``exercises/*/checks.py``) and each case folder
``tests/cases/<slug>/<case>/`` (see ``tests/case_data.py`` for the format): equivalent
answers score full marks, wrong ones fail with a message that is the grader's own (no
internal error), the failure messages named in ``expected.toml`` appear, and hard-coded
answers earn only the examples they copy. Each exercise's cases are graded in one batch,
the first time one of them is asked for.
"""
from __future__ import annotations

import pytest
from case_data import Case, cases
from case_grades import CASE_SEED, REFERENCE, case_results, same_worker

from grader.course.spec import all_slugs

SLUGS = all_slugs()
ALL = [c for slug in SLUGS for c in cases(slug)]


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """slug → {case name: Results}, grading an exercise's cases on first use (shared with
    the discriminating sweeps' batches of the same seed: tests/case_grades.py)."""
    scratch = tmp_path_factory.mktemp("cases")

    def results(slug: str) -> dict:
        return case_results(slug, CASE_SEED, [c.name for c in cases(slug)] + [REFERENCE],
                            scratch)
    return results


def test_every_exercise_has_cases():
    for slug in SLUGS:
        assert cases(slug, "full_marks"), f"{slug}: no tests/cases/{slug}/<case> with outcome full_marks"
        assert len(cases(slug, "fails")) >= 2, f"{slug}: fewer than two wrong answers in tests/cases"


@pytest.mark.parametrize("slug", [pytest.param(s, marks=same_worker(s)) for s in SLUGS])
def test_reference_scores_full_marks(graded, slug):
    r = graded(slug)[REFERENCE]
    assert r.points == r.max_points, [f"{c.id}: {c.message}" for c in r.checks if not c.passed]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=same_worker(c.slug)) for c in ALL])
def test_case(graded, case: Case):
    r = graded(case.slug)[case.name]
    by_id = {c.id: c for c in r.checks}
    if case.outcome == "full_marks":
        failing = [f"{c.id}: {c.message}" for c in r.checks if not c.passed]
        assert not failing and r.points == r.max_points, failing
    else:
        failing = [c for c in r.checks if not c.passed]
        assert failing, f"{case.id} passed every check"
        assert all(len(c.message) > 15 and "internal grader error" not in c.message
                   and "could not be judged" not in c.message for c in failing), \
            [f"{c.id}: {c.message}" for c in failing]
    for check_id, text in case.messages.items():
        assert check_id in by_id, f"{case.id}: no check {check_id}"
        c = by_id[check_id]
        assert not c.passed and text in c.message, f"{check_id}: {c.status}: {c.message}"
    for check_id in case.passes:
        assert by_id[check_id].passed, f"{check_id}: {by_id[check_id].message}"
    if case.fails_every is not None:
        others = [c for c in r.checks if c.id.startswith(case.fails_every) and c.id not in case.passes]
        assert others and not any(c.passed for c in others), [c.id for c in others if c.passed]
