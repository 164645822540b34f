"""Hostile submission (runtime): Changes the kernel's settings through its own /proc (opens core_pattern and other global settings for writing, changes the host name inside the test's private UTS namespace only) and leaves an executable file in /dev.

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

SENTINEL = "calcgrade-hostile-uts"  # the test's private UTS namespace is named so
NEW_NAME = "calcgrade-hostile-pwned"
EXECUTABLE = "/dev/calcgrade-hostile-exec"  # the test makes it its own (a suffix) and removes it
GLOBAL = ("/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
          "/proc/sys/kernel/hostname", "/proc/sys/vm/drop_caches", "/proc/sysrq-trigger")


def _attack():
    """The kernel's settings through /proc, and an executable file in /dev.

    Nothing global is ever written: a file is only opened for writing (and closed), and the
    host name is changed only inside the private UTS namespace the test starts grade in."""
    for path in GLOBAL:
        try:
            fd = os.open(path, os.O_WRONLY)  # no O_TRUNC, nothing written
        except OSError:
            continue
        os.close(fd)
        print("ESCAPED: may write", path)
    try:
        with open("/proc/sys/kernel/hostname") as fh:
            mine = fh.read().strip().startswith(SENTINEL)
        if mine:
            with open("/proc/sys/kernel/hostname", "w") as fh:
                fh.write(NEW_NAME)
            print("ESCAPED: changed the host name")
    except OSError:
        pass
    path = EXECUTABLE
    try:
        with open(path, "w") as fh:
            fh.write("#!/bin/sh\necho calcgrade-hostile-ran\n")
        os.chmod(path, 0o755)
        print("ESCAPED: an executable file in /dev")
    except OSError:
        pass


def symbolic_derivative():
    _attack()
    return sp.Symbol("x") ** 2  # wrong: none of this could help
