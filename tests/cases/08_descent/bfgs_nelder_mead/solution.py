# Wrong: minimises with Nelder-Mead (tight tolerances) instead of BFGS with the gradient.
def bfgs_minimum():
    return minimize(lambda v: 0.5 * v[0] ** 2 + 2 * v[1] ** 2, [10.0, 12.0], method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-14}).x
