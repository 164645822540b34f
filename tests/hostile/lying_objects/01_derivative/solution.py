"""Hostile submission: Returns objects whose __eq__, __float__ and __array__ lie.

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
class Liar:
    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    def __float__(self):
        return 0.0

    def __str__(self):
        return "3*x**2 - 4*x"

    __hash__ = object.__hash__


class LyingArray:
    calls = 0

    def __array__(self, dtype=None, copy=None):
        LyingArray.calls += 1
        raise ValueError("I change every time you look")

    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def symbolic_derivative():
    return Liar()


def rate_of_change(f, x, dx=1e-6):
    return LyingArray()


def autodiff_derivative(f):
    def g(xs):
        return [Liar() for _ in range(len(xs))]
    return g
