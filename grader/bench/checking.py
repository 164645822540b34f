"""Is a timed kernel's result right? A fast wrong kernel must be flagged, never ranked.

Results travel as plain trees (dicts, lists, arrays). :func:`thin` keeps at most
``MAX_CHECKED`` evenly strided elements of a large array (and its shape), so a result of
millions of values crosses the sandbox cheaply; the trusted side thins the expected
answer the same way before comparing. Comparisons are norm-wise, as gradient checks are:
``max|got − expected| / max|expected|`` per array, against a tolerance stated per kernel
and per dtype (float32 carries about 7 digits, float64 about 16).
"""
from __future__ import annotations

from typing import Any

import numpy as np

MAX_CHECKED = 1 << 18


def to_numpy(tree: Any) -> Any:
    """JAX/NumPy arrays, dicts, lists and tuples → NumPy arrays, dicts and lists."""
    if isinstance(tree, dict):
        return {k: to_numpy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [to_numpy(v) for v in tree]
    if hasattr(tree, "__array__") or isinstance(tree, (int, float, np.number)):
        return np.asarray(tree)
    return tree


def thin(tree: Any) -> Any:
    """The same tree with every large array cut to a strided sample (shape kept)."""
    if isinstance(tree, dict):
        return {k: thin(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [thin(v) for v in tree]
    if isinstance(tree, np.ndarray) and tree.size > MAX_CHECKED:
        stride = -(-tree.size // MAX_CHECKED)
        return {"thinned_shape": list(tree.shape), "stride": stride,
                "sample": np.ascontiguousarray(tree.reshape(-1)[::stride])}
    return tree


def float_dtype(tree: Any) -> str:
    """The dtype of the first floating array in the tree ('' when there is none)."""
    if isinstance(tree, dict):
        tree = list(tree.values())
    if isinstance(tree, list):
        for v in tree:
            found = float_dtype(v)
            if found:
                return found
        return ""
    if isinstance(tree, np.ndarray) and tree.dtype.kind in "fc":
        return tree.dtype.name
    return ""


def _describe(v: Any) -> str:
    if isinstance(v, np.ndarray):
        return f"an array of shape {v.shape}"
    if isinstance(v, dict):
        return "a dict with keys " + ", ".join(sorted(map(str, v)))[:200]
    return f"a {type(v).__name__}"


def _leaves(got: Any, expected: Any, path: str) -> list[tuple[str, Any, Any]]:
    """Pair up the arrays of two trees; raises ValueError on a different structure."""
    if isinstance(expected, dict) and "thinned_shape" in expected:
        if not (isinstance(got, dict) and got.get("thinned_shape") == expected["thinned_shape"]):
            raise ValueError(f"{path or 'the result'}: expected shape "
                             f"{tuple(expected['thinned_shape'])}, got {_describe(got)}")
        return [(path, got.get("sample"), expected["sample"])]
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(map(str, got)) != set(expected):
            raise ValueError(f"{path or 'the result'}: expected {_describe(expected)}, "
                             f"got {_describe(got)}")
        out = []
        for k in expected:
            out += _leaves(got[k], expected[k], f"{path}[{k!r}]")
        return out
    if isinstance(expected, list):
        if not isinstance(got, list) or len(got) != len(expected):
            raise ValueError(f"{path or 'the result'}: expected {len(expected)} items")
        out = []
        for i, (g, e) in enumerate(zip(got, expected)):
            out += _leaves(g, e, f"{path}[{i}]")
        return out
    g = np.asarray(got) if not isinstance(got, (dict, list, str)) else got
    if not isinstance(g, np.ndarray) or g.dtype.kind not in "biuf":
        raise ValueError(f"{path or 'the result'}: expected numbers, got {_describe(got)}")
    if g.shape != np.shape(expected):
        raise ValueError(f"{path or 'the result'}: expected shape {np.shape(expected)}, "
                         f"got {g.shape}")
    return [(path, g, np.asarray(expected))]


def _max_abs(a: np.ndarray) -> float:
    return float(np.max(np.abs(a))) if a.size else 0.0


def normwise_error(got: np.ndarray, expected: np.ndarray, scale: float | None = None) -> float:
    """max|got − expected| / scale (default: max|expected|); inf for non-finite values."""
    g, e = got.astype(np.float64), expected.astype(np.float64)
    if g.size == 0:
        return 0.0
    if not np.all(np.isfinite(g)):
        return float("inf")
    scale = scale or _max_abs(e) or 1.0
    return _max_abs(g - e) / scale


def normwise_check(got: Any, expected: Any, inputs: dict, tol: float) -> tuple[bool, float | None, str]:
    """Every array within ``tol``, relative to the largest expected value of the whole
    result (a parameter dict is one vector: a bias that should be 0 is not divided by 0).
    Returns (ok, worst error, message)."""
    try:
        pairs = _leaves(got, expected, "")
    except ValueError as exc:
        return False, None, f"wrong result: {exc}"
    scale = max((_max_abs(np.asarray(e, np.float64)) for _, _, e in pairs), default=0.0)
    worst, where = 0.0, ""
    for path, g, e in pairs:
        err = normwise_error(g, e, scale)
        if err > worst or (err != err):
            worst, where = err, path
    if worst <= tol:
        return True, worst, ""
    return False, worst, (f"wrong result{' in ' + where if where else ''}: relative error "
                          f"{worst:.2e} > tolerance {tol:.0e}")


def accuracy_check(got: Any, expected: Any, inputs: dict, tol: float) -> tuple[bool, float | None, str]:
    """Trained perceptron parameters: right shapes, accuracy within ``tol`` of the expected."""
    try:
        _leaves(got, expected, "")
    except ValueError as exc:
        return False, None, f"wrong result: {exc}"

    def accuracy(p: dict) -> float:
        X, Y = inputs["X"].astype(np.float64), inputs["Y"].astype(np.float64)
        z = np.asarray(p["W"], np.float64) @ X + np.asarray(p["b"], np.float64)
        return float(np.mean((z > 0) == (Y > 0.5)))

    want, have = accuracy(expected), accuracy(got)
    if have >= want - tol:
        return True, max(0.0, want - have), ""
    return False, want - have, (f"wrong result: training accuracy {have:.1%}, the reference "
                                f"reaches {want:.1%}")
