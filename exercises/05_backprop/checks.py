"""Checks for 05_backprop: a two-hidden-layer tanh network, forward and backward by hand.

Every input is drawn from the check's seed: the layer sizes, the parameters and the
two-class points change from seed to seed, so only a general implementation passes.
Gradients are compared with ``jax.grad`` of the reference ``loss_fn`` in float64, to
rounding (a numerical gradient is not backpropagation); ``train`` is compared epoch for
epoch with gradient descent run here from the student's own ``init_params``.
"""
from __future__ import annotations

from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import (
    Close,
    Custom,
    Gradients,
    Property,
    Verdict,
    WrongType,
    compare_arrays,
    describe,
    fmt,
    to_array,
)
from grader.judge.gradcheck import gradients_match, jax_grad, jax_jacfwd, relative_error

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
# Backpropagation in float64 agrees with jax.grad to ~1e-15 (rounding); the best central
# finite difference only to ~1e-10 (h ≈ 1e-5), a forward one to ~1e-7, float32 to ~1e-7.
# The tolerances sit between: a numerical derivative is not backpropagation.
GRADIENT_RTOL = 1e-11  # norm-wise relative error per array
VALUE_RTOL = 1e-9      # forward and loss
JACOBIAN_RTOL, JACOBIAN_ATOL = 1e-11, 1e-13
CLOSE_BUT_NOT_EXACT = 1e-4  # what a numerical derivative gets within
STEPS_RTOL = 1e-8      # train's few epochs against the same loop run here
TRAIN_ACCURACY = 0.95  # on held-out points

# -- shared inputs ------------------------------------------------------------------------


def _shapes(sizes) -> dict:
    n_in, h1, h2, n_out = sizes
    return {"W1": (n_in, h1), "b1": (h1,), "W2": (h1, h2), "b2": (h2,),
            "W3": (h2, n_out), "b3": (n_out,)}


def _random_params(rng, sizes) -> dict:
    """Weights around the usual 1/sqrt(fan_in) scale and non-zero biases, so every
    gradient (the biases' too) is of a useful size and no output saturates."""
    return {k: (rng.standard_normal(s) * (0.9 / np.sqrt(s[0]) if k[0] == "W" else 0.3))
            for k, s in _shapes(sizes).items()}


def _rectangular_sizes(rng) -> tuple:
    h1 = int(rng.integers(3, 11))
    h2 = int(rng.choice([h for h in range(3, 11) if h != h1]))
    return (2, h1, h2, 1)


def _points(rng, n: int):
    from grader.course import datasets

    return datasets.two_class_points(rng, n)


def _np_forward(params, X):
    """The network's forward pass (exact maths, NumPy): y_hat (n,), H1, H2."""
    H1 = np.tanh(X @ params["W1"] + params["b1"])
    H2 = np.tanh(H1 @ params["W2"] + params["b2"])
    y_hat = 0.5 * (1.0 + np.tanh(0.5 * (H2 @ params["W3"] + params["b3"])[:, 0]))  # σ, no overflow
    return y_hat, H1, H2


# -- init_params --------------------------------------------------------------------------


def _init_inputs(rng):
    return {"sizes": _rectangular_sizes(rng), "seed": int(rng.integers(0, 10_000))}


def _init_call(solution, inputs):
    sizes, seed = inputs["sizes"], inputs["seed"]
    return {"params": solution.init_params(sizes, seed),
            "again": solution.init_params(sizes, seed),
            "other_seed": solution.init_params(sizes, seed + 1),
            "default": solution.init_params(),
            "seed_0": solution.init_params((2, 8, 8, 1), 0)}


def _param_dict(got, shapes: dict, what: str) -> dict:
    if not isinstance(got, dict):
        raise WrongType(f"{what} must be a dict with keys {', '.join(KEYS)}; got {describe(got)}")
    missing = [k for k in KEYS if k not in got]
    if missing:
        raise WrongType(f"{what} has no key {missing[0]!r} (expected {', '.join(KEYS)})")
    out = {k: to_array(got[k]) for k in KEYS}
    for k, s in shapes.items():
        if out[k].shape != s:
            extra = " (biases are 1-D: one number per unit)" if k[0] == "b" and out[k].size == s[0] else ""
            raise WrongType(f"{what}[{k!r}] has shape {out[k].shape}, expected {s}{extra}")
    return out


def _read_init(got, inputs) -> dict:
    """The four init_params results as parameter dicts of the right shapes (or WrongType)."""
    sizes, seed = inputs["sizes"], inputs["seed"]
    what = f"init_params({sizes}, {seed})"
    if not isinstance(got, dict) or "params" not in got:
        raise WrongType(f"{what} did not return anything usable; got {describe(got)}")
    return {"params": _param_dict(got["params"], _shapes(sizes), what),
            "default": _param_dict(got["default"], _shapes((2, 8, 8, 1)),
                                   "init_params() with the default sizes"),
            "again": _param_dict(got["again"], _shapes(sizes), what),
            "other_seed": _param_dict(got["other_seed"], _shapes(sizes),
                                      f"init_params({sizes}, {seed + 1})"),
            "seed_0": _param_dict(got["seed_0"], _shapes((2, 8, 8, 1)),
                                  "init_params((2, 8, 8, 1), 0)")}


