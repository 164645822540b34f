# Wrong: train uses momentum (heavy ball, beta 0.9) instead of plain gradient descent p - rate * grad.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    v = {k: np.zeros_like(p) for k, p in params.items()}
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        v = {k: 0.9 * v[k] + grads[k] for k in params}
        params = {k: params[k] - 0.1 * learning_rate * v[k] for k in params}
    return params
