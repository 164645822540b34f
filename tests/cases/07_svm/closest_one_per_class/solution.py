# Wrong: takes the single closest point of each class as the support vectors, missing ties (the six points have two support vectors in class +1).
def support_vectors(points, labels, line, tol=1e-6):
    P = np.asarray(points, dtype=np.float64)
    lab = np.asarray(labels, dtype=np.float64)
    a, b, c = line
    margins = lab * (a * P[:, 0] + b * P[:, 1] + c)
    chosen = []
    for cls in (-1.0, 1.0):
        idx = np.flatnonzero(lab == cls)
        chosen.append(int(idx[np.argmin(margins[idx])]))
    return sorted(chosen)