def _init_sample(change):
    """A self-test answer: well-drawn parameters for the check's sizes, then ``change``."""
    def sample(expected, inputs):
        def draw(seed):
            rng = np.random.default_rng(seed)
            return {k: rng.standard_normal(s) / 3 if k[0] == "W" else np.zeros(s)
                    for k, s in _shapes(inputs["sizes"]).items()}
        out = {"params": draw(inputs["seed"]), "again": draw(inputs["seed"]),
               "other_seed": draw(inputs["seed"] + 1),
               "default": {k: np.zeros(s) for k, s in _shapes((2, 8, 8, 1)).items()}}
        out["seed_0"] = dict(out["default"])
        change(out)
        return out
    return sample


def _nonzero_bias(got, expected, inputs):
    k = next((k for k in ("b1", "b2", "b3") if np.any(got["params"][k] != 0)), None)
    return k is not None and {"key": k, "value": fmt(got["params"][k])}


def _first_weight(test):
    def match(got, expected, inputs):
        k = next((k for k in ("W1", "W2", "W3") if test(got["params"][k])), None)
        w = got["params"].get(k)
        return k is not None and {"key": k, "largest": f"{float(np.max(np.abs(w))):.3g}"}
    return match


UNSCALED_RMS = 2.0  # 1/sqrt(fan_in) gives at most 0.71; Xavier, He or unscaled N(0, 1) ≤ 1


def _unscaled_weight(got, expected, inputs):
    """A weight matrix (of 6 entries or more, in either call) whose entries are far larger
    than any usual initialisation gives: e.g. multiplied by sqrt(fan_in)."""
    for which in ("params", "default"):
        for k in ("W1", "W2", "W3"):
            w = got[which][k]
            rms = float(np.sqrt(np.mean(w ** 2)))
            if w.size >= 6 and rms > UNSCALED_RMS:
                return {"key": k, "rms": f"{rms:.3g}", "fan_in": w.shape[0]}
    return False


def _scale_up(key):
    def change(out):
        w = out["params"][key]
        out["params"][key] = out["again"][key] = w / np.sqrt(np.mean(w ** 2)) * 3.0
    return change


def _set(key, value):
    """Every entry of parameter ``key`` set to ``value`` (in both same-seed calls); the
    first entry alone when ``value`` is large (the weights then are not constant)."""
    def change(out):
        w = np.full_like(out["params"][key], value) if abs(value) < 10 else out["params"][key].copy()
        if abs(value) >= 10:
            w.flat[0] = value
        out["params"][key] = out["again"][key] = w
    return change


INIT_REQUIREMENTS = (
    Mistake("init_bias_not_zero", "the biases start at zero; {key} = {value}",
            match=_nonzero_bias, sample=_init_sample(_set("b2", 0.5))),
    Mistake("init_weights_not_finite", "{key} contains NaN or infinite values",
            match=_first_weight(lambda w: not np.all(np.isfinite(w))),
            sample=_init_sample(_set("W2", float("inf")))),
    Mistake("init_weights_constant", "every entry of {key} is the same number: draw the "
            "weights at random, or all hidden units stay identical for ever",
            match=_first_weight(lambda w: w.size > 1 and bool(np.all(w == w.flat[0]))),
            sample=_init_sample(_set("W1", 0.25))),
    Mistake("init_weights_too_large", "{key} has entries as large as {largest}: scale the "
            "weights (e.g. by 1/sqrt(fan_in)) or tanh saturates",
            match=_first_weight(lambda w: float(np.max(np.abs(w))) > 10.0),
            sample=_init_sample(_set("W3", 50.0))),
    Mistake("init_weights_unscaled", "{key} has a root-mean-square entry of {rms}: scale "
            "the weights by 1/sqrt(fan_in) (fan_in = {fan_in} inputs per unit), not up",
            match=_unscaled_weight, sample=_init_sample(_scale_up("W2"))),
    Mistake("init_not_reproducible", "two calls with the same seed gave different weights: "
            "draw them from np.random.default_rng(seed)",
            match=lambda got, e, i: any(not np.array_equal(got["again"][k], got["params"][k])
                                        for k in KEYS),
            sample=_init_sample(lambda out: out.update(again=out["other_seed"]))),
    Mistake("init_seed_ignored", "a different seed gave the same weights: use the seed "
            "argument, np.random.default_rng(seed)",
            match=lambda got, e, i: all(np.array_equal(got["other_seed"][k], got["params"][k])
                                        for k in ("W1", "W2", "W3")),
            sample=_init_sample(lambda out: out.update(other_seed=out["params"]))),
    Mistake("init_default_seed", "init_params() without a seed must be init_params(sizes, 0): "
            "the default is seed=0",
            match=lambda got, e, i: any(not np.array_equal(got["default"][k], got["seed_0"][k])
                                        for k in KEYS),
            sample=_init_sample(lambda out: out.update(
                seed_0={k: v + 0.125 for k, v in out["default"].items()}))),
)


