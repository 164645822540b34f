# Your matrix is transposed (2 x 3): in a Jacobian each ROW belongs to one output and each COLUMN to one input, so three outputs of (x, y) give a 3 x 2 matrix.


def sigmoid_jacobian():
    weights, z = sigmoid_layer()
    return sp.Matrix(3, 2, lambda i, j: sigmoid(z[i]) * (1 - sigmoid(z[i])) * weights[i, j]).T
