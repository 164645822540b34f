"""Reference solution for 09_perceptron_regression: a single perceptron Y_hat = W X + b.

Layout: X has shape (n_x, m) (features by examples), Y has shape (n_y, m). Everything
is NumPy; ``cost_fn`` is the same cost written with ``jax.numpy`` for ``jax.grad`` checks.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np


def layer_sizes(X, Y):
    """(n_x, n_y): the number of input features and of outputs."""
    return int(np.shape(X)[0]), int(np.shape(Y)[0])


def initialize_parameters(n_x, n_y, seed=0):
    """W (n_y, n_x) small random (standard normal x 0.01), b (n_y, 1) zeros."""
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n_y, n_x)) * 0.01
    b = np.zeros((n_y, 1))
    return {"W": W, "b": b}


def forward_propagation(X, parameters):
    """Y_hat = W X + b, shape (n_y, m)."""
    return parameters["W"] @ np.asarray(X, dtype=np.float64) + parameters["b"]


def compute_cost(Y_hat, Y):
    """Half the mean squared error: (1/2m) sum (Y_hat - Y)^2, as a float."""
    Y = np.asarray(Y, dtype=np.float64)
    m = Y.shape[1]
    return float(np.sum((np.asarray(Y_hat) - Y) ** 2) / (2 * m))


def backward_propagation(Y_hat, X, Y):
    """dW = (1/m)(Y_hat - Y) X^T  (n_y, n_x);  db = (1/m) sum_j (Y_hat - Y)  (n_y, 1)."""
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    dZ = np.asarray(Y_hat) - np.asarray(Y)
    dW = dZ @ X.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return {"dW": dW, "db": db}


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step; returns a new dict (the input is not modified)."""
    return {
        "W": parameters["W"] - learning_rate * grads["dW"],
        "b": parameters["b"] - learning_rate * grads["db"],
    }


def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    """Train the perceptron by gradient descent; returns {"W", "b"}.

    Meant for normalised features (zero mean, unit std per row of X): there 100 steps at
    learning rate 1.2 reach the least-squares solution to well below 1e-3.
    """
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(num_iterations):
        Y_hat = forward_propagation(X, parameters)
        grads = backward_propagation(Y_hat, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    """Predictions W X + b, shape (n_y, m)."""
    return forward_propagation(X, parameters)


def cost_fn(parameters, X, Y):
    """The same cost as compute_cost(forward_propagation(X, parameters), Y), in jax.numpy."""
    Y_hat = parameters["W"] @ X + parameters["b"]
    return jnp.sum((Y_hat - Y) ** 2) / (2 * Y.shape[1])


# --- alternative: cost_loops ---
# Correct, written differently: compute_cost with nested Python loops over outputs and examples, inputs as lists.
def compute_cost(Y_hat, Y):
    Y_hat, Y = np.asarray(Y_hat).tolist(), np.asarray(Y).tolist()
    m = len(Y[0])
    total = 0.0
    for row_hat, row in zip(Y_hat, Y):
        for a, b in zip(row_hat, row):
            total += (a - b) ** 2
    return total / (2 * m)

