# Your path is one row short: it must start with the starting point x0 itself, then one row per step — num_iterations + 1 rows in all (row k is x after k steps).
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.array(x0, dtype=np.float64)
    path = []
    for _ in range(num_iterations):
        x = x - learning_rate * np.asarray(grad(x), dtype=np.float64)
        path.append(x)
    return np.array(path).reshape((num_iterations,) + np.shape(x0))
