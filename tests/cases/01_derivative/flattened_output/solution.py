# rate_of_change loops over x.ravel() and returns a flat 1-D array: right values, wrong shape for 0-d and 2-D inputs.


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return np.array([(f(t + dx) - f(t - dx)) / (2 * dx) for t in x.ravel()])
