"""Hostile submission: symbolic_derivative prints about 100 MB before answering.

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
def symbolic_derivative():
    line = "spam " * 200
    for _ in range(100_000):
        print(line)
    x = sp.Symbol("x")
    return 3 * x**2 - 4 * x
