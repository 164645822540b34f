# Correct, differently: the regularised gradient by jax.grad of the loss, BFGS with the analytic gradient, clipping by np.linalg.norm with a where, and SGD batches from np.split at the multiples of batch_size (the task's batches, the last one shorter).
def l2_gradient(X, y, theta, lam):
    X = jnp.asarray(X, dtype=jnp.float64)
    y = jnp.asarray(y, dtype=jnp.float64)

    def loss(t):
        r = X @ t - y
        return r @ r / (2 * X.shape[0]) + lam / 2 * t @ t

    return np.asarray(jax.grad(loss)(jnp.asarray(theta, dtype=jnp.float64)))


def bfgs_minimum():
    res = minimize(lambda v: 0.5 * v[0] ** 2 + 2 * v[1] ** 2, [10.0, 12.0],
                   jac=lambda v: np.array([v[0], 4 * v[1]]), method="BFGS")
    return res.x


def clip_gradient(g, max_norm):
    g = np.asarray(g, dtype=np.float64)
    norm = np.linalg.norm(g)
    return np.where(norm > max_norm, g * max_norm / max(norm, 1e-300), g)


def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    theta = np.asarray(theta0, dtype=np.float64).copy()
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        for idx in np.split(rng.permutation(len(y)), range(batch_size, len(y), batch_size)):
            theta -= learning_rate * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
