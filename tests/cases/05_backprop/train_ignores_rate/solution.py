# Wrong: train always steps with learning rate 0.5, whatever learning_rate says.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        params = {k: params[k] - 0.5 * grads[k] for k in params}
    return params
