"""Hostile submission (runtime): Leaves state behind for the next student of its server: a file in /dev, a SysV shared memory segment.

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

TOKEN = b"calcgrade-hostile-planted"  # persist_read, graded next in the same server, looks for it
PLANTED = "/dev/calcgrade-hostile-planted"  # the test makes these two its own (a suffix,
SHM_KEY = 0x7F3A0001                        # a key) and removes what is left of them


def _plant():
    """State that outlives this student: a file in /dev, a SysV shared memory segment."""
    try:
        with open(PLANTED, "wb") as fh:
            fh.write(TOKEN)
        print("ESCAPED: a file in /dev")
    except OSError:
        pass
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    shmid = libc.shmget(SHM_KEY, 4096, 0o1666)  # IPC_CREAT | 0666
    if shmid >= 0:
        addr = libc.shmat(shmid, None, 0)
        ctypes.memmove(addr, TOKEN, len(TOKEN))
        libc.shmdt(ctypes.c_void_p(addr))
        print("ESCAPED: a SysV shared memory segment")


def symbolic_derivative():
    _plant()
    return sp.Symbol("x") ** 2  # wrong: nothing to gain here, it plants for persist_read
