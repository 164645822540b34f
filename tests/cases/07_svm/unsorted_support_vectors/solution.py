# Wrong: the support vectors' indices in descending order.
_sorted = support_vectors


def support_vectors(points, labels, line, tol=1e-6):
    return _sorted(points, labels, line, tol)[::-1]
