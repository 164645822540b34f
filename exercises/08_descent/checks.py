"""Checks for 08_descent: descent paths step for step, learning rates, SGD, L2, clipping, BFGS.

Descent is replayed on the course's eˣ − log x, on hidden ripple functions with several
local minima (``grader.course.hidden.several_minima``) and on hidden 2-D bowls ½(x − x*)ᵀA(x − x*)
whose A couples the coordinates (so a descent that updates x and y one after the other is
caught). Paths are compared with the reference's step for step (rtol 1e-9); SGD, whose
batches a student may cut differently, is judged by its final loss against the exact
least-squares optimum.
"""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import (
    Close,
    Custom,
    DescentPath,
    Verdict,
    WrongType,
    compare_arrays,
    fmt,
    to_array,
)

PATH_RTOL, PATH_ATOL = 1e-9, 1e-12

# -- hidden functions ------------------------------------------------------------------------


def _exp_log_grad():
    """f(x) = eˣ − log x, f′(x) = eˣ − 1/x (the course's example), as a hidden.Fn."""
    x = sympy.Symbol("x")
    return hidden.Fn(hidden.from_formula(sympy.exp(x) - 1 / x, (x,), (0.05, 4.0), "exp_log"))


def _ripple(rng) -> tuple:
    """A hidden several-minima function: (its Hidden, a learning rate that never overshoots)."""
    h = hidden.several_minima(rng)
    x = h.symbols[0]
    curvature = sympy.lambdify(x, sympy.diff(h.expr, x, 2), "numpy")
    bound = float(np.max(np.abs(curvature(np.linspace(*h.domain, 2001)))))
    return h, round(1.0 / bound, 4)


def _bowl(rng, near_limit: bool) -> dict:
    """½(x − x*)ᵀA(x − x*) with A rotated by 20°–70°, so its gradient couples x and y."""
    t = np.radians(rng.uniform(20.0, 70.0)) * rng.choice([-1.0, 1.0])
    R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    A = R @ np.diag([rng.uniform(0.5, 1.5), rng.uniform(2.0, 4.0)]) @ R.T
    A = 0.5 * (A + A.T)
    centre = rng.uniform(-2.0, 2.0, 2)
    limit = 2.0 / float(np.linalg.eigvalsh(A)[-1])
    rate = limit * (rng.uniform(0.9, 0.97) if near_limit else rng.uniform(0.3, 0.6))
    return {"grad": hidden.Affine(A, centre), "x0": rng.uniform(-3.0, 3.0, 2),
            "learning_rate": float(rate), "_A": A, "_centre": centre}


# -- gradient_descent --------------------------------------------------------------------------


def _gd_exp_log(rng):
    return {"grad": _exp_log_grad(), "x0": 1.6, "learning_rate": 0.1, "num_iterations": 25}


def _gd_ripple(rng):
    h, rate = _ripple(rng)
    return {"grad": h.derivative(), "x0": round(float(rng.uniform(-3.5, 3.5)), 2),
            "learning_rate": rate, "num_iterations": 40}


def _gd_bowl(near_limit: bool):
    def inputs(rng):
        return {**_bowl(rng, near_limit), "num_iterations": 30}
    return inputs


def _ascent(got, expected, inputs) -> bool:
    g = to_array(got)
    if g.shape != expected.shape or len(g) < 2:
        return False
    x0 = np.asarray(inputs["x0"], dtype=float)
    arg = float(x0) if x0.ndim == 0 else x0.copy()
    uphill = x0 + inputs["learning_rate"] * np.asarray(inputs["grad"](arg), dtype=float)
    return bool(np.allclose(g[0], x0, rtol=PATH_RTOL) and np.allclose(g[1], uphill, rtol=PATH_RTOL)
                and not np.allclose(uphill, expected[1], rtol=PATH_RTOL))


