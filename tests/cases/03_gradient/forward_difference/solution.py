# numerical_gradient by forward differences with the given h: its error h*f''/2 shows in df/dx at (0, 3), where df/dx = 0.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    return np.array([(f(p + h * e) - f(p)) / h for e in np.eye(p.size)])