# -- forward and loss ---------------------------------------------------------------------


def _forward_inputs(rng):
    sizes = _rectangular_sizes(rng)
    params = _random_params(rng, sizes)
    X, _ = _points(rng, int(rng.integers(20, 61)))
    return {"params": params, "X": X}


def _forward_call(solution, inputs):
    """y_hat for the check's points, and for the first point alone (X of shape (1, 2)):
    one point is where np.squeeze loses the points axis."""
    out = solution.forward(inputs["params"], inputs["X"])
    if not (isinstance(out, (tuple, list)) and len(out) == 2):
        return {"returned": out}
    one = solution.forward(inputs["params"], inputs["X"][:1])
    return {"y_hat": out[0], "one_point": one[0] if isinstance(one, (tuple, list)) else one}


def _forward_judge(got, expected, inputs, rng) -> Verdict:
    if isinstance(got, dict) and "returned" in got:
        raise WrongType(f"forward must return a pair (y_hat, cache); got {describe(got['returned'])}")
    if not isinstance(got, dict) or not {"y_hat", "one_point"} <= set(got):
        raise WrongType(f"forward did not return anything usable; got {describe(got)}")
    y_hat = to_array(got["y_hat"])
    n = expected["y_hat"].shape[0]
    if y_hat.shape != (n,):
        hint = " — flatten it, e.g. y_hat[:, 0] or y_hat.ravel()" if y_hat.size == n else ""
        raise WrongType(f"y_hat should have shape ({n},), one probability per point; "
                        f"got shape {y_hat.shape}{hint}")
    one = to_array(got["one_point"])
    if one.shape != (1,):
        hint = (" — np.squeeze drops the points axis too; use y_hat[:, 0] or y_hat.reshape(-1)"
                if one.size == 1 else "")
        raise WrongType(f"forward on a single point (X of shape (1, 2)) should give y_hat of "
                        f"shape (1,); got shape {one.shape}{hint}")
    verdict = compare_arrays(y_hat, expected["y_hat"], VALUE_RTOL, 1e-12, "probabilities")
    if verdict.passed:
        verdict = compare_arrays(one, expected["one_point"], VALUE_RTOL, 1e-12,
                                 "probabilities (one point)")
    return verdict


def _z3(expected, inputs):
    p = inputs["params"]
    _, _, H2 = _np_forward(p, inputs["X"])
    Z3 = (H2 @ p["W3"] + p["b3"])[:, 0]
    return {"y_hat": Z3, "one_point": Z3[:1]}


FORWARD_MISTAKES = (
    Mistake("forgot_sigmoid", "y_hat equals Z3 = H2 @ W3 + b3: apply the sigmoid "
            "1 / (1 + exp(-Z3)) to get probabilities", equals=_z3),
)


def _loss_inputs(rng):
    n = int(rng.integers(20, 81))
    y = (rng.random(n) < 0.5).astype(float)
    return {"y_hat": rng.uniform(0.02, 0.98, n), "y": y}


LOSS_MISTAKES = (
    Mistake("loss_sum_not_mean", "your loss is n = {n} times the expected one: take the mean "
            "of the per-point losses, not their sum",
            equals=lambda expected, inputs: inputs["y"].size * expected,
            facts=lambda expected, inputs: {"n": inputs["y"].size}),
    Mistake("loss_missing_minus", "your loss is negative: the cross-entropy is "
            "-(1/n) Σ [y log ŷ + (1 − y) log(1 − ŷ)], with a leading minus",
            equals=lambda expected, inputs: -expected),
    Mistake("loss_log10", "use the natural logarithm (np.log), not log10",
            equals=lambda expected, inputs: expected / np.log(10)),
)


# -- backward -----------------------------------------------------------------------------


BACKWARD_POINTS = 48  # one data shape for both backward checks: JAX compiles once
PADDED_WIDTH = 10     # hidden widths are at most 10 (see _rectangular_sizes)


def _backward_inputs(square: bool):
    def inputs(rng):
        if square:
            h = int(rng.integers(5, PADDED_WIDTH + 1))
            sizes = (2, h, h, 1)
        else:
            sizes = _rectangular_sizes(rng)
        params = _random_params(rng, sizes)
        X, y = _points(rng, BACKWARD_POINTS)
        return {"params": params, "X": X, "y": y}
    return inputs


def _backward_call(solution, inputs):
    _, cache = solution.forward(inputs["params"], inputs["X"])
    return solution.backward(inputs["params"], cache, inputs["y"])


def _expected_gradients(ref, inputs) -> dict:
    """jax.grad of the reference loss at the check's network, embedded in a network of
    hidden width PADDED_WIDTH whose extra units have zero weights and biases: they output
    tanh(0) = 0 and feed nothing forward, so the loss and the gradient of every real
    parameter are exactly the small network's. One compiled gradient serves both checks
    (an XLA compile costs about a second on a 2-core machine)."""
    params = inputs["params"]
    padded = {k: np.zeros(_shapes((2, PADDED_WIDTH, PADDED_WIDTH, 1))[k]) for k in KEYS}
    for k, v in params.items():
        padded[k][tuple(slice(0, n) for n in v.shape)] = v
    grads = jax_grad(ref.loss_fn, padded, inputs["X"], inputs["y"])
    return {k: grads[k][tuple(slice(0, n) for n in params[k].shape)] for k in KEYS}


