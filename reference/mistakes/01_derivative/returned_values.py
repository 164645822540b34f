# Returns f(x) itself instead of its rate of change.
def rate_of_change(f, x, dx=1e-6):
    return np.asarray(f(np.asarray(x, dtype=np.float64)), dtype=np.float64)
