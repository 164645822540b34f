# Wrong: 1/λmax is the rate that kills the stiffest direction in one step (the best rate for it), not the limit of stability, which is 2/λmax.
def max_stable_learning_rate(A):
    return float(1.0 / np.linalg.eigvalsh(np.asarray(A, dtype=np.float64))[-1])
