"""Reference solution for 05_backprop: a two-hidden-layer tanh network, trained by hand.

Network: X (n, 2) -> tanh layer h1 -> tanh layer h2 -> sigmoid output, mean binary
cross-entropy. Forward, backward and training are plain NumPy; ``loss_fn`` is the same
loss written with ``jax.numpy`` so that ``jax.grad`` can check ``backward``.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

# Probabilities are clipped to [EPS, 1 - EPS] before taking logs, so a saturated output
# gives a large finite loss instead of inf/NaN (and no NumPy warning).
EPS = 1e-15


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def init_params(sizes=(2, 8, 8, 1), seed=0):
    """Random weights scaled by 1/sqrt(fan_in), zero biases.

    Returns a dict with W1 (2, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, 1), b3 (1,),
    all float64, drawn from ``np.random.default_rng(seed)``.
    """
    rng = np.random.default_rng(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in)
        params[f"b{k}"] = np.zeros(fan_out)
    return params


def forward(params, X):
    """Forward pass. Returns (y_hat of shape (n,), cache) where the cache keeps what
    ``backward`` needs: the input and both hidden activations."""
    X = np.asarray(X, dtype=np.float64)
    H1 = np.tanh(X @ params["W1"] + params["b1"])
    H2 = np.tanh(H1 @ params["W2"] + params["b2"])
    y_hat = _sigmoid(H2 @ params["W3"] + params["b3"])[:, 0]
    cache = {"X": X, "H1": H1, "H2": H2, "y_hat": y_hat}
    return y_hat, cache


def loss(y_hat, y):
    """Mean binary cross-entropy -(1/n) sum[y log y_hat + (1 - y) log(1 - y_hat)]."""
    p = np.clip(np.asarray(y_hat, dtype=np.float64), EPS, 1.0 - EPS)
    y = np.asarray(y, dtype=np.float64)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def backward(params, cache, y):
    """Gradients of the mean loss with respect to every parameter (same keys, shapes).

    With sigmoid + cross-entropy the output error is simply (y_hat - y)/n; each tanh layer
    multiplies the error coming back through W^T by tanh' = 1 - h^2.
    """
    X, H1, H2, y_hat = cache["X"], cache["H1"], cache["H2"], cache["y_hat"]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = X.shape[0]
    dZ3 = ((y_hat - y) / n)[:, np.newaxis]          # (n, 1)
    dW3 = H2.T @ dZ3                                  # (h2, 1)
    db3 = dZ3.sum(axis=0)                             # (1,)
    dZ2 = (dZ3 @ params["W3"].T) * (1.0 - H2**2)      # (n, h2)
    dW2 = H1.T @ dZ2                                  # (h1, h2)
    db2 = dZ2.sum(axis=0)                             # (h2,)
    dZ1 = (dZ2 @ params["W2"].T) * (1.0 - H1**2)      # (n, h1)
    dW1 = X.T @ dZ1                                   # (2, h1)
    db1 = dZ1.sum(axis=0)                             # (h1,)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}


def hidden_jacobian(W, b, x):
    """Jacobian dh/dx of h = tanh(x W + b) for one sample x (2,): diag(1 - h^2) W^T,
    shape (h1, 2)."""
    W = np.asarray(W, dtype=np.float64)
    h = np.tanh(np.asarray(x, dtype=np.float64) @ W + np.asarray(b, dtype=np.float64))
    return (1.0 - h**2)[:, np.newaxis] * W.T


def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    """Full-batch gradient descent from ``init_params(sizes, seed)``; returns the params."""
    params = init_params(sizes, seed)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        for key in params:
            params[key] = params[key] - learning_rate * grads[key]
    return params


def predict(params, X):
    """Class labels 0.0/1.0 at threshold 0.5 (a helper for accuracy and plots)."""
    y_hat, _ = forward(params, X)
    return (y_hat >= 0.5).astype(np.float64)


def loss_fn(params, X, y):
    """The same mean loss as ``loss(forward(params, X)[0], y)``, in jax.numpy (for jax.grad)."""
    H1 = jnp.tanh(X @ params["W1"] + params["b1"])
    H2 = jnp.tanh(H1 @ params["W2"] + params["b2"])
    p = 1.0 / (1.0 + jnp.exp(-(H2 @ params["W3"] + params["b3"])[:, 0]))
    p = jnp.clip(p, EPS, 1.0 - EPS)
    return -jnp.mean(y * jnp.log(p) + (1.0 - y) * jnp.log(1.0 - p))


# --- catalogued mistake: extra_sigmoid_derivative ---
# Mistake: the output error is multiplied by sigmoid' = y_hat (1 - y_hat) once too often (dL/dZ3 taken as (y_hat - y) y_hat (1 - y_hat) / n); with the cross-entropy that factor cancels.
def backward(params, cache, y):
    X, H1, H2, y_hat = cache["X"], cache["H1"], cache["H2"], cache["y_hat"]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = X.shape[0]
    dZ3 = ((y_hat - y) * y_hat * (1 - y_hat) / n)[:, None]
    dZ2 = (dZ3 @ params["W3"].T) * (1.0 - H2**2)
    dZ1 = (dZ2 @ params["W2"].T) * (1.0 - H1**2)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H1.T @ dZ2, "b2": dZ2.sum(0),
            "W3": H2.T @ dZ3, "b3": dZ3.sum(0)}

