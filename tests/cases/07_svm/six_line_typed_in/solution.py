# Wrong: six_point_line returns the known answer typed in instead of calling solve_svm.
def six_point_line():
    return (2 / 3, 2 / 3, -1.0)
