# The sigmoid's derivative is sigma(z) * (1 - sigma(z)), with a minus: 1 - sigma(z) = e^(-z) / (1 + e^(-z)). You wrote sigma(z) * (1 + sigma(z)).


def sigmoid_jacobian():
    weights, z = sigmoid_layer()
    return sp.Matrix(3, 2, lambda i, j: sigmoid(z[i]) * (1 + sigmoid(z[i])) * weights[i, j])
