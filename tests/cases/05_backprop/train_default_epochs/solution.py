# Wrong: train's default is epochs=2001, not the 2000 of the contract (train(X, y) runs one epoch too many).
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2001, seed=0):
    params = init_params(sizes, seed)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        for key in params:
            params[key] = params[key] - learning_rate * grads[key]
    return params
