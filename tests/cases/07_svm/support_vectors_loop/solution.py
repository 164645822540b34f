# Correct, differently: a Python loop over the points, indices as np.int64, comparing with the tol it is given.
def support_vectors(points, labels, line, tol=1e-6):
    out = []
    for i, ((x, y), l) in enumerate(zip(points, labels)):
        if l * (line[0] * x + line[1] * y + line[2]) - 1 <= tol:
            out.append(np.int64(i))
    return out
