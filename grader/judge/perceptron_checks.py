"""Check building blocks shared by the two perceptron exercises (09 and 10).

Both exercises have the same contract for ``layer_sizes``, ``initialize_parameters``
and ``update_parameters``, the same (n_x, m) layout and the same training loop, so the
inputs, child-side calls and judges for those live here once; each exercise's
``checks.py`` still declares its own checks, points and messages. The gradient of the
reference cost is computed by :func:`padded_gradient`, which embeds every parameter
shape in one fixed shape so that JAX compiles a single gradient per exercise.

NumPy and JAX are imported lazily: ``calcgrade list`` imports every checks.py.
"""
from __future__ import annotations

from typing import Any, Callable

from grader.course.lazy import np
from grader.judge.answers import Params, Verdict, WrongType, describe, fmt, to_array
from grader.judge.gradcheck import jax_grad, relative_error

MAX_FEATURES = 4  # n_x of every gradient check is at most this (padding shape)
MAX_OUTPUTS = 3   # n_y likewise
GRADIENT_EXAMPLES = 60  # m of every gradient check: one data shape, one compile


# -- shapes -------------------------------------------------------------------------------


def several_outputs_shape(rng: Any) -> tuple[int, int]:
    """(n_x, n_y) with n_x ≠ n_y and n_y > 1, so transposes and hard-coded n_y = 1 show."""
    n_x = int(rng.integers(3, MAX_FEATURES + 1))
    n_y = int(rng.choice([n for n in range(2, MAX_OUTPUTS + 1) if n != n_x]))
    return n_x, n_y


def random_parameters(rng: Any, n_x: int, n_y: int, w_scale: float = 1.0,
                      b_scale: float = 1.0) -> dict:
    return {"W": w_scale * rng.standard_normal((n_y, n_x)),
            "b": b_scale * rng.standard_normal((n_y, 1))}


def as_parameters(got: Any, n_x: int, n_y: int, what: str) -> dict:
    """{"W": (n_y, n_x), "b": (n_y, 1)} float arrays, or WrongType saying what is wrong."""
    if not isinstance(got, dict):
        raise WrongType(f"{what} must return a dict with keys 'W' and 'b'; got {describe(got)}")
    for key in ("W", "b"):
        if key not in got:
            raise WrongType(f"the dict {what} returned has no key {key!r}")
    W, b = to_array(got["W"]), to_array(got["b"])
    if W.shape != (n_y, n_x):
        extra = " (the transpose: W has one row per output, one column per feature)" \
            if W.shape == (n_x, n_y) else ""
        raise WrongType(f"W should have shape (n_y, n_x) = {(n_y, n_x)}, got {W.shape}{extra}")
    if b.shape != (n_y, 1):
        extra = ""
        if b.ndim == 2 and b.shape[0] == n_y and b.shape[1] > 1:
            extra = " (one bias per example: was db summed over the examples?)"
        elif b.shape == (n_y,):
            extra = " (a column: np.zeros((n_y, 1)))"
        raise WrongType(f"b should have shape (n_y, 1) = {(n_y, 1)}, got {b.shape}{extra}")
    return {"W": W, "b": b}


# -- layer_sizes --------------------------------------------------------------------------


def _mistake(*args: Any, **kwargs: Any) -> Any:
    from grader.course.spec import Mistake

    return Mistake(*args, **kwargs)


def layer_sizes_inputs(rng: Any) -> dict:
    n_x = int(rng.integers(1, 6))
    n_y = int(rng.choice([n for n in (1, 2, 3) if n != n_x]))
    m = int(rng.integers(7, 31))
    return {"X": rng.standard_normal((n_x, m)), "Y": rng.standard_normal((n_y, m))}


