# steepest_ascent_direction always searches 360 directions, whatever n_directions is.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    p = np.asarray(point, dtype=float)
    d = unit_directions(360)
    return d[int(np.argmax([f(p + h * u) - f(p - h * u) for u in d]))]
