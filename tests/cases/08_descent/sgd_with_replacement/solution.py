# Wrong: draws each batch with replacement (rng.integers) instead of walking through a permutation.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64); y = np.asarray(y, dtype=np.float64)
    theta = np.array(theta0, dtype=np.float64)
    m = X.shape[0]; rng = np.random.default_rng(seed)
    for _ in range(int(epochs) * (-(-m // batch_size))):
        idx = rng.integers(0, m, batch_size)
        theta = theta - learning_rate * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
