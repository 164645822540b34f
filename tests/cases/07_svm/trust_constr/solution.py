# Correct, differently: the same QP solved with scipy's trust-constr method and a LinearConstraint, from the origin, with exact Hessian.
from scipy.optimize import LinearConstraint


def solve_svm(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    A = lab[:, None] * np.column_stack([P, np.ones(len(P))])
    res = minimize(
        lambda w: w[0] ** 2 + w[1] ** 2,
        np.zeros(3),
        jac=lambda w: np.array([2 * w[0], 2 * w[1], 0.0]),
        hess=lambda w: np.diag([2.0, 2.0, 0.0]),
        constraints=[LinearConstraint(A, 1.0, np.inf)],
        method="trust-constr",
        options={"gtol": 1e-12, "xtol": 1e-14, "barrier_tol": 1e-12, "maxiter": 5000},
    )
    a, b, c = res.x
    return float(a), float(b), float(c)
