# riemann_sum ignores a and always starts the grid at 0: right whenever a = 0, wrong integral otherwise.


def riemann_sum(f, a, b, dx):
    xs = np.arange(0.0, b, dx)
    return float(np.sum(f(xs)) * dx)
