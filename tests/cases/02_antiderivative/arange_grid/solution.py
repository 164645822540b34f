# riemann_sum on np.arange(a, b, dx): for [1, 1.3] with dx = 0.1 rounding adds the point 1.3, one strip too many.


def riemann_sum(f, a, b, dx):
    xs = np.arange(a, b, dx)
    return float(np.sum(f(xs)) * dx)
