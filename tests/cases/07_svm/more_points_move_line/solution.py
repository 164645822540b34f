# Wrong: assumes more data always moves the line; points outside the margins have zero multipliers and do not change the optimum.
def extra_points_change_line():
    return True
