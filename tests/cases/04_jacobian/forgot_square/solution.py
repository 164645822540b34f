# sigmoid_jacobian uses e^(-z) / (1 + e^(-z)) for sigma'(z), forgetting the square in the denominator (that is 1 - sigma(z), not sigma').


def sigmoid_jacobian():
    weights, z = sigmoid_layer()
    return sp.Matrix(3, 2, lambda i, j: sp.exp(-z[i]) / (1 + sp.exp(-z[i])) * weights[i, j])
