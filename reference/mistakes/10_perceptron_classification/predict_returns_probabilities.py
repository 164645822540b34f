# predict returns the probabilities A instead of class labels. Threshold them: 1 where A > 0.5 and 0 otherwise, e.g. (A > 0.5).astype(float).
def predict(X, parameters):
    return forward_propagation(X, parameters)
