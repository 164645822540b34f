"""Checks for 10_perceptron_classification: A = σ(W X + b), the log loss, two clusters.

Shapes, parameters and points change with the seed (two Gaussian clusters from
``grader.course.datasets``, random layer shapes); gradients are compared with ``jax.grad`` of
the reference ``cost_fn``; the trained model is judged by its accuracy on fresh points
(of the clusters placed at random, and of their mirror image), and a few training steps
against the same loop run from the student's own initial parameters.
"""
from __future__ import annotations

from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge import perceptron_checks as pc
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

GRADIENT_RTOL = 1e-6
VALUE_RTOL = 1e-9
ACCURACY = 0.95  # of the trained model on held-out points


def _clusters(rng, m: int):
    from grader.course import datasets

    return datasets.two_clusters(rng, m)


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _probabilities(params, X):
    return _sigmoid(params["W"] @ X + params["b"])


# -- forward_propagation ------------------------------------------------------------------------


def _forward_inputs(rng):
    n_x, n_y = pc.several_outputs_shape(rng)
    m = int(rng.integers(8, 41))
    return {"X": rng.standard_normal((n_x, m)),
            "parameters": pc.random_parameters(rng, n_x, n_y, 0.8, 0.5)}


def _forward_judge(got, expected, inputs, rng) -> Verdict:
    A = to_array(got)
    if A.shape != expected.shape:
        extra = " (the transpose)" if A.shape == expected.shape[::-1] else ""
        raise WrongType(f"forward_propagation should return A of shape (n_y, m) = "
                        f"{expected.shape}, got {A.shape}{extra}")
    verdict = compare_arrays(A, expected, VALUE_RTOL, 1e-12, "probabilities")
    if not verdict.passed and np.any((A <= 0) | (A >= 1)):
        verdict.message += "; every A must be a probability strictly between 0 and 1"
    return verdict


def _z(expected, inputs):
    p = inputs["parameters"]
    return p["W"] @ inputs["X"] + p["b"]


SIGMOID_MISSING = Mistake(
    "sigmoid_missing",
    "forward_propagation returns Z = W X + b, not the probability A = σ(Z). Apply the "
    "sigmoid 1 / (1 + exp(−Z)) so that every output lies in (0, 1) and can be read as the "
    "probability of class 1.",
    equals=_z)

# -- compute_cost ---------------------------------------------------------------------------------


def _cost_inputs(rng):
    m = int(rng.integers(10, 81))
    Y = (rng.random((1, m)) < 0.5).astype(float)
    return {"A": rng.uniform(0.02, 0.98, (1, m)), "Y": Y}


def _log_loss(A, Y) -> float:
    return float(-np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A)))


MISSING_MINUS_SIGN = Mistake(
    "missing_minus_sign",
    "Your cost is negative: the log loss is −(1/m) Σ [Y log A + (1 − Y) log(1 − A)]. Both "
    "logs are of numbers in (0, 1), so they are negative, and the leading minus sign makes "
    "the cost positive (and minimising it the right thing to do).",
    equals=lambda expected, inputs: -expected)
COST_MISTAKES = (
    Mistake("labels_swapped_in_cost", "each label is paired with the wrong log: Y goes with "
            "log A (the probability of class 1) and 1 − Y with log(1 − A)",
            equals=lambda expected, inputs: _log_loss(inputs["A"], 1 - inputs["Y"])),
    Mistake("cost_not_divided_by_m", "your cost is m = {m} times too large: divide the sum by m",
            equals=lambda expected, inputs: inputs["Y"].shape[1] * expected,
            facts=lambda expected, inputs: {"m": inputs["Y"].shape[1]}),
    Mistake("cost_log10", "use the natural logarithm (np.log), not log10",
            equals=lambda expected, inputs: expected / np.log(10)),
    MISSING_MINUS_SIGN,
)

# -- backward_propagation ---------------------------------------------------------------------------


