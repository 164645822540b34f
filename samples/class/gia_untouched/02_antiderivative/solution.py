"""02_antiderivative: antiderivatives, Riemann sums and the area function (see README.md)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp


def antiderivative() -> sp.Expr:
    """Return an antiderivative F of f(x) = 3x^2 - 4x, i.e. any F with F'(x) = f(x).

    Use the plain symbol ``sympy.Symbol("x")``. Any constant of integration (a number or
    a symbol such as C) is accepted; a SymPy expression or a string such as
    ``"x^3 - 2x^2"`` is accepted. Checked by differentiating your answer.
    """
    raise NotImplementedError


def riemann_sum(f: Callable, a: float, b: float, dx: float) -> float:
    """Approximate the integral of ``f`` from ``a`` to ``b`` (a < b) by a Riemann sum.

    Return the float sum of f(x_i) * dx over the left end points x_i = a, a + dx, ...,
    b - dx of the strips of width ``dx`` (b - a is a whole number of steps). ``f`` is
    vectorised. Checked on hidden functions against the exact integral, with a
    tolerance that shrinks with dx.
    """
    raise NotImplementedError


def area_function(f: Callable, xs) -> np.ndarray:
    """Return A with A[k] = integral of ``f`` from xs[0] to xs[k], accumulated numerically.

    ``xs`` is a sorted 1-D array of shape (n,) (its spacing may vary); ``f`` is
    vectorised. Return a float NumPy array of shape (n,) with A[0] = 0 exactly. The
    trapezoid rule is recommended. Checked against the exact antiderivative on hidden
    functions.
    """
    raise NotImplementedError
