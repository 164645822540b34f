# rate_of_change by the forward difference (f(x + dx) - f(x)) / dx: error f''(x)*dx/2, which shows at x = 0 of the worked example (f'(0) = 0).


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return (f(x + dx) - f(x)) / dx
