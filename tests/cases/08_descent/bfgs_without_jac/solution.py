# Wrong: runs BFGS without jac=, so SciPy differentiates by finite differences.
def bfgs_minimum():
    return minimize(lambda v: 0.5 * v[0] ** 2 + 2 * v[1] ** 2, [10.0, 12.0], method="BFGS").x
