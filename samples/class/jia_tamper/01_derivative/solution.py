"""Reference solution for 01_derivative: three ways to differentiate.

The running example is f(x) = x^3 - 2x^2 + 1. ``symbolic_derivative`` applies the rules
with SymPy, ``rate_of_change`` approximates f' numerically by a central difference, and
``autodiff_derivative`` lets JAX differentiate any scalar function written with
``jax.numpy``.
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp


def lesson_function() -> sp.Expr:
    """The exercise's f(x) = x^3 - 2x^2 + 1, in the plain symbol x."""
    x = sp.Symbol("x")
    return x**3 - 2 * x**2 + 1


def symbolic_derivative() -> sp.Expr:
    """f'(x) for f(x) = x^3 - 2x^2 + 1, by SymPy's rules: 3x^2 - 4x."""
    return sp.diff(lesson_function(), sp.Symbol("x"))


def rate_of_change(f: Callable, x, dx: float = 1e-6) -> np.ndarray:
    """f'(x) at every point of ``x`` by the central difference (f(x+dx) - f(x-dx)) / 2dx.

    ``f`` is vectorised (called once on a whole array); ``x`` may have any shape and the
    result has the same shape, as float64. The truncation error is about f'''(x) dx^2 / 6
    and the rounding error about eps |f(x)| / dx, both tiny for dx = 1e-6.
    """
    x = np.asarray(x, dtype=np.float64)
    change = np.asarray(f(x + dx), dtype=np.float64) - np.asarray(f(x - dx), dtype=np.float64)
    # A constant f may return a scalar: broadcast so the shape always matches x.
    return np.broadcast_to(change / (2 * dx), x.shape).copy()


def autodiff_derivative(f: Callable) -> Callable:
    """g with g(xs) = f'(xs) element-wise for a 1-D array ``xs``, by JAX.

    ``jax.grad(f)`` differentiates the scalar function f at one point; ``jax.vmap`` maps
    that over the array. ``f`` must be written with ``jax.numpy``.
    """
    derivative = jax.jit(jax.vmap(jax.grad(f)))

    def g(xs):
        # jax.grad needs floating inputs; the default float dtype is float64 under x64.
        return derivative(jnp.asarray(xs, dtype=jnp.result_type(float)))

    return g


# --- hand-written: tamper ---
# Hand-written tamper attempt: read the reference solution (through the grader's own
# paths, relative paths and absolute paths) and copy its answers; patch NumPy, SymPy and
# builtins so that "every comparison passes". None of it may work: the sandbox hides
# reference/, and judging happens in another process that never sees these patches.
import builtins
import os

import numpy as np
import sympy as sp

np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
sp.simplify = lambda expr, *args, **kwargs: sp.Integer(0)
builtins.abs = lambda value: 0


def _stolen_reference():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, *[".."] * up, "reference", "01_derivative.py")
                  for up in range(1, 6)]
    try:
        import grader.course.paths
        candidates.insert(0, str(grader.course.paths.reference_dir() / "01_derivative.py"))
    except Exception:
        pass
    for path in candidates:
        try:
            with open(path) as fh:
                return fh.read()
        except OSError:
            continue
    return None


_SOURCE = _stolen_reference()


def symbolic_derivative():
    if _SOURCE is not None:  # got the reference: run it and return its answer
        namespace = {}
        exec(_SOURCE, namespace)
        return namespace["symbolic_derivative"]()
    return "x^2"  # a wrong guess: the theft failed