def layer_sizes_judge(got: Any, expected: Any, inputs: dict, rng: Any) -> Verdict:
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        raise WrongType(f"layer_sizes should return a tuple (n_x, n_y); got {describe(got)}")
    values = to_array(list(got))
    n_x, n_y = expected
    detail = {"expected": [n_x, n_y], "got": fmt(values), "X_shape": list(inputs["X"].shape),
              "Y_shape": list(inputs["Y"].shape)}
    if values.tolist() == [n_x, n_y]:
        return Verdict(True, detail=detail)
    return Verdict(False, f"expected (n_x, n_y) = ({n_x}, {n_y}), got {tuple(values.tolist())}",
                   detail)


def _counted_examples(got: Any, expected: Any, inputs: dict) -> bool:
    return inputs["X"].shape[1] in to_array(list(got)).tolist()


LAYER_SIZES_MISTAKES = (
    _mistake("layer_sizes_counted_examples",
             "X has shape {shape}: the examples are the columns (m = {m}); n_x is the number "
             "of rows of X and n_y the number of rows of Y", match=_counted_examples,
             sample=lambda expected, inputs: (inputs["X"].shape[1], expected[1]),
             facts=lambda expected, inputs: {"shape": inputs["X"].shape,
                                             "m": inputs["X"].shape[1]}),
    _mistake("layer_sizes_swapped", "expected (n_x, n_y) = {expected}, got them the other way round",
             equals=lambda expected, inputs: (expected[1], expected[0]),
             facts=lambda expected, inputs: {"expected": tuple(expected)}),
)


# -- initialize_parameters ----------------------------------------------------------------


def init_inputs(rng: Any) -> dict:
    n_x = int(rng.integers(2, 6))
    n_y = int(rng.choice([n for n in (1, 2, 3) if n != n_x]))
    return {"n_x": n_x, "n_y": n_y, "seed": int(rng.integers(0, 10_000))}


def init_call(solution: Any, inputs: dict) -> dict:
    n_x, n_y, seed = inputs["n_x"], inputs["n_y"], inputs["seed"]
    return {"params": solution.initialize_parameters(n_x, n_y, seed),
            "again": solution.initialize_parameters(n_x, n_y, seed)}


def read_init(got: Any, inputs: dict) -> dict:
    n_x, n_y, seed = inputs["n_x"], inputs["n_y"], inputs["seed"]
    what = f"initialize_parameters({n_x}, {n_y}, {seed})"
    if not isinstance(got, dict) or "params" not in got:
        raise WrongType(f"{what} did not return anything usable; got {describe(got)}")
    return {"params": as_parameters(got["params"], n_x, n_y, what),
            "again": as_parameters(got["again"], n_x, n_y, what)}


def _init_sample(W: Callable[[Any], Any], b: float = 0.0, again: float = 1.0) -> Callable:
    """A self-test answer: W from ``W(rng)`` (shape (n_y, n_x)), b all ``b``; the second
    call's W scaled by ``again``."""
    def sample(expected: Any, inputs: dict) -> dict:
        n_x, n_y = inputs["n_x"], inputs["n_y"]
        w = np.asarray(W(np.random.default_rng(inputs["seed"]).standard_normal((n_y, n_x))))
        params = {"W": w, "b": np.full((n_y, 1), b)}
        return {"params": params, "again": {"W": w * again, "b": params["b"]}}
    return sample


def _W(got: dict) -> Any:
    return got["params"]["W"]


INIT_REQUIREMENTS = (
    _mistake("init_b_not_zero", "b starts at zero: np.zeros((n_y, 1))",
             match=lambda got, e, i: bool(np.any(got["params"]["b"] != 0)),
             sample=_init_sample(lambda w: w * 0.01, b=1.0)),
    _mistake("init_W_zero", "W must hold small random numbers, not zeros: "
             "np.random.default_rng(seed).standard_normal((n_y, n_x)) * 0.01",
             match=lambda got, e, i: not np.all(np.isfinite(_W(got))) or bool(np.all(_W(got) == 0)),
             sample=_init_sample(lambda w: w * 0)),
    _mistake("init_W_too_large", "W should be small (standard normal times 0.01); its largest "
             "entry is {largest}",
             match=lambda got, e, i: float(np.max(np.abs(_W(got)))) >= 0.1 and {
                 "largest": f"{float(np.max(np.abs(_W(got)))):.3g}"},
             sample=_init_sample(lambda w: w + 5.0)),
    _mistake("init_W_constant", "every entry of W is the same: draw them at random",
             match=lambda got, e, i: _W(got).size > 1 and bool(np.all(_W(got) == _W(got).flat[0])),
             sample=_init_sample(lambda w: w * 0 + 0.0625)),
    _mistake("init_not_reproducible", "two calls with the same seed gave different W: use "
             "np.random.default_rng(seed)",
             match=lambda got, e, i: not np.array_equal(got["again"]["W"], _W(got)),
             sample=_init_sample(lambda w: w * 0.01, again=0.5)),
)


