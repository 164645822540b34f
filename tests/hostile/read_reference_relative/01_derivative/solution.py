"""Hostile submission: Reads reference/01_derivative.py by relative paths and copies its answer.

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
import os


def _steal():
    here = os.path.dirname(os.path.abspath(__file__))
    for start in (".", here):
        for up in range(0, 7):
            path = os.path.join(start, *[".."] * up, "reference", "01_derivative.py")
            try:
                with open(path) as fh:
                    return fh.read()
            except OSError:
                pass
    return None


def symbolic_derivative():
    source = _steal()
    if source is None:
        return "x^2"  # the theft failed: a wrong answer
    namespace = {}
    exec(source, namespace)
    return namespace["symbolic_derivative"]()
