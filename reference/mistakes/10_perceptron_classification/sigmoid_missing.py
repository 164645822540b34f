# forward_propagation returns Z = W X + b, not the probability A = sigmoid(Z). Apply the sigmoid 1 / (1 + exp(-Z)) so that every output lies in (0, 1) and can be read as the probability of class 1.
def forward_propagation(X, parameters):
    return parameters["W"] @ np.asarray(X, dtype=np.float64) + parameters["b"]
