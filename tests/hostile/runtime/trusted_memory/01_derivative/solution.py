"""Hostile submission (runtime): Makes the trusted side hold as much as it can: every answer as large as the sandbox lets through while the exercise still fits in one frame (a 100 000-node nesting 20 deep, 99 000 keys, 85 texts of 19 000 characters, big float and complex arrays).

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
# Every answer is as large as the sandbox lets through while the whole exercise still fits
# in one frame to the trusted side (16 MiB): the batch parent and the judge decode, store
# and judge all of it. Each answer is also wrong (its shape or type is).
_LEAVES = 99_000


def _nested():
    """~100 000 nodes, 20 deep: lists of dicts of tuples ..."""
    leaf = [0.125] * 99
    tree = [list(leaf) for _ in range(_LEAVES // 100)]
    for _ in range(17):
        tree = [tree]
    return {"values": tree}


def _keys():
    return {f"key-{i:07d}": i for i in range(_LEAVES)}


def _texts():
    return ["y" * 19_000 for _ in range(85)]


def _array(dtype=np.float64):
    return np.arange(190_000, dtype=dtype) * 0.5   # 1.5 MB, 2 MB as base64


def symbolic_derivative():
    return _nested()


def rate_of_change(f, x, dx=1e-6):
    choices = {50: _keys, 40: _texts}  # by the number of points: each check its own kind
    return choices.get(int(np.size(x)), lambda: _array(np.complex128)[:95_000])()


def autodiff_derivative(f):
    return lambda xs: _array()
