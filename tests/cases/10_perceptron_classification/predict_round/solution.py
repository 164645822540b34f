# Correct, written differently: predict rounds the probabilities, returns int labels; A >= 0.5 would differ only at A = 0.5 exactly.
def predict(X, parameters):
    return np.round(forward_propagation(X, parameters)).astype(int)
