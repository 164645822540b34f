# Wrong: train draws its own starting weights (Xavier uniform) instead of starting from init_params(sizes, seed).
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    rng = np.random.default_rng(seed + 1)
    params = {}
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        lim = np.sqrt(6 / (a + b))
        params[f"W{k}"] = rng.uniform(-lim, lim, (a, b))
        params[f"b{k}"] = np.zeros(b)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        params = {k: params[k] - learning_rate * grads[k] for k in params}
    return params
