"""Checks for 09_perceptron_regression: the perceptron Ŷ = W X + b trained on budget/sales.

Shapes, parameters and data change with the seed (generated budgets and sales from
``grader.course.datasets``, random layer shapes); gradients are compared with ``jax.grad`` of the
reference ``cost_fn``, the trained model with the least-squares solution, and a few
training steps with the same loop run from the student's own initial parameters.
"""
from __future__ import annotations

from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge import perceptron_checks as pc
from grader.judge.answers import Close, Custom, Gradients, Verdict, WrongType, compare_arrays, to_array

GRADIENT_RTOL = 1e-6
VALUE_RTOL = 1e-9
LSTSQ_ATOL = 1e-3  # trained W and b against least squares, on normalised features


def _budget(rng, m: int, n_features: int):
    """Generated budgets (normalised, one feature per row) and sales."""
    from grader.course import datasets

    X, Y = datasets.budget_sales(rng, m, n_features)
    return datasets.normalise(X), Y


# -- forward_propagation and predict ---------------------------------------------------------


def _forward_inputs(rng):
    n_x, n_y = pc.several_outputs_shape(rng)
    m = int(rng.integers(8, 41))
    return {"X": rng.standard_normal((n_x, m)), "parameters": pc.random_parameters(rng, n_x, n_y)}


def _linear_judge(function: str):
    def judge(got, expected, inputs, rng) -> Verdict:
        g = to_array(got)
        if g.shape != expected.shape:
            extra = " (the transpose: one row per output, one column per example)" \
                if g.shape == expected.shape[::-1] else ""
            raise WrongType(f"{function} should return shape (n_y, m) = {expected.shape}, "
                            f"got {g.shape}{extra}")
        return compare_arrays(g, expected, VALUE_RTOL, 1e-12, "predictions")
    return judge


FORGOT_BIAS = Mistake("forgot_bias", "your predictions leave out the bias: Ŷ = W X + b",
                      equals=lambda expected, inputs: inputs["parameters"]["W"] @ inputs["X"])


def _predict_inputs(rng):
    n_features = int(rng.integers(1, 3))
    X, _ = _budget(rng, int(rng.integers(10, 41)), n_features)
    return {"X": X, "parameters": pc.random_parameters(rng, n_features, 1, 3.0, 10.0)}


# -- compute_cost ------------------------------------------------------------------------------


def _cost_inputs(rng):
    from grader.course import datasets

    m = int(rng.integers(10, 81))
    _, Y = datasets.budget_sales(rng, m, 1)
    return {"Y_hat": Y + 3.0 * rng.standard_normal(Y.shape), "Y": Y}


COST_WITHOUT_HALF = Mistake(
    "cost_without_half",
    "Your cost is twice the expected value: this exercise defines the cost as "
    "(1/2m) Σ (Ŷ − Y)². The 1/2 is there so that the derivative has no factor 2 and "
    "dW = (1/m)(Ŷ − Y) Xᵀ exactly; divide by 2m, not m.",
    equals=lambda expected, inputs: 2 * expected)


def _cost_several_inputs(rng):
    n_x, n_y = pc.several_outputs_shape(rng)
    m = int(rng.integers(10, 61))
    Y = 5.0 + 3.0 * rng.standard_normal((n_y, m))
    return {"Y_hat": Y + 2.0 * rng.standard_normal((n_y, m)), "Y": Y}


COST_MEAN_OVER_ENTRIES = Mistake(
    "cost_mean_over_entries",
    "Your cost is 1/{n_y} of the expected one: with n_y = {n_y} outputs np.mean divides by "
    "all m · n_y entries, but the cost divides the sum over all entries by 2m, m = Y.shape[1] "
    "the number of examples: np.sum((Y_hat - Y) ** 2) / (2 * m)",
    equals=lambda expected, inputs: expected / inputs["Y"].shape[0],
    facts=lambda expected, inputs: {"n_y": inputs["Y"].shape[0]})
COST_MISTAKES = (
    Mistake("cost_not_divided_by_m", "your cost is m = {m} times too large: divide the sum of "
            "squares by 2m", equals=lambda expected, inputs: inputs["Y"].shape[1] * expected,
            facts=lambda expected, inputs: {"m": inputs["Y"].shape[1]}),
    Mistake("cost_sum_of_squares", "you returned the sum of squares: divide it by 2m",
            equals=lambda expected, inputs: 2 * inputs["Y"].shape[1] * expected),
    COST_WITHOUT_HALF,
)

# -- backward_propagation ------------------------------------------------------------------------


def _backward_inputs(several_outputs: bool):
    def inputs(rng):
        m = pc.GRADIENT_EXAMPLES
        if several_outputs:
            n_x, n_y = pc.several_outputs_shape(rng)
            X = rng.standard_normal((n_x, m))
            Y = 3.0 * rng.standard_normal((n_y, m))
        else:
            X, Y = _budget(rng, m, 2)
            n_x, n_y = 2, 1
        params = pc.random_parameters(rng, n_x, n_y, 2.0, 5.0)
        return {"Y_hat": params["W"] @ X + params["b"], "X": X, "Y": Y, "_parameters": params}
    return inputs


