# Wrong: bfgs_minimum returns SciPy's whole OptimizeResult, not its .x.
def bfgs_minimum():
    return minimize(lambda v: 0.5 * v[0] ** 2 + 2 * v[1] ** 2, [10.0, 12.0],
                    jac=lambda v: np.array([v[0], 4 * v[1]]), method='BFGS')
