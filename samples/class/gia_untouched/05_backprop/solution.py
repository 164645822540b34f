"""05_backprop: forward and backward passes of a two-hidden-layer network, by hand (see README.md)."""



def init_params(sizes=(2, 8, 8, 1), seed=0):
    """Create the network's parameters.

    sizes: (n_in, h1, h2, n_out), normally (2, 8, 8, 1).
    Use ``np.random.default_rng(seed)``; draw the weights at random, scaled (e.g. by
    1/sqrt(fan_in)), and set the biases to zero.

    Returns a dict of float arrays:
        W1 (2, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, 1), b3 (1,).
    """
    raise NotImplementedError


def forward(params, X):
    """Forward pass: X (n, 2) -> tanh -> tanh -> sigmoid.

        H1 = tanh(X @ W1 + b1)       (n, h1)
        H2 = tanh(H1 @ W2 + b2)      (n, h2)
        y_hat = sigmoid(H2 @ W3 + b3) flattened to shape (n,)

    Returns (y_hat, cache): y_hat of shape (n,), with values in (0, 1), and a dict of
    whatever ``backward`` will need (e.g. X, H1, H2, y_hat).
    """
    raise NotImplementedError


def loss(y_hat, y):
    """Mean binary cross-entropy, a Python float:

        -(1/n) * sum(y * log(y_hat) + (1 - y) * log(1 - y_hat))

    y_hat and y have shape (n,); y holds 0/1 labels.
    """
    raise NotImplementedError


def backward(params, cache, y):
    """Gradients of the MEAN loss with respect to every parameter.

    params: the dict from ``init_params``; cache: the dict your ``forward`` returned;
    y: labels of shape (n,).
    Returns a dict with the same keys and shapes as params (dW1 goes under "W1", ...).
    Checked against jax.grad of the reference loss (relative error <= 1e-6 per array).
    """
    raise NotImplementedError


def hidden_jacobian(W, b, x):
    """Jacobian dh/dx of one tanh layer h = tanh(x @ W + b) for ONE sample.

    W (2, h1), b (h1,), x (2,). Returns an array of shape (h1, 2) whose entry [i, j] is
    dh_i/dx_j.
    """
    raise NotImplementedError


def train(X, y, sizes=(2, 8, 8, 1), learning_rate=0.5, epochs=2000, seed=0):
    """Full-batch gradient descent: start from ``init_params(sizes, seed)``, then for each
    epoch run ``forward`` on all of X (n, 2), ``backward`` with labels y (n,), and take one
    step ``param -= learning_rate * grad`` for every parameter.

    Returns the trained params dict. Must reach >= 95 % accuracy (threshold 0.5) on
    held-out points of the grader's two-class set, in a few seconds.
    """
    raise NotImplementedError
