# Correct, written differently: predict returns booleans A >= 0.5 (no point lies exactly on the boundary).
def predict(X, parameters):
    return forward_propagation(X, parameters) >= 0.5
