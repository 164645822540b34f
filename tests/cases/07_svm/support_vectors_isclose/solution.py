# Wrong: tests np.isclose(margin, 1) (rtol 1e-5) instead of margin − 1 ≤ tol, so a point at 1 + 3e-6 counts.
def support_vectors(points, labels, line, tol=1e-6):
    P = np.asarray(points, dtype=float); lab = np.asarray(labels, dtype=float); a, b, c = line
    m = lab * (a * P[:, 0] + b * P[:, 1] + c)
    return [int(i) for i in np.flatnonzero(np.isclose(m, 1.0))]
