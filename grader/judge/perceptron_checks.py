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
from grader.judge.answers import Verdict, WrongType, compare_arrays, describe, fmt, to_array
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
    m = inputs["X"].shape[1]
    detail = {"expected": [n_x, n_y], "got": fmt(values), "X_shape": list(inputs["X"].shape),
              "Y_shape": list(inputs["Y"].shape)}
    if values.tolist() == [n_x, n_y]:
        return Verdict(True, detail=detail)
    if m in values.tolist():
        msg = (f"X has shape {inputs['X'].shape}: the examples are the columns (m = {m}); "
               "n_x is the number of rows of X and n_y the number of rows of Y")
    elif values.tolist() == [n_y, n_x]:
        msg = f"expected (n_x, n_y) = ({n_x}, {n_y}), got them the other way round"
    else:
        msg = f"expected (n_x, n_y) = ({n_x}, {n_y}), got {tuple(values.tolist())}"
    return Verdict(False, msg, detail)


# -- initialize_parameters ----------------------------------------------------------------


def init_inputs(rng: Any) -> dict:
    n_x = int(rng.integers(2, 6))
    n_y = int(rng.choice([n for n in (1, 2, 3) if n != n_x]))
    return {"n_x": n_x, "n_y": n_y, "seed": int(rng.integers(0, 10_000))}


def init_call(solution: Any, inputs: dict) -> dict:
    n_x, n_y, seed = inputs["n_x"], inputs["n_y"], inputs["seed"]
    return {"params": solution.initialize_parameters(n_x, n_y, seed),
            "again": solution.initialize_parameters(n_x, n_y, seed)}


def init_judge(got: Any, expected: Any, inputs: dict, rng: Any) -> Verdict:
    n_x, n_y, seed = inputs["n_x"], inputs["n_y"], inputs["seed"]
    what = f"initialize_parameters({n_x}, {n_y}, {seed})"
    p = as_parameters(got["params"], n_x, n_y, what)
    detail = {"W": fmt(p["W"]), "b": fmt(p["b"])}
    if np.any(p["b"] != 0):
        return Verdict(False, "b starts at zero: np.zeros((n_y, 1))", detail)
    W = p["W"]
    if not np.all(np.isfinite(W)) or np.all(W == 0):
        return Verdict(False, "W must hold small random numbers, not zeros: "
                       "np.random.default_rng(seed).standard_normal((n_y, n_x)) * 0.01", detail)
    if float(np.max(np.abs(W))) >= 0.1:
        return Verdict(False, f"W should be small (standard normal times 0.01); its largest "
                       f"entry is {float(np.max(np.abs(W))):.3g}", detail)
    if W.size > 1 and float(np.std(W)) == 0.0:
        return Verdict(False, "every entry of W is the same: draw them at random", detail)
    again = as_parameters(got["again"], n_x, n_y, what)
    if not np.array_equal(again["W"], W):
        return Verdict(False, "two calls with the same seed gave different W: use "
                       "np.random.default_rng(seed)", detail)
    return Verdict(True, detail=detail)


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


def update_judge(got: Any, expected: Any, inputs: dict, rng: Any) -> Verdict:
    n_y, n_x = expected["W"].shape
    p = as_parameters(got, n_x, n_y, "update_parameters")
    old, g, lr = inputs["parameters"], inputs["grads"], inputs["learning_rate"]
    for key, grad in (("W", "dW"), ("b", "db")):
        verdict = compare_arrays(p[key], expected[key], 1e-12, 1e-15, f"entries of {key}")
        if verdict.passed:
            continue
        if np.allclose(p[key], old[key] + lr * g[grad], rtol=1e-12, atol=1e-15):
            verdict.message = (f"you added the gradient: gradient descent steps against it, "
                               f"{key} − learning_rate · {grad}")
        elif np.allclose(p[key], old[key] - g[grad], rtol=1e-12, atol=1e-15):
            verdict.message = f"the step must be scaled by the learning rate: {key} − learning_rate · {grad}"
        elif np.allclose(p[key], old[key], rtol=1e-12, atol=1e-15):
            verdict.message = f"{key} did not change: subtract learning_rate · {grad}"
        else:
            verdict.message = f"{key}: " + verdict.message
        return verdict
    return Verdict(True)


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

FUNCTIONS = ("nn_model", "predict", "layer_sizes", "initialize_parameters",
             "forward_propagation", "compute_cost", "backward_propagation", "update_parameters")


def shared_checks() -> list:
    """The layer_sizes and initialize_parameters checks, the same in 09 and 10."""
    from grader.course.spec import Check
    from grader.judge.answers import Custom
    from grader.judge.gradcheck import quiet

    return [
        Check(function="layer_sizes", points=1, title="(n_x, n_y) for random shapes",
              inputs=layer_sizes_inputs,
              expect=lambda ref, inputs: ref.layer_sizes(inputs["X"], inputs["Y"]),
              answer=Custom(quiet(layer_sizes_judge)),
              hint="Examples are columns: n_x = X.shape[0], n_y = Y.shape[0]."),
        Check(function="initialize_parameters", points=1,
              title="W (n_y, n_x) small and seeded, b (n_y, 1) zeros",
              inputs=init_inputs, call=init_call, expect=lambda ref, inputs: None,
              answer=Custom(quiet(init_judge)),
              hint="rng = np.random.default_rng(seed); W = rng.standard_normal((n_y, n_x)) * 0.01; "
                   "b = np.zeros((n_y, 1))."),
    ]
