# Wrong: critical_points returns a sorted list of points, not a dict.
_exact = critical_points


def critical_points(expr, var):
    return sorted(_exact(expr, var))
