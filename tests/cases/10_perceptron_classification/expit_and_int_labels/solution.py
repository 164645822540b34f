# Correct, written differently: the sigmoid is scipy.special.expit, the cost uses np.mean and np.where, and predict returns integer labels from np.where.
from scipy.special import expit


def forward_propagation(X, parameters):
    return expit(np.dot(parameters["W"], X) + parameters["b"])


def compute_cost(A, Y):
    A = np.clip(np.asarray(A, dtype=np.float64), 1e-15, 1 - 1e-15)
    Y = np.asarray(Y)
    return float(np.mean(-np.log(np.where(Y == 1, A, 1.0 - A))))


def predict(X, parameters):
    return np.where(forward_propagation(X, parameters) > 0.5, 1, 0)
