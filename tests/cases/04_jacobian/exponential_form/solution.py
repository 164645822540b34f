# sigmoid_jacobian in exponential form: SymPy's own Matrix.jacobian, entries like p e^(-z) / (1 + e^(-z))^2.


def sigmoid_jacobian():
    x, y, p, q, r, s, t, u = sp.symbols("x y p q r s t u")
    outputs = sp.Matrix([p * x + q * y, r * x + s * y, t * x + u * y]).applyfunc(
        lambda z: 1 / (1 + sp.exp(-z)))
    return outputs.jacobian([x, y])
