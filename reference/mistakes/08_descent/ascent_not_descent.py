# Your steps go uphill: the gradient points in the direction of steepest ascent, so descent subtracts it — x_new = x − learning_rate · grad(x).
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.array(x0, dtype=np.float64)
    path = [x]
    for _ in range(num_iterations):
        x = x + learning_rate * np.asarray(grad(x), dtype=np.float64)
        path.append(x)
    return np.array(path)