def _expected_gradients(ref, inputs):
    return pc.padded_gradient(ref.cost_fn, inputs["_parameters"], inputs["X"], inputs["Y"])


DB_NOT_SUMMED = Mistake(
    "db_not_summed",
    "db has shape (n_y, m) instead of (n_y, 1): you divided the errors by m but did not add "
    "them up over the examples. Use np.sum(Y_hat - Y, axis=1, keepdims=True) / m; otherwise "
    "b silently broadcasts to one bias per training example.",
    match=pc.db_not_summed)
DW_TRANSPOSED = Mistake(
    "dW_transposed",
    "dW has shape (n_x, n_y), the transpose of W's (n_y, n_x): you computed "
    "X (Ŷ − Y)ᵀ / m. The gradient of W must have W's shape: dW = (Ŷ − Y) Xᵀ / m. With one "
    "feature the numbers agree, which hides the bug until there are two.",
    match=pc.dW_transposed)


def _backward_check(case: str, points: float) -> Check:
    several = case == "several_outputs"
    return Check(
        function="backward_propagation", case=case, points=points,
        title="dW and db against jax.grad of the cost, "
              + ("random shapes with several outputs" if several else "budgets (TV and radio) and sales"),
        inputs=_backward_inputs(several), expect=_expected_gradients,
        answer=Gradients(function="backward_propagation", rtol=GRADIENT_RTOL,
                         shape_of={"dW": "W", "db": "b"}),
        mistakes=(DB_NOT_SUMMED, DW_TRANSPOSED),
        hint="dW = (1/m)(Ŷ − Y) Xᵀ has W's shape (n_y, n_x); "
             "db = (1/m) Σ over the examples of (Ŷ − Y) has b's shape (n_y, 1).")


# -- nn_model ------------------------------------------------------------------------------------


def _nn_inputs(n_features: int):
    def inputs(rng):
        X, Y = _budget(rng, int(rng.integers(150, 251)), n_features)
        return {"X": X, "Y": Y}
    return inputs


def _steps_inputs(rng):
    """Several outputs (n_x ≠ n_y), a learning rate well below the default and a few
    steps: the starting point, every step and the rate all still show in the result."""
    n_x, n_y = pc.several_outputs_shape(rng)
    m = 40
    X = rng.standard_normal((n_x, m))
    Y = (rng.standard_normal((n_y, n_x)) @ X + rng.standard_normal((n_y, 1))
         + 0.3 * rng.standard_normal((n_y, m)))
    X_slow, Y_slow = _slow_data(rng, n_x, n_y, m)
    return {"X": X, "Y": Y, "num_iterations": int(rng.integers(3, 11)),
            "learning_rate": float(rng.uniform(0.02, 0.2)), "seed": int(rng.integers(1, 10_000)),
            "X_defaults": X_slow, "Y_defaults": Y_slow}


def _slow_data(rng, n_x: int, n_y: int, m: int):
    """Data on which 100 steps at rate 1.2 are stable but still far from converged: the
    feature covariance X Xᵀ/m has one small eigenvalue (0.03-0.06, so each step removes
    only 4-7 % of the error along it) and the others between 0.3 and 1.5 (1.2 · 1.5 < 2),
    and the features are centred (the bias is its own direction). Then one step more or
    less, another rate or another starting point all change the result measurably."""
    Q, _ = np.linalg.qr(rng.standard_normal((n_x, n_x)))
    V = rng.standard_normal((m, n_x))
    V -= V.mean(axis=0)
    V, _ = np.linalg.qr(V)  # orthonormal columns, each orthogonal to the ones vector
    lam = np.concatenate([[rng.uniform(0.03, 0.06)], rng.uniform(0.3, 1.5, n_x - 1)])
    X = Q @ np.diag(np.sqrt(m * lam)) @ V.T
    Y = (rng.standard_normal((n_y, n_x)) @ X + rng.standard_normal((n_y, 1))
         + 0.3 * rng.standard_normal((n_y, m)))
    return X, Y


def _nn_call(solution, inputs):
    return solution.nn_model(inputs["X"], inputs["Y"])


def _least_squares(ref, inputs) -> dict:
    """The exact optimum: least squares with a column of ones for the intercept."""
    X, Y = inputs["X"], inputs["Y"]
    A = np.vstack([X, np.ones((1, X.shape[1]))]).T
    sol, *_ = np.linalg.lstsq(A, Y.T, rcond=None)
    return {"W": sol[:-1].T, "b": sol[-1:].T}


def _nn_judge(got, expected, inputs, rng) -> Verdict:
    n_y, n_x = expected["W"].shape
    p = pc.as_parameters(got, n_x, n_y, "nn_model")
    for key in ("W", "b"):
        verdict = compare_arrays(p[key], expected[key], 0.0, LSTSQ_ATOL,
                                 f"entries of {key} (least squares)")
        if not verdict.passed:
            verdict.message = (f"the trained {key} is not the least-squares solution: "
                               + verdict.message)
            return verdict
    return Verdict(True, detail={"W": p["W"].tolist(), "b": p["b"].tolist(),
                                 "tolerance": {"atol": LSTSQ_ATOL}})


