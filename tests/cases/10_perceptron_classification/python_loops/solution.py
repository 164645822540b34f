# Correct, written differently: forward pass and gradients with explicit Python loops over the examples (math.exp for the sigmoid) instead of matrix products.
import math


def forward_propagation(X, parameters):
    X = np.asarray(X, dtype=np.float64)
    W, b = parameters["W"], parameters["b"]
    A = np.zeros((W.shape[0], X.shape[1]))
    for i in range(W.shape[0]):
        for j in range(X.shape[1]):
            z = b[i, 0] + sum(W[i, k] * X[k, j] for k in range(X.shape[0]))
            A[i, j] = 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))
    return A


def backward_propagation(A, X, Y):
    A, X, Y = (np.asarray(a, dtype=np.float64) for a in (A, X, Y))
    n_y, m = Y.shape
    dW = np.zeros((n_y, X.shape[0]))
    db = np.zeros((n_y, 1))
    for i in range(n_y):
        for j in range(m):
            err = (A[i, j] - Y[i, j]) / m
            db[i, 0] += err
            dW[i, :] += err * X[:, j]
    return {"dW": dW, "db": db}
