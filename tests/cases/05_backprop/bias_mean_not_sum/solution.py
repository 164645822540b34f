# Wrong: the bias gradients average the (already divided-by-n) errors over the samples instead of summing them, so every db is n times too small while the dW are right.
def backward(params, cache, y):
    X, H1, H2, y_hat = cache["X"], cache["H1"], cache["H2"], cache["y_hat"]
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    n = X.shape[0]
    dZ3 = ((y_hat - y) / n)[:, np.newaxis]
    dW3 = H2.T @ dZ3
    db3 = dZ3.mean(axis=0)
    dZ2 = (dZ3 @ params["W3"].T) * (1.0 - H2**2)
    dW2 = H1.T @ dZ2
    db2 = dZ2.mean(axis=0)
    dZ1 = (dZ2 @ params["W2"].T) * (1.0 - H1**2)
    dW1 = X.T @ dZ1
    db1 = dZ1.mean(axis=0)
    return {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2, "W3": dW3, "b3": db3}
