# Subtracts the right-hand value from the left-hand one: every derivative has the wrong sign.
def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=np.float64)
    return (np.asarray(f(x - dx)) - np.asarray(f(x + dx))) / (2 * dx)
