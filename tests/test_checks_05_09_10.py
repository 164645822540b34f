"""Exercises 05, 09 and 10 through the grader: equivalent answers pass, plausible wrong ones
fail with a useful message, hard-coded answers do not earn the points of general ones.

Every submission (tests/alt, tests/wrong, a few hard-coded answers written here, the
reference) is graded in one batch; the self-test over several seeds is marked slow.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import overlay

from grader.course.spec import load_exercise
from grader.judge.engine import Submission, grade

HERE = Path(__file__).parent
ROOT = HERE.parent
SLUGS = ["05_backprop", "09_perceptron_regression", "10_perceptron_classification"]
SEED = 77
CASES = [(kind, slug, f) for kind in ("alt", "wrong") for slug in SLUGS
         for f in sorted((HERE / kind / slug).glob("*.py"))]

# Answers that would fit the task statement's example or the usual shapes, and nothing else.
HARD_CODED = {
    ("05_backprop", "init_fixed_sizes"): '''
def init_params(sizes=(2, 8, 8, 1), seed=0):
    rng = np.random.default_rng(seed)
    shapes = {"W1": (2, 8), "b1": (8,), "W2": (8, 8), "b2": (8,), "W3": (8, 1), "b3": (1,)}
    return {k: rng.standard_normal(s) / 3 if k[0] == "W" else np.zeros(s) for k, s in shapes.items()}
''',
    ("05_backprop", "loss_fixed_n"): '''
def loss(y_hat, y):
    p = np.clip(y_hat, 1e-15, 1 - 1e-15)
    return float(-np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / 200)
''',
    ("09_perceptron_regression", "one_output_only"): '''
def layer_sizes(X, Y):
    return (np.shape(X)[0], 1)


def backward_propagation(Y_hat, X, Y):
    m = X.shape[1]
    dZ = Y_hat - Y
    return {"dW": dZ @ X.T / m, "db": np.array([[np.sum(dZ) / m]])}
''',
    ("10_perceptron_classification", "fixed_line"): '''
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    return {"W": np.array([[1.0, -1.0]]), "b": np.array([[0.0]])}
''',
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("subs")
    subs = []
    for kind, slug, f in CASES:
        folder = overlay(slug, f, tmp / f"{kind}-{slug}-{f.stem}")
        subs.append(Submission(f"{kind}/{slug}/{f.stem}", {slug: folder / slug / "solution.py"}, [slug]))
    for (slug, name), text in HARD_CODED.items():
        extra = tmp / f"{name}.py"
        extra.write_text(text)
        folder = overlay(slug, extra, tmp / f"hard-{slug}-{name}")
        subs.append(Submission(f"hard/{slug}/{name}", {slug: folder / slug / "solution.py"}, [slug]))
    subs.append(Submission("reference", {s: ROOT / "reference" / f"{s}.py" for s in SLUGS}))
    return {r.submission: r for r in grade(subs, SLUGS, seed=SEED)}


def test_reference_scores_full_marks(graded):
    r = graded["reference"]
    assert [c.id for c in r.checks if not c.passed] == [] and r.points == r.max_points


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
    assert all(len(c.message) > 15 and "internal grader error" not in c.message
               and "could not be judged" not in c.message for c in failing)


@pytest.mark.parametrize("name, check_id, text", [
    ("dW1_transposed", "05_backprop/backward/different_widths", "that is the transpose"),
    ("bias_mean_not_sum", "05_backprop/backward/square_layers", "b1, b2, b3 are 1/48 of the expected"),
    ("sign_error", "05_backprop/backward/square_layers", "opposite sign"),
    ("jacobian_transposed", "05_backprop/hidden_jacobian", "rows are the outputs"),
    ("jacobian_without_derivative", "05_backprop/hidden_jacobian", "your Jacobian is W.T"),
    ("db_mean_over_all", "09_perceptron_regression/backward_propagation/budgets", "db is 1/60"),
    ("db_mean_over_all", "09_perceptron_regression/nn_model/one_feature", "not the least-squares"),
    ("forward_without_bias", "09_perceptron_regression/forward_propagation", "leave out the bias"),
    ("gradient_ascent", "09_perceptron_regression/update_parameters", "you added the gradient"),
    ("gradient_ascent", "09_perceptron_regression/nn_model/two_features", "training diverged"),
    ("init_b_wrong_shape", "09_perceptron_regression/initialize_parameters", "the transpose"),
    ("labels_swapped_in_cost", "10_perceptron_classification/compute_cost", "wrong log"),
    ("predict_threshold_zero", "10_perceptron_classification/predict", "every point got label 1"),
    ("squared_error_gradient", "10_perceptron_classification/backward_propagation/clusters",
     "gradients of the squared error"),
])
def test_specific_messages(graded, name, check_id, text):
    slug = check_id.split("/")[0]
    c = next(c for c in graded[f"wrong/{slug}/{name}"].checks if c.id == check_id)
    assert not c.passed and text in c.message, c.message


@pytest.mark.parametrize("slug, name, check_id, text", [
    ("05_backprop", "init_fixed_sizes", "05_backprop/init_params", "has shape"),
    ("05_backprop", "loss_fixed_n", "05_backprop/loss", "expected"),
    ("09_perceptron_regression", "one_output_only", "09_perceptron_regression/layer_sizes",
     "expected (n_x, n_y)"),
    ("09_perceptron_regression", "one_output_only",
     "09_perceptron_regression/backward_propagation/several_outputs", "has shape"),
    ("10_perceptron_classification", "fixed_line", "10_perceptron_classification/nn_model",
     "fresh points correctly"),
])
def test_hard_coded_answers_lose_the_points(graded, slug, name, check_id, text):
    c = next(c for c in graded[f"hard/{slug}/{name}"].checks if c.id == check_id)
    assert not c.passed and text in c.message, c.message


@pytest.mark.parametrize("slug", SLUGS)
def test_inputs_change_with_the_seed(slug):
    """Shapes or data of every check differ between two seeds: nothing can be memorised."""
    for check in load_exercise(slug).checks:
        a, b = check.make_inputs(1), check.make_inputs(2)
        assert _fingerprint(a) != _fingerprint(b), check.id
        assert _fingerprint(a) == _fingerprint(check.make_inputs(1)), check.id


def _fingerprint(inputs: dict) -> str:
    parts = []
    for key in sorted(inputs):
        value = inputs[key]
        values = value.values() if isinstance(value, dict) else [value]
        for v in values:
            arr = np.asarray(v)
            parts.append(f"{key}{arr.shape}{np.round(arr.astype(float), 12).tobytes().hex()[:400]}")
    return "|".join(parts)


def test_padded_gradients_equal_the_plain_ones():
    """The one-compile trick of the gradient checks changes nothing in the numbers."""
    import jax

    from grader.judge.engine import load_reference
    from grader.judge.gradcheck import jax_grad
    from grader.judge.perceptron_checks import padded_gradient

    rng = np.random.default_rng(3)
    ref = load_reference("10_perceptron_classification")
    params = {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal((2, 1))}
    X, Y = rng.standard_normal((3, 60)), (rng.random((2, 60)) < 0.5).astype(float)
    padded = padded_gradient(ref.cost_fn, params, X, Y)
    with jax.enable_x64(True):
        plain = jax.grad(ref.cost_fn)(params, X, Y)
    np.testing.assert_allclose(padded["dW"], plain["W"], rtol=1e-12)
    np.testing.assert_allclose(padded["db"], plain["b"], rtol=1e-12)
    ex = load_exercise("05_backprop")
    check = next(c for c in ex.checks if c.case == "different_widths")
    inputs = check.make_inputs(4)
    got = check.expect(load_reference("05_backprop"), inputs)
    direct = jax_grad(load_reference("05_backprop").loss_fn, inputs["params"], inputs["X"], inputs["y"])
    for k in direct:
        np.testing.assert_allclose(got[k], direct[k], rtol=1e-12, atol=1e-15)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2024, 31337])
def test_selftest_passes(seed):
    out = subprocess.run([sys.executable, "-m", "grader.cli.main", "selftest", *SLUGS, "--seed", str(seed)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0 and "selftest passed" in out.stdout, out.stdout[-3000:]
