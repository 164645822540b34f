# steepest_ascent_direction loops over range(n_directions - 1): the last candidate, k = n - 1, is never tried.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    p = np.asarray(point, dtype=float)
    best, best_change = None, -np.inf
    for k in range(n_directions - 1):
        t = 2 * np.pi * k / n_directions
        u = np.array([np.cos(t), np.sin(t)])
        change = (f(p + h * u) - f(p - h * u)) / (2 * h)
        if change > best_change:
            best, best_change = u, change
    return best
