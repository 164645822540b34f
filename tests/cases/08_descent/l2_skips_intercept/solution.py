# Wrong: leaves the intercept θ₀ out of the L2 penalty.
def l2_gradient(X, y, theta, lam):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=float); theta = np.asarray(theta, dtype=float)
    pen = lam * theta; pen[0] = 0.0
    return X.T @ (X @ theta - y) / len(y) + pen
