# Wrong: train always runs 2000 epochs, whatever epochs says.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    for _ in range(2000):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        params = {k: params[k] - learning_rate * grads[k] for k in params}
    return params
