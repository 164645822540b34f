# Wrong: ignores the tol argument and always uses 1e-6.
def support_vectors(points, labels, line, tol=1e-6):
    P = np.asarray(points, dtype=float); lab = np.asarray(labels, dtype=float); a, b, c = line
    m = lab * (a * P[:, 0] + b * P[:, 1] + c)
    return [int(i) for i in np.flatnonzero(m - 1.0 <= 1e-6)]
