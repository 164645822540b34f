# numerical_gradient stores the partial derivatives in reverse order (df/dx_n first): invisible on symmetric functions, wrong on x^2 + y^3.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    grad = np.empty(p.shape)
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h
        grad[p.size - 1 - i] = (f(p + e) - f(p - e)) / (2 * h)
    return grad
