# Wrong: initialize_parameters draws from default_rng(0), whatever seed says.
def initialize_parameters(n_x, n_y, seed=0):
    rng = np.random.default_rng(0)
    return {"W": rng.standard_normal((n_y, n_x)) * 0.01, "b": np.zeros((n_y, 1))}
