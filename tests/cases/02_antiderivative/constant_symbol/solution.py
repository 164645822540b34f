# antiderivative with an explicit constant of integration C: any constant is accepted.


def antiderivative():
    x, C = sp.symbols("x C")
    return x**3 - 2 * x**2 + C
