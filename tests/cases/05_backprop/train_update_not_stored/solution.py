# Wrong: train computes p - learning_rate * grad into a loop variable and never stores it, so the parameters never change.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    for _ in range(epochs):
        _, cache = forward(params, X)
        grads = backward(params, cache, y)
        for key, p in params.items():
            p = p - learning_rate * grads[key]
    return params
