# Correct, written differently: nn_model with the gradient step written inline, returning lists.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    X = np.asarray(X); Y = np.asarray(Y)
    p = initialize_parameters(X.shape[0], Y.shape[0], seed)
    W, b = p["W"].copy(), p["b"].copy()
    m = X.shape[1]
    for i in range(num_iterations):
        E = W @ X + b - Y
        W = W - learning_rate * (E @ X.T) / m
        b = b - learning_rate * E.mean(axis=1, keepdims=True)
    return {"W": W.tolist(), "b": b.tolist()}
