# Correct, written differently: forward, cost and gradients with explicit Python loops over examples and features instead of matrix products (slower, same numbers).
def forward_propagation(X, parameters):
    X = np.asarray(X, dtype=np.float64)
    W, b = parameters["W"], parameters["b"]
    n_y, n_x = W.shape
    m = X.shape[1]
    Y_hat = np.zeros((n_y, m))
    for i in range(n_y):
        for j in range(m):
            total = b[i, 0]
            for k in range(n_x):
                total += W[i, k] * X[k, j]
            Y_hat[i, j] = total
    return Y_hat


def compute_cost(Y_hat, Y):
    Y_hat, Y = np.asarray(Y_hat, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m = Y.shape[1]
    total = 0.0
    for i in range(Y.shape[0]):
        for j in range(m):
            total += (Y_hat[i, j] - Y[i, j]) ** 2
    return total / (2 * m)


def backward_propagation(Y_hat, X, Y):
    Y_hat, X, Y = (np.asarray(a, dtype=np.float64) for a in (Y_hat, X, Y))
    n_y, m = Y.shape
    n_x = X.shape[0]
    dW = np.zeros((n_y, n_x))
    db = np.zeros((n_y, 1))
    for i in range(n_y):
        for j in range(m):
            err = Y_hat[i, j] - Y[i, j]
            db[i, 0] += err / m
            for k in range(n_x):
                dW[i, k] += err * X[k, j] / m
    return {"dW": dW, "db": db}
