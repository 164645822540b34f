# Correct, written differently: nn_model updates W and b in place with its own inline gradient, initial W from rng.normal(0, 0.01).
def initialize_parameters(n_x, n_y, seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(0.0, 0.01, size=(n_y, n_x)), "b": np.zeros((n_y, 1))}


def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    X = np.asarray(X); Y = np.asarray(Y)
    p = initialize_parameters(X.shape[0], Y.shape[0], seed)
    W, b = p["W"].copy(), p["b"].copy()
    m = X.shape[1]
    for i in range(num_iterations):
        A = 1 / (1 + np.exp(-(np.dot(W, X) + b)))
        W -= learning_rate * np.dot(A - Y, X.T) / m
        b -= learning_rate * np.mean(A - Y, axis=1, keepdims=True)
    return {"W": W, "b": b}
