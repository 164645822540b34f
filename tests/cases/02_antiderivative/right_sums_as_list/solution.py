# riemann_sum as the right Riemann sum in a while loop, area_function as right sums accumulated into a Python list: both Riemann sums of the same strips.


def riemann_sum(f, a, b, dx):
    total, i, n = 0.0, 1, round((b - a) / dx)
    while i <= n:
        total += float(f(np.array(a + i * dx))) * dx
        i += 1
    return total


def area_function(f, xs):
    out = [0.0]
    for x0, x1 in zip(xs[:-1], xs[1:]):
        out.append(out[-1] + float(f(np.array(x1))) * (x1 - x0))
    return out
