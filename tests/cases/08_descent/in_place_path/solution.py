# Wrong: the path is built from one array updated in place, so every row is the last x.
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.array(x0, dtype=float)
    path = [x]
    for _ in range(num_iterations):
        x -= learning_rate * np.asarray(grad(x))  # updates every row at once
        path.append(x)
    return np.array(path)
