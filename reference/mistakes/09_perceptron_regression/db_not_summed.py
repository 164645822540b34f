# db has shape (n_y, m) instead of (n_y, 1): you divided the errors by m but did not add them up over the examples. Use np.sum(Y_hat - Y, axis=1, keepdims=True) / m; otherwise b silently broadcasts to one bias per training example.
def backward_propagation(Y_hat, X, Y):
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    dZ = np.asarray(Y_hat) - np.asarray(Y)
    dW = dZ @ X.T / m
    db = dZ / m
    return {"dW": dW, "db": db}
