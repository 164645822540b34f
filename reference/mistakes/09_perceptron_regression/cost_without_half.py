# Your cost is twice the expected value: this exercise defines the cost as (1/2m) * sum((Y_hat - Y)**2). The 1/2 is there so that the derivative has no factor 2 and dW = (1/m)(Y_hat - Y) X^T exactly; divide by 2*m, not m.
def compute_cost(Y_hat, Y):
    Y = np.asarray(Y, dtype=np.float64)
    m = Y.shape[1]
    return float(np.sum((np.asarray(Y_hat) - Y) ** 2) / m)
