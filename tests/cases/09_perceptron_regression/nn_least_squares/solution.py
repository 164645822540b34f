# Wrong: nn_model solves least squares in closed form instead of running gradient descent.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    X = np.asarray(X, dtype=float)
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    sol = np.linalg.lstsq(A, np.asarray(Y, dtype=float).T, rcond=None)[0]
    return {"W": sol[:-1].T, "b": sol[-1:].T}
