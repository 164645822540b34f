# numerical_gradient ignores h and uses a forward difference with step 0.01: the error (h/2) * f'' is far above the tolerance.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    step = 0.01
    grad = np.empty(p.shape)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = step
        grad[i] = (f(p + e) - f(p)) / step
    return grad
