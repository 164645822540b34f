# Correct, written differently: train updates the arrays in place with -=, over a list of keys.
def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    params = init_params(sizes, seed)
    for epoch in range(epochs):
        y_hat, cache = forward(params, X)
        grads = backward(params, cache, y)
        for key in ["W1", "b1", "W2", "b2", "W3", "b3"]:
            params[key] -= learning_rate * grads[key]
    return params
