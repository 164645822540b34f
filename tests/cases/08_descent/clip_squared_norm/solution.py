# Wrong: compares the squared norm g·g with max_norm (the square root forgotten).
def clip_gradient(g, max_norm):
    g = np.asarray(g, dtype=float)
    if g @ g > max_norm:
        return g * max_norm / np.linalg.norm(g)
    return g
