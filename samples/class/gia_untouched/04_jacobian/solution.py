"""04_jacobian: Jacobian matrices of vector-valued functions (see README.md)."""

from __future__ import annotations

from typing import Callable

import sympy as sp


def example_jacobian() -> sp.Matrix:
    """Return the Jacobian of F(x, y) = (2xy, x^2 y) with respect to (x, y).

    A 2 x 2 ``sympy.Matrix``: row i holds the partial derivatives of output i, column j
    the derivatives with respect to input j (x first, then y). Use the plain symbols
    ``sympy.symbols("x y")``. Checked symbolically, entry by entry.
    """
    raise NotImplementedError


def sigmoid_jacobian() -> sp.Matrix:
    """Return the 3 x 2 Jacobian of (sigma(px+qy), sigma(rx+sy), sigma(tx+uy)) in (x, y).

    sigma(z) = 1 / (1 + exp(-z)). Use the plain symbols x, y, p, q, r, s, t, u (e.g.
    ``sympy.symbols("x y p q r s t u")``) and write sigma with ``sympy.exp``. Return a
    3 x 2 ``sympy.Matrix`` (rows: the three outputs; columns: x, y). Any equivalent form
    is accepted. Checked symbolically and at random points.
    """
    raise NotImplementedError


def jax_jacobian(f: Callable) -> Callable:
    """Return a function computing the Jacobian of f: R^n -> R^m with JAX.

    ``f`` takes ONE argument, an array of shape (n,), is written with ``jax.numpy`` and
    returns an array of shape (m,). The returned function takes a point of shape (n,)
    and returns the Jacobian there, an array of shape (m, n). Use ``jax.jacfwd`` or
    ``jax.jacrev``. Checked on hidden functions with m != n.
    """
    raise NotImplementedError
