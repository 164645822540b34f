"""The wire format: plain data only, validated on the way in."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from grader.sandbox import plain


def roundtrip(value):
    return plain.decode(plain.encode(value))


def test_numbers_arrays_and_expressions_roundtrip():
    x = sympy.Symbol("x")
    out = roundtrip({"a": 1, "b": [1.5, float("nan")], "c": np.arange(6.0).reshape(2, 3),
                     "d": 3 * x**2, "e": sympy.Matrix([[x, 1]]), "f": (True, None)})
    assert out["a"] == 1 and np.isnan(out["b"][1])
    assert out["c"].shape == (2, 3) and out["c"].dtype == np.float64
    assert isinstance(out["d"], plain.ExprText) and out["d"] == "3*x**2"
    assert out["e"] == [["x", "1"]] and out["f"] == (True, None)


def test_numeric_and_symbolic_dict_keys():
    out = roundtrip({0: "maximum", sympy.Rational(4, 3): "minimum"})
    keys = sorted(out, key=str)
    assert isinstance(keys[0], plain.NumericKey) and keys[0] == 0.0
    assert isinstance(keys[1], plain.ExprText) and keys[1] == "4/3"


@pytest.mark.parametrize("value, message", [
    (np.array([object()], dtype=object), "dtype object"),
    (lambda: 0, "returned a function"),
    (np.zeros(plain.MAX_ARRAY_ELEMENTS + 1, dtype=np.int8), "more than"),
    ("x" * (plain.MAX_TEXT + 1), "longer than"),
])
def test_unsupported_answers_are_refused(value, message):
    with pytest.raises(plain.Unsupported, match=message):
        plain.encode(value)


@pytest.mark.parametrize("tree", [
    {"__array__": {"dtype": "object", "shape": [1], "data": ""}},
    {"__array__": {"dtype": "float64", "shape": [3], "data": "AAAA"}},
    {"__float__": "1e999"},
    {"__pickle__": "gASV"},
    {"__expr__": 5},
    [1, 2],
])
def test_malformed_trees_are_rejected(tree):
    with pytest.raises(ValueError):
        plain.decode(tree)


def test_frames_are_size_checked_and_corruption_detected():
    reader = plain.FrameReader()
    data = plain.frame({"event": "done"})
    assert reader.feed(data[:3]) == [] and reader.feed(data[3:]) == [{"event": "done"}]
    bad = plain.FrameReader()
    bad.feed((plain.MAX_FRAME + 1).to_bytes(4, "big"))
    assert "larger than allowed" in bad.broken
    junk = plain.FrameReader()
    junk.feed((3).to_bytes(4, "big") + b"{{{")
    assert "corrupt" in junk.broken
