# rate_of_change ignores dx and uses a one-sided difference with step 0.01: the error f''(x)*0.005 is far above the tolerance.


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    step = 0.01
    return (f(x + step) - f(x)) / step
