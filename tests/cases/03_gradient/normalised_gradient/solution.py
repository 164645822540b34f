# steepest_ascent_direction returns the normalised numerical gradient: the right direction, but no search among the n candidates.


def steepest_ascent_direction(f, point, n_directions=360):
    g = numerical_gradient(f, point)
    return g / np.linalg.norm(g)
