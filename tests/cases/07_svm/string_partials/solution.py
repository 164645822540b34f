# Correct, differently: the partial derivatives written as strings (implicit multiplication), and extra_points_change_line decided by comparing rounded lines.
def lagrangian_partials():
    return ("2a + lambda2 + 2 lambda3", "2b + 2 lambda2 + lambda3", "lambda2 + lambda3 - lambda1")


def extra_points_change_line():
    return tuple(np.round(solve_svm(THREE_POINTS, THREE_LABELS), 6)) != tuple(np.round(six_point_line(), 6))
