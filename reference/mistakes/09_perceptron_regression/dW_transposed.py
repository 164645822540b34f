# dW has shape (n_x, n_y), the transpose of W's (n_y, n_x): you computed X (Y_hat - Y)^T / m. The gradient of W must have W's shape: dW = (Y_hat - Y) X^T / m. With one feature the numbers agree, which hides the bug until there are two.
def backward_propagation(Y_hat, X, Y):
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    dZ = np.asarray(Y_hat) - np.asarray(Y)
    dW = X @ dZ.T / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return {"dW": dW, "db": db}
