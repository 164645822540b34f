# Wrong: solve_svm returns the six-point answer whatever the data (fails on the hidden data sets).
def solve_svm(points, labels):
    return (2 / 3, 2 / 3, -1.0)