def _backprop(params, X, y, *, mean=True, tanh1=True, tanh2=True, through_W2=False,
              extra_sigmoid=False) -> dict:
    """The backward pass with one of the catalogued slips switched on (NumPy), to tell a
    mistake by its exact numbers."""
    y_hat, H1, H2 = _np_forward(params, X)
    n = X.shape[0]
    dZ3 = ((y_hat - y) * (y_hat * (1 - y_hat) if extra_sigmoid else 1)
           / (n if mean else 1))[:, None]
    dZ2 = dZ3 @ params["W3"].T * ((1 - H2**2) if tanh2 else 1)
    W2_back = params["W2"] if through_W2 else params["W2"].T
    dZ1 = dZ2 @ W2_back * ((1 - H1**2) if tanh1 else 1)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(0), "W2": H1.T @ dZ2, "b2": dZ2.sum(0),
            "W3": H2.T @ dZ3, "b3": dZ3.sum(0)}


def _variant_matcher(**slip):
    def match(got, expected, inputs) -> bool:
        p, X, y = inputs["params"], inputs["X"], inputs["y"]
        variant = _backprop(p, X, y, **slip)
        differs = any(relative_error(variant[k], expected[k]) > 1e-4 for k in KEYS)
        return differs and gradients_match(got, variant, 1e-6)
    return match


def _missing_tanh_derivative(got, expected, inputs) -> bool:
    return (_variant_matcher(tanh2=False)(got, expected, inputs)
            or _variant_matcher(tanh1=False)(got, expected, inputs))


SUM_NOT_MEAN = Mistake(
    "sum_not_mean",
    "Your gradients are n times too large: you differentiated the sum of the per-point "
    "losses, not their mean. Divide the output error (y_hat − y) by the number of points n "
    "before propagating it back.",
    equals=lambda expected, inputs: {k: inputs["X"].shape[0] * v for k, v in expected.items()})
MISSING_ACTIVATION_DERIVATIVE = Mistake(
    "missing_activation_derivative",
    "A tanh derivative is missing: when the error passes back through a tanh layer it must "
    "be multiplied element-wise by tanh′(z) = 1 − h² (h the layer's output). The chain rule "
    "needs this factor at every hidden layer.",
    match=_missing_tanh_derivative)
EXTRA_SIGMOID_DERIVATIVE = Mistake(
    "extra_sigmoid_derivative",
    "The output error is multiplied by σ′ = ŷ(1 − ŷ) once too often. For the sigmoid with "
    "the cross-entropy the two factors cancel: dL/dZ3 = (ŷ − y)/n exactly, with no σ′ "
    "(that factor belongs to the squared error).",
    match=_variant_matcher(extra_sigmoid=True),
    sample=lambda expected, inputs: _backprop(inputs["params"], inputs["X"], inputs["y"],
                                              extra_sigmoid=True))


def _close_but_not_exact(got, expected, inputs) -> bool:
    return gradients_match(got, expected, CLOSE_BUT_NOT_EXACT)


NUMERICAL_GRADIENT = Mistake(
    "numerical_gradient",
    f"Your gradients are close to jax.grad's (relative error below {CLOSE_BUT_NOT_EXACT:g}) "
    f"but not equal to rounding (relative error at most {GRADIENT_RTOL:g}): that is what a "
    "finite difference (or float32 arithmetic) gives. This exercise is backpropagation: the "
    "chain rule layer by layer, in float64, gives the gradient exactly.",
    match=_close_but_not_exact,
    sample=lambda expected, inputs: {k: v * (1 + 1e-8) for k, v in expected.items()})
TRANSPOSED_WEIGHTS = Mistake(
    "transposed_weights",
    "The error is propagated back through W2 instead of its transpose. Going forward a layer "
    "computes Z = H @ W; going back the error becomes dH = dZ @ W.T. With square hidden "
    "layers the shapes still fit, so only the values are wrong.",
    match=_variant_matcher(through_W2=True))


def _backward_check(case: str, points: float) -> Check:
    square = case == "square_layers"
    mistakes = ((SUM_NOT_MEAN, MISSING_ACTIVATION_DERIVATIVE, EXTRA_SIGMOID_DERIVATIVE)
                + ((TRANSPOSED_WEIGHTS,) if square else ()) + (NUMERICAL_GRADIENT,))
    return Check(
        function="backward", case=case, points=points, needs=("forward",),
        title="gradients of the mean loss against jax.grad, "
              + ("hidden layers of equal width" if square else "hidden layers of different widths"),
        inputs=_backward_inputs(square), call=_backward_call, expect=_expected_gradients,
        answer=Gradients(function="backward", rtol=GRADIENT_RTOL), mistakes=mistakes,
        hint="From the output back: dZ3 = (y_hat − y)/n; for each layer dW = H_prev.T @ dZ, "
             "db = dZ summed over the points, dH_prev = dZ @ W.T, dZ_prev = dH_prev * (1 − H_prev²).")


