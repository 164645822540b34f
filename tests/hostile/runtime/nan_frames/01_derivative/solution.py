"""Hostile submission (runtime): Injects NaN/Infinity tokens and malformed frames into the one channel it has (its result pipe): non-finite numbers, huge and non-integer indexes, a 100000-deep nesting, invalid UTF-8, non-dict frames, truncated JSON, a frame header claiming 4 GiB; its own answers are NaN and infinite.

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
import struct

BAD_BODIES = [
    b'{"event": "result", "index": 0, "status": "ok", "value": NaN}',
    b'{"event": "result", "index": 0, "status": "ok", "value": Infinity, "duration": -Infinity}',
    b'{"event": "result", "index": 0, "status": "ok", "value": 1e999, "duration": 1e999}',
    b'{"event": "result", "index": 0, "status": "ok", "value": {"__float__": "nan"}}',
    b'{"event": "result", "index": 0, "status": "ok", "value": {"__array__": {"dtype": "float64", '
    b'"shape": [1], "data": "AAAAAAAA+H8="}}}',  # an array holding a NaN
    b'{"event": "result", "index": true, "status": "ok", "value": 12345678901234567890123}',
    b'{"event": "start", "index": 0, "output_at": -5}',
    b'{"event": "start", "index": 99}',
    b'{"event": "result", "index": 0, "status": "ok", "value": ' + b"[" * 100000 + b"]" * 100000 + b"}",
    b'{"event": "result", "index": 0, "status": "ok", "value": "\xff\xfe not utf-8"}',
    b'[1, 2, 3]',
    b'"just a string"',
    b'{"event": "result", "index": 0, "status": "ok", "value": 1' + b"0" * 5000 + b'}',
    b'{"event": "result" "index": 0',  # truncated JSON
]


def _result_fd():
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}").startswith("pipe:"):
                return int(name)
        except OSError:
            pass
    return None


def _next():
    """A count kept in the private working folder: each malformed frame ends the child,
    and the next one (a fresh import) goes on with the next frame."""
    path = os.path.join(os.path.dirname(os.getcwd()), "nan-frames-count")
    try:
        with open(path) as fh:
            n = int(fh.read() or 0)
    except (OSError, ValueError):
        n = 0
    try:
        with open(path, "w") as fh:
            fh.write(str(n + 1))
    except OSError:
        pass
    return n


def _inject():
    """One malformed frame per call (the runner ends the child at most of them), then a
    frame header that claims far more than it brings."""
    fd = _result_fd()
    if fd is None:
        return
    n = _next()
    if n < len(BAD_BODIES):
        body = BAD_BODIES[n]
        os.write(fd, struct.pack(">I", len(body)) + body)
    else:
        os.write(fd, struct.pack(">I", 0xFFFFFFF0) + b"{" * 1000)


def symbolic_derivative():
    _inject()
    return sp.Symbol("x") ** 2                          # wrong


def rate_of_change(f, x, dx=1e-6):
    _inject()
    _inject()
    return np.full(np.shape(x), np.nan)                 # wrong, and NaN


def autodiff_derivative(f):
    _inject()
    _inject()
    return lambda xs: np.full(np.shape(xs), np.inf)     # wrong, and infinite
