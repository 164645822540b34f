# Wrong: takes the first entry of np.linalg.eigvals(A), which is not sorted.
def max_stable_learning_rate(A):
    return float(2.0 / np.real(np.linalg.eigvals(np.asarray(A, dtype=float))[0]))
