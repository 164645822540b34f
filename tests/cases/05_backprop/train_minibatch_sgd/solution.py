# Wrong: train does mini-batch SGD (batches of 32, shuffled) instead of full-batch gradient descent.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    rng = np.random.default_rng(seed)
    X = np.asarray(X); y = np.asarray(y)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), 32):
            idx = order[start:start + 32]
            _, cache = forward(params, X[idx])
            grads = backward(params, cache, y[idx])
            params = {k: params[k] - learning_rate * grads[k] for k in params}
    return params