PATH_MISTAKES = (
    Mistake("path_without_x0",
            "Your path is one row short: it must start with the starting point x0 itself, then "
            "one row per step — num_iterations + 1 rows in all (row k is x after k steps).",
            equals=lambda expected, inputs: expected[1:], tolerance=(PATH_RTOL, PATH_ATOL)),
    Mistake("ascent_not_descent",
            "Your steps go uphill: the gradient points in the direction of steepest ascent, so "
            "descent subtracts it — x_new = x − learning_rate · grad(x).", match=_ascent),
)

PATH_HINT = ("x_{k+1} = x_k − learning_rate · grad(x_k): every coordinate moves at once, with "
             "the gradient taken at x_k; keep every x_k, starting with x0.")


def _gd_check(case: str, title: str, inputs) -> Check:
    return Check(function="gradient_descent", case=case, points=1, title=title, inputs=inputs,
                 answer=DescentPath(rtol=PATH_RTOL, atol=PATH_ATOL), mistakes=PATH_MISTAKES,
                 hint=PATH_HINT)


# -- find_global_minimum -------------------------------------------------------------------------


def _global_1d(rng):
    h, rate = _ripple(rng)
    starts = sorted(round(float(s), 2) for s in rng.uniform(-3.8, 3.8, 5))
    return {"f": h.numpy(), "grad": h.derivative(), "starts": starts, "learning_rate": rate,
            "num_iterations": 300}


def _global_2d(rng):
    """f(x0, x1) = r1(x0) + r2(x1) for two hidden ripples: several minima in the plane."""
    (h1, r1), (h2, r2) = _ripple(rng), _ripple(rng)
    x0, x1 = sympy.symbols("x0:2")
    x = h1.symbols[0]
    expr = h1.expr.subs(x, x0) + h2.expr.subs(x, x1)
    h = hidden.from_formula(expr, (x0, x1), h1.domain, "several_minima_2d")
    starts = [np.round(s, 2) for s in rng.uniform(-3.8, 3.8, (6, 2))]
    return {"f": h.numpy(), "grad": h.gradient(), "starts": starts, "learning_rate": min(r1, r2),
            "num_iterations": 300}


def _global_judge(got, expected, inputs, rng) -> Verdict:
    g = to_array(got)
    e = np.asarray(expected, dtype=float)
    if g.size == e.size and g.shape != e.shape:
        g = g.reshape(e.shape)
    if g.shape != e.shape:
        raise WrongType(f"expected the best end point, of shape {e.shape} "
                        f"({'a number' if e.ndim == 0 else 'a vector like the starts'}), "
                        f"got shape {g.shape}")
    verdict = compare_arrays(g, e, 1e-7, 1e-9, "coordinates")
    if verdict.passed:
        return verdict
    best = _lowest_value(e, inputs)
    try:
        value = float(inputs["f"](float(g) if g.ndim == 0 else g))
    except Exception:  # noqa: BLE001 - an answer f cannot take: keep the plain message
        return verdict
    if np.isfinite(value) and value > best:
        verdict.message = (f"f at your point is {value:.6g}, but descent from another start ends "
                           f"where f = {best:.6g}: {verdict.message}")
    return verdict


def _lowest_value(expected, inputs) -> float:
    e = np.asarray(expected, dtype=float)
    return float(inputs["f"](float(e) if e.ndim == 0 else e))


MIN_VALUE_NOT_POINT = Mistake(
    "min_value_not_point", "you returned the lowest value f(x) = {best}, not the point x where "
    "it is reached ({point})", equals=lambda expected, inputs: _lowest_value(expected, inputs),
    tolerance=(1e-7, 1e-9),
    facts=lambda expected, inputs: {"best": f"{_lowest_value(expected, inputs):.6g}",
                                    "point": fmt(expected)})


# -- max_stable_learning_rate ------------------------------------------------------------------


