# Wrong: decides whether to clip with the sum of |gᵢ| (the L1 norm) instead of the Euclidean norm.
def clip_gradient(g, max_norm):
    g = np.asarray(g, dtype=float)
    if np.abs(g).sum() > max_norm:
        return g * max_norm / np.linalg.norm(g)
    return g
