# Wrong: bfgs_minimum returns the exact minimiser (0, 0) typed in instead of running BFGS.
def bfgs_minimum():
    return np.zeros(2)
