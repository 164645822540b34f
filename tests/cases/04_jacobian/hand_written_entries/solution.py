# example_jacobian typed in by hand, and sigmoid_jacobian written entry by entry with e^(-z) / (1 + e^(-z))^2 using symbols created with real=True (matched by name).


def example_jacobian():
    x, y = sp.symbols("x y", real=True)
    return sp.Matrix([[2 * y, 2 * x], [2 * x * y, x**2]])


def sigmoid_jacobian():
    x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u", real=True)

    def dsigma(z):
        return sp.exp(-z) / (1 + sp.exp(-z)) ** 2

    return sp.Matrix([
        [dsigma(p * x + q * y) * p, dsigma(p * x + q * y) * q],
        [dsigma(r * x + s * y) * r, dsigma(r * x + s * y) * s],
        [dsigma(t * x + u * y) * t, dsigma(t * x + u * y) * u],
    ])
