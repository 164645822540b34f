"""Hostile submission: Writes MARKER files everywhere it can think of, outside its folder.

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
import sys

MARKER = "calcgrade-hostile-marker"


def _targets():
    here = os.path.dirname(os.path.abspath(__file__))
    out = [os.path.join(here, MARKER), os.path.join(here, "..", MARKER),
           os.path.join(here, "..", "..", MARKER), os.path.join(here, "..", "..", "..", MARKER),
           os.path.join("/tmp", MARKER), os.path.join("/var/tmp", MARKER),
           os.path.join("/dev/shm", MARKER),
           os.path.join("..", MARKER), os.path.join("..", "..", MARKER)]
    module = sys.modules.get("grader.course.paths")
    if module is not None:
        out.append(str(module.project_root() / MARKER))
    return out


def symbolic_derivative():
    for path in _targets():
        try:
            with open(path, "w") as fh:
                fh.write("pwned")
        except OSError:
            pass
    x = sp.Symbol("x")
    return 3 * x**2 - 4 * x
