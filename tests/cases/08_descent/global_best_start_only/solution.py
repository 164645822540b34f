# Wrong: descends only from the start where f is lowest.
def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    vals = [float(f(s)) for s in starts]
    s = starts[int(np.argmin(vals))]
    end = gradient_descent(grad, s, learning_rate, num_iterations)[-1]
    return float(end) if end.ndim == 0 else end
