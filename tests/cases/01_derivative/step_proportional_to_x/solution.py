# rate_of_change with a step dx*|x| (a "relative" step): 0/0 = NaN at x = 0.


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    h = dx * np.abs(x)
    return (f(x + h) - f(x - h)) / (2 * h)
