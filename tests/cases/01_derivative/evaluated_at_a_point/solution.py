# symbolic_derivative substitutes x = 1 into f', returning the number -1 instead of the formula 3x^2 - 4x.


def symbolic_derivative():
    x = sp.Symbol("x")
    return sp.diff(x**3 - 2 * x**2 + 1, x).subs(x, 1)
