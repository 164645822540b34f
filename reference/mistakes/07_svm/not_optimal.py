# Your line separates the two classes but its margin is not the widest possible: a² + b² is larger than the optimum. Any separating line (e.g. from the perceptron rule) can be scaled to satisfy the constraints; the SVM is the one that minimises a² + b² subject to them — let the optimiser do that.
def solve_svm(points, labels):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    w = np.zeros(3)
    for _epoch in range(1000):  # the perceptron rule: stop at the first separating line
        changed = False
        for (px, py), l in zip(P, lab):
            if l * (w[0] * px + w[1] * py + w[2]) <= 0:
                w += l * np.array([px, py, 1.0])
                changed = True
        if not changed:
            break
    margins = lab * (P @ w[:2] + w[2])
    a, b, c = w / margins.min()  # scaled so that the closest point has margin exactly 1
    return float(a), float(b), float(c)
