# Your vector points the right way but does not have length 1: a direction is a unit vector. Return one of the candidates (cos t, sin t), or divide by the norm.


def steepest_ascent_direction(f, point, n_directions=360, h=1e-6):
    return numerical_gradient(f, point, h)
