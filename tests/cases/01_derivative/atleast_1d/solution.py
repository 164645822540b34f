# rate_of_change calls np.atleast_1d: right values, but a single number x comes back as shape (1,) instead of ().


def rate_of_change(f, x, dx=1e-6):
    x = np.atleast_1d(np.asarray(x, dtype=float))
    return (f(x + dx) - f(x - dx)) / (2 * dx)
