# You added up the heights f(x_i) but did not multiply by the strip width dx: the area of each strip is height x width, so return sum(f(x_i)) * dx.


def riemann_sum(f, a, b, dx):
    return float(np.sum(f(left_grid(a, b, dx))))
