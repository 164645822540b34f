# Wrong: keeps only the points whose margin is exactly 1.0, which a solver's line never gives.
def support_vectors(points, labels, line, tol=1e-6):
    P = np.asarray(points, dtype=float); lab = np.asarray(labels, dtype=float); a, b, c = line
    m = lab * (a * P[:, 0] + b * P[:, 1] + c)
    return [i for i in range(len(P)) if m[i] == 1.0]
