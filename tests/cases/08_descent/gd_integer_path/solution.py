# Wrong: allocates the path with x0's dtype, so a start given as integers truncates every row.
def gradient_descent(grad, x0, learning_rate, num_iterations):
    x = np.array(x0)
    path = np.zeros((num_iterations + 1,) + x.shape, dtype=x.dtype)
    path[0] = x
    for k in range(num_iterations):
        x = x - learning_rate * np.asarray(grad(x if x.ndim else float(x)))
        path[k + 1] = x
    return path
