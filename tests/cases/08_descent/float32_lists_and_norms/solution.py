# Correct, differently: SGD in float32, clipping on Python lists, λmax as the spectral norm, BFGS with jax.grad, the best end point by argmin over a list.
def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    X = np.asarray(X, dtype=np.float32); y = np.asarray(y, dtype=np.float32)
    theta = np.array(theta0, dtype=np.float32)
    m = len(y); rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(m)
        for s in range(0, m, batch_size):
            idx = order[s:s + batch_size]
            theta = theta - np.float32(learning_rate) * X[idx].T @ (X[idx] @ theta - y[idx]) / np.float32(len(idx))
    return theta
def clip_gradient(g, max_norm):
    n = sum(v * v for v in g) ** 0.5
    return [v * max_norm / n for v in g] if n > max_norm else list(g)
def max_stable_learning_rate(A):
    return 2.0 / np.linalg.norm(np.asarray(A, dtype=float), 2)
def bfgs_minimum():
    f = lambda v: 0.5 * v[0] ** 2 + 2 * v[1] ** 2
    g = jax.grad(f)
    return minimize(lambda v: float(f(v)), np.array([10.0, 12.0]), jac=lambda v: np.array(g(jnp.array(v))), method="BFGS").x
def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    ends = [gradient_descent(grad, s, learning_rate, num_iterations)[-1] for s in starts]
    vals = [f(e.item() if np.ndim(e) == 0 else e) for e in ends]
    return ends[int(np.argmin(vals))]
