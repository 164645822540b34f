# antiderivative returns the definite integral from 0 to 1, the number -1, instead of a function of x.


def antiderivative():
    x = sp.Symbol("x")
    return sp.integrate(3 * x**2 - 4 * x, (x, 0, 1))
