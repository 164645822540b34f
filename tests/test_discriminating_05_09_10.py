"""Exercises 05, 09 and 10: the discriminating checks catch their wrong answers on every
seed, and the correct answers pass them on every seed (calcgrade issue 11).

Each wrong answer is a case under ``tests/cases/<slug>/<case>/`` (or a catalogued
mistake's example under ``reference/mistakes/``), appended to the reference as the
grader's tests do. For SEEDS, every check a row names is run on it the way the sandbox
runs it (public inputs through the wire encoding, the answer back through the wire
format) and judged by the grader's own ``judge_value``: it must fail on every seed, with
the catalogued mistake when the row names one. The correct answers (the reference and
every full-marks case of these exercises) must pass every check of the exercise on every
seed (but 05's slow accuracy check, NOT_SWEPT). ``tests/test_cases.py`` grades the same cases end to end in the sandbox (one seed).
The files are the project's own test data, so they run in this process.
"""
from __future__ import annotations

import os
import types
from pathlib import Path

import pytest
from case_data import cases

os.environ.setdefault("JAX_ENABLE_X64", "1")

from grader.course.spec import load_exercise, public  # noqa: E402
from grader.judge.engine import judge_value  # noqa: E402
from grader.sandbox.inputs import decode_inputs, encode_inputs  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# three seeds in the suite; a deeper sweep: CALCGRADE_SWEEP_SEEDS=1,2,3,4,5,2024,31337
SEEDS = tuple(int(x) for x in os.environ.get("CALCGRADE_SWEEP_SEEDS", "1,2,2024").split(","))
S05, S09, S10 = "05_backprop", "09_perceptron_regression", "10_perceptron_classification"
MISTAKES = ROOT / "reference" / "mistakes"

# (exercise, case folder or "mistakes/<file>", check id after the slug, mistake id or None)
WRONG = [
    (S05, "forward_squeeze", "forward", None),
    (S05, "backward_finite_difference", "backward/square_layers", "numerical_gradient"),
    (S05, "backward_finite_difference", "backward/different_widths", "numerical_gradient"),
    (S05, "mistakes/extra_sigmoid_derivative.py", "backward/square_layers", "extra_sigmoid_derivative"),
    (S05, "mistakes/extra_sigmoid_derivative.py", "backward/different_widths", "extra_sigmoid_derivative"),
    (S05, "jacobian_finite_difference", "hidden_jacobian", "jacobian_finite_difference"),
    (S05, "train_ignores_epochs", "train/steps", "train_epochs_ignored"),
    (S05, "train_ignores_rate", "train/steps", "train_learning_rate_ignored"),
    (S05, "train_ignores_seed", "train/steps", "train_seed_ignored"),
    (S05, "train_one_epoch_short", "train/steps", "train_off_by_one"),
    (S05, "train_update_not_stored", "train/steps", "train_not_updated"),
    (S05, "train_minibatch_sgd", "train/steps", None),
    (S05, "train_momentum", "train/steps", None),
    (S05, "train_own_init", "train/steps", None),
    (S05, "train_default_epochs", "train/steps", None),
    (S05, "init_scaled_up", "init_params", None),
    (S05, "init_default_seed_1", "init_params", "init_default_seed"),
    (S09, "layer_sizes_one_output", "layer_sizes", None),
    (S09, "init_scale", "initialize_parameters", "init_not_the_stated_draw"),
    (S09, "init_default_seed_1", "initialize_parameters", "init_default_seed"),
    (S09, "nn_default_iterations", "nn_model/steps", None),
    (S09, "init_ignores_seed", "initialize_parameters", "init_ignores_seed"),
    (S09, "cost_mean_all_entries", "compute_cost/several_outputs", "cost_mean_over_entries"),
    (S09, "cost_first_row_only", "compute_cost/several_outputs", None),
    (S09, "nn_least_squares", "nn_model/steps", "steps_least_squares"),
    (S09, "nn_normal_equations", "nn_model/steps", "steps_least_squares"),
    (S09, "nn_ignores_iterations", "nn_model/steps", "steps_iterations_ignored"),
    (S09, "nn_ignores_rate", "nn_model/steps", "steps_learning_rate_ignored"),
    (S09, "nn_ignores_seed", "nn_model/steps", "steps_seed_ignored"),
    (S09, "nn_from_zeros", "nn_model/steps", "steps_from_zeros"),
    (S09, "nn_one_step_short", "nn_model/steps", "steps_off_by_one"),
    (S09, "nn_update_discarded", "nn_model/steps", "steps_not_updated"),
    (S09, "nn_trained_longer", "nn_model/steps", None),
    (S09, "nn_only_one_output", "nn_model/steps", None),
    (S10, "layer_sizes_one_output", "layer_sizes", None),
    (S10, "init_ignores_seed", "initialize_parameters", "init_ignores_seed"),
    (S10, "init_legacy_random", "initialize_parameters", "init_not_the_stated_draw"),
    (S10, "nn_default_rate", "nn_model/steps", None),
    (S10, "predict_threshold_z", "predict", "threshold_on_z"),
    (S10, "predict_threshold_06", "predict", None),
    (S10, "nn_memorised_line", "nn_model", "same_line_for_other_data"),
    (S10, "fixed_line", "nn_model", "same_line_for_other_data"),
    (S10, "nn_memorised_line", "nn_model/steps", None),
    (S10, "nn_ignores_iterations", "nn_model/steps", "steps_iterations_ignored"),
    (S10, "nn_ignores_rate", "nn_model/steps", "steps_learning_rate_ignored"),
    (S10, "nn_ignores_seed", "nn_model/steps", "steps_seed_ignored"),
    (S10, "nn_from_zeros", "nn_model/steps", "steps_from_zeros"),
    (S10, "nn_one_step_short", "nn_model/steps", "steps_off_by_one"),
    (S10, "nn_update_discarded", "nn_model/steps", "steps_not_updated"),
    (S10, "nn_trained_longer", "nn_model/steps", None),
]
# 05's accuracy check trains 2000 epochs (a jitted jax.grad answer: ~20 s per seed); it is
# not a discriminating check of its own and tests/test_cases.py runs it on every case.
NOT_SWEPT = {f"{S05}/train"}
CORRECT = [(slug, c.name) for slug in (S05, S09, S10) for c in cases(slug, "full_marks")]
CORRECT += [(slug, None) for slug in (S05, S09, S10)]  # the reference itself