# -- hidden_jacobian ----------------------------------------------------------------------


def _tanh_layer(W, b, x):
    import jax.numpy as jnp

    return jnp.tanh(x @ W + b)


def _jacobian_inputs(rng):
    h1 = int(rng.integers(3, 13))
    return {"W": rng.standard_normal((2, h1)), "b": 0.5 * rng.standard_normal(h1),
            "x": rng.standard_normal(2)}


def _expected_jacobian(ref, inputs):
    return jax_jacfwd(_tanh_layer, inputs["W"], inputs["b"], inputs["x"], argnums=2)


def _jacobian_judge(got, expected, inputs, rng) -> Verdict:
    J = to_array(got)
    h1 = expected.shape[0]
    if J.shape != expected.shape:
        rows = " (rows are the outputs h_i, columns the inputs x_j)" if J.shape == (2, h1) else ""
        raise WrongType(f"the Jacobian of h: R² → R^{h1} has shape ({h1}, 2), got {J.shape}{rows}")
    return compare_arrays(J, expected, JACOBIAN_RTOL, JACOBIAN_ATOL, "entries")


def _layer_output(inputs):
    return np.tanh(inputs["x"] @ inputs["W"] + inputs["b"])


JACOBIAN_MISTAKES = (
    Mistake("jacobian_linear_part_only", "your Jacobian is W.T, the derivative of the linear "
            "part only: the tanh contributes the factor diag(1 − h²).",
            equals=lambda expected, inputs: inputs["W"].T),
    Mistake("tanh_derivative_one_minus_h", "tanh′(z) is 1 − h², not 1 − h: square the "
            "layer's output",
            equals=lambda expected, inputs: (1 - _layer_output(inputs))[:, None] * inputs["W"].T),
    Mistake("jacobian_finite_difference", "your Jacobian is close to the exact one but not "
            "equal to rounding: that is what a finite difference gives. Write it from the "
            "formula dh/dx = diag(1 − h²) @ W.T, which is exact.",
            match=lambda got, expected, inputs: bool(
                to_array(got).shape == expected.shape
                and compare_arrays(to_array(got), expected, CLOSE_BUT_NOT_EXACT, 1e-6).passed),
            sample=lambda expected, inputs: expected + 1e-9),
)


# -- train --------------------------------------------------------------------------------


def _train_inputs(rng):
    sizes = (2, int(rng.integers(6, 11)), int(rng.integers(6, 11)), 1)
    X, y = _points(rng, int(rng.integers(200, 261)))
    X_test, y_test = _points(rng, 1000)
    return {"X": X, "y": y, "sizes": sizes, "seed": int(rng.integers(0, 1000)),
            "_X_test": X_test, "_y_test": y_test}


def _train_call(solution, inputs):
    return solution.train(inputs["X"], inputs["y"], sizes=inputs["sizes"], seed=inputs["seed"])


def _read_trained(got, inputs) -> dict:
    sizes = inputs["sizes"]
    return _param_dict(got, _shapes(sizes), f"train(X, y, sizes={sizes})")


def _held_out_accuracy(params, inputs) -> float:
    y_hat, _, _ = _np_forward(params, inputs["_X_test"])
    return float(np.mean((y_hat >= 0.5) == (inputs["_y_test"] == 1)))


def _too_inaccurate(params, expected, inputs):
    acc = _held_out_accuracy(params, inputs)
    return acc < TRAIN_ACCURACY and {"accuracy": f"{acc:.1%}", "points": len(inputs["_y_test"])}


def _trained_sample(value):
    def sample(expected, inputs):
        return {k: np.full(s, value) for k, s in _shapes(inputs["sizes"]).items()}
    return sample


TRAIN_REQUIREMENTS = (
    Mistake("training_diverged", "the trained parameters contain NaN or infinite values "
            "(is the step size right? is the update p − rate · grad?)",
            match=lambda params, e, i: not all(np.all(np.isfinite(v)) for v in params.values()),
            sample=_trained_sample(float("nan"))),
    Mistake("training_inaccurate", "your trained network classifies {accuracy} of {points} "
            f"fresh points correctly; at least {TRAIN_ACCURACY:.0%} is needed",
            match=_too_inaccurate, sample=_trained_sample(0.0)),
)


# -- train, epoch by epoch ----------------------------------------------------------------
#
# The contract fixes the method: full-batch gradient descent from init_params(sizes, seed),
# `epochs` updates p − learning_rate · grad. train is called with a few epochs and a rate
# other than the defaults, and its result compared with that loop run here (exact maths)
# from the student's own init_params: a network trained longer, differently (mini-batches,
# momentum) or elsewhere, an ignored argument or an extra epoch fails on every seed.

DEFAULT_EPOCHS, DEFAULT_RATE, DEFAULT_SEED = 2000, 0.5, 0


