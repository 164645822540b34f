"""03_gradient: partial derivatives, the gradient and steepest ascent (see README.md)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp


def gradient_expr() -> tuple[sp.Expr, sp.Expr]:
    """Return (df/dx, df/dy) for f(x, y) = x^2 + y^2, computed with SymPy.

    Use the plain symbols ``sympy.symbols("x y")``. A tuple of two SymPy expressions or
    two strings (such as ``("2x", "2y")``) is accepted. Checked symbolically.
    """
    raise NotImplementedError


def gradient_at_1_1() -> tuple[float, float]:
    """Return the gradient of f(x, y) = x^2 + y^2 at (x, y) = (1, 1) as two numbers."""
    raise NotImplementedError


def numerical_gradient(f: Callable, point, h: float = 1e-6) -> np.ndarray:
    """Approximate the gradient of f: R^n -> R at ``point`` by central differences.

    ``f`` takes ONE argument, a 1-D array of shape (n,), and returns a number.
    ``point`` has shape (n,). Component i is (f(p + h e_i) - f(p - h e_i)) / (2h), where
    e_i is the i-th unit vector. Return a float NumPy array of shape (n,).
    Checked on hidden functions (e.g. x^2 + y^3 at (2, 3) gives (4, 27)).
    """
    raise NotImplementedError


def steepest_ascent_direction(f: Callable, point, n_directions: int = 360) -> np.ndarray:
    """Return the unit vector, among ``n_directions`` directions, along which f grows fastest.

    ``f`` takes ONE argument, an array of shape (2,), and returns a number; ``point`` has
    shape (2,). Try the unit vectors (cos t, sin t) for t = 2 pi k / n_directions,
    k = 0 .. n_directions - 1, measure how fast f changes along each from ``point``, and
    return the best one as a NumPy array of shape (2,) and length 1.
    Checked: its angle to the true gradient is within one step 2 pi / n_directions.
    """
    raise NotImplementedError


def jax_gradient(f: Callable) -> Callable:
    """Return a function that computes the gradient of f: R^n -> R with ``jax.grad``.

    ``f`` takes ONE argument, an array of shape (n,), is written with ``jax.numpy`` and
    returns a number. The returned function takes a point of shape (n,) and returns the
    gradient there, an array of shape (n,). Checked on hidden functions.
    """
    raise NotImplementedError
