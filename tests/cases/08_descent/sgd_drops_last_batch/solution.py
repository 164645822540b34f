# Wrong: takes m // batch_size full batches per epoch and skips the last, shorter one.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
    theta = np.array(theta0, dtype=np.float64)
    m = X.shape[0]; rng = np.random.default_rng(seed)
    for _ in range(int(epochs)):
        order = rng.permutation(m)
        for k in range(m // batch_size):
            idx = order[k * batch_size:(k + 1) * batch_size]
            theta = theta - learning_rate * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
