# The chain rule needs the derivative of the inside too: d/dx sigma(px + qy) = sigma'(px + qy) * p. Multiply each entry by its weight (p, q, r, s, t or u).


def sigmoid_jacobian():
    weights, z = sigmoid_layer()
    return sp.Matrix(3, 2, lambda i, j: sigmoid(z[i]) * (1 - sigmoid(z[i])))
