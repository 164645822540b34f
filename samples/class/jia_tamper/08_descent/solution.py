"""Reference solution for 08_descent: gradient descent and its relatives.

Plain NumPy for the descent loops (they take a gradient *function* the grader chooses),
JAX for the gradient handed to SciPy's BFGS, NumPy's symmetric eigensolver for the
stability limit of the learning rate.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from scipy.optimize import minimize


def gradient_descent(grad, x0, learning_rate, num_iterations):
    """The whole descent path x_{k+1} = x_k − learning_rate · grad(x_k).

    Returns a float64 array of shape (num_iterations + 1, *np.shape(x0)) whose row k is
    x_k, starting with x0 itself. A scalar x0 is passed to ``grad`` as a Python float, a
    vector x0 as a float64 array (a fresh one at every step).
    """
    x = np.array(x0, dtype=np.float64)
    path = np.empty((int(num_iterations) + 1,) + x.shape, dtype=np.float64)
    path[0] = x
    for k in range(int(num_iterations)):
        arg = float(x) if x.ndim == 0 else x.copy()
        g = np.reshape(np.asarray(grad(arg), dtype=np.float64), x.shape)
        x = x - learning_rate * g
        path[k + 1] = x
    return path


def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    """Run gradient descent from every start; return the end point with the lowest f.

    A float for scalar starts, a float64 array for vector starts. Runs that end at a
    non-finite point or value (a diverging descent) are ignored.
    """
    best_x, best_value = None, np.inf
    for start in starts:
        end = gradient_descent(grad, start, learning_rate, num_iterations)[-1]
        if not np.all(np.isfinite(end)):
            continue
        value = float(f(float(end) if end.ndim == 0 else end))
        if np.isfinite(value) and (best_x is None or value < best_value):
            best_x, best_value = end, value
    if best_x is None:
        raise ValueError("every descent diverged")
    return float(best_x) if best_x.ndim == 0 else best_x


def max_stable_learning_rate(A):
    """2 / λmax(A) for a symmetric positive definite A.

    Descent on ½xᵀAx multiplies the component along each eigenvector by (1 − η λᵢ) per
    step; it converges iff |1 − η λᵢ| < 1 for all i, i.e. η < 2/λmax.
    """
    A = np.asarray(A, dtype=np.float64)
    A = 0.5 * (A + A.T)
    return float(2.0 / np.linalg.eigvalsh(A)[-1])


def _mse_gradient(X, y, theta):
    return X.T @ (X @ theta - y) / X.shape[0]


def linear_regression_gd(X, y, theta0, learning_rate, num_iterations):
    """θ after ``num_iterations`` full-batch steps on the mean squared error
    (1/2m)‖Xθ − y‖², whose gradient is (1/m)Xᵀ(Xθ − y). X (m, n), y (m,), θ0 (n,)."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    theta = np.array(theta0, dtype=np.float64).reshape(-1)
    for _ in range(int(num_iterations)):
        theta = theta - learning_rate * _mse_gradient(X, y, theta)
    return theta


def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    """Mini-batch stochastic gradient descent on the mean squared error.

    ``rng = np.random.default_rng(seed)``; every epoch draws ``rng.permutation(m)`` and
    walks through it in consecutive batches of ``batch_size`` (the last one may be
    smaller), stepping with the batch gradient (1/b)X_bᵀ(X_bθ − y_b).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    theta = np.array(theta0, dtype=np.float64).reshape(-1)
    m = X.shape[0]
    rng = np.random.default_rng(seed)
    for _ in range(int(epochs)):
        order = rng.permutation(m)
        for start in range(0, m, int(batch_size)):
            idx = order[start:start + int(batch_size)]
            theta = theta - learning_rate * _mse_gradient(X[idx], y[idx], theta)
    return theta


def l2_gradient(X, y, theta, lam):
    """Gradient of (1/2m)‖Xθ − y‖² + (λ/2)‖θ‖²: (1/m)Xᵀ(Xθ − y) + λθ."""
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    theta = np.asarray(theta, dtype=np.float64).reshape(-1)
    return _mse_gradient(X, y, theta) + lam * theta


def clip_gradient(g, max_norm):
    """g rescaled to Euclidean norm ``max_norm`` when ‖g‖ > max_norm, else g unchanged."""
    g = np.array(g, dtype=np.float64)
    norm = float(np.linalg.norm(g))
    if norm > max_norm:
        return g * (max_norm / norm)
    return g


def _bowl(v):
    return 0.5 * v[0] ** 2 + 2.0 * v[1] ** 2


def bfgs_minimum():
    """Minimise 0.5x² + 2y² from (10, 12) with BFGS, the gradient given by jax.grad.

    Returns the minimiser, a float64 array of shape (2,), ≈ (0, 0).
    """
    grad = jax.jit(jax.grad(_bowl))  # jit: one compilation instead of op-by-op dispatch
    result = minimize(
        lambda v: float(_bowl(v)),
        np.array([10.0, 12.0]),
        jac=lambda v: np.asarray(grad(jnp.asarray(v)), dtype=np.float64),
        method="BFGS",
    )
    return np.asarray(result.x, dtype=np.float64)
