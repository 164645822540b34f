# You moved every coordinate at once (p + h in all positions), which measures the change along the diagonal, not a partial derivative: for component i, shift only coordinate i, p + h*e_i.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    diagonal = (f(p + h) - f(p - h)) / (2 * h)
    return np.full(p.shape, float(diagonal))