def _spd_inputs(n: int):
    def inputs(rng):
        Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
        rest = rng.uniform(0.5, 5.0, n - 1)
        top = float(rest.max()) * rng.uniform(1.5, 3.0)  # a separated largest eigenvalue
        A = Q @ np.diag(np.concatenate([rest, [top]])) @ Q.T
        return {"A": 0.5 * (A + A.T)}
    return inputs


def _eigenvalues(inputs):
    return np.linalg.eigvalsh(np.asarray(inputs["A"]))


RATE_MISTAKES = (
    Mistake("one_over_lambda_max", "1/λmax is the rate that removes the stiffest direction in "
            "one step, not the limit of stability: descent multiplies that component by "
            "1 − η·λmax each step, which stays inside (−1, 1) until η = 2/λmax",
            equals=lambda expected, inputs: 1 / _eigenvalues(inputs)[-1], tolerance=(1e-6, 0.0)),
    Mistake("smallest_eigenvalue", "you used the smallest eigenvalue: the largest one (the "
            "stiffest direction) is the first to diverge, so the limit is 2/λmax",
            equals=lambda expected, inputs: 2 / _eigenvalues(inputs)[0], tolerance=(1e-6, 0.0)),
)


# -- regression: full batch, SGD, L2 ---------------------------------------------------------


WORKED_X = ((1.0, 1.0), (1.0, 2.0), (1.0, 3.0))
WORKED_Y = (2.0, 2.5, 3.5)


def _regression_data(rng, m: int, n_features: int, noise: float) -> tuple:
    X = np.column_stack([np.ones(m), rng.standard_normal((m, n_features))])
    y = X @ (2.0 * rng.standard_normal(n_features + 1)) + noise * rng.standard_normal(m)
    return X, y


def _lr_worked(rng):
    return {"X": np.array(WORKED_X), "y": np.array(WORKED_Y), "theta0": np.array([0.1, 0.1]),
            "learning_rate": 0.1, "num_iterations": 1000}


def _lr_hidden(rng):
    X, y = _regression_data(rng, int(rng.integers(30, 60)), 2, 0.3)
    return {"X": X, "y": y, "theta0": rng.uniform(-1.0, 1.0, 3),
            "learning_rate": float(rng.choice([0.05, 0.1, 0.2])),
            "num_iterations": int(rng.integers(100, 300))}


def _sgd_inputs(rng):
    X, y = _regression_data(rng, 500, 2, 0.5)
    return {"X": X, "y": y, "theta0": np.zeros(3), "learning_rate": 0.05, "epochs": 50,
            "batch_size": 32, "seed": int(rng.integers(0, 2**31 - 1))}


def _mse(X, y, theta) -> float:
    r = X @ theta - y
    return float(r @ r / len(y))


def _sgd_expected(ref, inputs):
    """Exact maths: the least-squares θ and its mean squared error."""
    X, y = inputs["X"], inputs["y"]
    theta = np.linalg.lstsq(X, y, rcond=None)[0]
    return {"theta": theta, "mse": _mse(X, y, theta)}


SGD_TOLERANCE = 0.01


def _sgd_judge(got, expected, inputs, rng) -> Verdict:
    theta = to_array(got)
    n = expected["theta"].shape
    if theta.shape != n:
        raise WrongType(f"expected θ of shape {n}, got shape {theta.shape}")
    mse = _mse(inputs["X"], inputs["y"], theta)
    excess = mse / expected["mse"] - 1
    detail = {"mse": mse, "least_squares_mse": expected["mse"], "excess": excess,
              "tolerance": SGD_TOLERANCE, "got": fmt(theta),
              "least_squares_theta": fmt(expected["theta"])}
    if excess <= SGD_TOLERANCE:
        return Verdict(True, detail=detail)
    return Verdict(False, f"the mean squared error of your θ is {mse:.6g}, {100 * excess:.3g} % "
                   f"above the least-squares optimum {expected['mse']:.6g} (allowed "
                   f"{100 * SGD_TOLERANCE:g} %)", detail)


