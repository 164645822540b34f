# Wrong: cuts each epoch's permutation with np.array_split into equal-ish batches (sizes 32 and 31), not the task's order[0:b], order[b:2b], …
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    theta = np.asarray(theta0, dtype=np.float64).copy()
    rng = np.random.default_rng(seed)
    n_batches = -(-len(y) // batch_size)
    for _ in range(epochs):
        for idx in np.array_split(rng.permutation(len(y)), n_batches):
            theta -= learning_rate * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
