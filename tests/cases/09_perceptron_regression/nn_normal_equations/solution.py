# Wrong: nn_model solves the normal equations (X Xᵀ) W = ... with np.linalg.solve instead of training.
def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    Xb = np.vstack([np.asarray(X, dtype=float), np.ones((1, np.shape(X)[1]))])
    Wb = np.linalg.solve(Xb @ Xb.T, Xb @ np.asarray(Y, dtype=float).T).T
    return {"W": Wb[:, :-1], "b": Wb[:, -1:]}