def _backward_inputs(several_outputs: bool):
    def inputs(rng):
        m = pc.GRADIENT_EXAMPLES
        if several_outputs:
            n_x, n_y = pc.several_outputs_shape(rng)
            X = rng.standard_normal((n_x, m))
            Y = (rng.random((n_y, m)) < 0.5).astype(float)
        else:
            X, Y = _clusters(rng, m)
            n_x, n_y = 2, 1
        params = pc.random_parameters(rng, n_x, n_y, 0.5, 0.5)
        return {"A": _probabilities(params, X), "X": X, "Y": Y, "_parameters": params}
    return inputs


def _expected_gradients(ref, inputs):
    return pc.padded_gradient(ref.cost_fn, inputs["_parameters"], inputs["X"], inputs["Y"])


def _squared_error_gradients(expected, inputs):
    A, X, Y = inputs["A"], inputs["X"], inputs["Y"]
    dZ = (A - Y) * A * (1 - A)
    m = X.shape[1]
    return {"dW": dZ @ X.T / m, "db": dZ.sum(axis=1, keepdims=True) / m}


SQUARED_ERROR_GRADIENT = Mistake(
    "squared_error_gradient",
    "these are the gradients of the squared error (A − Y) · A(1 − A); for the log loss the "
    "sigmoid's derivative cancels and dZ = A − Y", equals=_squared_error_gradients)


def _backward_check(case: str, points: float) -> Check:
    several = case == "several_outputs"
    return Check(
        function="backward_propagation", case=case, points=points,
        title="dW and db against jax.grad of the log loss, "
              + ("random shapes with several outputs" if several else "two clusters of points"),
        inputs=_backward_inputs(several), expect=_expected_gradients,
        answer=Gradients(function="backward_propagation", rtol=GRADIENT_RTOL,
                         shape_of={"dW": "W", "db": "b"}),
        mistakes=(SQUARED_ERROR_GRADIENT,),
        hint="dZ = A − Y; dW = (1/m) dZ Xᵀ (shape of W), db = (1/m) Σ over the examples of dZ "
             "(shape of b).")


# -- predict -------------------------------------------------------------------------------------


# Z = W x + b at the points placed next to the decision boundary: on both sides, and
# between 0 and 0.5 (where thresholding Z at 0.5, or A at 0.6, gives the wrong label).
# None is exactly on it (A = 0.5), where "A > 0.5" and "A >= 0.5" differ.
NEAR_BOUNDARY_Z = (-0.45, -0.2, -0.05, -1e-3, 1e-3, 0.05, 0.2, 0.3, 0.45)


def _predict_inputs(rng):
    X, _ = _clusters(rng, int(rng.integers(20, 61)))
    params = pc.random_parameters(rng, 2, 1, 1.0, 1.0)
    w, b = params["W"][0], float(params["b"][0, 0])
    if float(w @ w) < 0.25:  # a steep W: the points next to the line stay near the data
        w = w / np.sqrt(float(w @ w)) * 0.5
        params["W"] = w[None, :]
    base = X[:, rng.choice(X.shape[1], len(NEAR_BOUNDARY_Z))]
    near = base + np.outer(w, np.array(NEAR_BOUNDARY_Z) - (w @ base + b)) / float(w @ w)
    X = np.hstack([X, near])
    return {"X": X[:, rng.permutation(X.shape[1])], "parameters": params}


def _predict_judge(got, expected, inputs, rng) -> Verdict:
    labels = to_array(got)
    if labels.shape != expected.shape:
        raise WrongType(f"predict should return labels of shape (n_y, m) = {expected.shape}, "
                        f"got {labels.shape}")
    if not np.all((labels == 0) | (labels == 1)):
        raise WrongType("predict must return labels 0 or 1, got other values "
                        f"(e.g. {float(labels[(labels != 0) & (labels != 1)][0]):.4g})")
    wrong = labels != expected
    detail = {"expected": fmt(expected), "got": fmt(labels)}
    if not wrong.any():
        return Verdict(True, detail=detail)
    A = _probabilities(inputs["parameters"], inputs["X"])
    worst = np.unravel_index(int(np.argmax(wrong)), wrong.shape)
    return Verdict(False, f"{int(wrong.sum())} of {wrong.size} labels differ from 1 where "
                   f"A > 0.5, else 0 (e.g. example {worst[1]}, A = {float(A[worst]):.4g})", detail)


