"""Hostile submission: Reads the reference by absolute path (found through the grader's own modules).

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
import sys

REFERENCE = ""  # the test writes the project's absolute reference/ path here


def _steal():
    paths = [REFERENCE + "/01_derivative.py"]
    for name in ("grader.course.paths", "grader"):
        module = sys.modules.get(name)
        if module is not None and hasattr(module, "reference_dir"):
            paths.insert(0, str(module.reference_dir() / "01_derivative.py"))
    try:
        import grader.course.paths
        paths.insert(0, str(grader.course.paths.reference_dir() / "01_derivative.py"))
    except Exception:
        pass
    for path in paths:
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
