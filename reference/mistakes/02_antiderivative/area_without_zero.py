# Your area function has no leading 0: A(xs[0]) is the area of an empty strip, 0, so start with [0.0] and then add the cumulative sum of the n - 1 strips (n values in all).
# The same id covers the shifted variant np.cumsum(f(xs) * dx), whose first value f(xs[0])*dx is not 0.


def area_function(f, xs):
    xs = np.asarray(xs, dtype=float)
    heights = f(xs)
    return np.cumsum((heights[1:] + heights[:-1]) / 2 * np.diff(xs))
