# Correct, written differently: the bias is handled as an extra weight on a row of ones (augmented X), the cost uses a dot product, predict returns a plain list-free ndarray from np.dot.
def _augment(X):
    X = np.asarray(X, dtype=np.float64)
    return np.vstack([X, np.ones((1, X.shape[1]))])


def forward_propagation(X, parameters):
    theta = np.hstack([parameters["W"], parameters["b"]])
    return np.dot(theta, _augment(X))


def compute_cost(Y_hat, Y):
    r = (np.asarray(Y_hat) - np.asarray(Y)).ravel()
    return float(np.dot(r, r) / (2 * np.shape(Y)[1]))


def backward_propagation(Y_hat, X, Y):
    m = np.shape(X)[1]
    g = (np.asarray(Y_hat) - np.asarray(Y)) @ _augment(X).T / m
    return {"dW": g[:, :-1], "db": g[:, -1:]}
