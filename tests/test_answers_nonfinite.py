"""NaN and infinities in every answer kind that compares numbers: assert_allclose's rule.

Identical infinities (same sign, same position) are equal, a NaN equals a NaN at the same
position, a finite value never equals an infinite one or a NaN, and the finite rest must
satisfy ``|got − expected| ≤ atol + rtol·|expected|``. ``numpy.testing.assert_allclose``
itself is the oracle for the array cases, so the table and NumPy cannot drift apart.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from grader.judge.answers import Close, Custom, Expr, ExprArray, OneOf, WrongType, compare_arrays
from grader.judge.gradcheck import judge_gradients, relative_error
from grader.judge.perceptron_checks import update_judge

INF, NAN = float("inf"), float("nan")
RNG = np.random.default_rng(0)


def allclose_agrees(got, expected, rtol: float, atol: float) -> bool:
    """numpy.testing.assert_allclose's verdict (equal_nan=True, its default)."""
    try:
        np.testing.assert_allclose(np.asarray(got, float), np.asarray(expected, float),
                                   rtol=rtol, atol=atol)
        return True
    except AssertionError:
        return False


# (got, expected, passes, words in the failure message)
SCALARS = [
    (INF, INF, True, ""),
    (-INF, -INF, True, ""),
    (NAN, NAN, True, ""),
    (5.0, INF, False, "expected NaN or infinity"),
    (-INF, INF, False, "expected inf, got -inf"),
    (INF, -INF, False, "expected -inf, got inf"),
    (NAN, INF, False, "expected inf, got nan"),
    (INF, NAN, False, "expected nan, got inf"),
    (1e308, INF, False, "got 1e+308"),
    (NAN, 1.5, False, "NaN or infinite"),
    (INF, 1.5, False, "NaN or infinite"),
    (1.5, 1.5, True, ""),
    (1.5 + 1e-8, 1.5, True, ""),
    (1.6, 1.5, False, "expected 1.5, got 1.6"),
]

ARRAYS = [
    ([1.0, INF, NAN, 3.0], [1.0, INF, NAN, 3.0], True, ""),
    ([1.0, -INF, 2.0], [1.0, -INF, 2.0], True, ""),
    ([1.0, 5.0, NAN, 3.0], [1.0, INF, NAN, 3.0], False,
     "1 of 4 values do not match the expected NaN or infinite values at index [1]: "
     "expected inf, got 5"),
    ([1.0, INF, 3.0], [1.0, -INF, 3.0], False, "at index [1]: expected -inf, got inf"),
    ([INF, 1.0], [1.0, INF], False, "1 of 2 values are NaN or infinite where finite values "
                                    "are expected; 1 of 2 values do not match the expected "
                                    "NaN or infinite values at index [0]"),
    ([NAN, 2.0], [2.0, NAN], False, "at index [0]: expected 2, got nan"),
    ([1.0, 2.0, 3.0], [1.0, 2.0, NAN], False, "at index [2]: expected nan, got 3"),
    ([1.0, INF, 2.5], [1.0, INF, 2.0], False, "1 of 3 values are off at index [2]"),
    ([5.0, 2.5], [INF, 2.0], False, "; 1 more is off by more than the tolerance"),
    ([[1.0, INF], [NAN, 0.0]], [[1.0, INF], [NAN, 0.0]], True, ""),
    ([[1.0, INF], [NAN, 0.0]], [[1.0, INF], [0.0, NAN]], False, "at index [1, 0]"),
]


@pytest.mark.parametrize("got, expected, passes, words", SCALARS + ARRAYS)
def test_compare_arrays(got, expected, passes, words):
    g, e = np.asarray(got, float), np.asarray(expected, float)
    verdict = compare_arrays(g, e, 1e-7, 0.0)
    assert verdict.passed is passes, verdict.message
    assert verdict.passed is allclose_agrees(got, expected, 1e-7, 0.0)
    assert words in verdict.message
    assert "NaN and infinities must match" in verdict.message or passes or \
        np.all(np.isfinite(g) == np.isfinite(e))


@pytest.mark.parametrize("got, expected, passes, words", SCALARS)
def test_close_scalar(got, expected, passes, words):
    verdict = Close(scalar=True).compare(got, expected, {}, RNG)
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message


@pytest.mark.parametrize("got, expected, passes, words", ARRAYS)
def test_close_array(got, expected, passes, words):
    verdict = Close(what="values").compare(got, np.asarray(expected), {}, RNG)
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message
    if not passes:
        assert verdict.detail["mismatched"].endswith(f"of {np.asarray(expected).size}")


def test_failure_detail_names_where_nonfinite_values_differ():
    verdict = compare_arrays(np.array([1.0, 5.0, 3.0, 2.0]), np.array([1.0, INF, NAN, 2.0]),
                             1e-7, 0.0)
    assert verdict.detail["nonfinite_mismatch"] == [[1], [2]]
    assert verdict.detail["worst_index"] == [1]
    assert verdict.detail["mismatched"] == "2 of 4"


