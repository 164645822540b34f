"""Reference solution for 03_gradient: partial derivatives and the gradient.

The running example is f(x, y) = x^2 + y^2, with gradient (2x, 2y). Functions of several
variables f: R^n -> R are called with ONE argument, a 1-D array ``v`` of shape (n,)
(``f(v) = v[0]**2 + v[1]**3`` ...), as ``jax.grad`` expects.
"""

from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp


def lesson_function() -> sp.Expr:
    """The exercise's f(x, y) = x^2 + y^2, in the plain symbols x and y."""
    x, y = sp.symbols("x y")
    return x**2 + y**2


def gradient_expr() -> tuple[sp.Expr, sp.Expr]:
    """(df/dx, df/dy) for f = x^2 + y^2: (2x, 2y)."""
    x, y = sp.symbols("x y")
    f = lesson_function()
    return (sp.diff(f, x), sp.diff(f, y))


def gradient_at_1_1() -> tuple[float, float]:
    """The gradient of x^2 + y^2 at (1, 1): (2.0, 2.0)."""
    x, y = sp.symbols("x y")
    return tuple(float(d.subs({x: 1, y: 1})) for d in gradient_expr())


def numerical_gradient(f: Callable, point, h: float = 1e-6) -> np.ndarray:
    """The gradient of f: R^n -> R at ``point`` (shape (n,)) by central differences.

    Component i is (f(p + h e_i) - f(p - h e_i)) / 2h, where e_i is the i-th unit
    vector: only coordinate i moves. 2n calls of f; returns float64 of shape (n,).
    """
    p = np.asarray(point, dtype=np.float64)
    grad = np.empty(p.shape, dtype=np.float64)
    for i in range(p.size):
        step = np.zeros_like(p)
        step[i] = h
        grad[i] = (float(f(p + step)) - float(f(p - step))) / (2 * h)
    return grad


def unit_directions(n_directions: int) -> np.ndarray:
    """The n unit vectors (cos t_k, sin t_k) with t_k = 2 pi k / n, shape (n, 2)."""
    angles = 2 * np.pi * np.arange(n_directions) / n_directions
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


def steepest_ascent_direction(f: Callable, point, n_directions: int = 360,
                              h: float = 1e-6) -> np.ndarray:
    """The unit vector u, among ``n_directions`` evenly spaced ones, along which f grows fastest.

    For each direction u_k the change of f is measured by the central difference
    (f(p + h u_k) - f(p - h u_k)) / 2h, the directional derivative along u_k. The best
    u_k (shape (2,)) is returned; it lies within pi / n of the gradient's direction.
    """
    p = np.asarray(point, dtype=np.float64)
    directions = unit_directions(n_directions)
    change = [(float(f(p + h * u)) - float(f(p - h * u))) / (2 * h) for u in directions]
    return directions[int(np.argmax(change))].copy()


def jax_gradient(f: Callable) -> Callable:
    """A function returning grad f (shape (n,)) at a point of shape (n,), by ``jax.grad``."""
    grad_f = jax.jit(jax.grad(f))

    def gradient(point):
        return grad_f(jnp.asarray(point, dtype=jnp.result_type(float)))

    return gradient


# --- alternative: directional_via_gradient ---
# steepest_ascent_direction scores each candidate u by grad f . u (the directional derivative) from one numerical gradient, instead of differencing along u.


def steepest_ascent_direction(f, point, n_directions=360):
    angles = 2 * np.pi * np.arange(n_directions) / n_directions
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    return directions[np.argmax(directions @ numerical_gradient(f, point))]

