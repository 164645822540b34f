# area_function by left Riemann sums accumulated along the grid (a leading 0, then running sums of f(x_{k-1}) * gap): first-order accurate, which the spacing-scaled tolerance allows.


def area_function(f, xs):
    xs = np.asarray(xs, dtype=float)
    strips = f(xs[:-1]) * np.diff(xs)
    return np.concatenate(([0.0], np.cumsum(strips)))
