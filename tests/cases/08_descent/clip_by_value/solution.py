# Wrong: clips each component to [-max_norm, max_norm] instead of rescaling the whole vector, which changes the gradient's direction and can leave its norm above max_norm.
def clip_gradient(g, max_norm):
    return np.clip(np.asarray(g, dtype=np.float64), -max_norm, max_norm)
