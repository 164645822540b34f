# Wrong for one point: forward flattens with np.squeeze, so y_hat has shape () when n = 1.
def forward(params, X):
    X = np.asarray(X, dtype=np.float64)
    H1 = np.tanh(X @ params["W1"] + params["b1"])
    H2 = np.tanh(H1 @ params["W2"] + params["b2"])
    y_hat = np.squeeze(_sigmoid(H2 @ params["W3"] + params["b3"]))
    return y_hat, {"X": X, "H1": H1, "H2": H2, "y_hat": y_hat}
