# area_function weights f(x_k) by np.gradient(xs) and subtracts the first term: half a strip too much at every point.


def area_function(f, xs):
    xs = np.asarray(xs, dtype=float)
    s = np.cumsum(f(xs) * np.gradient(xs))
    return s - s[0]
