# riemann_sum by the trapezoid rule on the n + 1 grid points: the average of the left and right sums, not Sum f(x_i) dx.


def riemann_sum(f, a, b, dx):
    n = int(round((b - a) / dx))
    y = f(a + dx * np.arange(n + 1))
    return float((np.sum(y) - (y[0] + y[-1]) / 2) * dx)
