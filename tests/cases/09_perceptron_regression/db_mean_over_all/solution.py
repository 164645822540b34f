# Wrong: backward_propagation divides the error sum by m twice for db (np.mean of the already divided errors), so db is m times too small and b hardly moves.
def backward_propagation(Y_hat, X, Y):
    X = np.asarray(X, dtype=np.float64)
    m = X.shape[1]
    dZ = (np.asarray(Y_hat) - np.asarray(Y)) / m
    dW = dZ @ X.T
    db = np.mean(dZ, axis=1, keepdims=True)
    return {"dW": dW, "db": db}
