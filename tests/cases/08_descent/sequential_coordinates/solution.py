# Wrong: updates the coordinates one after the other, each with a gradient evaluated at the partly updated point (Gauss-Seidel style); gradient descent moves all coordinates at once with the gradient at x_k (differs on bowls whose gradient couples x and y).
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    for _ in range(num_iterations):
        if x.ndim == 0:
            x = x - learning_rate * np.asarray(grad(float(x)), dtype=np.float64)
        else:
            for i in range(x.size):
                x[i] = x[i] - learning_rate * np.asarray(grad(x.copy()), dtype=np.float64)[i]
        path.append(x.copy())
    return np.array(path)
