# Correct, written differently: init_params draws Xavier-uniform weights (still from default_rng(seed)), train as the reference.
def init_params(sizes=(2, 8, 8, 1), seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        lim = np.sqrt(6 / (a + b))
        params[f"W{k}"] = rng.uniform(-lim, lim, (a, b))
        params[f"b{k}"] = np.zeros(b)
    return params
