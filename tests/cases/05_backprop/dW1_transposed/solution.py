# Wrong: the first-layer weight gradient is computed as dZ1.T @ X, the transpose of X.T @ dZ1, so dW1 has shape (h1, 2) instead of W1's (2, h1).
def backward(params, cache, y):
    X, H1, H2, y_hat = cache["X"], cache["H1"], cache["H2"], cache["y_hat"]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = X.shape[0]
    dZ3 = ((y_hat - y) / n)[:, np.newaxis]
    dW3 = H2.T @ dZ3
    db3 = dZ3.sum(axis=0)
    dZ2 = (dZ3 @ params["W3"].T) * (1.0 - H2**2)
    dW2 = H1.T @ dZ2
    db2 = dZ2.sum(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * (1.0 - H1**2)
    dW1 = dZ1.T @ X
    db1 = dZ1.sum(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}