def _steps_inputs(rng):
    X, y = _points(rng, 60)
    return {"X": X, "y": y, "sizes": _rectangular_sizes(rng),
            "learning_rate": float(rng.uniform(0.2, 1.5)), "epochs": int(rng.integers(3, 21)),
            "seed": int(rng.integers(1, 1000))}


def _snapshot(value):
    """A copy of init_params' result: a train that updates the same arrays in place must
    not change the starting point recorded."""
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:  # noqa: BLE001 - an uncopyable value is judged as it is
        return value


def _steps_call(solution, inputs):
    sizes, seed = inputs["sizes"], inputs["seed"]
    return {"init": _snapshot(solution.init_params(sizes, seed)),
            "init_default": _snapshot(solution.init_params(sizes, DEFAULT_SEED)),
            "trained": solution.train(inputs["X"], inputs["y"], sizes=sizes,
                                      learning_rate=inputs["learning_rate"],
                                      epochs=inputs["epochs"], seed=seed),
            "init_plain": _snapshot(solution.init_params()),
            "defaults": solution.train(inputs["X"], inputs["y"])}


def _descent(start, inputs, epochs=None, rate=None) -> dict:
    """Full-batch gradient descent from ``start`` (the exact backward pass, NumPy).

    Judging one train answer asks for the same descents again and again (the right one,
    then each catalogued slip's: 0, epochs ± 1, the default 2000 epochs, the default
    rate), up to 2000 NumPy epochs each. Descents are remembered per start, data and rate
    (:data:`_TRAJECTORIES`, a few, newest kept) at every epoch count asked for, and a longer
    one continues from the longest remembered below it: the same float operations in the
    same order, so the same bits as a descent from scratch."""
    epochs = inputs["epochs"] if epochs is None else epochs
    rate = inputs["learning_rate"] if rate is None else rate
    params = {k: np.array(start[k], dtype=np.float64) for k in KEYS}
    X = np.asarray(inputs["X"], dtype=np.float64)
    y = np.asarray(inputs["y"], dtype=np.float64)
    key = (float(rate), *(_fingerprint(params[k]) for k in KEYS), _fingerprint(X), _fingerprint(y))
    done = _TRAJECTORIES.pop(key, {0: params})
    _TRAJECTORIES[key] = done
    while len(_TRAJECTORIES) > _KEEP_TRAJECTORIES:
        del _TRAJECTORIES[next(iter(_TRAJECTORIES))]
    reached = max(n for n in done if n <= epochs)
    params = done[reached]
    for _ in range(epochs - reached):
        grads = _backprop(params, X, y)
        params = {k: params[k] - rate * grads[k] for k in KEYS}
    done[epochs] = params
    return {k: v.copy() for k, v in params.items()}


_TRAJECTORIES: dict[tuple, dict[int, dict]] = {}  # oldest first
_KEEP_TRAJECTORIES = 8


def _fingerprint(array) -> tuple:
    return array.shape, array.dtype.str, array.tobytes()


def _train_text(inputs) -> str:
    return (f"train(X, y, sizes={inputs['sizes']}, learning_rate={inputs['learning_rate']:.4g}, "
            f"epochs={inputs['epochs']}, seed={inputs['seed']})")


def _read_steps(got, inputs):
    if not isinstance(got, dict) or not {"init", "trained"} <= set(got):
        raise WrongType(f"train did not return anything usable; got {describe(got)}")
    shapes = _shapes(inputs["sizes"])
    start = _param_dict(got["init"], shapes, f"init_params({inputs['sizes']}, {inputs['seed']})")
    return start, _param_dict(got["trained"], shapes, _train_text(inputs))


def _params_close(got, target, rtol=STEPS_RTOL) -> bool:
    return all(float(np.linalg.norm(got[k] - target[k]))
               <= rtol * float(np.linalg.norm(target[k])) + 1e-12 for k in KEYS)


def _steps_judge(got, expected, inputs, rng) -> Verdict:
    start, trained = _read_steps(got, inputs)
    target = _descent(start, inputs)
    errors = {k: relative_error(trained[k], target[k]) for k in KEYS}
    detail = {"epochs": inputs["epochs"], "learning_rate": inputs["learning_rate"],
              "tolerance": {"relative_error_per_array": STEPS_RTOL},
              "relative_error": {k: fmt(v) for k, v in errors.items()}}
    if _params_close(trained, target):
        return _defaults_verdict(got, inputs, detail)
    bad = [k for k in KEYS if not _params_close({**target, k: trained[k]}, target)]
    listed = ", ".join(f"{k} ({errors[k]:.3g})" for k in bad)
    return Verdict(False, f"{_train_text(inputs)} should return the parameters after exactly "
                   f"{inputs['epochs']} full-batch gradient-descent epochs at learning rate "
                   f"{inputs['learning_rate']:.4g} from your init_params({inputs['sizes']}, "
                   f"{inputs['seed']}); relative error in {listed}", detail)


