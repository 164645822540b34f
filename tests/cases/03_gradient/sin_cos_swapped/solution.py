# steepest_ascent_direction finds the best angle t but returns (sin t, cos t) instead of (cos t, sin t): the mirror image of the right direction across the line y = x.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    p = np.asarray(point, dtype=float)
    angles = 2 * np.pi * np.arange(n_directions) / n_directions
    best, best_change = 0.0, -np.inf
    for t in angles:
        u = np.array([np.cos(t), np.sin(t)])
        change = (f(p + h * u) - f(p - h * u)) / (2 * h)
        if change > best_change:
            best, best_change = t, change
    return np.array([np.sin(best), np.cos(best)])
