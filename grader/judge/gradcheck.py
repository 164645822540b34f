"""Gradients judged against JAX: the building blocks of the 05, 09 and 10 checks.

The expected gradient of a network or perceptron is ``jax.grad`` of the reference loss,
computed on the trusted side in float64 and compiled once per function and input shape
(``jax.jit``: an un-jitted first call of a small network's gradient costs ~6 s on a
2-core machine, a jitted one ~1 s). A student's gradients come back from the sandbox as a
dict of arrays and are compared array by array with a norm-wise relative error,
``‖got − expected‖ / ‖expected‖``, so one message can say *which* arrays are wrong, which
tells where in the chain rule the error entered.

Nothing here imports NumPy or JAX at import time (``calcgrade list`` stays instant).
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from grader.course.lazy import np
from grader.judge.answers import (
    NONFINITE_RULE,
    Verdict,
    WrongType,
    describe,
    fmt,
    nonfinite_mismatch,
    to_array,
)

_compiled: dict[tuple[int, str, Any], Callable] = {}


def _jitted(fn: Callable, transform: str, argnums: Any) -> Callable:
    """``jax.jit(jax.<transform>(fn))``, built once per function (jit caches per shape)."""
    import jax

    key = (id(fn), transform, argnums)
    if key not in _compiled:
        _compiled[key] = jax.jit(getattr(jax, transform)(fn, argnums=argnums))
    return _compiled[key]


def quiet(fn: Callable) -> Callable:
    """Run a judge or mistake matcher with NumPy's floating-point warnings off: a
    student's overflowing or NaN answer must be judged, not turned into a warning."""
    import functools

    @functools.wraps(fn)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapped


def _to_numpy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _to_numpy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_to_numpy(v) for v in tree)
    return np.asarray(tree, dtype=np.float64)


def jax_grad(fn: Callable, *args: Any, argnums: int = 0) -> Any:
    """``jax.grad(fn)(*args)`` in float64, as NumPy arrays (same tree as the argument)."""
    import jax

    with jax.enable_x64(True):
        args = tuple(_float64(a) for a in args)
        return _to_numpy(_jitted(fn, "grad", argnums)(*args))


def jax_jacfwd(fn: Callable, *args: Any, argnums: int = 0) -> Any:
    """``jax.jacfwd(fn)(*args)`` in float64, as a NumPy array. ``fn`` must be a
    module-level function (it is the cache key of the compiled Jacobian)."""
    import jax

    with jax.enable_x64(True):
        args = tuple(_float64(a) for a in args)
        return _to_numpy(_jitted(fn, "jacfwd", argnums)(*args))


def _float64(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _float64(v) for k, v in tree.items()}
    return np.asarray(tree, dtype=np.float64)


def relative_error(got: Any, expected: Any) -> float:
    """‖got − expected‖ / ‖expected‖ over the entries finite in both.

    NaNs and infinities follow ``assert_allclose``: an infinity matches only the same
    infinity at the same position, a NaN only a NaN there; any other NaN or infinity
    (the student's or the expected one) makes the error infinite, as do differing shapes.
    """
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if g.shape != e.shape or np.any(nonfinite_mismatch(g, e)):
        return float("inf")
    both = np.isfinite(g) & np.isfinite(e)
    with np.errstate(all="ignore"):
        return float(np.linalg.norm(g[both] - e[both])
                     / max(float(np.linalg.norm(e[both])), 1e-300))


def as_gradient_dict(got: Any, keys: Sequence[str], function: str) -> dict[str, Any]:
    """The student's gradients as {key: float array}, or WrongType saying what is missing."""
    if not isinstance(got, Mapping):
        raise WrongType(f"{function} must return a dict with keys {', '.join(keys)}; "
                        f"got {describe(got)}")
    missing = [k for k in keys if k not in got]
    if missing:
        have = ", ".join(map(str, got)) or "none"
        raise WrongType(f"the dict {function} returned has no key {missing[0]!r} "
                        f"(expected keys {', '.join(keys)}; yours: {have})")
    return {k: to_array(got[k]) for k in keys}


def gradients_match(got: Any, target: Mapping[str, Any], rtol: float = 1e-6) -> bool:
    """Mistake matcher core: every array of ``got`` equals ``target``'s, shapes included."""
    if not isinstance(got, Mapping) or any(k not in got for k in target):
        return False
    try:
        return all(relative_error(to_array(got[k]), target[k]) <= rtol for k in target)
    except WrongType:
        return False