# -- gradients ------------------------------------------------------------------------------


def padded_gradient(cost_fn: Callable, params: dict, X: Any, Y: Any) -> dict:
    """``jax.grad(cost_fn)`` at ``params``, as {"dW", "db"}, computed in one fixed shape.

    Extra features get zero rows in X and zero columns in W; extra outputs get zero rows
    in W, b and Y. Their terms in the cost do not depend on the real parameters (a zero
    residual for the squared error, a constant log 2 for the log loss), so the gradient
    of every real entry is exactly that of the unpadded cost, and one compiled gradient
    serves every check of the exercise.
    """
    n_y, n_x = params["W"].shape
    m = X.shape[1]
    W = np.zeros((MAX_OUTPUTS, MAX_FEATURES))
    b = np.zeros((MAX_OUTPUTS, 1))
    Xp = np.zeros((MAX_FEATURES, m))
    Yp = np.zeros((MAX_OUTPUTS, m))
    W[:n_y, :n_x], b[:n_y], Xp[:n_x], Yp[:n_y] = params["W"], params["b"], X, Y
    grads = jax_grad(cost_fn, {"W": W, "b": b}, Xp, Yp)
    return {"dW": grads["W"][:n_y, :n_x], "db": grads["b"][:n_y]}


def db_not_summed(got: Any, expected: Any, inputs: dict) -> bool:
    """Mistake matcher: db has one column per example and sums to the right db."""
    if not isinstance(got, dict) or "db" not in got:
        return False
    db = to_array(got["db"])
    m = inputs["X"].shape[1]
    return (db.shape == (expected["db"].shape[0], m)
            and relative_error(db.sum(axis=1, keepdims=True), expected["db"]) <= 1e-6)


def dW_transposed(got: Any, expected: Any, inputs: dict) -> bool:
    """Mistake matcher: dW has the transposed shape (n_x, n_y) and the right numbers."""
    if not isinstance(got, dict) or "dW" not in got:
        return False
    dW = to_array(got["dW"])
    e = expected["dW"]
    return e.shape[0] != e.shape[1] and dW.shape == e.shape[::-1] and relative_error(dW.T, e) <= 1e-6


# -- update_parameters ---------------------------------------------------------------------


def update_inputs(rng: Any) -> dict:
    n_x, n_y = several_outputs_shape(rng)
    return {"parameters": random_parameters(rng, n_x, n_y),
            "grads": {"dW": rng.standard_normal((n_y, n_x)), "db": rng.standard_normal((n_y, 1))},
            "learning_rate": float(rng.uniform(0.05, 2.0))}


def update_call(solution: Any, inputs: dict) -> Any:
    return solution.update_parameters(inputs["parameters"], inputs["grads"], inputs["learning_rate"])


def _stepped(sign: float, scaled: bool) -> Callable[[Any, dict], dict]:
    def value(expected: Any, inputs: dict) -> dict:
        old, g = inputs["parameters"], inputs["grads"]
        rate = inputs["learning_rate"] if scaled else 1.0
        return {k: old[k] + sign * rate * g["d" + k] for k in ("W", "b")}
    return value


UPDATE_ANSWER = Params(function="update_parameters", rtol=1e-12, atol=1e-15, keys=("W", "b"))


