"""08_descent: gradient descent and its relatives — paths, learning rates, SGD, regularisation, BFGS (see README.md)."""



def gradient_descent(grad, x0, learning_rate, num_iterations):
    """Run gradient descent x_{k+1} = x_k - learning_rate * grad(x_k) and return the path.

    grad: a callable giving the gradient (a number for a scalar x, an array of the same
          shape for an array x). x0: a number or a 1-D array.
    Returns a float64 ndarray of shape (num_iterations + 1, *np.shape(x0)): row 0 is x0,
    row k is x after k steps. Checked step for step (rtol 1e-9).
    """
    raise NotImplementedError


def find_global_minimum(f, grad, starts, learning_rate, num_iterations):
    """Run gradient_descent from every start in `starts`; return the final point with the
    lowest f. A float when the starts are numbers, an ndarray when they are vectors."""
    raise NotImplementedError


def max_stable_learning_rate(A):
    """Return (a float) the supremum of the learning rates for which gradient descent on
    f(x) = 0.5 * x @ A @ x converges from every start; A is symmetric positive definite."""
    raise NotImplementedError


def linear_regression_gd(X, y, theta0, learning_rate, num_iterations):
    """Return theta (ndarray of shape (n,)) after num_iterations steps of gradient descent
    on the mean squared error (1/2m)||X theta - y||^2, whose gradient is
    (1/m) X^T (X theta - y). X has shape (m, n), y shape (m,), theta0 shape (n,)."""
    raise NotImplementedError


def sgd(X, y, theta0, learning_rate, epochs, batch_size, seed):
    """Mini-batch stochastic gradient descent on the same loss; return theta, shape (n,).

    Use rng = np.random.default_rng(seed). Each epoch: order = rng.permutation(m), then
    step through `order` in consecutive batches of batch_size indices (the last batch may
    be smaller), with the batch gradient (1/b) X_b^T (X_b theta - y_b).
    Checked: the final mean squared error is within 1 % of the least-squares optimum.
    """
    raise NotImplementedError


def l2_gradient(X, y, theta, lam):
    """Return the gradient (ndarray, shape (n,)) of
    (1/2m)||X theta - y||^2 + (lam/2)||theta||^2 at theta."""
    raise NotImplementedError


def clip_gradient(g, max_norm):
    """Return g (ndarray, same shape) rescaled to Euclidean norm max_norm when its norm is
    larger than max_norm; otherwise g unchanged."""
    raise NotImplementedError


def bfgs_minimum():
    """Minimise 0.5*x**2 + 2*y**2 from (10, 12) with
    scipy.optimize.minimize(..., method="BFGS", jac=<its gradient>) and return the
    minimiser, an ndarray of shape (2,)."""
    raise NotImplementedError
