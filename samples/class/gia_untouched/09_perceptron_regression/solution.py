"""09_perceptron_regression: a single perceptron that predicts sales from a marketing budget (see README.md)."""



def layer_sizes(X, Y):
    """X (n_x, m), Y (n_y, m). Returns the tuple (n_x, n_y) of ints."""
    raise NotImplementedError


def initialize_parameters(n_x, n_y, seed=0):
    """Returns {"W": W, "b": b} with W of shape (n_y, n_x) small random values
    (``np.random.default_rng(seed)``, standard normal times 0.01) and b of shape (n_y, 1)
    zeros."""
    raise NotImplementedError


def forward_propagation(X, parameters):
    """X (n_x, m). Returns Y_hat = W @ X + b of shape (n_y, m)."""
    raise NotImplementedError


def compute_cost(Y_hat, Y):
    """Y_hat, Y (n_y, m). Returns the float (1 / (2m)) * sum((Y_hat - Y)**2)."""
    raise NotImplementedError


def backward_propagation(Y_hat, X, Y):
    """Gradients of compute_cost. Returns {"dW": dW, "db": db} with

        dW = (1/m) (Y_hat - Y) @ X.T      shape (n_y, n_x)
        db = (1/m) sum over examples of (Y_hat - Y)   shape (n_y, 1)
    """
    raise NotImplementedError


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step. Returns {"W": W - learning_rate * dW,
    "b": b - learning_rate * db}."""
    raise NotImplementedError


def nn_model(X, Y, num_iterations=100, learning_rate=1.2, seed=0):
    """Train the perceptron: initialize_parameters(n_x, n_y, seed), then num_iterations
    rounds of forward_propagation, backward_propagation, update_parameters.

    X (n_x, m) should be normalised (each feature: zero mean, unit standard deviation).
    Returns the trained {"W", "b"}; checked against the least-squares solution (1e-3).
    """
    raise NotImplementedError


def predict(X, parameters):
    """X (n_x, m). Returns the predictions W @ X + b, shape (n_y, m)."""
    raise NotImplementedError
