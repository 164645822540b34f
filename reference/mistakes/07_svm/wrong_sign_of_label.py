# Every point is on the wrong side of your line: the constraint is lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1, so points labelled +1 need a·x + b·y + c ≥ 1 and points labelled −1 need it ≤ −1. Check the sign of the labels in your constraints.
def solve_svm(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    constraints = [{"type": "ineq", "fun": lambda w, xy=p, l=l: -l * (w[0] * xy[0] + w[1] * xy[1] + w[2]) - 1.0}
                   for p, l in zip(P, lab)]
    res = minimize(lambda w: w[0] ** 2 + w[1] ** 2, np.zeros(3), constraints=constraints,
                   method="SLSQP", options={"ftol": 1e-12, "maxiter": 1000})
    a, b, c = res.x
    return float(a), float(b), float(c)