def judge_gradients(got: Any, expected: Mapping[str, Any], *, function: str, rtol: float,
                    shape_of: Mapping[str, str] | None = None) -> Verdict:
    """Compare a dict of gradient arrays with JAX's, array by array.

    ``shape_of`` names, for each key, the parameter whose shape the gradient must have
    (``{"dW": "W"}``); by default the key itself. Shapes are checked first, each with a
    message of its own; then values, listing the arrays off by more than ``rtol``
    (norm-wise relative error) and the ones that are right.
    """
    keys = list(expected)
    grads = as_gradient_dict(got, keys, function)
    names = shape_of or {k: k for k in keys}
    for k in keys:
        g, e = grads[k], expected[k]
        if g.shape != e.shape:
            hint = ""
            if g.shape == e.shape[::-1] and len(e.shape) == 2:
                hint = (f"; that is the transpose: a gradient has the shape of its "
                        f"parameter, and {names[k]} has shape {e.shape}")
            elif g.size == e.size:
                hint = f"; reshape it to {names[k]}'s shape {e.shape}"
            raise WrongType(f"{function}()[{k!r}] has shape {g.shape}, expected "
                            f"{e.shape} (the shape of {names[k]}){hint}")
    errors = {k: relative_error(grads[k], expected[k]) for k in keys}
    detail = {"tolerance": {"relative_error_per_array": rtol},
              "relative_error": {k: fmt(v) for k, v in errors.items()}}
    bad = [k for k in keys if not errors[k] <= rtol]
    if not bad:
        return Verdict(True, detail=detail)
    detail.update({"expected": {k: fmt(expected[k]) for k in bad},
                   "got": {k: fmt(grads[k]) for k in bad}})
    special = _nonfinite_verdict(grads, expected, bad, function, detail)
    if special is not None:
        return special
    worst = max(bad, key=lambda k: errors[k])
    listed = ", ".join(f"{k} ({errors[k]:.3g})" for k in bad)
    right = [k for k in keys if k not in bad]
    message = (f"relative error above {rtol:g} in {listed}, compared with jax.grad of the "
               f"reference loss")
    if right:
        message += f"; {', '.join(right)} {'is' if len(right) == 1 else 'are'} right"
    ratio = _common_ratio(grads, expected, bad)
    verb = "is" if len(bad) == 1 else "are"
    if ratio is not None and abs(ratio + 1) <= 1e-6:
        message += (f" ({', '.join(bad)} {verb} exactly the expected value with the opposite "
                    "sign: the error is prediction minus label)")
    elif ratio is not None and 0 < ratio < 1 and abs(1 / ratio - round(1 / ratio)) < 1e-6:
        message += f" ({', '.join(bad)} {verb} 1/{round(1 / ratio)} of the expected value)"
    elif ratio is not None:
        message += f" ({', '.join(bad)} {verb} {ratio:.4g} times the expected value)"
    elif len(bad) > 1:
        message += f" (worst: {worst})"
    return Verdict(False, message, detail)


def _nonfinite_verdict(grads: Mapping[str, Any], expected: Mapping[str, Any],
                       bad: Sequence[str], function: str, detail: dict) -> Verdict | None:
    """The failure for the first wrong array whose NaNs or infinities differ from the
    expected ones (saying where), or None when every wrong array is merely off."""
    for k in bad:
        g, e = grads[k], np.asarray(expected[k], dtype=np.float64)
        mask = nonfinite_mismatch(g, e)
        if not mask.any():
            continue
        idx = tuple(int(i) for i in np.argwhere(mask)[0])
        where = f" at index {list(idx)}" if idx else ""
        detail["nonfinite_mismatch"] = {k: [[int(i) for i in p] for p in np.argwhere(mask)[:8]]}
        if np.isfinite(e[idx]):
            return Verdict(False, f"{function}()[{k!r}] contains NaN or infinite values{where}"
                           f": expected {e[idx]:.6g}, got {g[idx]:.6g}", detail)
        return Verdict(False, f"{function}()[{k!r}] does not match the expected NaN or "
                       f"infinite value{where}: expected {e[idx]:.6g}, got {g[idx]:.6g} "
                       f"({NONFINITE_RULE})", detail)
    return None


def _common_ratio(grads: Mapping[str, Any], expected: Mapping[str, Any],
                  keys: Sequence[str]) -> float | None:
    """When every wrong array is one common multiple of the right one, that multiple."""
    ratios = []
    for k in keys:
        e = np.asarray(expected[k]).ravel()
        g = np.asarray(grads[k]).ravel()
        if not (np.all(np.isfinite(e)) and np.all(np.isfinite(g))):
            return None  # no common multiple to speak of
        denom = float(e @ e)
        if denom == 0:
            return None
        r = float(g @ e) / denom
        if relative_error(g, r * e) > 1e-6:
            return None
        ratios.append(r)
    if (ratios and max(ratios) - min(ratios) <= 1e-6 * max(abs(r) for r in ratios)
            and abs(ratios[0] - 1) > 1e-3):
        return ratios[0]
    return None


def accuracy(labels: Any, truth: Any) -> float:
    """The fraction of labels equal to the truth (same shape)."""
    return float(np.mean(np.asarray(labels) == np.asarray(truth)))
