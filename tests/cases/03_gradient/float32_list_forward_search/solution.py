# numerical_gradient as a list of np.float32 numbers (within rtol 1e-5), steepest_ascent_direction by forward differences along each candidate, returned as a list.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    return [np.float32((f(p + h * e) - f(p - h * e)) / (2 * h)) for e in np.eye(p.size)]


def steepest_ascent_direction(f, point, n_directions=360, h=1e-7):
    p = np.asarray(point, dtype=float)
    d = unit_directions(n_directions)
    return d[int(np.argmax([f(p + h * u) - f(p) for u in d]))].tolist()