SGD_DIVERGED = Mistake(
    "sgd_diverged", "your θ has NaN or infinite entries: SGD diverged (is the step "
    "−learning_rate · (1/b)·X_bᵀ(X_bθ − y_b)?)",
    match=lambda got, expected, inputs: not np.all(np.isfinite(to_array(got))),
    sample=lambda expected, inputs: np.full(expected["theta"].shape, np.nan))


def _l2_example(rng):
    return {"X": np.array(WORKED_X), "y": np.array(WORKED_Y), "theta": np.array([1.0, 1.0]),
            "lam": 0.5}


def _l2_hidden(rng):
    X, y = _regression_data(rng, int(rng.integers(20, 50)), 3, 0.5)
    return {"X": X, "y": y, "theta": rng.standard_normal(4), "lam": round(float(rng.uniform(0.1, 1.0)), 3)}


def _lambda_over_m(expected, inputs):
    X, y, theta, lam = inputs["X"], inputs["y"], inputs["theta"], inputs["lam"]
    m = X.shape[0]
    return X.T @ (X @ theta - y) / m + lam * theta / m


LAMBDA_OVER_M = Mistake(
    "lambda_over_m",
    "The penalty (λ/2)‖θ‖² is not averaged over the examples, so its gradient is λθ, not λθ/m: "
    "only the data term (1/2m)‖Xθ − y‖² carries the 1/m.", equals=_lambda_over_m,
    tolerance=(1e-6, 1e-12))

# -- clip_gradient ---------------------------------------------------------------------------


def _clip_inputs(above: bool):
    def inputs(rng):
        g = 3.0 * rng.standard_normal(int(rng.integers(4, 9)))
        norm = float(np.linalg.norm(g))
        factor = rng.uniform(0.2, 0.7) if above else rng.uniform(1.3, 3.0)
        return {"g": g, "max_norm": round(norm * factor, 3)}
    return inputs


def _clip_judge(got, expected, inputs, rng) -> Verdict:
    g = to_array(got)
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        raise WrongType(f"expected an array of the same shape as g, {e.shape}, got shape {g.shape}")
    verdict = compare_arrays(g, e, 1e-9, 1e-12, "components")
    if verdict.passed:
        return verdict
    verdict.message += (f" (your vector has norm {float(np.linalg.norm(g)):.6g}; expected "
                        f"the direction of g with norm {float(inputs['max_norm']):g})")
    return verdict


def _norms(expected, inputs) -> dict:
    return {"norm": f"{float(np.linalg.norm(inputs['g'])):.6g}", "c": f"{float(inputs['max_norm']):g}"}


def _short(inputs) -> bool:
    return float(np.linalg.norm(inputs["g"])) <= float(inputs["max_norm"])


CLIP_MISTAKES = (
    Mistake("clip_changed_short_gradient", "‖g‖ = {norm} is not above max_norm = {c}: return g "
            "unchanged", match=lambda got, expected, inputs: _short(inputs), facts=_norms,
            sample=lambda expected, inputs: 0.5 * np.asarray(inputs["g"])),
    Mistake("clip_not_rescaled", "‖g‖ = {norm} is above max_norm = {c}, so g must be rescaled "
            "to norm max_norm: g · max_norm/‖g‖", facts=_norms,
            equals=lambda expected, inputs: np.asarray(inputs["g"], dtype=float),
            tolerance=(1e-12, 0.0)),
    Mistake("clip_by_value", "you clipped each component to [−max_norm, max_norm]; clipping by "
            "norm rescales the whole vector, g · max_norm/‖g‖, which keeps its direction",
            equals=lambda expected, inputs: np.clip(np.asarray(inputs["g"], dtype=float),
                                                    -inputs["max_norm"], inputs["max_norm"]),
            tolerance=(1e-12, 0.0)),
)


