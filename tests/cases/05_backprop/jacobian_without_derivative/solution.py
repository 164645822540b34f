# Wrong: hidden_jacobian returns W.T alone, forgetting the factor diag(1 - h**2) from the tanh (the Jacobian of the linear part only).
def hidden_jacobian(W, b, x):
    return np.asarray(W, dtype=np.float64).T
