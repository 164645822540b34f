"""Exercises 05, 09 and 10: inputs change with the seed, the padded gradients equal the
plain ones, and (slow) the self-test over several seeds. Their example answers (equivalent,
wrong, hard-coded) are data under tests/cases/, graded by tests/test_cases.py."""
from __future__ import annotations

from pathlib import Path

import inprocess
import numpy as np
import pytest

from grader.course.spec import load_exercise

ROOT = Path(__file__).parent.parent
SLUGS = ["05_backprop", "09_perceptron_regression", "10_perceptron_classification"]
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


def test_remembered_descents_are_the_descents_from_scratch():
    """05's judge remembers gradient-descent trajectories (judging a train answer asks for
    the same ones again and again): whatever the order of the asks, every answer has the
    bits of a descent from scratch, a change of rate or start is another descent, and a
    caller's change to what it got stays its own."""
    import importlib.util
    import itertools

    spec = importlib.util.spec_from_file_location(
        "checks_05_memo", ROOT / "exercises" / "05_backprop" / "checks.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    rng = np.random.default_rng(0)
    start = m._random_params(rng, (2, 5, 4, 1))
    X, y = m._points(rng, 30)
    inputs = {"X": X, "y": y, "epochs": 7, "learning_rate": 0.3}

    def scratch(begin, n, rate):
        p = {k: np.array(begin[k]) for k in m.KEYS}
        for _ in range(n):
            g = m._backprop(p, X, y)
            p = {k: p[k] - rate * g[k] for k in m.KEYS}
        return p

    for order in itertools.permutations([0, 6, 7, 8, 40]):
        m._TRAJECTORIES.clear()
        for n in order:
            got, want = m._descent(start, inputs, epochs=n), scratch(start, n, 0.3)
            assert all(np.array_equal(got[k], want[k]) for k in m.KEYS), (order, n)
    other = {**start, "b3": start["b3"] + 1e-3}
    for begin, rate in ((start, 0.5), (other, 0.3)):
        got = m._descent(begin, inputs, epochs=7, rate=rate)
        assert all(np.array_equal(got[k], scratch(begin, 7, rate)[k]) for k in m.KEYS)
    got["W1"][:] = 0
    assert not np.array_equal(m._descent(other, inputs, epochs=7)["W1"], got["W1"])
    assert len(m._TRAJECTORIES) <= m._KEEP_TRAJECTORIES


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 31337])
def test_selftest_passes(seed):
    out = inprocess.calcgrade(["selftest", *SLUGS, "--seed", str(seed)], cwd=ROOT)
    assert out.returncode == 0 and "selftest passed" in out.stdout, out.stdout[-3000:]


def test_selftest_passes_at_the_whole_course_seed(whole_course_selftest):
    """Seed 2024: the whole-course selftest's lines about these exercises (run once per
    test run, shared with tests/test_selftest.py)."""
    run = whole_course_selftest(2024)
    assert run.failures_for(SLUGS) == [], run.stdout[-3000:]
