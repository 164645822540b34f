"""A check's inputs on their way into the sandbox: the public part, as plain data.

The trusted side draws a check's inputs from the seed (``check.make_inputs(seed)``) and
keeps all of them; the sandbox gets only what :func:`encode_inputs` lets through: every
key starting with ``_`` is dropped (judge-only data: hidden formulas, held-out points,
the parameters behind a data set), at any depth, and what is left becomes a JSON tree.
The sandbox never gets the seed. :func:`decode_inputs` rebuilds, on the sandbox side,
the dict that the check's ``call(solution, inputs)`` (or the default call) receives.

The tree (every JSON object in it has exactly one key, a tag starting with ``$``)::

    None, bool, int, str, finite float     as themselves
    list                                   a JSON list
    {"$float": "nan" | "inf" | "-inf"}     a non-finite float
    {"$complex": [re, im]}
    {"$tuple": [...]}
    {"$dict": {key: value}}                string keys only
    {"$array": {dtype, shape, data}}       a NumPy array of a numeric dtype (as in plain)
    {"$farray": {dtype, shape, data}}      one in Fortran order (e.g. a transpose), sent as its
                                           transpose and rebuilt as the same Fortran-order array
    {"$scalar": {dtype, shape, data}}      a NumPy scalar (np.float64(…), np.int64(…) …)
    {"$sympy": "<srepr text>"}             a SymPy expression, symbol or matrix
    {"$hidden": {...}}, {"$affine": {...}} a course object (grader.course.hidden.PLAIN_TYPES),
                                           its ``to_plain()`` encoded the same way

Anything else (a lambda, a closure, a JAX array, an object) raises ``TypeError`` naming
its key, so a check author learns at once that the input cannot be sent: hidden
functions go in as course objects such as ``hidden.Fn(h, "numpy")`` (``h.numpy()``),
which are callable on the trusted side too.

On the sandbox side, SymPy text is read with SymPy's own parser and course objects are
rebuilt with their ``from_plain``; both come from the trusted side, never from a
student. The trusted side never decodes sandbox output with this module (student
answers come back through :mod:`grader.sandbox.plain`).
"""
from __future__ import annotations

import math
from typing import Any

from grader.sandbox import plain

MAX_DEPTH = 20

_NUMERIC_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex


def encode_inputs(inputs: dict) -> Any:
    """Trusted side: the public part of ``inputs`` as a JSON-able tree.

    Drops every key starting with ``_`` (at any depth); raises ``TypeError`` naming the
    key of a value that cannot be sent.
    """
    if not isinstance(inputs, dict):
        raise TypeError(f"a check's inputs must be a dict, got {type(inputs).__name__}")
    return _encode(inputs, "", 0)


def decode_inputs(tree: Any) -> dict:
    """Sandbox side: the dict of public inputs a check's call receives.

    Arrays come back as (writable) NumPy arrays, SymPy text as SymPy objects, and course
    objects as the plain callables that student code is given (``Fn.function()``).
    """
    value = _decode(tree, 0)
    if not isinstance(value, dict):
        raise ValueError("the inputs must be a dict")
    return value


# -- encoding (trusted side) -----------------------------------------------------------

def _name(where: str) -> str:
    return f"input {where}" if where else "the inputs"


def _refuse(value: Any, where: str, why: str = "") -> TypeError:
    kind = type(value).__name__
    return TypeError(
        f"{_name(where)} is a {kind}{why}, which cannot be sent to the sandbox: public inputs "
        "must be numbers, strings, None, lists, tuples, dicts with string keys, NumPy arrays "
        "of numbers, SymPy expressions or course objects (a hidden function as "
        "grader.course.hidden.Fn, e.g. h.numpy()); keep judge-only data under a key "
        "starting with '_'")


