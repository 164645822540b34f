"""Hostile submission (runtime): Looks for the reference anywhere in the checkout: reference/ and its bytecode, the sample class, the tests' own submissions, git show HEAD:reference/..., the loose git objects, the import system.

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
import glob
import importlib.util
import os
import subprocess
import sys
import zlib

CHECKOUT = ""  # the test writes this checkout's absolute path here


def _checkout():
    module = sys.modules.get("grader.course.paths")
    try:
        return str(module.project_root()) if module is not None else CHECKOUT
    except Exception:  # noqa: BLE001
        return CHECKOUT


def _candidates(root):
    yield from [f"{root}/reference/01_derivative.py"]
    yield from glob.glob(f"{root}/reference/__pycache__/01_derivative*.pyc")
    yield from glob.glob(f"{root}/samples/class/*/01_derivative/solution.py")
    yield from glob.glob(f"{root}/samples/sources/**/*.py", recursive=True)
    yield from glob.glob(f"{root}/tests/**/01_derivative/solution.py", recursive=True)
    yield from glob.glob(f"{root}/tests/**/01_derivative*.py", recursive=True)
    yield from glob.glob(f"{root}/build/**/01_derivative.py", recursive=True)


def _from_git(root):
    """``git show HEAD:reference/...``, and the loose objects themselves."""
    try:
        out = subprocess.run(["git", "-C", root, "show", "HEAD:reference/01_derivative.py"],
                             capture_output=True, timeout=5, text=True)
        if out.returncode == 0 and "def symbolic_derivative" in out.stdout:
            yield "git show", out.stdout
    except (OSError, subprocess.SubprocessError):
        pass
    for path in glob.glob(f"{root}/.git/objects/??/*")[:5000]:
        try:
            with open(path, "rb") as fh:
                data = zlib.decompress(fh.read())
        except (OSError, zlib.error):
            continue
        if b"def symbolic_derivative" in data and b"lesson_function" in data:
            yield path, data.split(b"\0", 1)[1].decode("utf-8", "replace")


def _steal():
    root = _checkout()
    seen = []
    for name in ("reference", "samples", "tests", ".git", "docs", "benchmarks"):
        if os.path.exists(os.path.join(root, name)):
            seen.append(name)
    print("CHECKOUT", root, "shows", sorted(os.listdir(root)) if os.path.isdir(root) else None)
    if seen:
        print("STOLEN: visible in the checkout:", seen)
    for path in _candidates(root):
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            continue
        print("STOLEN:", path)
        if path.endswith(".py") and b"def symbolic_derivative" in data:
            return data.decode("utf-8", "replace")
    for where, text in _from_git(root):
        print("STOLEN:", where)
        return text
    for name in ("reference", "calcgrade_reference_01_derivative"):  # importable?
        try:
            if importlib.util.find_spec(name) is not None:
                print("STOLEN: importable", name)
        except (ImportError, ValueError):
            pass
    for name, module in list(sys.modules.items()):
        if "reference" in name:
            print("STOLEN: loaded", name)
    return None


def symbolic_derivative():
    source = _steal()
    if source is None:
        return "x^2"  # the theft failed: a wrong answer
    namespace = {}
    exec(source, namespace)
    return namespace["symbolic_derivative"]()
