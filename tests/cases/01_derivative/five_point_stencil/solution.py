# rate_of_change by the fourth-order five-point stencil instead of the central difference (at least as accurate).


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return (-f(x + 2 * dx) + 8 * f(x + dx) - 8 * f(x - dx) + f(x - 2 * dx)) / (12 * dx)
