# Wrong: predict labels 1 only where A > 0.6.
def predict(X, parameters):
    return (forward_propagation(X, parameters) > 0.6).astype(float)