# -- bfgs_minimum ----------------------------------------------------------------------------


def _bfgs_judge(got, expected, inputs, rng) -> Verdict:
    if isinstance(got, dict) and "x" in got:
        raise WrongType("you returned SciPy's whole OptimizeResult; return its .x, the minimiser")
    return Close(rtol=0.0, atol=1e-5, what="coordinates").compare(got, expected, inputs, rng)


# -- the report's figure -----------------------------------------------------------------------

FIG_A = ((3.0, 1.0), (1.0, 2.0))
FIG_START = (-2.5, 2.0)
FIG_RATES = (0.1, 0.3, 0.5, 0.58)  # 2/λmax ≈ 0.553: the last one diverges
FIG_STEPS = 30


def _fig_grad(v):
    return np.array(FIG_A) @ np.asarray(v, dtype=float)


def _fig_data(gradient_descent) -> dict:
    A = np.array(FIG_A)
    paths = [np.asarray(gradient_descent(_fig_grad, np.array(FIG_START), rate, FIG_STEPS), dtype=float)
             for rate in FIG_RATES]
    losses = [0.5 * np.einsum("ki,ij,kj->k", p, A, p) for p in paths]
    return {"rates": list(FIG_RATES), "paths": paths, "losses": losses}


def _figure_student(solution, inputs):
    return _fig_data(solution.gradient_descent)


def _figure_reference(ref, inputs):
    return _fig_data(ref.gradient_descent)


def _figure_draw(ax, ref, student):
    A = np.array(FIG_A)
    xs = np.linspace(-3.0, 3.0, 121)
    X, Y = np.meshgrid(xs, xs)
    Z = 0.5 * (A[0, 0] * X**2 + 2 * A[0, 1] * X * Y + A[1, 1] * Y**2)
    ax.contour(X, Y, Z, levels=14, cmap="Greys", linewidths=0.7)
    colours = ("tab:blue", "tab:green", "tab:purple", "tab:red")
    for k in (1, 2):  # a smooth path and a zig-zag one
        p = np.asarray(ref["paths"][k])
        ax.plot(p[:, 0], p[:, 1], "-", lw=3, alpha=0.35, color=colours[k],
                label=f"η = {ref['rates'][k]:g}")
        if student:
            s = np.asarray(student["paths"][k], dtype=float).reshape(-1, 2)
            ax.plot(s[:, 0], s[:, 1], ".--", ms=4, lw=0.8, color=colours[k],
                    label=f"your path, η = {ref['rates'][k]:g}")
    ax.set_xlim(-3, 3)
    ax.set_ylim(-3, 3)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=6, loc="upper left")
    inset = ax.inset_axes([0.64, 0.06, 0.34, 0.4])
    source = student if student else ref
    for k, rate in enumerate(ref["rates"]):
        loss = np.asarray(source["losses"][k], dtype=float).ravel()
        inset.semilogy(np.arange(len(loss)), loss, color=colours[k], lw=1, label=f"η = {rate:g}")
    inset.set_title(("your " if student else "") + "loss per iteration", fontsize=7)
    inset.tick_params(labelsize=6)
    inset.legend(fontsize=5)


