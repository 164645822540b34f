"""01_derivative: differentiate f(x) = x^3 - 2x^2 + 1 three ways (see README.md)."""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp


def symbolic_derivative() -> sp.Expr:
    """Return f'(x) for f(x) = x^3 - 2x^2 + 1, computed with SymPy.

    Use the plain symbol ``sympy.Symbol("x")``. A SymPy expression or a string such as
    ``"3x^2 - 4x"`` is accepted. Checked symbolically against the exact derivative.
    """
    raise NotImplementedError


def rate_of_change(f: Callable, x, dx: float = 1e-6) -> np.ndarray:
    """Approximate f'(x) numerically at every point of the array ``x``.

    ``f`` is a vectorised function (it accepts a whole NumPy array and returns an array of
    the same shape). ``x`` may have any shape; return a float NumPy array of the SAME shape
    holding the rate of change of f at each point, with step ``dx``. The central
    difference (f(x + dx) - f(x - dx)) / (2 dx) is recommended.
    Checked on hidden functions at random points, relative tolerance about 1e-5.
    """
    raise NotImplementedError


def autodiff_derivative(f: Callable) -> Callable:
    """Return a function g such that g(xs) = f'(xs) element-wise, built with JAX.

    ``f`` takes one number and returns one number and is written with ``jax.numpy``.
    ``g`` takes a 1-D array ``xs`` of shape (n,) and returns an array of shape (n,).
    Use ``jax.grad`` for one point and ``jax.vmap`` to map it over the array.
    Checked on hidden ``jax.numpy`` functions against their exact derivatives.
    """
    raise NotImplementedError
