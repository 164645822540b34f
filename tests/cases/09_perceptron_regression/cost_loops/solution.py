# Correct, written differently: compute_cost with nested Python loops over outputs and examples, inputs as lists.
def compute_cost(Y_hat, Y):
    Y_hat, Y = np.asarray(Y_hat).tolist(), np.asarray(Y).tolist()
    m = len(Y[0])
    total = 0.0
    for row_hat, row in zip(Y_hat, Y):
        for a, b in zip(row_hat, row):
            total += (a - b) ** 2
    return total / (2 * m)
