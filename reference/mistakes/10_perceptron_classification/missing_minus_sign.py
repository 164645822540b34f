# Your cost is negative: the log loss is -(1/m) * sum(Y log A + (1 - Y) log(1 - A)). Both logs are of numbers in (0, 1), so they are negative, and the leading minus sign makes the cost positive (and minimising it the right thing to do).
def compute_cost(A, Y):
    Y = np.asarray(Y, dtype=np.float64)
    A = np.clip(np.asarray(A, dtype=np.float64), EPS, 1.0 - EPS)
    m = Y.shape[1]
    return float(np.sum(Y * np.log(A) + (1.0 - Y) * np.log(1.0 - A)) / m)