EXERCISE = Exercise(
    slug="08_descent",
    title="Gradient descent and its relatives",
    plot="descent paths on the contours of a 2-D bowl; loss against iteration for several rates",
    preload=("numpy", "sympy", "jax.numpy", "scipy.optimize"),
    figure=Figure(title="your descent paths on ½xᵀAx, A = [[3, 1], [1, 2]], and the loss per "
                        "iteration for rates below and above 2/λmax ≈ 0.553",
                  functions=("gradient_descent",), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw),
    checks=[
        _gd_check("exp_log", "descent on eˣ − log x from 1.6, rate 0.1, 25 steps", _gd_exp_log),
        _gd_check("several_minima", "descent on a hidden function with several local minima",
                  _gd_ripple),
        _gd_check("coupled_bowl", "descent on a hidden 2-D bowl whose gradient couples x and y",
                  _gd_bowl(False)),
        _gd_check("near_limit", "descent on a hidden 2-D bowl just below the stable rate (zig-zag)",
                  _gd_bowl(True)),
        *[Check(function="find_global_minimum", case=case, points=1, needs=("gradient_descent",),
                title=f"best end point of descents from several starts ({what})",
                inputs=inputs, answer=Custom(_global_judge),
                mistakes=(MIN_VALUE_NOT_POINT,) if case == "1d" else (),
                hint="Run your gradient_descent from each start, evaluate f at each end point "
                     "and return the end point (not the value) where f is lowest.")
          for case, what, inputs in (("1d", "a hidden function with several minima", _global_1d),
                                     ("2d", "a hidden 2-D function with several minima", _global_2d))],
        *[Check(function="max_stable_learning_rate", case=f"{n}x{n}", points=1,
                title=f"largest stable rate for a hidden {n}×{n} symmetric positive definite A",
                inputs=_spd_inputs(n), mistakes=RATE_MISTAKES,
                answer=Close(rtol=1e-8, atol=0.0, what="learning rate", scalar=True),
                hint="Each step multiplies the component along an eigenvector by 1 − η·λ; "
                     "descent converges when |1 − η·λ| < 1 for every eigenvalue.")
          for n in (2, 5)],
        *[Check(function="linear_regression_gd", case=case, points=1, title=title, inputs=inputs,
                answer=Close(rtol=1e-9, atol=1e-12, what="coefficients"),
                hint="Repeat θ ← θ − learning_rate · (1/m)·Xᵀ(Xθ − y) num_iterations times.")
          for case, title, inputs in (
              ("worked_example", "the course's worked example: ends near [1.1667, 0.75]", _lr_worked),
              ("hidden", "full-batch descent on hidden regression data", _lr_hidden))],
        Check(function="sgd", points=2,
              title="mini-batch SGD on 500 hidden examples: loss within 1 % of least squares",
              inputs=_sgd_inputs, expect=_sgd_expected, answer=Custom(_sgd_judge),
              mistakes=(SGD_DIVERGED,),
              hint="Each epoch: order = rng.permutation(m); for each batch of batch_size indices, "
                   "θ ← θ − learning_rate · (1/b)·X_bᵀ(X_bθ − y_b)."),
        *[Check(function="l2_gradient", case=case, points=1, title=title, inputs=inputs,
                answer=Close(rtol=1e-9, atol=1e-12, what="components"),
                mistakes=(LAMBDA_OVER_M,),
                hint="The gradient of (1/2m)‖Xθ − y‖² + (λ/2)‖θ‖² is (1/m)Xᵀ(Xθ − y) + λθ.")
          for case, title, inputs in (
              ("worked_example", "L2-regularised gradient on the worked example, λ = 0.5",
               _l2_example),
              ("hidden", "L2-regularised gradient on hidden data", _l2_hidden))],
        *[Check(function="clip_gradient", case=case, points=1, title=title,
                inputs=_clip_inputs(case == "above"),
                answer=Custom(_clip_judge),
                mistakes=CLIP_MISTAKES[1:] if case == "above" else CLIP_MISTAKES[:1],
                hint="If ‖g‖ > max_norm return g · max_norm/‖g‖, otherwise g itself.")
          for case, title in (("above", "a hidden gradient longer than max_norm"),
                              ("below", "a hidden gradient shorter than max_norm"))],
        Check(function="bfgs_minimum", points=1,
              title="BFGS on 0.5x² + 2y² from (10, 12) ends at (0, 0)",
              expect=lambda ref, inputs: np.zeros(2), answer=Custom(_bfgs_judge),
              hint="scipy.optimize.minimize(f, [10.0, 12.0], jac=grad, method='BFGS').x"),
    ],
)
