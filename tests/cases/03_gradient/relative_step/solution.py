# numerical_gradient with a step h*|p_i|: 0/0 = NaN where a coordinate is 0.


def numerical_gradient(f, point, h=1e-6):
    p = np.asarray(point, dtype=float)
    out = []
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = h * abs(p[i])
        out.append((f(p + e) - f(p - e)) / (2 * e[i]))
    return np.array(out)