def _returned_probabilities(got, expected, inputs) -> bool:
    g = to_array(got)
    A = _probabilities(inputs["parameters"], inputs["X"])
    return g.shape == A.shape and bool(np.allclose(g, A, rtol=1e-9, atol=1e-12))


PREDICT_RETURNS_PROBABILITIES = Mistake(
    "predict_returns_probabilities",
    "predict returns the probabilities A instead of class labels. Threshold them: 1 where "
    "A > 0.5 and 0 otherwise, e.g. (A > 0.5).astype(float).",
    match=_returned_probabilities)
THRESHOLD_ON_Z = Mistake(
    "threshold_on_z",
    "You thresholded Z = W X + b at 0.5. The threshold 0.5 is for the probability A = σ(Z); "
    "A > 0.5 exactly where Z > 0, so points with 0 < Z ≤ 0.5 are class 1 too.",
    equals=lambda expected, inputs: (_z(expected, inputs) > 0.5).astype(float))
PREDICT_MISTAKES = (
    THRESHOLD_ON_Z,
    Mistake("predict_all_ones", "every point got label 1 — is the threshold 0.5 on A (or 0 on Z)?",
            match=lambda got, expected, inputs: bool(np.all(to_array(got) == 1)),
            sample=lambda expected, inputs: np.ones_like(expected)),
    # when every expected label is 0, flipped labels are all 1: that is predict_all_ones
    Mistake("predict_flipped", "every label is flipped — class 1 is where A > 0.5",
            equals=lambda expected, inputs: None if np.all(expected == 0) else 1.0 - expected),
    PREDICT_RETURNS_PROBABILITIES,
)

# -- nn_model -------------------------------------------------------------------------------------


def _placed_clusters(rng, m: int, turn, shift):
    X, Y = _clusters(rng, m)
    return turn @ X + shift, Y


def _nn_inputs(rng):
    """The two clusters turned by a random angle and moved by a random shift, so no fixed
    line fits every seed; and their mirror image through the shift (same labels), on which
    the same training must find the mirrored line: no constant answer fits both."""
    angle = float(rng.uniform(0.0, 2 * np.pi))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shift = rng.uniform(-1.5, 1.5, (2, 1))
    X, Y = _placed_clusters(rng, int(rng.integers(150, 251)), turn, shift)
    X_test, Y_test = _placed_clusters(rng, 1000, turn, shift)
    return {"X": X, "Y": Y, "X_mirrored": 2 * shift - X,
            "_X_test": X_test, "_Y_test": Y_test, "_shift": shift}


def _nn_call(solution, inputs):
    return {"trained": solution.nn_model(inputs["X"], inputs["Y"]),
            "mirrored": solution.nn_model(inputs["X_mirrored"], inputs["Y"])}


def _read_trained(got, inputs):
    if not isinstance(got, dict) or not {"trained", "mirrored"} <= set(got):
        raise WrongType(f"nn_model did not return anything usable; got {describe(got)}")
    return {key: pc.as_parameters(got[key], 2, 1, "nn_model") for key in ("trained", "mirrored")}


def _test_points(inputs, which: str):
    X = inputs["_X_test"]
    return (X if which == "trained" else 2 * inputs["_shift"] - X), inputs["_Y_test"]


def _accuracy_of(p, inputs, which: str) -> float:
    X, Y = _test_points(inputs, which)
    return float(np.mean((p["W"] @ X + p["b"] > 0).astype(float) == Y))


def _accuracies(got, inputs) -> dict:
    return {which: _accuracy_of(got[which], inputs, which) for which in ("trained", "mirrored")}


def _held_out_accuracy(got, inputs) -> float:
    """The worse of the two held-out accuracies (the clusters, their mirror image)."""
    return min(_accuracies(got, inputs).values())


DATA_NAMES = {"trained": "the clusters", "mirrored": "their mirror image"}


