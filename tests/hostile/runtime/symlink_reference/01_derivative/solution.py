"""Hostile submission (runtime): Links to the reference and to a classmate's solution from its own folder (the test adds the links) and imports them.

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
# The test adds, beside this file, symbolic links to this checkout's reference
# (ref_link.py) and to the honest classmate's solution (classmate.py).
def symbolic_derivative():
    for name in ("ref_link", "classmate"):
        try:
            module = __import__(name)
            return module.symbolic_derivative()
        except Exception:  # noqa: BLE001
            pass
    return sp.Symbol("x") ** 2  # no link followed: a wrong answer
