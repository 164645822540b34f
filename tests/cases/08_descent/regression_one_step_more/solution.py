# Wrong: makes num_iterations + 1 descent steps.
def linear_regression_gd(X, y, theta0, learning_rate, num_iterations):
    X = np.asarray(X, dtype=float); y = np.asarray(y, dtype=float); theta = np.array(theta0, dtype=float)
    for _ in range(num_iterations + 1):
        theta = theta - learning_rate * X.T @ (X @ theta - y) / len(y)
    return theta
