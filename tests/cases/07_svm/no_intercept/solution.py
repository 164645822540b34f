# Wrong: forgets the intercept c (the line is forced through the origin), so the point (0, 0) can never satisfy its constraint and the result is infeasible.
def solve_svm(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    res = minimize(lambda w: w[0] ** 2 + w[1] ** 2, np.ones(2),
                   constraints=[{"type": "ineq", "fun": lambda w: lab * (P @ w) - 1.0}],
                   method="SLSQP", options={"ftol": 1e-12, "maxiter": 100})
    return float(res.x[0]), float(res.x[1]), 0.0