def _encode(value: Any, where: str, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise TypeError(f"{_name(where)} is nested too deeply")
    if value is None or isinstance(value, (bool, str)):
        return value
    module = type(value).__module__ or ""
    if module == "numpy" and not isinstance(value, (list, tuple, dict)):
        return _encode_numpy(value, where)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _float(float(value))
    if isinstance(value, complex):
        return {"$complex": [_float(value.real), _float(value.imag)]}
    if isinstance(value, list):
        return [_encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{_name(where)} has a key of type {type(key).__name__} "
                                f"({key!r}): only string keys can be sent to the sandbox")
            if key.startswith("_"):
                continue  # judge-only
            out[key] = _encode(item, f"{where}[{key!r}]", depth + 1)
        return {"$dict": out}
    course = _course_types()
    if isinstance(value, tuple(course.values())):
        return {type(value).PLAIN_TAG: _encode(value.to_plain(), where, depth + 1)}
    if module.startswith("sympy"):
        return _encode_sympy(value, where)
    raise _refuse(value, where, " (a function?)" if callable(value) else "")


def _float(v: float) -> Any:
    return v if math.isfinite(v) else {"$float": repr(v)}


def _encode_numpy(value: Any, where: str) -> Any:
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.kind not in _NUMERIC_KINDS:
            raise _refuse(value, where, f" of dtype {value.dtype}")
        if value.ndim > 1 and value.flags.f_contiguous and not value.flags.c_contiguous:
            # a transposed array stays one (the same memory order, the same BLAS rounding)
            return {"$farray": plain.encode(value.T)["__array__"]}
        return {"$array": plain.encode(value)["__array__"]}
    if isinstance(value, np.generic) and np.dtype(type(value)).kind in _NUMERIC_KINDS:
        return {"$scalar": plain.encode(np.asarray(value))["__array__"]}
    raise _refuse(value, where)


def _encode_sympy(value: Any, where: str) -> Any:
    import sympy

    if isinstance(value, (sympy.Basic, sympy.MatrixBase)):
        return {"$sympy": sympy.srepr(value)}
    raise _refuse(value, where)


def _course_types() -> dict[str, type]:
    from grader.course import hidden

    return {cls.PLAIN_TAG: cls for cls in hidden.PLAIN_TYPES}


# -- decoding (sandbox side) -----------------------------------------------------------

def _decode(tree: Any, depth: int) -> Any:
    if depth > MAX_DEPTH + 2:
        raise ValueError("inputs nested too deeply")
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [_decode(v, depth + 1) for v in tree]
    if not isinstance(tree, dict) or len(tree) != 1:
        raise ValueError("malformed inputs")
    ((tag, value),) = tree.items()
    if tag == "$dict":
        if not isinstance(value, dict):
            raise ValueError("malformed dict in the inputs")
        return {str(k): _decode(v, depth + 1) for k, v in value.items()}
    if tag == "$tuple":
        return tuple(_decode(v, depth + 1) for v in _list(value))
    if tag == "$float":
        if value not in ("nan", "inf", "-inf"):
            raise ValueError("malformed float in the inputs")
        return float(value)
    if tag == "$complex":
        re, im = _list(value)
        return complex(_decode(re, depth + 1), _decode(im, depth + 1))
    if tag == "$array":
        return plain.decode({"__array__": value})
    if tag == "$farray":
        return plain.decode({"__array__": value}).T
    if tag == "$scalar":
        return plain.decode({"__array__": value})[()]
    if tag == "$sympy":
        return _decode_sympy(value)
    course = _course_types()
    if tag in course:
        return course[tag].from_plain(_decode(value, depth + 1)).function()
    raise ValueError(f"unknown tag {tag!r} in the inputs")


def _list(value: Any) -> list:
    if not isinstance(value, list):
        raise ValueError("malformed list in the inputs")
    return value


def _decode_sympy(text: Any) -> Any:
    from sympy.parsing.sympy_parser import parse_expr

    if not isinstance(text, str):
        raise ValueError("malformed expression in the inputs")
    return parse_expr(text, transformations=())  # srepr text from the trusted side
