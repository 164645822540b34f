"""Hostile submission (runtime): Reads what persist_plant (graded just before it in the same server) left behind, and answers right only if it got the message.

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

TOKEN = b"calcgrade-hostile-planted"  # what persist_plant (graded just before) left
PLANTED = "/dev/calcgrade-hostile-planted"  # the test writes the same as in persist_plant
SHM_KEY = 0x7F3A0001


def _read():
    found = []
    try:
        with open(PLANTED, "rb") as fh:
            if TOKEN in fh.read():
                found.append("a file in /dev")
    except OSError:
        pass
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    shmid = libc.shmget(SHM_KEY, 0, 0)
    if shmid >= 0:
        addr = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
        if addr not in (None, ctypes.c_void_p(-1).value):
            if ctypes.string_at(addr, len(TOKEN)) == TOKEN:
                found.append("a SysV shared memory segment")
            libc.shmdt(ctypes.c_void_p(addr))
    for what in found:
        print("STOLEN: left by the previous student:", what)
    return found


def symbolic_derivative():
    if _read():
        return 3 * sp.Symbol("x") ** 2 - 4 * sp.Symbol("x")  # a message received: right
    return sp.Symbol("x") ** 2  # nothing received: wrong
