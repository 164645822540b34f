"""Hostile submission: rate_of_change allocates far more memory than allowed.

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
def rate_of_change(f, x, dx=1e-6):
    # bytes(n) is calloc'd and never touched: the address-space limit is reached in
    # microseconds of CPU on any machine (bytearray(n) zero-fills every page: ~2 GB of
    # page faults raced the 3 s CPU limit of the suite's time scale on a loaded machine
    # and sometimes lost, turning the expected memory error into a timeout)
    hoard = []
    while True:
        hoard.append(bytes(100 * 1024 * 1024))