def update_judge(got: Any, expected: Any, inputs: dict, rng: Any) -> Verdict:
    """update_parameters' comparison (keys, shapes, then W and b), for direct callers."""
    return UPDATE_ANSWER.compare(got, expected, inputs, rng)


UPDATE_MISTAKES = (
    _mistake("update_added_gradient", "you added the gradient: gradient descent steps against "
             "it, W − learning_rate · dW and b − learning_rate · db",
             equals=_stepped(+1.0, True)),
    _mistake("update_not_scaled", "the step must be scaled by the learning rate: "
             "W − learning_rate · dW and b − learning_rate · db", equals=_stepped(-1.0, False)),
    _mistake("update_unchanged", "the parameters did not change: subtract learning_rate · dW "
             "and learning_rate · db", equals=_stepped(0.0, True)),
)


# -- training loop for the report figures --------------------------------------------------


def cost_curve(mod: Any, X: Any, Y: Any, iterations: int = 100, learning_rate: float = 1.2) -> list:
    """The cost after each step of the training loop, run with ``mod``'s own functions."""
    n_x, n_y = mod.layer_sizes(X, Y)
    params = mod.initialize_parameters(n_x, n_y, 0)
    costs = []
    for _ in range(iterations):
        Y_hat = mod.forward_propagation(X, params)
        costs.append(float(mod.compute_cost(Y_hat, Y)))
        params = mod.update_parameters(params, mod.backward_propagation(Y_hat, X, Y), learning_rate)
    return costs


def draw_cost_curve(ax: Any, ref: dict, student: dict | None) -> None:
    ax.plot(np.arange(len(ref["cost"])), ref["cost"], color="grey", lw=3, alpha=0.5,
            label="reference")
    if student:
        ax.plot(np.arange(len(student["cost"])), student["cost"], "--", color="tab:orange",
                label="yours")
    ax.set_xlabel("iteration")
    ax.set_ylabel("cost")
    ax.set_yscale("log")
    ax.legend(fontsize="small")


def two_panels(ax: Any) -> tuple[Any, Any]:
    """Split the report's one axes into a main panel and a smaller one on the right."""
    ax.axis("off")
    return ax.inset_axes([0.0, 0.0, 0.56, 1.0]), ax.inset_axes([0.68, 0.12, 0.32, 0.82])


# -- checks and figure metadata that 09 and 10 declare identically ----------------------

def update_check() -> Any:
    """The update_parameters check, the same in 09 and 10."""
    from grader.course.spec import Check

    return Check(function="update_parameters", points=1,
                 title="one gradient-descent step at a random learning rate",
                 inputs=update_inputs, call=update_call, answer=UPDATE_ANSWER,
                 mistakes=UPDATE_MISTAKES,
                 hint="W − learning_rate · dW and b − learning_rate · db.")


FUNCTIONS = ("nn_model", "predict", "layer_sizes", "initialize_parameters",
             "forward_propagation", "compute_cost", "backward_propagation", "update_parameters")


def shared_checks() -> list:
    """The layer_sizes and initialize_parameters checks, the same in 09 and 10."""
    from grader.course.spec import Check
    from grader.judge.answers import Custom, Property

    return [
        Check(function="layer_sizes", points=1, title="(n_x, n_y) for random shapes",
              inputs=layer_sizes_inputs, answer=Custom(layer_sizes_judge),
              mistakes=LAYER_SIZES_MISTAKES,
              hint="Examples are columns: n_x = X.shape[0], n_y = Y.shape[0]."),
        Check(function="initialize_parameters", points=1,
              title="W (n_y, n_x) small and seeded, b (n_y, 1) zeros",
              inputs=init_inputs, call=init_call,
              answer=Property(INIT_REQUIREMENTS, converter=read_init),
              hint="rng = np.random.default_rng(seed); W = rng.standard_normal((n_y, n_x)) * 0.01; "
                   "b = np.zeros((n_y, 1))."),
    ]
