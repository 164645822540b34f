"""07_svm: the hard-margin support vector machine as a constrained optimisation problem (see README.md)."""



def solve_svm(points, labels):
    """Find the widest-margin separating line a*x + b*y + c = 0.

    points: array-like of shape (n, 2), one (x, y) per row.
    labels: array-like of shape (n,), each -1 or +1; the two classes are separable.

    Minimise a**2 + b**2 subject to labels[i] * (a*x_i + b*y_i + c) >= 1 for every i,
    with scipy.optimize.minimize (method "SLSQP" or "trust-constr").
    Returns a tuple of three floats (a, b, c). Checked on hidden data sets: every
    constraint must hold to 1e-6 and a**2 + b**2 must be within 1e-3 (relative) of the
    optimum.
    """
    raise NotImplementedError


def six_point_line():
    """Return (a, b, c), three floats: the SVM line for the six course points
    (-1,-1), (-3,-1), (0,0) labelled -1 and (3,3), (1,2), (2,1) labelled +1.
    Compute it (e.g. with solve_svm)."""
    raise NotImplementedError


def support_vectors(points, labels, line, tol=1e-6):
    """Return the sorted list of int indices i of the points on the margin.

    line is (a, b, c). Point i is on the margin (its constraint is active) when
    labels[i] * (a*x_i + b*y_i + c) - 1 <= tol.
    """
    raise NotImplementedError


def lagrangian_partials():
    """Return (dL/da, dL/db, dL/dc) as SymPy expressions (or strings) for
    L = a**2 + b**2 + lambda1*(-c - 1) + lambda2*(a + 2*b + c - 1)
        + lambda3*(2*a + b + c - 1),
    in the plain symbols a, b, c, lambda1, lambda2, lambda3."""
    raise NotImplementedError


def extra_points_change_line():
    """Return a bool: does adding (-1,-1) (label -1) and (-3,-1) (label -1), (3,3)
    (label +1) to the three points (0,0) -1, (1,2) +1, (2,1) +1 change the SVM line?
    Decide it by solving both problems."""
    raise NotImplementedError