def _defaults_verdict(got, inputs, detail) -> Verdict:
    """train(X, y) with every default: 2000 epochs at 0.5 from init_params() (sizes
    (2, 8, 8, 1), seed 0). GD from the same start reproduces to ~1e-14 after 2000 epochs;
    one epoch more changes the result by ~1e-4."""
    shapes = _shapes((2, 8, 8, 1))
    start = _param_dict(got.get("init_plain"), shapes, "init_params()")
    trained = _param_dict(got.get("defaults"), shapes, "train(X, y)")
    target = _descent(start, inputs, epochs=DEFAULT_EPOCHS, rate=DEFAULT_RATE)
    if _params_close(trained, target):
        return Verdict(True, detail=detail)
    worst = max(KEYS, key=lambda k: relative_error(trained[k], target[k]))
    return Verdict(False, f"train(X, y) with the default arguments should run {DEFAULT_EPOCHS} "
                   f"epochs at learning rate {DEFAULT_RATE} from init_params() (sizes "
                   "(2, 8, 8, 1), seed 0): the signature is train(X, y, sizes=(2, 8, 8, 1), "
                   f"learning_rate=0.5, epochs=2000, seed=0); relative error in {worst} "
                   f"{relative_error(trained[worst], target[worst]):.3g}", detail)


def _step_variants() -> dict:
    def epochs(n):
        return lambda start, default, inputs: [_descent(start, inputs, epochs=n(inputs))]
    return {
        "train_not_updated": lambda start, default, inputs: [_descent(start, inputs, epochs=0)],
        "train_epochs_ignored": epochs(lambda i: DEFAULT_EPOCHS),
        "train_learning_rate_ignored":
            lambda start, default, inputs: [_descent(start, inputs, rate=DEFAULT_RATE)],
        "train_off_by_one": lambda start, default, inputs: [
            _descent(start, inputs, epochs=inputs["epochs"] + d) for d in (-1, 1)],
        "train_seed_ignored": lambda start, default, inputs: [_descent(default, inputs)],
    }


STEP_MESSAGES = {
    "train_not_updated": "train returned the parameters it started from: the update "
    "p − learning_rate · grad must be stored back (params[key] = params[key] − …) every epoch",
    "train_epochs_ignored": f"train ran {DEFAULT_EPOCHS} epochs (the default), not the "
    "epochs = {epochs} it was called with: loop for _ in range(epochs)",
    "train_learning_rate_ignored": f"train stepped with the default learning rate {DEFAULT_RATE}, "
    "not the learning_rate = {rate} it was called with",
    "train_off_by_one": "train ran one epoch too few or too many: epochs = {epochs} means "
    "exactly {epochs} updates, for _ in range(epochs)",
    "train_seed_ignored": "train started from init_params(sizes) with the default seed, not "
    "seed = {seed}: start from init_params(sizes, seed)",
}


def _step_mistake(mistake_id, variant) -> Mistake:
    def match(got, expected, inputs) -> bool:
        start, trained = _read_steps(got, inputs)
        default = _param_dict(got.get("init_default"), _shapes(inputs["sizes"]), "init_params")
        right = _descent(start, inputs)
        return any(not _params_close(v, right, 1e-4) and _params_close(trained, v, 1e-6)
                   for v in variant(start, default, inputs))

    def sample(expected, inputs):
        shapes = _shapes(inputs["sizes"])
        start = _param_dict(expected["init"], shapes, "the reference")
        default = _param_dict(expected["init_default"], shapes, "the reference")
        return {"init": start, "init_default": default, "trained": variant(start, default, inputs)[0],
                "init_plain": expected["init_plain"], "defaults": expected["defaults"]}

    return Mistake(mistake_id, STEP_MESSAGES[mistake_id], match=match, sample=sample,
                   facts=lambda expected, inputs: {"epochs": inputs["epochs"], "seed": inputs["seed"],
                                                   "rate": f"{inputs['learning_rate']:.4g}"})


STEP_MISTAKES = tuple(_step_mistake(i, v) for i, v in _step_variants().items())


# -- the report's figure ------------------------------------------------------------------

FIGURE_EPOCHS = 2000
LOSS_EVERY = 20


def _figure_inputs(rng):
    X, y = _points(rng, 100)
    return {"X": X, "y": y}


def _grid():
    xs = np.linspace(-2.2, 2.2, 45)
    ys = np.linspace(-2.0, 2.0, 41)
    GX, GY = np.meshgrid(xs, ys)
    return xs, ys, np.column_stack([GX.ravel(), GY.ravel()])


def _loss_curve(mod, X, y) -> list:
    params = mod.init_params()
    curve = []
    for epoch in range(FIGURE_EPOCHS):
        y_hat, cache = mod.forward(params, X)
        if epoch % LOSS_EVERY == 0:
            curve.append(float(mod.loss(y_hat, y)))
        grads = mod.backward(params, cache, y)
        params = {k: params[k] - 0.5 * np.asarray(grads[k]) for k in params}
    return curve


