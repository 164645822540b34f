"""Reference solution for 02_antiderivative: antiderivatives and areas.

The running example is f(x) = 3x^2 - 4x, whose antiderivatives are x^3 - 2x^2 + C.
``riemann_sum`` uses the left-point rule on the grid a, a + dx, ..., b - dx;
``area_function`` accumulates the trapezoid rule along a sorted (possibly uneven) grid.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp


def lesson_function() -> sp.Expr:
    """The exercise's f(x) = 3x^2 - 4x, in the plain symbol x."""
    x = sp.Symbol("x")
    return 3 * x**2 - 4 * x


def antiderivative() -> sp.Expr:
    """An F with F' = 3x^2 - 4x: SymPy gives x^3 - 2x^2 (constant 0)."""
    return sp.integrate(lesson_function(), sp.Symbol("x"))


def left_grid(a: float, b: float, dx: float) -> np.ndarray:
    """The left end points a, a + dx, ..., a + (n-1) dx of n = round((b - a)/dx) strips.

    Rounding (rather than ``np.arange(a, b, dx)``) makes the number of strips immune to
    floating-point noise in (b - a)/dx, e.g. (1 - 0)/0.1 = 9.999999999999998.
    """
    n = int(round((b - a) / dx))
    return a + dx * np.arange(n)


def riemann_sum(f: Callable, a: float, b: float, dx: float) -> float:
    """Left Riemann sum of the vectorised ``f`` over [a, b]: sum of f(x_i) * dx.

    x_i = a + i dx for i = 0 .. n-1 with n = round((b - a) / dx), so (b - a) should be a
    whole number of steps. The error against the exact integral is about
    (dx / 2) (f(a) - f(b)) for small dx.
    """
    heights = np.asarray(f(left_grid(a, b, dx)), dtype=np.float64)
    return float(np.sum(heights) * dx)


def area_function(f: Callable, xs) -> np.ndarray:
    """A(x_k) = integral of f from xs[0] to xs[k], by the cumulative trapezoid rule.

    ``xs`` is a sorted 1-D grid (spacing may vary); ``f`` is vectorised. The result has
    the length of ``xs`` and starts at exactly 0. The error is about
    (x_k - x_0) h^2 max|f''| / 12 for spacing h.
    """
    xs = np.asarray(xs, dtype=np.float64)
    heights = np.broadcast_to(np.asarray(f(xs), dtype=np.float64), xs.shape)
    strips = (heights[1:] + heights[:-1]) / 2 * np.diff(xs)
    return np.concatenate(([0.0], np.cumsum(strips)))


# --- alternative: constant_symbol ---
# antiderivative with an explicit constant of integration C: any constant is accepted.


def antiderivative():
    x, C = sp.symbols("x C")
    return x**3 - 2 * x**2 + C

