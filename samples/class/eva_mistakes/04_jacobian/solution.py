"""Reference solution for 04_jacobian: derivatives of vector-valued functions.

The Jacobian of F: R^n -> R^m is the m x n matrix J[i, j] = dF_i/dx_j: one ROW per
output, one COLUMN per input. For a layer of sigmoids sigma(w . (x, y)) the chain rule
gives dF_i/dx_j = sigma(z_i) (1 - sigma(z_i)) w_ij.
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import sympy as sp


def sigmoid(z: sp.Expr) -> sp.Expr:
    """sigma(z) = 1 / (1 + e^(-z))."""
    return 1 / (1 + sp.exp(-z))


def example_jacobian() -> sp.Matrix:
    """Jacobian of (2xy, x^2 y) with respect to (x, y): [[2y, 2x], [2xy, x^2]]."""
    x, y = sp.symbols("x y")
    return sp.Matrix([2 * x * y, x**2 * y]).jacobian([x, y])


def sigmoid_layer() -> tuple[sp.Matrix, sp.Matrix]:
    """The weights W = [[p, q], [r, s], [t, u]] and the pre-activations z = W (x, y)."""
    x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")
    weights = sp.Matrix([[p, q], [r, s], [t, u]])
    return weights, weights * sp.Matrix([x, y])


def sigmoid_jacobian() -> sp.Matrix:
    """The 3 x 2 Jacobian of (sigma(px+qy), sigma(rx+sy), sigma(tx+uy)) in (x, y).

    Written with the identity sigma'(z) = sigma(z) (1 - sigma(z)):
    row i is sigma(z_i) (1 - sigma(z_i)) times row i of the weights.
    """
    weights, z = sigmoid_layer()
    return sp.Matrix(3, 2, lambda i, j: sigmoid(z[i]) * (1 - sigmoid(z[i])) * weights[i, j])


def jax_jacobian(f: Callable) -> Callable:
    """A function returning the (m, n) Jacobian of f: R^n -> R^m at a point of shape (n,).

    Forward mode (``jax.jacfwd``) costs n passes and suits the small n met here;
    ``jax.jacrev`` (m passes) gives the same matrix.
    """
    jacobian = jax.jit(jax.jacfwd(f))

    def jac(point):
        return jacobian(jnp.asarray(point, dtype=jnp.result_type(float)))

    return jac


# --- catalogued mistake: not_autodiff ---
# A finite-difference Jacobian handed in as autodiff: f is only ever called at concrete points, JAX never differentiates it.
import numpy as np


def jax_jacobian(f):
    def jacobian(point):
        p = np.asarray(point, dtype=np.float64)
        h = 1e-6
        columns = [(np.asarray(f(p + h * e)) - np.asarray(f(p - h * e))) / (2 * h) for e in np.eye(p.size)]
        return np.stack(columns, axis=1)
    return jacobian

