# Your direction points downhill: you kept the direction where f decreases fastest (-grad f). Steepest ascent is the direction with the LARGEST increase of f.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    p = np.asarray(point, dtype=float)
    directions = unit_directions(n_directions)
    change = [(f(p + h * u) - f(p - h * u)) / (2 * h) for u in directions]
    return directions[int(np.argmin(change))].copy()