@pytest.mark.parametrize("got, expected, passes, words", [
    (INF, sympy.oo, True, ""),
    (-INF, -sympy.oo, True, ""),
    (NAN, sympy.nan, True, ""),
    (5, sympy.oo, False, "expected oo, got 5"),
    (-INF, sympy.oo, False, "expected oo, got -oo"),
    (INF, sympy.Integer(3), False, "expected 3, got oo"),
    (NAN, sympy.Integer(3), False, "expected 3, got nan"),
    (3, sympy.Integer(3), True, ""),
])
def test_expr_constants(got, expected, passes, words):
    verdict = Expr(symbols=("x",)).compare(got, expected, {}, np.random.default_rng(1))
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message


@pytest.mark.parametrize("got, expected, passes, words", [
    ([INF, "2*x"], [sympy.oo, 2 * sympy.Symbol("x")], True, ""),
    ([NAN, 1], [sympy.nan, 1], True, ""),
    ([5, 1], [sympy.oo, 1], False, "component 1 differs: expected oo, got 5"),
    ([-INF, 1], [sympy.oo, 1], False, "component 1 differs: expected oo, got -oo"),
    ([1, INF], [1, 2], False, "component 2 differs: expected 2, got oo"),
    (["x", 1], [sympy.Symbol("x"), 1], True, ""),
])
def test_expr_array_entries(got, expected, passes, words):
    verdict = ExprArray(shape=(2,)).compare(got, expected, {}, np.random.default_rng(1))
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message


@pytest.mark.parametrize("got", [INF, NAN, np.array([INF])])
def test_one_of_refuses_numbers_with_a_clear_message(got):
    with pytest.raises(WrongType, match="expected one of 'maximum', 'minimum'"):
        OneOf(("maximum", "minimum")).compare(got, "maximum", {}, RNG)


def test_custom_judges_with_compare_arrays_follow_the_rule():
    judge = Custom(lambda got, expected, inputs, rng: compare_arrays(
        np.asarray(got, float), np.asarray(expected, float), 1e-9, 0.0))
    assert judge.compare([INF, 1.0], [INF, 1.0], {}, RNG).passed
    assert not judge.compare([5.0, 1.0], [INF, 1.0], {}, RNG).passed


# -- gradients (norm-wise relative error) --------------------------------------------------

@pytest.mark.parametrize("got, expected, error", [
    ([1.0, INF], [1.0, INF], 0.0),
    ([2.0, -INF], [1.0, -INF], 1.0),
    ([NAN, 2.0], [NAN, 2.0], 0.0),
    ([1.0, 5.0], [1.0, INF], INF),
    ([1.0, -INF], [1.0, INF], INF),
    ([NAN, 2.0], [1.0, 2.0], INF),
    ([1.0, 2.0], [NAN, 2.0], INF),
    ([INF, INF], [INF, INF], 0.0),
])
def test_relative_error(got, expected, error):
    assert relative_error(np.array(got), np.array(expected)) == error


@pytest.mark.parametrize("got, expected, passes, words", [
    ([1.0, INF], [1.0, INF], True, ""),
    ([NAN, 2.0], [NAN, 2.0], True, ""),
    ([1.0, 5.0], [1.0, INF], False, "grad()['dW'] does not match the expected NaN or infinite "
                                    "value at index [1]: expected inf, got 5"),
    ([1.0, -INF], [1.0, INF], False, "expected inf, got -inf"),
    ([1.0, NAN], [1.0, 2.0], False, "grad()['dW'] contains NaN or infinite values at index "
                                    "[1]: expected 2, got nan"),
])
def test_judge_gradients(got, expected, passes, words):
    verdict = judge_gradients({"dW": np.array(got)}, {"dW": np.array(expected)},
                              function="grad", rtol=1e-6)
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message


@pytest.mark.parametrize("W, passes, words", [
    ([[INF, 1.0]], True, ""),
    ([[5.0, 1.0]], False, "W: 1 of 2 entries of W do not match the expected NaN or infinite"),
    ([[-INF, 1.0]], False, "expected inf, got -inf"),
])
def test_perceptron_update_compares_like_assert_allclose(W, passes, words):
    params = {"W": np.array([[INF, 2.0]]), "b": np.zeros((1, 1))}
    grads = {"dW": np.array([[1.0, 1.0]]), "db": np.zeros((1, 1))}
    inputs = {"parameters": params, "grads": grads, "learning_rate": 1.0}
    expected = {"W": np.array([[INF, 1.0]]), "b": np.zeros((1, 1))}
    verdict = update_judge({"W": np.array(W), "b": np.zeros((1, 1))}, expected, inputs, RNG)
    assert verdict.passed is passes, verdict.message
    assert words in verdict.message
