"""Reference solution for 10_perceptron_classification: the perceptron with a sigmoid.

A = sigmoid(W X + b) with X of shape (n_x, m), labels Y of shape (1, m) in {0, 1}, the
log loss, and gradient descent. NumPy throughout; ``cost_fn`` is the same cost in
``jax.numpy`` for ``jax.grad`` checks.
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

# Probabilities are clipped to [EPS, 1 - EPS] before taking logs: a saturated
# prediction gives a large finite cost instead of inf/NaN.
EPS = 1e-15


def sigmoid(z):
    """The logistic function 1 / (1 + exp(-z)), element-wise (overflow-free)."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


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
    """A = sigmoid(W X + b), shape (n_y, m): the predicted probability of class 1."""
    return sigmoid(parameters["W"] @ np.asarray(X, dtype=np.float64) + parameters["b"])


def compute_cost(A, Y):
    """Log loss -(1/m) sum [Y log A + (1 - Y) log(1 - A)], as a float."""
    Y = np.asarray(Y, dtype=np.float64)
    A = np.clip(np.asarray(A, dtype=np.float64), EPS, 1.0 - EPS)
    m = Y.shape[1]
    return float(-np.sum(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)) / m)


def backward_propagation(A, X, Y):
    """dW = (1/m)(A - Y) X^T  (n_y, n_x);  db = (1/m) sum_j (A - Y)  (n_y, 1)."""
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    dZ = np.asarray(A) - np.asarray(Y)
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
    """Train the sigmoid perceptron by gradient descent; returns {"W", "b"}."""
    X = np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    n_x, n_y = layer_sizes(X, Y)
    parameters = initialize_parameters(n_x, n_y, seed)
    for _ in range(num_iterations):
        A = forward_propagation(X, parameters)
        grads = backward_propagation(A, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    """Class labels, 1.0 where A > 0.5 and 0.0 otherwise; shape (n_y, m)."""
    return (forward_propagation(X, parameters) > 0.5).astype(np.float64)


def cost_fn(parameters, X, Y):
    """The same cost as compute_cost(forward_propagation(X, parameters), Y), in jax.numpy."""
    Z = parameters["W"] @ X + parameters["b"]
    A = jnp.clip(1.0 / (1.0 + jnp.exp(-Z)), EPS, 1.0 - EPS)
    return -jnp.sum(Y * jnp.log(A) + (1.0 - Y) * jnp.log(1.0 - A)) / Y.shape[1]
