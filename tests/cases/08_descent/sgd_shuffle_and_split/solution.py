# Correct, differently: each epoch shuffles an arange in place and cuts it with np.split at multiples of batch_size; the batch gradient as a mean of rows.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
    theta = np.array(theta0, dtype=np.float64)
    m = len(y); rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = np.arange(m); rng.shuffle(order)
        for idx in np.split(order, range(batch_size, m, batch_size)):
            residual = X[idx] @ theta - y[idx]
            theta -= learning_rate * np.mean(residual[:, None] * X[idx], axis=0)
    return theta
