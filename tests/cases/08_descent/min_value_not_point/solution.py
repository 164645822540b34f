# Wrong: returns the lowest value f(x) reached instead of the point x where it is reached.
def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    values = []
    for start in starts:
        end = gradient_descent(grad, start, learning_rate, num_iterations)[-1]
        values.append(float(f(float(end) if end.ndim == 0 else end)))
    return min(values)
