# Wrong: init_params multiplies the weights by sqrt(fan_in) instead of dividing, so tanh starts saturated.
def init_params(sizes=(2, 8, 8, 1), seed=0):
    rng = np.random.default_rng(seed)
    params = {}
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((fan_in, fan_out)) * np.sqrt(fan_in)
        params[f"b{k}"] = np.zeros(fan_out)
    return params
