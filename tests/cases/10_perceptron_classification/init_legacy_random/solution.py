# Wrong: initialize_parameters uses the legacy global generator (np.random.seed, np.random.randn), not np.random.default_rng(seed) as the contract says.
def initialize_parameters(n_x, n_y, seed=0):
    np.random.seed(seed)
    return {"W": np.random.randn(n_y, n_x) * 0.01, "b": np.zeros((n_y, 1))}
