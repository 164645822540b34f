# Wrong: hidden_jacobian returns dh/dx transposed, shape (2, h1): rows must be the outputs h_i and columns the inputs x_j.
def hidden_jacobian(W, b, x):
    W = np.asarray(W, dtype=np.float64)
    h = np.tanh(np.asarray(x, dtype=np.float64) @ W + b)
    return W * (1.0 - h**2)[np.newaxis, :]
