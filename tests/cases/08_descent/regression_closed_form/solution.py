# Wrong: linear_regression_gd returns the least-squares solution instead of θ after num_iterations steps.
def linear_regression_gd(X, y, theta0, learning_rate, num_iterations):
    return np.linalg.lstsq(np.asarray(X, dtype=float), np.asarray(y, dtype=float), rcond=None)[0]
