# Correct, differently: λmax by power iteration (Rayleigh quotient until it stops changing) instead of a full eigendecomposition.
def max_stable_learning_rate(A):
    A = np.asarray(A, dtype=np.float64)
    v = np.ones(A.shape[0]) + np.arange(A.shape[0]) * 1e-3
    v /= np.linalg.norm(v)
    lam = float(v @ A @ v)
    for _ in range(100000):
        w = A @ v
        v = w / np.linalg.norm(w)
        new = float(v @ A @ v)
        if abs(new - lam) <= 1e-15 * abs(new):
            lam = new
            break
        lam = new
    return 2.0 / lam
