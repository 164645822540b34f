# Correct, differently: the derivative given as a string ("x^(-1)", parsed by the safe parser) and the critical points of log x found with sp.solve instead of solveset.
def log_derivative():
    return "x^(-1)"


def log_critical_points():
    return sp.solve(sp.Eq(1 / x, 0), x)
