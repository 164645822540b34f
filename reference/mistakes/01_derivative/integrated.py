# You integrated instead of differentiating: x^4/4 - 2x^3/3 + x is an antiderivative of f. Differentiate with sympy.diff, which lowers each power by one.


def symbolic_derivative():
    x = sp.Symbol("x")
    return sp.integrate(x**3 - 2 * x**2 + 1, x)
