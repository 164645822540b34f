# steepest_ascent_direction scores each candidate u by grad f . u (the directional derivative) from one numerical gradient, instead of differencing along u.


def steepest_ascent_direction(f, point, n_directions=360):
    angles = 2 * np.pi * np.arange(n_directions) / n_directions
    directions = np.column_stack([np.cos(angles), np.sin(angles)])
    return directions[np.argmax(directions @ numerical_gradient(f, point))]
