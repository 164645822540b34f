# Wrong: compares the two lines with a tolerance of 0.5, so no change of line is ever seen.
def extra_points_change_line():
    three = np.array(solve_svm(THREE_POINTS, THREE_LABELS)); six = np.array(solve_svm(SIX_POINTS, SIX_LABELS))
    return not bool(np.allclose(three, six, atol=0.5))
