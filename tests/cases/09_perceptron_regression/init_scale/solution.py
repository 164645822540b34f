# Wrong: initialize_parameters scales the standard normal draw by 0.02 instead of 0.01.
def initialize_parameters(n_x, n_y, seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.standard_normal((n_y, n_x)) * 0.02, "b": np.zeros((n_y, 1))}
