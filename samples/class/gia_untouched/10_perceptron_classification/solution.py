"""10_perceptron_classification: the perceptron with a sigmoid, for two classes (see README.md)."""



def layer_sizes(X, Y):
    """X (n_x, m), Y (n_y, m). Returns the tuple (n_x, n_y) of ints."""
    raise NotImplementedError


def initialize_parameters(n_x, n_y, seed=0):
    """Returns {"W": W, "b": b} with W of shape (n_y, n_x) small random values
    (``np.random.default_rng(seed)``, standard normal times 0.01) and b of shape (n_y, 1)
    zeros."""
    raise NotImplementedError


def forward_propagation(X, parameters):
    """X (n_x, m). Returns A = sigmoid(W @ X + b) of shape (n_y, m), values in (0, 1)."""
    raise NotImplementedError


def compute_cost(A, Y):
    """A, Y (1, m), Y holding 0/1 labels. Returns the float log loss

        -(1/m) * sum(Y * log(A) + (1 - Y) * log(1 - A))
    """
    raise NotImplementedError


def backward_propagation(A, X, Y):
    """Gradients of compute_cost with respect to W and b. Returns {"dW": dW, "db": db} with

        dW = (1/m) (A - Y) @ X.T      shape (n_y, n_x)
        db = (1/m) sum over examples of (A - Y)   shape (n_y, 1)
    """
    raise NotImplementedError


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step. Returns {"W": W - learning_rate * dW,
    "b": b - learning_rate * db}."""
    raise NotImplementedError


def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    """Train: initialize_parameters(n_x, n_y, seed), then num_iterations rounds of
    forward_propagation, backward_propagation, update_parameters. Returns {"W", "b"}."""
    raise NotImplementedError


def predict(X, parameters):
    """X (n_x, m). Returns class labels of shape (n_y, m): 1 where A > 0.5, else 0
    (ints or floats)."""
    raise NotImplementedError
