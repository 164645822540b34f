# example_jacobian differentiates with respect to (y, x) instead of (x, y): the two columns are swapped.


def example_jacobian():
    x, y = sp.symbols("x y")
    return sp.Matrix([2 * x * y, x**2 * y]).jacobian([y, x])
