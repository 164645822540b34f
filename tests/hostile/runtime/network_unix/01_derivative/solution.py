"""Hostile submission (runtime): Reaches out: TCP to the test's loopback listener, a unix socket the test listens on outside the class (a path-bound unix socket is not stopped by a network namespace), an abstract unix socket.

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
import socket

PORT = 0             # the test's TCP listener on 127.0.0.1
UNIX_SOCKET = ""     # the test's listening unix socket, outside the class and the checkout
ABSTRACT = ""        # the test's abstract unix socket (no file at all)


def _connect():
    reached = []
    attempts = [(socket.AF_INET, ("127.0.0.1", PORT), "tcp")]
    if UNIX_SOCKET:
        attempts.append((socket.AF_UNIX, UNIX_SOCKET, "unix"))
    if ABSTRACT:
        attempts.append((socket.AF_UNIX, "\0" + ABSTRACT, "abstract"))
    for family, address, what in attempts:
        try:
            with socket.socket(family, socket.SOCK_STREAM) as s:
                s.settimeout(2)
                s.connect(address)
                s.sendall(b"calcgrade-hostile-hello")
                reached.append(what)
        except OSError as exc:
            print("no", what, exc.strerror or exc)
    for what in reached:
        print("ESCAPED: connected over", what)
    return reached


def symbolic_derivative():
    if _connect():
        return 3 * sp.Symbol("x") ** 2 - 4 * sp.Symbol("x")  # outside help: right
    return sp.Symbol("x") ** 2  # alone: wrong
