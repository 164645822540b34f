# Correct, differently: the path grows by appending to a list and is stacked at the end; the gradient is called on a 0-d array for a scalar start.
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.asarray(x0, dtype=np.float64)
    path = [x]
    for _ in range(num_iterations):
        x = x - learning_rate * np.asarray(grad(x))
        path.append(x)
    return np.stack(path)
