# Some points violate lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1: you solved a soft-margin SVM, which pays a penalty to let points inside the margin. This exercise asks for the hard margin: every constraint must hold, so use them as constraints (not penalties) in scipy.optimize.minimize.
def solve_svm(points, labels, C=0.1):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    n = len(P)

    def objective(v):  # v = (a, b, c, ξ1..ξn): slack ξᵢ lets point i inside the margin
        return v[0] ** 2 + v[1] ** 2 + C * np.sum(v[3:])

    constraints = [
        {"type": "ineq", "fun": lambda v: lab * (P @ v[:2] + v[2]) - 1.0 + v[3:]},
        {"type": "ineq", "fun": lambda v: v[3:]},
    ]
    res = minimize(objective, np.zeros(3 + n), constraints=constraints, method="SLSQP",
                   options={"ftol": 1e-12, "maxiter": 1000})
    a, b, c = res.x[:3]
    return float(a), float(b), float(c)
