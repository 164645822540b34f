# Wrong: creates default_rng(seed) inside the epoch loop, so every epoch visits the rows in the same order.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
    theta = np.array(theta0, dtype=np.float64)
    m = X.shape[0]
    for _ in range(int(epochs)):
        order = np.random.default_rng(seed).permutation(m)
        for start in range(0, m, batch_size):
            idx = order[start:start + batch_size]
            theta = theta - learning_rate * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