def _accuracy_below(limit: float):
    def match(got, expected, inputs):
        accs = _accuracies(got, inputs)
        which = min(accs, key=accs.get)
        return accs[which] < limit and {"accuracy": f"{accs[which]:.1%}",
                                        "points": inputs["_Y_test"].size, "data": DATA_NAMES[which]}
    return match


def _same_line(got, expected, inputs) -> bool:
    a, b = got["trained"], got["mirrored"]
    return all(np.allclose(a[k], b[k], rtol=1e-9, atol=1e-12) for k in ("W", "b"))


def _finite(got) -> bool:
    return all(np.all(np.isfinite(p[k])) for p in got.values() for k in ("W", "b"))


def _separating_line(sign: float, which: str):
    """The least-squares line through the held-out points' ±1 labels (``sign`` −1: the
    same line with the classes swapped)."""
    def line(inputs):
        X, Y = _test_points(inputs, which)
        A = np.vstack([X, np.ones((1, X.shape[1]))]).T
        sol, *_ = np.linalg.lstsq(A, (2 * Y - 1).T, rcond=None)
        return {"W": sign * sol[:-1].T, "b": sign * sol[-1:].T}
    return line


def _trained_sample(first, mirrored):
    """A self-test answer: ``first(inputs)`` and ``mirrored(inputs)`` as the two results."""
    return lambda expected, inputs: {"trained": first(inputs), "mirrored": mirrored(inputs)}


def _zero_line(inputs):
    return {"W": np.zeros((1, 2)), "b": np.zeros((1, 1))}


NN_REQUIREMENTS = (
    Mistake("training_diverged", "the trained W or b contains NaN or infinite values",
            match=lambda got, e, i: not _finite(got),
            sample=_trained_sample(lambda i: {"W": np.full((1, 2), np.nan), "b": np.zeros((1, 1))},
                                   _separating_line(1.0, "mirrored"))),
    Mistake("same_line_for_other_data", "nn_model returned the same W and b for two different "
            "data sets (the clusters and their mirror image, which needs the opposite line): "
            "it must be trained on the X and Y it is given",
            match=_same_line,
            sample=_trained_sample(_separating_line(1.0, "trained"), _separating_line(1.0, "trained"))),
    Mistake("classes_swapped", "your trained perceptron classifies {accuracy} of {points} "
            f"fresh points of {{data}} correctly; at least {ACCURACY:.0%} is needed — it labels "
            "the two classes the wrong way round", match=_accuracy_below(1 - ACCURACY + 1e-12),
            sample=_trained_sample(_separating_line(-1.0, "trained"), _separating_line(-1.0, "mirrored"))),
    Mistake("training_inaccurate", "your trained perceptron classifies {accuracy} of {points} "
            f"fresh points of {{data}} correctly; at least {ACCURACY:.0%} is needed",
            match=_accuracy_below(ACCURACY),
            sample=_trained_sample(_separating_line(1.0, "trained"), _zero_line)),
)


def _steps_inputs(rng):
    """Clusters at a random place, a few steps at a random learning rate and seed."""
    X, Y = _placed_clusters(rng, 60, np.eye(2), rng.uniform(-1.5, 1.5, (2, 1)))
    X_more, Y_more = _placed_clusters(rng, 60, np.eye(2), rng.uniform(-1.5, 1.5, (2, 1)))
    # nn_model(X, Y) with the defaults on clusters: the log loss of separable data has no
    # minimum, so W still grows at step 100 and every default shows in the result
    return {"X": X, "Y": Y, "num_iterations": int(rng.integers(3, 21)),
            "learning_rate": float(rng.uniform(0.1, 1.5)), "seed": int(rng.integers(1, 10_000)),
            "X_defaults": X_more, "Y_defaults": Y_more}


# -- the report's figure --------------------------------------------------------------------------


def _figure_inputs(rng):
    X, Y = _clusters(rng, 100)
    return {"X": X, "Y": Y}


def _grid():
    xs = np.linspace(-6.0, 6.0, 121)
    GX, GY = np.meshgrid(xs, xs)
    return xs, np.vstack([GX.ravel(), GY.ravel()])


