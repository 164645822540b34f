# Correct, written differently: the cache keeps the pre-activations Z, tanh' is computed as 1/cosh(z)**2, the sigmoid as (1 + tanh(z/2))/2, the loss in its logits-free "sum over both classes" form, and the Jacobian with np.diag.
def forward(params, X):
    X = np.asarray(X, dtype=np.float64)
    Z1 = X @ params["W1"] + params["b1"]
    Z2 = np.tanh(Z1) @ params["W2"] + params["b2"]
    Z3 = np.tanh(Z2) @ params["W3"] + params["b3"]
    y_hat = 0.5 * (1.0 + np.tanh(0.5 * Z3.ravel()))
    return y_hat, {"X": X, "Z1": Z1, "Z2": Z2, "Z3": Z3}


def loss(y_hat, y):
    p = np.clip(np.asarray(y_hat, dtype=np.float64), 1e-15, 1 - 1e-15)
    y = np.asarray(y, dtype=np.float64)
    total = 0.0
    for label, prob in ((y, p), (1.0 - y, 1.0 - p)):
        total += np.sum(label * np.log(prob))
    return float(-total / y.size)


def backward(params, cache, y):
    X, Z1, Z2, Z3 = cache["X"], cache["Z1"], cache["Z2"], cache["Z3"]
    n = X.shape[0]
    y_hat = 0.5 * (1.0 + np.tanh(0.5 * Z3))
    delta3 = (y_hat - np.reshape(y, (-1, 1))) / n
    delta2 = (delta3 @ params["W3"].T) / np.cosh(Z2) ** 2
    delta1 = (delta2 @ params["W2"].T) / np.cosh(Z1) ** 2
    grads = {}
    for k, (inp, delta) in enumerate(((X, delta1), (np.tanh(Z1), delta2), (np.tanh(Z2), delta3)), 1):
        grads[f"W{k}"] = np.einsum("ni,nj->ij", inp, delta)
        grads[f"b{k}"] = np.sum(delta, axis=0)
    return grads


def hidden_jacobian(W, b, x):
    z = np.asarray(x) @ np.asarray(W) + np.asarray(b)
    return np.diag(1.0 / np.cosh(z) ** 2) @ np.asarray(W).T
