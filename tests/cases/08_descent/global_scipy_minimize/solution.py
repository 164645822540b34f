# Wrong: minimises f from every start with scipy's BFGS instead of the given descent (same valleys, converged points).
def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    best = None
    for s in starts:
        res = minimize(lambda v: float(f(v[0] if np.ndim(s) == 0 else v)), np.atleast_1d(np.asarray(s, dtype=float)),
                       jac=lambda v: np.atleast_1d(np.asarray(grad(v[0] if np.ndim(s) == 0 else v), dtype=float)), method="BFGS", options={"gtol": 1e-12})
        if best is None or res.fun < best[0]:
            best = (res.fun, res.x)
    return float(best[1][0]) if np.ndim(starts[0]) == 0 else best[1]