def _figure_data(mod, inputs) -> dict:
    X, y = inputs["X"], inputs["y"]
    xs, ys, grid = _grid()
    params = mod.train(X, y)
    probability = np.asarray(mod.forward(params, grid)[0], dtype=float).reshape(len(ys), len(xs))
    return {"X": X, "y": y, "xs": xs, "ys": ys, "probability": probability,
            "loss": _loss_curve(mod, X, y)}


def _figure_draw(ax, ref, student):
    ax.axis("off")
    left = ax.inset_axes([0.0, 0.0, 0.56, 1.0])
    right = ax.inset_axes([0.68, 0.12, 0.32, 0.82])
    X, y = ref["X"], ref["y"]
    left.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", s=12, edgecolors="none")
    left.contour(ref["xs"], ref["ys"], ref["probability"], levels=[0.5], colors="grey",
                 linewidths=3, alpha=0.5)
    left.plot([], [], color="grey", lw=3, alpha=0.5, label="reference boundary")
    epochs = np.arange(len(ref["loss"])) * LOSS_EVERY
    right.plot(epochs, ref["loss"], color="grey", lw=3, alpha=0.5, label="reference")
    shaded = student or ref  # the class-1 region of the network shown
    left.contourf(shaded["xs"], shaded["ys"], shaded["probability"], levels=[0.5, 1.0],
                  colors=["tab:orange" if student else "grey"], alpha=0.12)
    if student:
        left.contour(student["xs"], student["ys"], student["probability"], levels=[0.5],
                     colors="tab:orange", linestyles="--")
        left.plot([], [], "--", color="tab:orange", label="your boundary (ŷ = 0.5), ŷ > 0.5 shaded")
        right.plot(np.arange(len(student["loss"])) * LOSS_EVERY, student["loss"], "--",
                   color="tab:orange", label="yours")
    left.set_xlabel("x₁")
    left.set_ylabel("x₂")
    left.legend(loc="lower left", fontsize="small")
    right.set_xlabel("epoch")
    right.set_ylabel("mean loss")
    right.set_yscale("log")
    right.legend(fontsize="small")


FIGURE = Figure(title="the learned decision boundary and the loss curve",
                functions=("train", "forward", "init_params", "loss", "backward"),
                student=_figure_data, reference=_figure_data, draw=_figure_draw,
                inputs=_figure_inputs, time_limit=15.0)


EXERCISE = Exercise(
    slug="05_backprop",
    title="Backpropagation by hand: a two-hidden-layer network",
    plot="the learned decision boundary and the loss curve",
    figure=FIGURE,
    checks=[
        Check(function="init_params", points=1,
              title="parameter shapes for random layer sizes, zero biases, seeded weights",
              inputs=_init_inputs, call=_init_call,
              answer=Property(INIT_REQUIREMENTS, converter=_read_init),
              hint="W1 (2, h1), b1 (h1,), W2 (h1, h2), b2 (h2,), W3 (h2, 1), b3 (1,)."),
        Check(function="forward", points=1,
              title="forward pass at random parameters and points",
              inputs=_forward_inputs, call=_forward_call,
              answer=Custom(_forward_judge), mistakes=FORWARD_MISTAKES,
              hint="H1 = tanh(X @ W1 + b1), H2 = tanh(H1 @ W2 + b2), "
                   "y_hat = sigmoid(H2 @ W3 + b3) flattened to shape (n,)."),
        Check(function="loss", points=1, title="mean binary cross-entropy",
              inputs=_loss_inputs, mistakes=LOSS_MISTAKES,
              answer=Close(rtol=VALUE_RTOL, atol=1e-12, what="loss", scalar=True),
              hint="-(1/n) Σ [y log ŷ + (1 − y) log(1 − ŷ)], a single float."),
        _backward_check("square_layers", 2),
        _backward_check("different_widths", 2),
        Check(function="hidden_jacobian", points=1,
              title="Jacobian of one tanh layer against jax.jacfwd",
              inputs=_jacobian_inputs, expect=_expected_jacobian,
              answer=Custom(_jacobian_judge), mistakes=JACOBIAN_MISTAKES,
              hint="dh/dx = diag(1 − h²) @ W.T with h = tanh(x @ W + b): shape (h1, 2)."),
        Check(function="train", points=3, time_limit=20.0,
              title=f"training reaches {TRAIN_ACCURACY:.0%} accuracy on held-out points",
              inputs=_train_inputs, call=_train_call,
              answer=Property(TRAIN_REQUIREMENTS, converter=_read_trained,
                              summary=lambda params, inputs: f"{_held_out_accuracy(params, inputs):.1%} "
                              "of fresh points classified correctly"),
              hint="Start from init_params(sizes, seed); each epoch: forward on all of X, "
                   "backward, then p = p − learning_rate · grad for every parameter."),
        Check(function="train", case="steps", points=2, needs=("init_params",),
              title="a few epochs at a random learning rate and seed, epoch for epoch",
              inputs=_steps_inputs, call=_steps_call, answer=Custom(_steps_judge),
              mistakes=STEP_MISTAKES,
              hint="params = init_params(sizes, seed); then for _ in range(epochs): forward on "
                   "all of X, backward, p = p − learning_rate · grad for every parameter."),
    ],
)