def _module(slug: str, case: str | None) -> types.ModuleType:
    """The reference with the case's (or mistake example's) file appended."""
    source = (ROOT / "reference" / f"{slug}.py").read_text()
    if case is not None:
        extra = (MISTAKES / slug / case.split("/", 1)[1] if case.startswith("mistakes/")
                 else ROOT / "tests" / "cases" / slug / case / "solution.py")
        source += "\n\n# --- override ---\n" + extra.read_text()
    module = types.ModuleType(f"variant_{slug}_{(case or 'reference').replace('/', '_')}")
    exec(compile(source, f"<{slug}/{case}>", "exec"), module.__dict__)
    return module


def _verdicts(slug: str, case: str | None, check_ids: list[str]) -> dict:
    """{(check id, seed): CheckResult} for the variant, each check run as in the sandbox."""
    module = _module(slug, case)
    checks = {c.id: c for c in load_exercise(slug).checks}
    out = {}
    for check_id in check_ids:
        check = checks[f"{slug}/{check_id}"]
        for seed in SEEDS:
            inputs = decode_inputs(encode_inputs(public(check.make_inputs(seed))))
            out[check_id, seed] = judge_value(check, check.run(module, inputs), seed)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("slug,case,check_id,mistake", WRONG,
                         ids=[f"{s}/{c}/{k}" for s, c, k, _ in WRONG])
def test_wrong_answer_fails_on_every_seed(slug, case, check_id, mistake):
    for seed, result in ((s, r) for (_, s), r in _verdicts(slug, case, [check_id]).items()):
        assert result.status == "failed", (seed, result.status, result.message)
        assert "internal grader error" not in result.message and len(result.message) > 15
        if mistake is not None:
            assert result.mistake == mistake, (seed, result.mistake, result.message)


@pytest.mark.slow
@pytest.mark.parametrize("slug,case", CORRECT, ids=[f"{s}/{c or 'reference'}" for s, c in CORRECT])
def test_correct_answer_passes_every_check_on_every_seed(slug, case):
    ids = [c.id.split("/", 1)[1] for c in load_exercise(slug).checks if c.id not in NOT_SWEPT]
    failing = [(k, s, r.message) for (k, s), r in _verdicts(slug, case, ids).items() if not r.passed]
    assert not failing, failing


def test_every_wrong_case_of_the_table_exists():
    """The table names real files (a renamed case would silently test nothing)."""
    for slug, case, check_id, _ in WRONG:
        path = (MISTAKES / slug / case.split("/", 1)[1] if case.startswith("mistakes/")
                else ROOT / "tests" / "cases" / slug / case / "solution.py")
        assert path.is_file(), path
        assert f"{slug}/{check_id}" in {c.id for c in load_exercise(slug).checks}
