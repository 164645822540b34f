# Correct, differently: SLSQP from the start (1, 1, 0) with one constraint dict per point (no scaling, no feasible start, no polish), as a student would write it.
def solve_svm(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    constraints = [{"type": "ineq", "fun": lambda w, p=p, l=l: l * (w[0] * p[0] + w[1] * p[1] + w[2]) - 1.0}
                   for p, l in zip(P, lab)]
    res = minimize(lambda w: w[0] ** 2 + w[1] ** 2, np.array([1.0, 1.0, 0.0]),
                   constraints=constraints, method="SLSQP",
                   options={"ftol": 1e-12, "maxiter": 1000})
    a, b, c = res.x
    return float(a), float(b), float(c)


def support_vectors(points, labels, line, tol=1e-6):
    margins = [l * (line[0] * p[0] + line[1] * p[1] + line[2]) for p, l in zip(points, labels)]
    return [i for i, m in enumerate(margins) if m - 1 <= tol]