def _diverged(got, expected, inputs) -> bool:
    values = [to_array(got[k]) for k in ("W", "b")]
    return any(not np.all(np.isfinite(v)) or float(np.max(np.abs(v))) > 1e6 for v in values)


NN_DIVERGED = Mistake(
    "training_diverged", "the trained parameters are not the least-squares solution — "
    "training diverged: is the step W − rate · dW (minus)?", match=_diverged,
    sample=lambda expected, inputs: {"W": expected["W"] * 0 + 1e9, "b": expected["b"]})


# -- the report's figure ----------------------------------------------------------------------


def _figure_inputs(rng):
    from grader.course import datasets

    X, Y = datasets.budget_sales(rng, 80, 1)
    return {"X": X, "Y": Y}


def _figure_data(mod, inputs) -> dict:
    X, Y = inputs["X"], inputs["Y"]
    mean, std = X.mean(axis=1, keepdims=True), X.std(axis=1, keepdims=True)
    Xn = (X - mean) / std
    budgets = np.linspace(0.0, 300.0, 31)[None, :]
    params = mod.nn_model(Xn, Y)
    line = np.asarray(mod.predict((budgets - mean) / std, params), dtype=float)
    return {"tv": X[0], "sales": Y[0], "budget": budgets[0], "line": line.reshape(-1),
            "cost": pc.cost_curve(mod, Xn, Y)}


def _figure_draw(ax, ref, student):
    left, right = pc.two_panels(ax)
    left.scatter(ref["tv"], ref["sales"], s=10, color="tab:blue", alpha=0.6, label="data")
    left.plot(ref["budget"], ref["line"], color="grey", lw=3, alpha=0.5, label="reference fit")
    if student:
        left.plot(student["budget"], student["line"], "--", color="tab:orange", label="your fit")
    left.set_xlabel("TV budget")
    left.set_ylabel("sales")
    left.legend(fontsize="small")
    pc.draw_cost_curve(right, ref, student)


FIGURE = Figure(title="budget vs sales with the fitted line, and the cost curve",
                functions=pc.FUNCTIONS,
                student=_figure_data, reference=_figure_data, draw=_figure_draw,
                inputs=_figure_inputs, time_limit=10.0)


EXERCISE = Exercise(
    slug="09_perceptron_regression",
    title="The perceptron as linear regression: sales from a marketing budget",
    plot="data, fitted line, cost curve",
    figure=FIGURE,
    checks=[
        *pc.shared_checks(),
        Check(function="forward_propagation", points=1,
              title="Ŷ = W X + b for random shapes and parameters",
              inputs=_forward_inputs, answer=Custom(_linear_judge("forward_propagation")),
              mistakes=(FORGOT_BIAS,),
              hint="W @ X + b: b of shape (n_y, 1) broadcasts over the m columns."),
        Check(function="compute_cost", points=1, title="(1/2m) Σ (Ŷ − Y)² on generated sales",
              inputs=_cost_inputs, mistakes=COST_MISTAKES,
              answer=Close(rtol=VALUE_RTOL, atol=1e-12, what="cost", scalar=True),
              hint="np.sum((Y_hat - Y) ** 2) / (2 * m) with m = Y.shape[1]."),
        Check(function="compute_cost", case="several_outputs", points=1,
              title="(1/2m) Σ (Ŷ − Y)² with several outputs: m is the number of examples",
              inputs=_cost_several_inputs, mistakes=(COST_MEAN_OVER_ENTRIES, *COST_MISTAKES),
              answer=Close(rtol=VALUE_RTOL, atol=1e-12, what="cost", scalar=True),
              hint="np.sum((Y_hat - Y) ** 2) / (2 * m) with m = Y.shape[1]: the sum runs over "
                   "every output and every example."),
        _backward_check("budgets", 2),
        _backward_check("several_outputs", 1),
        pc.update_check(),
        *[Check(function="nn_model", case=case, points=2,
                title=f"trained on normalised budgets ({label}): the least-squares line",
                inputs=_nn_inputs(n), call=_nn_call, expect=_least_squares,
                answer=Custom(_nn_judge), mistakes=(NN_DIVERGED,), time_limit=10.0,
                hint="initialize_parameters, then num_iterations times forward, backward, "
                     "update with the learning rate given.")
          for case, n, label in (("one_feature", 1, "TV"), ("two_features", 2, "TV and radio"))],
        pc.steps_check(_steps_inputs, sigmoid=False, points=2, data="several outputs"),
        Check(function="predict", points=1, title="predictions on fresh budgets", visibility="hidden",
              inputs=_predict_inputs, answer=Custom(_linear_judge("predict")),
              mistakes=(FORGOT_BIAS,),
              hint="The same as forward_propagation: W @ X + b."),
    ],
)
