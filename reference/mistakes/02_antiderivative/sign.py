# Check the sign of the second term: the integral of -4x is -2x^2, so an antiderivative is x^3 - 2x^2 (differentiate your answer to check).


def antiderivative():
    x = sp.Symbol("x")
    return x**3 + 2 * x**2
