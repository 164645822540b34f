"""Exercises 06–08: the discriminating checks catch their mistake on every seed, and the
odd-but-correct answers pass on every seed (calcgrade issue 11).

Each wrong answer below (a case under ``tests/cases/<slug>/<case>/``, the reference with the
slip appended) fails the named check on each of three seeds, with the catalogued mistake
named beside it when there is one; each correct variant scores full marks on the same
seeds. The seeds change every hidden input, so a check that catches a slip only on lucky
inputs fails this test. On the first seed one sandboxed batch per exercise (test_cases.py's),
on the others the same cases run in this process (``case_results_here``,
tests/case_grades.py), then judging.
"""
from __future__ import annotations

import os

import pytest
from case_data import CASES
from case_grades import CASE_SEED, assert_graded_alike, case_results, case_results_here, same_worker

# three seeds in the suite (the first is test_cases.py's: its batch serves both); a deeper
# sweep: CALCGRADE_SWEEP_SEEDS=77,1,2,3,4,5,2024,31337
SEEDS = tuple(int(x) for x in os.environ.get("CALCGRADE_SWEEP_SEEDS",
                                             f"{CASE_SEED},3,5").split(","))

# slug → [(case, check id that must fail, catalogued mistake id or None)]
WRONG = {
    "06_optimum": [
        ("stops_at_fourth_derivative", "critical_points/high_order", "derivative_test_stopped_early"),
        ("keeps_roots_outside_domain", "critical_points/outside_domain", "outside_domain"),
        ("third_derivative_means_minimum", "critical_points/high_order", "wrong_kind"),
        ("odd_order_extremum", "critical_points/high_order", "wrong_kind"),
    ],
    "07_svm": [
        ("six_line_typed_in", "six_point_line", "six_line_typed_in"),
        ("extra_points_constant", "extra_points_change_line", "extra_points_not_solved"),
        ("extra_points_constant", "extra_points_change_line/when_it_moves", "extra_points_not_solved"),
        ("more_points_move_line", "extra_points_change_line", "more_points_move_line"),
        ("extra_points_loose_tolerance", "extra_points_change_line/when_it_moves",
         "line_change_not_seen"),
        ("support_vectors_isclose", "support_vectors/near_margin", "not_a_support_vector"),
        ("support_vectors_exact_one", "support_vectors/near_margin", "missed_support_vector"),
        ("support_vectors_ignore_tol", "support_vectors/given_tol", "missed_support_vector"),
        ("support_vectors_abs_margin", "support_vectors/given_tol", "missed_support_vector"),
    ],
    "08_descent": [
        ("sgd_closed_form", "sgd", "sgd_closed_form"),
        ("sgd_same_order", "sgd", "sgd_same_order_every_epoch"),
        ("sgd_drops_last_batch", "sgd", "sgd_drops_last_batch"),
        ("sgd_array_split", "sgd", "sgd_array_split"),
        ("sgd_with_replacement", "sgd", None),
        ("regression_closed_form", "linear_regression_gd/hidden", "closed_form_not_descent"),
        ("regression_one_step_more", "linear_regression_gd/hidden", "one_step_off"),
        ("bfgs_typed_in", "bfgs_minimum", "bfgs_typed_in"),
        ("bfgs_without_jac", "bfgs_minimum", "bfgs_without_jac"),
        ("bfgs_nelder_mead", "bfgs_minimum", None),
        ("global_best_start_only", "find_global_minimum/1d", "best_start_only"),
        ("global_best_start_only", "find_global_minimum/2d", "best_start_only"),
        ("global_scipy_minimize", "find_global_minimum/few_steps", "minimum_found_another_way"),
        ("rate_first_eigenvalue", "max_stable_learning_rate/diagonal", None),
        ("clip_l1_norm", "clip_gradient/between_norms", "clip_changed_short_gradient"),
        ("clip_squared_norm", "clip_gradient/between_norms", "clip_changed_short_gradient"),
        ("gd_integer_path", "gradient_descent/integer_start", "path_in_integer_dtype"),
        ("l2_skips_intercept", "l2_gradient/hidden", "l2_skips_intercept"),
    ],
}

CORRECT = {
    "06_optimum": ["sign_change_test", "float_keys"],
    "07_svm": ["support_vectors_loop", "slsqp_loop_constraints", "trust_constr"],
    "08_descent": ["float32_lists_and_norms", "sgd_shuffle_and_split", "jax_and_splits",
                   "append_path", "power_iteration"],
}

SLUGS = tuple(WRONG)
# graded here and in the sandbox on CASE_SEED: the other seeds are graded here only
ALIKE = {"06_optimum": ("stops_at_fourth_derivative", "float_keys"),
         "07_svm": ("six_line_typed_in", "support_vectors_isclose", "trust_constr"),
         "08_descent": ("gd_integer_path", "bfgs_without_jac", "float32_lists_and_norms",
                        "jax_and_splits")}


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """(slug, seed) → {case: Results}: every listed case of an exercise, on CASE_SEED in
    one sandboxed batch on the worker of its test_cases.py batch, on the other seeds in
    this process (tests/case_grades.py)."""
    scratch = tmp_path_factory.mktemp("disc")

    def results(slug: str, seed: int) -> dict:
        how = case_results if seed == CASE_SEED else case_results_here
        return how(slug, seed, _batch(slug), scratch)
    return results


def _batch(slug: str) -> list[str]:
    """The cases of ``slug`` graded together on each seed."""
    return sorted({c for c, *_ in WRONG[slug]} | set(CORRECT[slug]))


@pytest.mark.parametrize("slug", [pytest.param(s, marks=same_worker(s)) for s in ALIKE])
def test_grading_in_this_process_gives_the_sandboxs_verdicts(tmp_path, slug: str) -> None:
    assert_graded_alike(slug, _batch(slug), list(ALIKE[slug]), tmp_path)


def _params(table):
    return [pytest.param(slug, *row, id=f"{slug}/{row[0]}/{row[1]}", marks=same_worker(slug))
            for slug, rows in table.items() for row in rows]


@pytest.mark.slow
@pytest.mark.parametrize("slug, case, check, mistake", _params(WRONG))
def test_wrong_variant_fails_on_every_seed(graded, slug, case, check, mistake):
    for seed in SEEDS:
        result = graded(slug, seed)[case]
        c = next(c for c in result.checks if c.id == f"{slug}/{check}")
        assert not c.passed, f"seed {seed}: {c.id} passed"
        assert "internal grader error" not in c.message and len(c.message) > 15, c.message
        if mistake is not None:
            assert c.mistake == mistake, f"seed {seed}: {c.id}: {c.mistake}: {c.message}"


@pytest.mark.slow
@pytest.mark.parametrize("slug, case", [pytest.param(s, c, id=f"{s}/{c}", marks=same_worker(s))
                                        for s, cases in CORRECT.items() for c in cases])
def test_correct_variant_passes_on_every_seed(graded, slug, case):
    for seed in SEEDS:
        result = graded(slug, seed)[case]
        failing = [f"{c.id}: {c.message}" for c in result.checks if not c.passed]
        assert not failing and result.points == result.max_points, (seed, failing)


def test_every_listed_case_exists():
    for slug in SLUGS:
        for name in _batch(slug):
            assert (CASES / slug / name / "solution.py").is_file(), f"{slug}/{name}"
