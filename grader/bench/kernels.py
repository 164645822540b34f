"""The kernels ``calcgrade bench`` times: one declaration each, in one place.

A :class:`Kernel` is one computation of the course (the derivative of f at n points, the
gradient of an n-dimensional function, one descent step, a backward pass, a training
loop), with its exercise slug, its sizes, the seeded inputs, the correct answer and the
tolerance. Its :class:`Method` s are the ways of computing it that race each other
(symbolic, numerical, automatic …). A method with a ``contract`` times the exercise's own
functions (``reference/<slug>.py``, and the student's beside it); one without is the
grader's own JAX version, so every kernel has something that runs on a GPU.

Inputs are NumPy arrays drawn from ``numpy.random.default_rng([seed, crc32(id), n])``, so
the sandboxed child and the trusted parent build the very same data. ``expected`` runs on
the trusted side only, in float64 on the CPU, from the exact formula where there is one.
The functions being differentiated are written with operators and ``.sum()`` only, so the
same Python function serves NumPy (finite differences) and JAX (automatic).
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from grader.bench.checking import accuracy_check, normwise_check
from grader.bench.kernel_spec import Kernel, Method, Prepare, cast, jax_module, x64
from grader.course import datasets
from grader.judge.parse import parse_expression

__all__ = ["KERNELS", "Kernel", "Method", "kernel", "x64"]


# -- 01: f(x) = x³ − 2x² + 1 differentiated three ways ---------------------------------

def lesson_f(x: Any) -> Any:
    """x³ − 2x² + 1, by multiplications: NumPy computes ``x**3`` with a pow() call per
    element (about 25× slower than two multiplications here), which would time pow()
    rather than the rate of change; JAX turns either into multiplications."""
    return x * x * x - 2 * (x * x) + 1


def _symbolic(impl: Any, inputs: dict) -> Callable[[], Any]:
    import sympy as sp

    expr = impl.symbolic_derivative()
    if isinstance(expr, str):
        expr = parse_expression(expr, ("x",))
    if not isinstance(expr, sp.Basic):
        raise TypeError(f"symbolic_derivative() returned a {type(expr).__name__}, "
                        "expected a SymPy expression or a string")
    xs = [s for s in expr.free_symbols if getattr(s, "name", "") == "x"] or [sp.Symbol("x")]
    fn = sp.lambdify(xs[0], expr, "numpy")
    x = inputs["x"]
    return lambda: np.broadcast_to(fn(x), x.shape)  # a constant f′ broadcasts


def _numerical(impl: Any, inputs: dict) -> Callable[[], Any]:
    x = inputs["x"]
    return lambda: impl.rate_of_change(lesson_f, x)


def _automatic(impl: Any, inputs: dict) -> Callable[[], Any]:
    g = impl.autodiff_derivative(lesson_f)
    x = inputs["x"]
    return lambda: g(x)


DERIVATIVE = Kernel(
    slug="01_derivative", name="derivative", size_name="n points",
    title="f′ of f(x) = x³ − 2x² + 1 at n points: symbolic vs numerical vs automatic",
    sizes={"tiny": (10, 100), "default": (10, 100, 1_000, 10_000, 100_000, 1_000_000),
           "large": (10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000)},
    make_inputs=lambda rng, n, dt: cast(dt, x=rng.uniform(-2.0, 3.0, n)),
    expected=lambda inp: 3 * inp["x"].astype(np.float64) ** 2 - 4 * inp["x"].astype(np.float64),
    methods=(
        Method("symbolic", "symbolic (SymPy lambdify)", _symbolic, ("symbolic_derivative",)),
        Method("numerical", "numerical (NumPy rate of change)", _numerical, ("rate_of_change",)),
        Method("automatic", "automatic (JAX vmap(grad))", _automatic, ("autodiff_derivative",),
               uses_jax=True),
    ),
    tolerance={"float64": 1e-6, "float32": 1e-3},
    crossovers=(("automatic", "numerical"), ("automatic", "symbolic")),
    note="The symbolic method's setup (lambdify) and JAX's compilation are reported apart.")


# -- 03: the gradient of an n-dimensional function ------------------------------------

def chain(v: Any) -> Any:
    """f(v) = Σ vᵢ² + Σ vᵢvᵢ₊₁: every coordinate matters, ∇f is cheap to write down."""
    return (v * v).sum() + (v[:-1] * v[1:]).sum()


def _chain_gradient(inp: dict) -> np.ndarray:
    v = inp["v"].astype(np.float64)
    g = 2 * v
    g[:-1] += v[1:]
    g[1:] += v[:-1]
    return g


def _fd_gradient(impl: Any, inputs: dict) -> Callable[[], Any]:
    v = inputs["v"]
    return lambda: impl.numerical_gradient(chain, v)


def _reverse_gradient(impl: Any, inputs: dict) -> Callable[[], Any]:
    grad = impl.jax_gradient(chain)
    v = inputs["v"]
    return lambda: grad(v)


def _read_write(n: int, itemsize: int) -> float:
    return 2.0 * n * itemsize  # read v once, write ∇f once


GRADIENT = Kernel(
    slug="03_gradient", name="gradient", size_name="n dimensions",
    title="∇f of f(v) = Σ vᵢ² + Σ vᵢvᵢ₊₁ in n dimensions: finite differences vs reverse mode",
    sizes={"tiny": (4, 16), "default": (4, 32, 256, 2_048, 16_384, 131_072, 1_048_576),
           "large": (4, 16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576,
                     4_194_304, 16_777_216)},
    make_inputs=lambda rng, n, dt: cast(dt, v=rng.uniform(-1.0, 1.0, n)),
    expected=_chain_gradient,
    methods=(
        Method("numerical", "finite differences (2n evaluations)", _fd_gradient,
               ("numerical_gradient",), max_size=4_096, order=2.0),
        Method("automatic", "reverse mode (jax.grad: one pass)", _reverse_gradient,
               ("jax_gradient",), uses_jax=True, bytes_moved=_read_write),
    ),
    tolerance={"float64": 1e-5, "float32": 1e-2},
    crossovers=(("automatic", "numerical"),),
    note="Central differences evaluate f 2n times (each O(n)): O(n²) in all; reverse "
         "mode costs a small constant times one evaluation. Finite differences stop at "
         "n = 4,096. Bandwidth counts v read once and ∇f written once.")


# -- 08: one linear-regression descent step --------------------------------------------

FEATURES = 16
LEARNING_RATE = 0.1


def _regression_inputs(rng: np.random.Generator, m: int, dt: str) -> dict:
    X = rng.standard_normal((m, FEATURES))
    y = X @ rng.standard_normal(FEATURES) + 0.1 * rng.standard_normal(m)
    return cast(dt, X=X, y=y, theta0=rng.standard_normal(FEATURES))


def _one_step(inp: dict) -> np.ndarray:
    X, y, t = (inp[k].astype(np.float64) for k in ("X", "y", "theta0"))
    return t - LEARNING_RATE * (X.T @ (X @ t - y)) / X.shape[0]


def _numpy_step(impl: Any, inputs: dict) -> Callable[[], Any]:
    X, y, t = inputs["X"], inputs["y"], inputs["theta0"]
    return lambda: impl.linear_regression_gd(X, y, t, LEARNING_RATE, 1)


def _mse(theta: Any, X: Any, y: Any) -> Any:
    r = X @ theta - y
    return (r * r).sum() / (2 * X.shape[0])


def _jax_step(impl: Any, inputs: dict) -> Callable[[], Any]:
    jax = jax_module()
    step = jax.jit(lambda X, y, t: t - LEARNING_RATE * jax.grad(_mse)(t, X, y))
    X, y, t = inputs["X"], inputs["y"], inputs["theta0"]
    return lambda: step(X, y, t)


def _x_and_y(m: int, itemsize: int) -> float:
    return float(m * (FEATURES + 1) * itemsize)  # X and y read once (θ is tiny)


DESCENT_STEP = Kernel(
    slug="08_descent", name="descent_step", size_name="m samples",
    title=f"one descent step of linear regression, m samples × {FEATURES} features",
    sizes={"tiny": (100, 1_000), "default": (100, 1_000, 10_000, 100_000, 1_000_000),
           "large": (100, 1_000, 10_000, 100_000, 1_000_000, 4_000_000)},
    make_inputs=_regression_inputs, expected=_one_step,
    methods=(
        Method("by_hand", "by hand (NumPy, linear_regression_gd)", _numpy_step,
               ("linear_regression_gd",), bytes_moved=_x_and_y),
        Method("automatic", "automatic (jax.grad, jit)", _jax_step, uses_jax=True,
               bytes_moved=_x_and_y),
    ),
    tolerance={"float64": 1e-9, "float32": 1e-4},
    crossovers=(("automatic", "by_hand"),),
    note="θ ← θ − η·(1/m)Xᵀ(Xθ − y), η = 0.1. Bandwidth counts X and y read once; a "
         "step computed as two matrix-vector products reads X twice.")


# -- 05: a backward pass of the exercise's network ------------------------------------

NETWORK = (2, 8, 8, 1)


def _network_inputs(rng: np.random.Generator, n: int, dt: str) -> dict:
    X, y = datasets.two_class_points(rng, max(n, 2))
    params = {}
    for k, (a, b) in enumerate(zip(NETWORK[:-1], NETWORK[1:]), start=1):
        params[f"W{k}"] = rng.standard_normal((a, b)) / np.sqrt(a)
        params[f"b{k}"] = 0.1 * rng.standard_normal(b)
    return {"X": np.ascontiguousarray(X[:n], dtype=dt), "y": y[:n].astype(dt),
            "params": {k: v.astype(dt) for k, v in params.items()}}


EPS = 1e-15  # probabilities are clipped before logs, as in the references


def _cross_entropy(z: Any, y: Any) -> Any:
    """Σ of −[y log σ(z) + (1 − y) log(1 − σ(z))], the references' formula (jax.numpy).

    Not ``logaddexp``: XLA's float64 logaddexp costs about 20× an exp on the CPU, which
    would time that function instead of the differentiation."""
    import jax.numpy as jnp

    p = jnp.clip(1.0 / (1.0 + jnp.exp(-z)), EPS, 1.0 - EPS)
    return -(y * jnp.log(p) + (1.0 - y) * jnp.log(1.0 - p)).sum()


def network_loss(params: dict, X: Any, y: Any) -> Any:
    """Mean binary cross-entropy of the 05 network, written for jax.numpy."""
    import jax.numpy as jnp

    H1 = jnp.tanh(X @ params["W1"] + params["b1"])
    H2 = jnp.tanh(H1 @ params["W2"] + params["b2"])
    return _cross_entropy((H2 @ params["W3"] + params["b3"])[:, 0], y) / X.shape[0]


def _network_gradient(inp: dict) -> dict:
    jax = jax_module()
    with x64(True), jax.default_device(jax.devices("cpu")[0]):
        p = {k: np.asarray(v, np.float64) for k, v in inp["params"].items()}
        g = jax.grad(network_loss)(p, inp["X"].astype(np.float64), inp["y"].astype(np.float64))
        return {k: np.asarray(v) for k, v in g.items()}


def _by_hand_backward(impl: Any, inputs: dict) -> Callable[[], Any]:
    params, X, y = inputs["params"], inputs["X"], inputs["y"]

    def run() -> Any:
        _, cache = impl.forward(params, X)
        return impl.backward(params, cache, y)
    return run


def _jax_backward(impl: Any, inputs: dict) -> Callable[[], Any]:
    grad = jax_module().jit(jax_module().grad(network_loss))
    params, X, y = inputs["params"], inputs["X"], inputs["y"]
    return lambda: grad(params, X, y)


BACKWARD = Kernel(
    slug="05_backprop", name="backward", size_name="n samples",
    title=f"one forward + backward pass of the 05 network {NETWORK} on n samples",
    sizes={"tiny": (100, 1_000), "default": (100, 1_000, 10_000, 100_000),
           "large": (100, 1_000, 10_000, 100_000, 1_000_000, 4_000_000)},
    make_inputs=_network_inputs, expected=_network_gradient,
    methods=(
        Method("by_hand", "by hand (NumPy forward + backward)", _by_hand_backward,
               ("forward", "backward")),
        Method("automatic", "automatic (jax.grad of the loss, jit)", _jax_backward,
               uses_jax=True),
    ),
    tolerance={"float64": 1e-6, "float32": 1e-3},
    crossovers=(("automatic", "by_hand"),),
    note="Both methods include the forward pass that backpropagation needs.")


# -- 09 / 10: a perceptron training loop -----------------------------------------------

ITERATIONS = 100
TRAIN_RATE = 1.2


def _regression_data(rng: np.random.Generator, m: int, dt: str) -> dict:
    X, Y = datasets.budget_sales(rng, max(m, 2), n_features=2)
    return cast(dt, X=datasets.normalise(X)[:, :m], Y=datasets.normalise(Y)[:, :m])


def _cluster_data(rng: np.random.Generator, m: int, dt: str) -> dict:
    X, Y = datasets.two_clusters(rng, max(m, 2), separation=3.0)
    return cast(dt, X=X[:, :m], Y=Y[:, :m])


def _least_squares(inp: dict) -> dict:
    X, Y = inp["X"].astype(np.float64), inp["Y"].astype(np.float64)
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    sol = np.linalg.lstsq(A, Y[0], rcond=None)[0]
    return {"W": sol[:-1][np.newaxis, :], "b": sol[-1:][:, np.newaxis]}


def _squared_cost(p: dict, X: Any, Y: Any) -> Any:
    r = p["W"] @ X + p["b"] - Y
    return (r * r).sum() / (2 * X.shape[1])


def _log_cost(p: dict, X: Any, Y: Any) -> Any:
    return _cross_entropy(p["W"] @ X + p["b"], Y) / X.shape[1]


def _jax_training(cost: Callable) -> Prepare:
    def prepare(impl: Any, inputs: dict) -> Callable[[], Any]:
        jax = jax_module()
        X, Y = inputs["X"], inputs["Y"]
        W0 = np.random.default_rng(0).standard_normal((Y.shape[0], X.shape[0])) * 0.01
        p0 = {"W": jax.numpy.asarray(W0, X.dtype), "b": jax.numpy.zeros((Y.shape[0], 1), X.dtype)}

        @jax.jit
        def train(p: dict, X: Any, Y: Any) -> dict:
            def step(_: Any, p: dict) -> dict:
                g = jax.grad(cost)(p, X, Y)
                return {k: p[k] - TRAIN_RATE * g[k] for k in p}
            return jax.lax.fori_loop(0, ITERATIONS, step, p)
        return lambda: train(p0, X, Y)
    return prepare


def _classifier_expected(inp: dict) -> dict:
    jax = jax_module()
    with x64(True), jax.default_device(jax.devices("cpu")[0]):
        f64 = {k: inp[k].astype(np.float64) for k in ("X", "Y")}
        out = _jax_training(_log_cost)(None, f64)()
        return {k: np.asarray(v) for k, v in out.items()}


def _nn_model(impl: Any, inputs: dict) -> Callable[[], Any]:
    X, Y = inputs["X"], inputs["Y"]
    return lambda: impl.nn_model(X, Y, num_iterations=ITERATIONS, learning_rate=TRAIN_RATE)


def _training(slug: str, what: str, data: Callable, expected: Callable, cost: Callable,
              check: Callable, tolerance: dict[str, float], note: str) -> Kernel:
    return Kernel(
        slug=slug, name="training", size_name="m examples",
        title=f"training the {what} perceptron: {ITERATIONS} descent steps on m examples",
        sizes={"tiny": (100, 1_000), "default": (100, 1_000, 10_000),
               "large": (100, 1_000, 10_000, 100_000, 1_000_000)},
        make_inputs=data, expected=expected,
        methods=(
            Method("by_hand", "loop by hand (NumPy nn_model)", _nn_model, ("nn_model",)),
            Method("automatic", "jit loop with jax.grad (lax.fori_loop)", _jax_training(cost),
                   uses_jax=True),
        ),
        tolerance=tolerance, crossovers=(("automatic", "by_hand"),), check=check,
        check_reads_inputs=check is accuracy_check, note=note)


PERCEPTRON_REGRESSION = _training(
    "09_perceptron_regression", "regression", _regression_data, _least_squares,
    _squared_cost, normwise_check, {"float64": 1e-6, "float32": 1e-3},
    "Normalised two-feature budget/sales data; learning rate 1.2. The answer checked is "
    "the least-squares solution, which 100 steps reach to machine precision.")

PERCEPTRON_CLASSIFICATION = _training(
    "10_perceptron_classification", "sigmoid", _cluster_data, _classifier_expected,
    _log_cost, accuracy_check, {"float64": 0.01, "float32": 0.01},
    "Two overlapping clusters; learning rate 1.2. Checked: W (1, 2) and b (1, 1) whose "
    "training accuracy is within 1 % of the reference's (the weights depend on the "
    "random start).")

KERNELS: tuple[Kernel, ...] = (DERIVATIVE, GRADIENT, DESCENT_STEP, BACKWARD,
                               PERCEPTRON_REGRESSION, PERCEPTRON_CLASSIFICATION)


def kernel(kernel_id: str) -> Kernel:
    for k in KERNELS:
        if k.id == kernel_id:
            return k
    raise KeyError(kernel_id)
