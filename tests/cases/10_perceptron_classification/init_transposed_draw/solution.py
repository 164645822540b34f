# Correct, written differently: W drawn as (n_x, n_y) with rng.normal(0, 0.01) and transposed (the same numbers, in the other order).
def initialize_parameters(n_x, n_y, seed=0):
    rng = np.random.default_rng(seed)
    return {"W": rng.normal(0.0, 0.01, size=(n_x, n_y)).T, "b": np.zeros((n_y, 1))}
