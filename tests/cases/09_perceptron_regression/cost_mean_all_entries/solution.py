# Wrong for several outputs: compute_cost is np.mean((Y_hat - Y) ** 2) / 2, dividing by m * n_y instead of m.
def compute_cost(Y_hat, Y):
    return float(np.mean((np.asarray(Y_hat) - np.asarray(Y)) ** 2) / 2)
