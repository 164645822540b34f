# Wrong: predict thresholds Z = W X + b at 0.5 instead of A = sigmoid(Z) (i.e. Z at 0).
def predict(X, parameters):
    Z = parameters["W"] @ np.asarray(X, dtype=np.float64) + parameters["b"]
    return (Z > 0.5).astype(float)
