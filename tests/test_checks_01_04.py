"""Exercises 01–04 through the grader: equivalent answers pass, plausible wrong ones fail
with a useful message. Every file of tests/alt and tests/wrong is graded in one batch."""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import overlay

from grader.judge.engine import Submission, grade

HERE = Path(__file__).parent
SLUGS = ["01_derivative", "02_antiderivative", "03_gradient", "04_jacobian"]
CASES = [(kind, slug, f) for kind in ("alt", "wrong") for slug in SLUGS
         for f in sorted((HERE / kind / slug).glob("*.py"))]


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("subs")
    subs = []
    for kind, slug, f in CASES:
        folder = overlay(slug, f, tmp / f"{kind}-{slug}-{f.stem}")
        subs.append(Submission(f"{kind}/{slug}/{f.stem}", {slug: folder / slug / "solution.py"}, [slug]))
    return {r.submission: r for r in grade(subs, SLUGS, seed=77)}


@pytest.mark.parametrize("slug, name", [(s, f.stem) for k, s, f in CASES if k == "alt"])
def test_equivalent_answers_score_full_marks(graded, slug, name):
    r = graded[f"alt/{slug}/{name}"]
    failing = [f"{c.id}: {c.message}" for c in r.checks if not c.passed]
    assert not failing and r.points == r.max_points


@pytest.mark.parametrize("slug, name", [(s, f.stem) for k, s, f in CASES if k == "wrong"])
def test_wrong_answers_fail_with_a_message(graded, slug, name):
    r = graded[f"wrong/{slug}/{name}"]
    failing = [c for c in r.checks if not c.passed]
    assert failing, f"{name} passed every check"
    assert all(len(c.message) > 15 for c in failing)


@pytest.mark.parametrize("name, check_id, text", [
    ("flattened_output", "01_derivative/rate_of_change/2d_input", "of shape (3, 4), got shape (12,)"),
    ("definite_integral", "02_antiderivative/antiderivative", "is the constant -1"),
    ("swapped_partials", "03_gradient/numerical_gradient/lesson", "partial derivatives are off"),
    ("uniform_spacing_assumed", "02_antiderivative/area_function/uneven", "areas are off"),
    ("jax_transposed", "04_jacobian/jax_jacobian/2_to_3", "Jacobian is transposed"),
    ("variables_swapped", "04_jacobian/example_jacobian", "differs at"),
])
def test_specific_messages(graded, name, check_id, text):
    slug = check_id.split("/")[0]
    c = next(c for c in graded[f"wrong/{slug}/{name}"].checks if c.id == check_id)
    assert not c.passed and text in c.message
