# area_function uses the mean spacing (xs[-1] - xs[0]) / (n - 1) for every strip: right on an even grid only.


def area_function(f, xs):
    xs = np.asarray(xs, dtype=float)
    h = (xs[-1] - xs[0]) / (len(xs) - 1)
    y = f(xs)
    return np.concatenate(([0.0], np.cumsum((y[1:] + y[:-1]) / 2 * h)))
