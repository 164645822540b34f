"""Messages a student can act on (issue 11, item 4), table by table.

When numbers fail, the message shows the relative error and enough digits that expected
and got visibly differ; it recognises float32 results and says so; it names a constant
factor ("1/40 of the expected ones") and, when the factor is one of the check's numeric
inputs, that input; the hint is its own sentence; a figure the student's data breaks is
explained in words, not with matplotlib's exception text.
"""
from __future__ import annotations

import numpy as np
import pytest

from grader.judge.answers import Close, compare_arrays
from grader.judge.engine import with_hint
from grader.judge.numbers_text import diagnosis, looks_float32, pair_text
from grader.reports.plots import draw_error_sentence

E = np.array([1.0, -2.5, 3.25, 7.0])
X = np.array([0.1234567891234, 2.345678912345, -5.6789123456789])

# (got, expected, rtol, atol, params, text the message contains, text it must not contain)
ARRAY_MESSAGES = [
    (E / 40, E, 1e-7, 0.0, {}, "1/40 of the expected ones", "float32"),
    (E * 3, E, 1e-7, 0.0, {}, "3 times the expected ones", "float32"),
    (-E, E, 1e-7, 0.0, {}, "opposite sign", "times the expected ones, all"),
    (E * 2e-6, E, 1e-7, 0.0, {"dx": 1e-6}, "2·dx = 2e-06 times the expected ones: check how you use dx", ""),
    (E / 1e-3, E, 1e-7, 0.0, {"dx": 1e-3}, "1/dx = 1000 times", ""),
    (E * 2, E, 1e-7, 0.0, {"x": 2.0}, "2 times the expected ones", "check how you use x"),  # no coincidence
    (E * 1.5, E, 1e-7, 0.0, {}, "1.5 times the expected ones", ""),
    (X.astype(np.float32).astype(float), X, 1e-9, 0.0, {}, "float32 (single precision", "times the expected"),
    (E + [0, 0, 0, 1e-3], E, 1e-9, 0.0, {}, "relative error 0.00014", "float32"),
    (np.array([1.0, 2.0]), np.array([1.0, 0.0]), 1e-9, 0.0, {}, "absolute error 2", "relative error"),
    (E + 1, E, 1e-9, 0.0, {}, "4 of 4 values are off", "same factor"),  # an offset is not a factor
]


@pytest.mark.parametrize("got, expected, rtol, atol, params, contains, lacks", ARRAY_MESSAGES)
def test_array_messages(got, expected, rtol, atol, params, contains, lacks) -> None:
    verdict = compare_arrays(np.asarray(got), np.asarray(expected), rtol, atol, params=params)
    assert not verdict.passed
    assert contains in verdict.message, verdict.message
    if lacks:
        assert lacks not in verdict.message, verdict.message


# (expected, got, the two texts): the fewest digits (at least 6) that tell them apart
DIGITS = [
    (1.5, 1.6, ("1.5", "1.6")),
    (4.0, 4.5, ("4", "4.5")),
    (-6.33033201, -6.33033105, ("-6.330332", "-6.330331")),
    (2.1844712345678, 2.1844712345612, ("2.18447123457", "2.18447123456")),
    (1e-12, 2e-12, ("1e-12", "2e-12")),
]


@pytest.mark.parametrize("expected, got, texts", DIGITS)
def test_expected_and_got_visibly_differ(expected, got, texts) -> None:
    assert pair_text(expected, got) == texts
    message = compare_arrays(np.array(got), np.array(expected), 1e-15, 0.0).message
    assert f"expected {texts[0]}, got {texts[1]}" in message


# a scalar answer: only a factor equal to an input is worth saying
SCALARS = [
    (3.0, 3000.0, {"dx": 1e-3}, "Your answer is 1/dx = 1000 times the expected one: check how you use dx"),
    (3.0, 6.0, {"dx": 1e-3}, ""),
    (3.0, 3.3, {}, ""),
]


@pytest.mark.parametrize("expected, got, params, note", SCALARS)
def test_scalar_factor_named_only_when_it_is_an_input(expected, got, params, note) -> None:
    assert diagnosis(np.array(got), np.array(expected), "values", params) == note


FLOAT32 = [
    (X.astype(np.float32).astype(float), X, True),
    (np.array([2.0, 0.5, -4.0]), X, False),  # exact in any precision: not evidence
    (X, X + 1, False),  # float64 numbers
    (X.astype(np.float32).astype(float), (3 * X).astype(np.float32).astype(float), False),  # expected float32 too
    (np.array([np.nan]), X[:1], False),
]


@pytest.mark.parametrize("got, expected, flagged", FLOAT32)
def test_float32_is_recognised(got, expected, flagged) -> None:
    assert looks_float32(got, expected) is flagged


def test_close_names_a_parameter_of_the_check_inputs() -> None:
    expected = np.array([1.0, 4.0, 9.0])
    inputs = {"x": np.array([1.0, 2.0, 3.0]), "dx": 1e-6, "_secret": 1e-6}
    verdict = Close(rtol=1e-5).compare(expected * 2e-6, expected, inputs, np.random.default_rng(0))
    assert "check how you use dx" in verdict.message


HINTS = [
    ("expected 4, got 4.5 (relative error 0.12; tolerance rtol=1e-05, atol=0)", "Use the central difference.",
     "expected 4, got 4.5 (relative error 0.12; tolerance rtol=1e-05, atol=0). Hint: Use the central difference."),
    ("Your sum is off.", "Sum f(x)·dx.", "Your sum is off. Hint: Sum f(x)·dx."),
    ("wrong", "", "wrong"),
    ("", "Return jax.grad(f).", "Hint: Return jax.grad(f)."),
]


@pytest.mark.parametrize("message, hint, joined", HINTS)
def test_hint_is_a_sentence_of_its_own(message, hint, joined) -> None:
    assert with_hint(message, hint) == joined


DRAW_ERRORS = [
    (ValueError("x and y must have same first dimension, but have shapes (201,) and (12,)"),
     "the plot needs one value per grid point (201 of them) and your function returned 12"),
    (ValueError("could not convert string to float: 'a'"),
     "your function returned something that is not a list of numbers"),
    (KeyError("rate_of_change"), "your results have no 'rate_of_change' values to draw"),
    (RuntimeError("Agg failed"), "your values do not fit this plot"),
]


@pytest.mark.parametrize("exc, sentence", DRAW_ERRORS)
def test_a_figure_error_is_a_plain_sentence(exc, sentence) -> None:
    text = draw_error_sentence(exc)
    assert text.startswith(sentence) and type(exc).__name__ not in text
