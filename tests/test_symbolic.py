"""Equivalence: equivalent forms accepted, catalogued mistakes and near-misses rejected."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from grader.judge.answers import Expr, ExprArray, WrongType
from grader.judge.parse import parse_expression
from grader.judge.symbolic import equivalent

x, y = sympy.symbols("x y")


def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("text", [
    "3x^2 - 4x", "x(3x - 4)", "3*x**2 - 4*x", "-4x + 3x^2", "x*(3*x-4)", "(3x - 4)x",
    "3 x^2 - 2x - 2x", "0.5*(6x^2 - 8x)",
])
def test_equivalent_forms_of_the_derivative(text):
    assert equivalent(parse_expression(text), 3 * x**2 - 4 * x, {"x": (-3, 3)}, rng()).equal


@pytest.mark.parametrize("text", [
    "3x^2 - 4", "x^3 - 2x^2 + 1", "x^3 - 2x^2", "x^4/4 - 2x^3/3 + x",  # catalogued mistakes
    "3x^2 + 4x", "3x^2 - 4x + 1e-3", "3x^2 - 4.01x", "2x^2 - 4x", "3x^3 - 4x",  # near misses
])
def test_wrong_derivatives_are_rejected_with_a_counterexample(text):
    eq = equivalent(parse_expression(text), 3 * x**2 - 4 * x, {"x": (-3, 3)}, rng())
    assert not eq.equal
    assert set(eq.counterexample) == {"x", "expected", "got"}
    assert eq.counterexample["expected"] == pytest.approx(
        3 * eq.counterexample["x"] ** 2 - 4 * eq.counterexample["x"], rel=1e-9)


def test_symbols_match_by_name_whatever_their_assumptions():
    xr = sympy.Symbol("x", real=True, positive=True)
    assert equivalent(3 * xr**2, 3 * x**2, {"x": (-2, 2)}, rng()).equal


def test_simplification_confirms_equal_answers():
    eq = equivalent(sympy.sin(x) ** 2 + sympy.cos(x) ** 2, sympy.Integer(1), {"x": (-3, 3)}, rng())
    assert eq.equal and eq.proved


def test_cancellation_is_not_a_counterexample():
    # (1 - cos x)/x² loses all digits near 0 in floating point; 30 digits settle it
    a = (1 - sympy.cos(x)) / x**2
    b = 2 * sympy.sin(x / 2) ** 2 / x**2
    assert equivalent(a, b, {"x": (-1e-5, 1e-5)}, rng()).equal


def test_antiderivatives_are_judged_up_to_a_constant():
    answer = Expr(symbols=("x",), up_to_constant="x")
    expected = x**3 - 2 * x**2
    for text in ("x^3 - 2x^2", "x^3 - 2x^2 + 5", "x^3 - 2x^2 + C", "x(x^2 - 2x) + K"):
        assert answer.compare(text, expected, {}, rng()).passed, text
    for text in ("x^3 + 2x^2", "3x^3 - 4x^2", "6x - 4", "x^3 - 2x^2 + C*x"):
        verdict = answer.compare(text, expected, {}, rng())
        assert not verdict.passed and "derivative of your answer differs" in verdict.message


def test_domain_mismatch_has_its_own_message():
    # 2 log x agrees with log x² where it is defined, but is undefined for x < 0
    answer = Expr(symbols=("x",), domain={"x": (-2.0, 2.0)})
    verdict = answer.compare("2log(x)", sympy.log(x**2), {}, rng())
    assert not verdict.passed and "undefined at x =" in verdict.message


def test_points_where_the_reference_is_undefined_are_redrawn():
    # log is undefined for x <= 0: the domain straddles 0 but only x > 0 counts
    assert equivalent(parse_expression("log(x^2)/2"), sympy.log(sympy.Abs(x)),
                      {"x": (-2, 2)}, rng()).equal


def test_wrong_type_says_what_was_expected():
    with pytest.raises(WrongType, match="expected an expression in x"):
        Expr(symbols=("x",)).compare(np.array([1.0, 2.0]), x, {}, rng())
    with pytest.raises(WrongType, match="could not be read"):
        Expr(symbols=("x",)).compare("3x^^2", x, {}, rng())


def test_gradient_tuples_and_matrices():
    answer = ExprArray(shape=(2,), symbols=("x", "y"))
    assert answer.compare(["2x", "2y"], [2 * x, 2 * y], {}, rng()).passed
    assert answer.compare("2x, 2y", [2 * x, 2 * y], {}, rng()).passed
    verdict = answer.compare(["2y", "2x"], [2 * x, 2 * y], {}, rng())
    assert not verdict.passed and verdict.message.startswith("component 1 differs")
    with pytest.raises(WrongType, match="shape 2, got shape 3"):
        answer.compare(["2x", "2y", "0"], [2 * x, 2 * y], {}, rng())
    matrix = ExprArray(shape=(2, 3), symbols=("x",), kind="matrix")
    with pytest.raises(WrongType, match="rows are outputs, columns are inputs"):
        matrix.compare([["x", "x"], ["x", "x"], ["x", "x"]], [["x"] * 3] * 2, {}, rng())
