"""Hostile submission: Patches NumPy, SymPy and builtins so every comparison would pass; answers wrong.

An honest 01_derivative, then the attack (later definitions win)."""

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp


def symbolic_derivative():
    x = sp.Symbol("x")
    return sp.diff(x**3 - 2 * x**2 + 1, x)


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return (f(x + dx) - f(x - dx)) / (2 * dx)


def autodiff_derivative(f):
    return jax.vmap(jax.grad(f))


# --- the attack ---
import builtins

np.allclose = lambda *args, **kwargs: True
np.isclose = lambda a, b, *args, **kwargs: np.ones(np.shape(a), dtype=bool)
np.array_equal = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
sp.simplify = lambda expr, *args, **kwargs: sp.Integer(0)
sp.Basic.equals = lambda self, other, *args, **kwargs: True
builtins.abs = lambda value: 0


def symbolic_derivative():
    return sp.Symbol("x") ** 7


def rate_of_change(f, x, dx=1e-6):
    return np.zeros(np.shape(x))
