"""The discriminating cases of exercises 01–04 do not depend on the seed (issue 11, item 2).

Each exercise has deterministic checks besides its random ones (x = 0 of the worked
example, a single number, [1, 1.3] with three strips, a zero partial derivative, few
directions, axes of length 1 …). The wrong answers below are caught by them on *every*
seed, with the message their ``expected.toml`` names, and the odd-but-correct answers
pass on every seed. The answers are the case folders of ``tests/cases/<slug>/`` (data,
as everywhere); this test grades the chosen ones on three seeds: the first in the sandbox,
one batch per exercise (test_cases.py's), the others in this process
(``case_results_here``, tests/case_grades.py).
"""
from __future__ import annotations

import os

import pytest
from case_data import Case, load_case
from case_grades import CASE_SEED, assert_graded_alike, case_results, case_results_here, same_worker
from conftest import ROOT

# three seeds in the suite (the first is test_cases.py's: its batch serves both); a deeper
# sweep: CALCGRADE_SWEEP_SEEDS=77,1,2,3,5,8
SEEDS = tuple(int(x) for x in os.environ.get("CALCGRADE_SWEEP_SEEDS",
                                             f"{CASE_SEED},1,2").split(","))
CASES = ROOT / "tests" / "cases"

WRONG = {
    "01_derivative": ("one_sided_difference", "step_proportional_to_x", "atleast_1d",
                      "finite_difference_under_jit", "autodiff_float32"),
    "02_antiderivative": ("arange_grid", "both_ends_included", "exact_integral_quad",
                          "trapezoid_riemann", "float32_sum", "gradient_weights",
                          "mean_spacing", "uniform_spacing_assumed"),
    "03_gradient": ("forward_difference", "relative_step", "normalised_gradient",
                    "linspace_directions", "ignores_n_directions", "jit_finite_difference",
                    "stops_one_short", "sin_cos_swapped", "swapped_partials"),
    "04_jacobian": ("squeezed", "jit_finite_difference", "float32", "jax_transposed"),
}
RIGHT = {
    "01_derivative": ("float32_and_forward_mode", "grad_in_a_loop", "five_point_stencil",
                      "grad_of_sum"),
    "02_antiderivative": ("right_sums_as_list", "cumulative_simpson", "midpoint_rule",
                          "left_cumulative_sum", "scipy_cumulative_trapezoid"),
    "03_gradient": ("float32_list_forward_search", "directional_via_gradient", "jacfwd",
                    "vectorised_stencil"),
    "04_jacobian": ("grad_per_output", "vmap_of_vjp", "jacrev"),
}
CHOSEN = [load_case(CASES / slug / name) for table in (WRONG, RIGHT)
          for slug, names in table.items() for name in names]
# graded here and in the sandbox on CASE_SEED: the other seeds are graded here only
ALIKE = {"01_derivative": ("finite_difference_under_jit", "autodiff_float32", "atleast_1d",
                           "grad_of_sum"),
         "02_antiderivative": ("float32_sum", "arange_grid", "scipy_cumulative_trapezoid"),
         "03_gradient": ("jit_finite_difference", "relative_step", "jacfwd"),
         "04_jacobian": ("squeezed", "float32", "vmap_of_vjp")}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """(case, seed) → Results: an exercise's chosen cases, on CASE_SEED in one sandboxed
    batch on the worker of its test_cases.py batch, on the other seeds in this process
    (tests/case_grades.py)."""
    scratch = tmp_path_factory.mktemp("discriminating")

    def results(case: Case, seed: int):
        how = case_results if seed == CASE_SEED else case_results_here
        return how(case.slug, seed, _batch(case.slug), scratch)[case.name]
    return results


def _batch(slug: str) -> list[str]:
    """The chosen cases of ``slug``, graded together on each seed."""
    return [c.name for c in CHOSEN if c.slug == slug]


@pytest.mark.parametrize("slug", [pytest.param(s, marks=same_worker(s)) for s in ALIKE])
def test_grading_in_this_process_gives_the_sandboxs_verdicts(tmp_path, slug: str) -> None:
    assert_graded_alike(slug, _batch(slug), list(ALIKE[slug]), tmp_path)


def test_every_wrong_case_names_the_checks_that_catch_it() -> None:
    for case in CHOSEN:
        assert case.outcome in ("fails", "full_marks"), case.id
        assert case.outcome == "full_marks" or case.messages, \
            f"{case.id}: a wrong variant names the check (and message) that catches it"


@pytest.mark.slow
@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=same_worker(c.slug))
                                  for c in CHOSEN])
def test_verdict_is_the_same_on_every_seed(graded, case: Case) -> None:
    for seed in SEEDS:
        r = graded(case, seed)
        by_id = {c.id: c for c in r.checks}
        if case.outcome == "full_marks":
            failing = [f"{c.id}: {c.message}" for c in r.checks if not c.passed]
            assert not failing, f"seed {seed}: {failing}"
            continue
        for check_id, text in case.messages.items():
            c = by_id[check_id]
            assert not c.passed and text in c.message, f"seed {seed}: {check_id}: {c.message}"
        for check_id in case.passes:
            assert by_id[check_id].passed, f"seed {seed}: {check_id}: {by_id[check_id].message}"
