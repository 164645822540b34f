# Wrong: compute_cost pairs the labels with the wrong logs, -(1/m) sum[(1 - Y) log A + Y log(1 - A)].
def compute_cost(A, Y):
    Y = np.asarray(Y, dtype=np.float64)
    A = np.clip(np.asarray(A, dtype=np.float64), EPS, 1.0 - EPS)
    m = Y.shape[1]
    return float(-np.sum((1.0 - Y) * np.log(A) + Y * np.log(1.0 - A)) / m)
