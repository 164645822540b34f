"""Check building blocks shared by the two perceptron exercises (09 and 10).

Both exercises have the same contract for ``layer_sizes``, ``initialize_parameters``
and ``update_parameters``, the same (n_x, m) layout and the same training loop, so the
inputs, child-side calls and judges for those live here once, with the step-for-step
``nn_model/steps`` check (:func:`steps_check`) and its catalogued slips; each exercise's
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
    """Always several outputs (n_y 2 or 3) and n_x ≠ n_y ≠ m: a hard-coded n_y = 1, the
    sizes swapped or m counted fail on every seed."""
    n_y = int(rng.integers(2, 4))
    n_x = int(rng.choice([n for n in range(1, 6) if n != n_y]))
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
    shown = tuple(int(v) if float(v).is_integer() else v for v in values.tolist())
    return Verdict(False, f"expected (n_x, n_y) = ({n_x}, {n_y}), got {shown}", detail)


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
            "again": solution.initialize_parameters(n_x, n_y, seed),
            "other_seed": solution.initialize_parameters(n_x, n_y, seed + 1),
            "default": solution.initialize_parameters(n_x, n_y),
            "seed_0": solution.initialize_parameters(n_x, n_y, 0)}


def read_init(got: Any, inputs: dict) -> dict:
    n_x, n_y, seed = inputs["n_x"], inputs["n_y"], inputs["seed"]
    what = f"initialize_parameters({n_x}, {n_y}, {seed})"
    if not isinstance(got, dict) or "params" not in got:
        raise WrongType(f"{what} did not return anything usable; got {describe(got)}")
    return {"params": as_parameters(got["params"], n_x, n_y, what),
            "again": as_parameters(got["again"], n_x, n_y, what),
            "other_seed": as_parameters(got["other_seed"], n_x, n_y,
                                        f"initialize_parameters({n_x}, {n_y}, {seed + 1})"),
            "default": as_parameters(got["default"], n_x, n_y,
                                     f"initialize_parameters({n_x}, {n_y})"),
            "seed_0": as_parameters(got["seed_0"], n_x, n_y,
                                    f"initialize_parameters({n_x}, {n_y}, 0)")}


def _init_sample(W: Callable[[Any], Any], b: float = 0.0, again: float = 1.0,
                 same_seed_next: bool = False, default_seed: int = 0) -> Callable:
    """A self-test answer: W from ``W(rng)`` (shape (n_y, n_x)), b all ``b``; the second
    call's W scaled by ``again``; the call with seed + 1 drawn from that seed (or, with
    ``same_seed_next``, the same W); the call without a seed from ``default_seed``."""
    def sample(expected: Any, inputs: dict) -> dict:
        n_x, n_y = inputs["n_x"], inputs["n_y"]

        def draw(seed: int) -> Any:
            return np.asarray(W(np.random.default_rng(seed).standard_normal((n_y, n_x))))

        w = draw(inputs["seed"])
        params = {"W": w, "b": np.full((n_y, 1), b)}
        other = w if same_seed_next else draw(inputs["seed"] + 1)
        return {"params": params, "again": {"W": w * again, "b": params["b"]},
                "other_seed": {"W": other, "b": params["b"]},
                "default": {"W": draw(default_seed), "b": params["b"]},
                "seed_0": {"W": draw(0), "b": params["b"]}}
    return sample


def _W(got: dict) -> Any:
    return got["params"]["W"]


def _stated(inputs: dict) -> Any:
    """The W the README fixes: default_rng(seed).standard_normal((n_y, n_x)) * 0.01."""
    rng = np.random.default_rng(inputs["seed"])
    return rng.standard_normal((inputs["n_y"], inputs["n_x"])) * 0.01


def _stated_draw(W: Any, inputs: dict) -> bool:
    """W is the stated draw, or the same numbers drawn as (n_x, n_y) and transposed."""
    rng = np.random.default_rng(inputs["seed"])
    transposed = rng.standard_normal((inputs["n_x"], inputs["n_y"])).T * 0.01
    return any(np.allclose(W, t, rtol=1e-12, atol=0) for t in (_stated(inputs), transposed))


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
    _mistake("init_ignores_seed", "initialize_parameters gave the same W for seed {seed} and "
             "seed {next}: draw W from np.random.default_rng(seed), with the seed it is given",
             match=lambda got, e, i: np.array_equal(got["other_seed"]["W"], _W(got)) and {
                 "seed": i["seed"], "next": i["seed"] + 1},
             sample=_init_sample(lambda w: w * 0.01, same_seed_next=True)),
    _mistake("init_default_seed", "initialize_parameters(n_x, n_y) without a seed must be "
             "initialize_parameters(n_x, n_y, 0): the default is seed=0",
             match=lambda got, e, i: not np.array_equal(got["default"]["W"], got["seed_0"]["W"]),
             sample=_init_sample(lambda w: w * 0.01, default_seed=1)),
    _mistake("init_not_the_stated_draw", "W should be np.random.default_rng(seed)"
             ".standard_normal((n_y, n_x)) * 0.01, as the README says; for seed {seed} its "
             "first entry is {first}, yours is {got}",
             match=lambda got, e, i: not _stated_draw(_W(got), i) and {
                 "seed": i["seed"], "first": f"{float(_stated(i).flat[0]):.6g}",
                 "got": f"{float(_W(got).flat[0]):.6g}"},
             sample=_init_sample(lambda w: w * 0.011)),
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


# -- nn_model, step by step ------------------------------------------------------------------
#
# The contract fixes the method: start from initialize_parameters(n_x, n_y, seed), then
# num_iterations times forward, backward, update at the learning rate given. The check calls
# nn_model with a few iterations and a learning rate other than the defaults and compares
# the result with that loop run here from the student's own initial parameters, so a closed
# form, a model trained longer or elsewhere, an ignored argument or an extra step fails on
# every seed, while any correct way of writing the loop passes.

STEPS_RTOL = 1e-8  # norm-wise relative error per array (rounding alone: ~1e-15)
STEPS_ATOL = 1e-12
DEFAULT_ITERATIONS = 100
DEFAULT_RATE = 1.2


def gradient_descent(start: dict, X: Any, Y: Any, iterations: int, rate: float,
                     sigmoid: bool) -> dict:
    """``iterations`` steps of full-batch gradient descent on the perceptron's cost from
    ``start`` (the identity output and half squared error, or the sigmoid and log loss:
    either way dZ = output − Y)."""
    W = np.array(start["W"], dtype=np.float64)
    b = np.array(start["b"], dtype=np.float64)
    m = X.shape[1]
    for _ in range(iterations):
        Z = W @ X + b
        dZ = (0.5 * (1.0 + np.tanh(0.5 * Z)) if sigmoid else Z) - Y
        W = W - rate * (dZ @ X.T) / m
        b = b - rate * dZ.sum(axis=1, keepdims=True) / m
    return {"W": W, "b": b}


def _snapshot(value: Any) -> Any:
    """A copy of what initialize_parameters returned, so that a training loop updating the
    same arrays in place cannot change the starting point recorded."""
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopyable value is judged as it is
        return value


def steps_call(solution: Any, inputs: dict) -> dict:
    X, Y, seed = inputs["X"], inputs["Y"], inputs["seed"]
    n_x, n_y = int(np.shape(X)[0]), int(np.shape(Y)[0])
    return {"init": _snapshot(solution.initialize_parameters(n_x, n_y, seed)),
            "init_default": _snapshot(solution.initialize_parameters(n_x, n_y)),
            "trained": solution.nn_model(X, Y, num_iterations=inputs["num_iterations"],
                                         learning_rate=inputs["learning_rate"], seed=seed),
            "defaults": solution.nn_model(inputs["X_defaults"], inputs["Y_defaults"])}


def _steps_call_text(inputs: dict) -> str:
    return (f"nn_model(X, Y, num_iterations={inputs['num_iterations']}, "
            f"learning_rate={inputs['learning_rate']:.4g}, seed={inputs['seed']})")


def _read_steps(got: Any, inputs: dict) -> tuple[dict, dict]:
    """(the student's starting parameters, nn_model's result), or WrongType."""
    n_x, n_y = inputs["X"].shape[0], inputs["Y"].shape[0]
    if not isinstance(got, dict) or not {"init", "trained"} <= set(got):
        raise WrongType(f"nn_model did not return anything usable; got {describe(got)}")
    start = as_parameters(got["init"], n_x, n_y,
                          f"initialize_parameters({n_x}, {n_y}, {inputs['seed']})")
    return start, as_parameters(got["trained"], n_x, n_y, _steps_call_text(inputs))


def _close(got: dict, target: dict, rtol: float = STEPS_RTOL) -> bool:
    return all(float(np.linalg.norm(got[k] - target[k]))
               <= rtol * float(np.linalg.norm(target[k])) + STEPS_ATOL for k in ("W", "b"))


def steps_judge(sigmoid: bool) -> Callable:
    def judge(got: Any, expected: Any, inputs: dict, rng: Any) -> Verdict:
        start, trained = _read_steps(got, inputs)
        k, rate = inputs["num_iterations"], inputs["learning_rate"]
        target = gradient_descent(start, inputs["X"], inputs["Y"], k, rate, sigmoid)
        errors = {key: relative_error(trained[key], target[key]) for key in ("W", "b")}
        detail = {"num_iterations": k, "learning_rate": rate,
                  "tolerance": {"relative_error_per_array": STEPS_RTOL, "atol": STEPS_ATOL},
                  "relative_error": {key: fmt(v) for key, v in errors.items()}}
        if _close(trained, target):
            return _defaults_verdict(got, inputs, sigmoid, detail)
        key = "W" if not _close({"W": trained["W"], "b": target["b"]}, target) else "b"
        detail.update({"expected": {key: fmt(target[key])}, "got": {key: fmt(trained[key])}})
        return Verdict(False, f"{_steps_call_text(inputs)} should return the parameters after "
                       f"exactly {k} gradient-descent steps at learning rate {rate:.4g} from "
                       f"initialize_parameters(n_x, n_y, {inputs['seed']}); {key} differs "
                       f"(relative error {errors[key]:.3g}, expected {fmt(target[key])}, "
                       f"got {fmt(trained[key])})", detail)
    return judge


def _defaults_verdict(got: Any, inputs: dict, sigmoid: bool, detail: dict) -> Verdict:
    """nn_model(X, Y) with every default: 100 steps at 1.2 from initialize_parameters(n_x,
    n_y), on data where 100 steps are still far from the optimum (so each default shows)."""
    n_x, n_y = inputs["X"].shape[0], inputs["Y"].shape[0]
    start = as_parameters(got.get("init_default"), n_x, n_y, f"initialize_parameters({n_x}, {n_y})")
    trained = as_parameters(got.get("defaults"), n_x, n_y, "nn_model(X, Y)")
    target = gradient_descent(start, inputs["X_defaults"], inputs["Y_defaults"],
                              DEFAULT_ITERATIONS, DEFAULT_RATE, sigmoid)
    if _close(trained, target):
        return Verdict(True, detail=detail)
    errors = {key: relative_error(trained[key], target[key]) for key in ("W", "b")}
    return Verdict(False, f"nn_model(X, Y) with the default arguments should run "
                   f"{DEFAULT_ITERATIONS} steps at learning rate {DEFAULT_RATE} from "
                   f"initialize_parameters(n_x, n_y) (seed 0): the signature is nn_model(X, Y, "
                   f"num_iterations={DEFAULT_ITERATIONS}, learning_rate={DEFAULT_RATE}, seed=0); "
                   f"relative error W {errors['W']:.3g}, b {errors['b']:.3g}", detail)


def _zeros_like(start: dict) -> dict:
    return {k: np.zeros_like(np.asarray(v, dtype=np.float64)) for k, v in start.items()}


def _least_squares(start: dict, inputs: dict) -> dict:
    X, Y = inputs["X"], inputs["Y"]
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    sol, *_ = np.linalg.lstsq(A, Y.T, rcond=None)
    return {"W": sol[:-1].T, "b": sol[-1:].T}


def _step_variants(sigmoid: bool) -> dict[str, Callable[[dict, dict, dict], list]]:
    """Each catalogued slip of the training loop as the result(s) it produces, from the
    starting parameters (``start``, ``default``: the call with the default seed)."""
    def run(iterations: Any = None, rate: Any = None) -> Callable:
        def variant(start: dict, default: dict, inputs: dict) -> list:
            k = inputs["num_iterations"] if iterations is None else iterations(inputs)
            r = inputs["learning_rate"] if rate is None else rate
            return [gradient_descent(start, inputs["X"], inputs["Y"], k, r, sigmoid)]
        return variant

    def off_by_one(start: dict, default: dict, inputs: dict) -> list:
        k = inputs["num_iterations"]
        return [gradient_descent(start, inputs["X"], inputs["Y"], n, inputs["learning_rate"],
                                 sigmoid) for n in (k - 1, k + 1)]

    def from_(which: str) -> Callable:
        def variant(start: dict, default: dict, inputs: dict) -> list:
            begin = default if which == "default" else _zeros_like(start)
            return [gradient_descent(begin, inputs["X"], inputs["Y"], inputs["num_iterations"],
                                     inputs["learning_rate"], sigmoid)]
        return variant

    out = {"steps_not_updated": lambda start, default, inputs: [start],
           "steps_iterations_ignored": run(iterations=lambda i: DEFAULT_ITERATIONS),
           "steps_learning_rate_ignored": run(rate=DEFAULT_RATE),
           "steps_off_by_one": off_by_one,
           "steps_seed_ignored": from_("default"),
           "steps_from_zeros": from_("zeros")}
    if not sigmoid:
        out["steps_least_squares"] = lambda start, default, inputs: [_least_squares(start, inputs)]
    return out


STEP_MESSAGES = {
    "steps_not_updated": "nn_model returned the parameters it started from: keep what "
    "update_parameters returns, parameters = update_parameters(parameters, grads, learning_rate)",
    "steps_iterations_ignored": "nn_model ran {default_k} steps (the default), not the "
    "num_iterations = {k} it was called with: loop for _ in range(num_iterations)",
    "steps_learning_rate_ignored": "nn_model stepped with the default learning rate "
    "{default_rate}, not the learning_rate = {rate} it was called with: pass learning_rate "
    "on to update_parameters",
    "steps_off_by_one": "nn_model ran one gradient-descent step too few or too many: "
    "num_iterations = {k} means exactly {k} updates, for _ in range(num_iterations)",
    "steps_seed_ignored": "nn_model started from initialize_parameters(n_x, n_y) with the "
    "default seed, not seed = {seed}: pass the seed on, initialize_parameters(n_x, n_y, seed)",
    "steps_from_zeros": "nn_model started from W = 0, not from initialize_parameters(n_x, "
    "n_y, seed): start from the small random W it returns",
    "steps_least_squares": "nn_model returned the exact least-squares solution, not the "
    "result of num_iterations = {k} gradient-descent steps: this exercise is the training "
    "loop (initialise, then num_iterations times forward, backward, update); a closed form "
    "skips it",
}


def _step_facts(expected: Any, inputs: dict) -> dict:
    return {"k": inputs["num_iterations"], "rate": f"{inputs['learning_rate']:.4g}",
            "seed": inputs["seed"], "default_k": DEFAULT_ITERATIONS, "default_rate": DEFAULT_RATE}


def step_mistakes(sigmoid: bool) -> tuple:
    """The catalogued slips of the training loop, each recognised by the exact result it
    gives (and only where that result differs from the right one)."""
    mistakes = []
    for mistake_id, variant in _step_variants(sigmoid).items():
        def match(got: Any, expected: Any, inputs: dict, variant: Callable = variant) -> bool:
            start, trained = _read_steps(got, inputs)
            n_x, n_y = inputs["X"].shape[0], inputs["Y"].shape[0]
            default = as_parameters(got.get("init_default"), n_x, n_y, "initialize_parameters")
            right = gradient_descent(start, inputs["X"], inputs["Y"], inputs["num_iterations"],
                                     inputs["learning_rate"], sigmoid)
            return any(not _close(v, right, 1e-4) and _close(trained, v, 1e-6)
                       for v in variant(start, default, inputs))

        def sample(expected: Any, inputs: dict, variant: Callable = variant) -> dict:
            n_x, n_y = inputs["X"].shape[0], inputs["Y"].shape[0]
            start = as_parameters(expected["init"], n_x, n_y, "the reference")
            default = as_parameters(expected["init_default"], n_x, n_y, "the reference")
            return {"init": start, "init_default": default,
                    "trained": variant(start, default, inputs)[0],
                    "defaults": expected["defaults"]}

        mistakes.append(_mistake(mistake_id, STEP_MESSAGES[mistake_id], match=match,
                                 sample=sample, facts=_step_facts))
    return tuple(mistakes)


def steps_check(inputs: Callable[[Any], dict], sigmoid: bool, points: float, data: str) -> Any:
    """The nn_model check that compares the training loop step by step (see above)."""
    from grader.course.spec import Check
    from grader.judge.answers import Custom

    return Check(function="nn_model", case="steps", points=points,
                 needs=("initialize_parameters",),
                 title=f"a few gradient-descent steps at a random learning rate and seed ({data}), "
                       "step for step",
                 inputs=inputs, call=steps_call, answer=Custom(steps_judge(sigmoid)),
                 mistakes=step_mistakes(sigmoid), time_limit=10.0,
                 hint="W, b = initialize_parameters(n_x, n_y, seed); then for _ in "
                      "range(num_iterations): forward, backward, update with learning_rate.")


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
