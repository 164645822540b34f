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
