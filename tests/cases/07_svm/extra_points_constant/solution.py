# Wrong: extra_points_change_line returns False without solving either problem.
def extra_points_change_line():
    return False