def _figure_data(mod, inputs) -> dict:
    X, Y = inputs["X"], inputs["Y"]
    xs, grid = _grid()
    params = mod.nn_model(X, Y)
    labels = np.asarray(mod.predict(grid, params), dtype=float).reshape(len(xs), len(xs))
    return {"X": X, "Y": Y, "xs": xs, "labels": labels, "cost": pc.cost_curve(mod, X, Y),
            "W": np.asarray(params["W"], dtype=float), "b": np.asarray(params["b"], dtype=float)}


def _figure_draw(ax, ref, student):
    left, right = pc.two_panels(ax)
    X, Y = ref["X"], ref["Y"].reshape(-1)
    left.scatter(X[0], X[1], c=Y, cmap="coolwarm", s=12, edgecolors="none")
    (w1, w2), b = np.ravel(ref["W"]), float(np.ravel(ref["b"])[0])
    xs = ref["xs"]
    left.plot(xs, -(w1 * xs + b) / w2, color="grey", lw=3, alpha=0.5,
              label="reference boundary W X + b = 0")
    shaded = student or ref  # the region labelled 1 by the predict shown
    left.contourf(shaded["xs"], shaded["xs"], shaded["labels"], levels=[0.5, 1.5],
                  colors=["tab:orange" if student else "grey"], alpha=0.12)
    if student:
        left.contour(student["xs"], student["xs"], student["labels"], levels=[0.5],
                     colors="tab:orange", linestyles="--")
        left.plot([], [], "--", color="tab:orange", label="your predict: 1 shaded")
    left.set_xlim(xs[0], xs[-1])
    left.set_ylim(xs[0], xs[-1])
    left.set_xlabel("x₁")
    left.set_ylabel("x₂")
    left.set_aspect("equal")
    left.legend(loc="lower right", fontsize="small")
    pc.draw_cost_curve(right, ref, student)


FIGURE = Figure(title="the two clusters with the decision boundary, and the cost curve",
                functions=pc.FUNCTIONS,
                student=_figure_data, reference=_figure_data, draw=_figure_draw,
                inputs=_figure_inputs, time_limit=10.0)


EXERCISE = Exercise(
    slug="10_perceptron_classification",
    title="The perceptron with a sigmoid: classifying two clusters",
    plot="the points, the decision boundary, the cost curve",
    figure=FIGURE,
    checks=[
        *pc.shared_checks(),
        Check(function="forward_propagation", points=1,
              title="A = σ(W X + b) for random shapes and parameters",
              inputs=_forward_inputs, answer=Custom(_forward_judge), mistakes=(SIGMOID_MISSING,),
              hint="A = 1 / (1 + np.exp(-(W @ X + b))), shape (n_y, m)."),
        Check(function="compute_cost", points=1, title="the log loss of random probabilities",
              inputs=_cost_inputs, mistakes=COST_MISTAKES,
              answer=Close(rtol=VALUE_RTOL, atol=1e-12, what="cost", scalar=True),
              hint="-(1/m) * np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)), a float."),
        _backward_check("clusters", 2),
        _backward_check("several_outputs", 1),
        pc.update_check(),
        Check(function="predict", points=1, title="0/1 labels at threshold 0.5",
              inputs=_predict_inputs,
              answer=Custom(_predict_judge), mistakes=PREDICT_MISTAKES,
              hint="(forward_propagation(X, parameters) > 0.5) as 0/1 labels."),
        Check(function="nn_model", points=3, time_limit=10.0,
              title=f"trained on two clusters: {ACCURACY:.0%} accuracy on held-out points",
              inputs=_nn_inputs, call=_nn_call,
              answer=Property(NN_REQUIREMENTS, converter=_read_trained,
                              summary=lambda got, inputs: "{trained:.1%} and {mirrored:.1%} of "
                              "fresh points classified correctly (the clusters, their mirror "
                              "image)".format(**_accuracies(got, inputs))),
              hint="initialize_parameters, then num_iterations times forward, backward, "
                   "update with the learning rate given."),
        pc.steps_check(_steps_inputs, sigmoid=True, points=2, data="two clusters"),
    ],
)
