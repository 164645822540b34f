# Wrong: backward_propagation uses the squared-error chain rule dZ = (A - Y) * A * (1 - A) instead of the log-loss one dZ = A - Y.
def backward_propagation(A, X, Y):
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    A = np.asarray(A)
    dZ = (A - np.asarray(Y)) * A * (1.0 - A)
    return {"dW": dZ @ X.T / m, "db": np.sum(dZ, axis=1, keepdims=True) / m}
