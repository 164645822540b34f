"""Checks for 07_svm: the hard-margin SVM as a quadratic programme, and its support vectors.

Hidden data sets are built around a line that is known to be optimal: one support vector
on one margin and two on the other, placed so that the KKT conditions hold with positive
multipliers, and every other point strictly outside the margins (lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1.3).
``solve_svm`` is judged by feasibility (every constraint to 1e-6) and optimality (a² + b²
within 1e-3 relative of the reference's optimum), not by closeness of the three numbers,
so any solver that reaches the optimum passes. ``support_vectors`` gets the optimal line.
"""
from __future__ import annotations

from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Custom, ExprArray, Verdict, WrongType, describe, fmt, to_array

FEASIBILITY = 1e-6  # lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1 − FEASIBILITY
OPTIMALITY = 1e-3   # |a² + b² − optimum| ≤ OPTIMALITY · optimum

SIX_POINTS = ((-1.0, -1.0), (-3.0, -1.0), (0.0, 0.0), (3.0, 3.0), (1.0, 2.0), (2.0, 1.0))
SIX_LABELS = (-1.0, -1.0, -1.0, 1.0, 1.0, 1.0)
SIX_LINE = (2 / 3, 2 / 3, -1.0)
SIX_ATOL = 1e-4  # interior-point solvers (trust-constr) stop about 1e-5 from the optimum

# -- hidden separable data -----------------------------------------------------------------------


def separable_set(rng, n: int) -> dict:
    """n points, labels ±1, and their optimal line (a, b, c), all from the generator.

    The line has unit normal u and half-margin d (so (a, b) = u/d). One support vector sits
    on one margin at q − d·u + s·v, two on the other at q + d·u + t₁·v and q + d·u + t₂·v
    with t₁ < s < t₂ (v along the line): then 2(a, b) = Σ λᵢlᵢpᵢ and Σ λᵢlᵢ = 0 have a
    solution with every λᵢ > 0, so the line is the optimum whatever the other points, as
    long as they stay outside the margins.
    """
    angle = rng.uniform(0.0, 2 * np.pi)
    u = np.array([np.cos(angle), np.sin(angle)])
    v = np.array([-u[1], u[0]])
    d = rng.uniform(0.4, 2.0)
    q = rng.uniform(-4.0, 4.0, 2)
    w = u / d
    c = -float(w @ q)
    s = rng.uniform(-1.5, 1.5) * d
    gap = rng.uniform(0.5, 2.0) * d
    t1, t2 = s - rng.uniform(0.3, 1.0) * gap, s + rng.uniform(0.3, 1.0) * gap
    side = float(rng.choice([-1.0, 1.0]))
    points = [q - side * d * u + s * v, q + side * d * u + t1 * v, q + side * d * u + t2 * v]
    labels = [-side, side, side]
    while len(points) < n:
        p = q + rng.uniform(-6.0, 6.0, 2) * max(d, 1.0)
        value = float(w @ p + c)
        if abs(value) >= 1.3:
            points.append(p)
            labels.append(float(np.sign(value)))
    order = rng.permutation(n)
    return {"points": np.array(points)[order], "labels": np.array(labels)[order],
            "line": (float(w[0]), float(w[1]), c)}


def _svm_inputs(lo: int, hi: int):
    def inputs(rng):
        data = separable_set(rng, int(rng.integers(lo, hi + 1)))
        return {"points": data["points"], "labels": data["labels"], "_line": data["line"]}
    return inputs


def _six_inputs(rng):
    return {"points": np.array(SIX_POINTS), "labels": np.array(SIX_LABELS)}


# -- judging a line ------------------------------------------------------------------------------


def _line(got) -> np.ndarray:
    w = to_array(got)
    if w.shape != (3,):
        raise WrongType(f"expected the line as (a, b, c), three numbers; got {describe(got)}"
                        + (f" of shape {w.shape}" if w.ndim else ""))
    return w


def _margins(w: np.ndarray, inputs: dict) -> np.ndarray:
    P, lab = np.asarray(inputs["points"], dtype=float), np.asarray(inputs["labels"], dtype=float)
    return lab * (P @ w[:2] + w[2])


def _norm2(w) -> float:
    return float(w[0] ** 2 + w[1] ** 2)


def _through_origin(w: np.ndarray, expected) -> bool:
    """c is exactly 0 where the optimum's is not: the intercept was left out."""
    return float(w[2]) == 0.0 and abs(float(expected[2])) > 1e-9


def _svm_judge(got, expected, inputs, rng) -> Verdict:
    w = _line(got)
    best = _norm2(expected)
    margins = _margins(w, inputs)
    detail = {"expected": fmt(np.asarray(expected, dtype=float)), "got": fmt(w),
              "a2_plus_b2": _norm2(w), "optimum": best, "min_constraint": float(np.min(margins)),
              "tolerance": {"feasibility": FEASIBILITY, "optimality_rtol": OPTIMALITY}}
    if not np.all(np.isfinite(w)):
        return Verdict(False, "your line has NaN or infinite coefficients", detail)
    bad = np.flatnonzero(margins < 1 - FEASIBILITY)
    optimal = abs(_norm2(w) - best) <= OPTIMALITY * best
    if bad.size:
        i = int(bad[np.argmin(margins[bad])])
        P, lab = np.asarray(inputs["points"]), np.asarray(inputs["labels"])
        return Verdict(False, f"{bad.size} of {margins.size} points violate lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1; "
                       f"the worst, point {i} = ({P[i, 0]:.4g}, {P[i, 1]:.4g}) with label "
                       f"{lab[i]:+g}, has {margins[i]:.6g} (tolerance 1 − {FEASIBILITY:g})", detail)
    if not optimal:
        return Verdict(False, f"your line satisfies every constraint but a² + b² = {_norm2(w):.6g}, "
                       f"while the optimum is {best:.6g} (relative tolerance {OPTIMALITY:g}): the "
                       "margin 2/√(a² + b²) is not the widest", detail)
    return Verdict(True, detail=detail)


def _six_judge(got, expected, inputs, rng) -> Verdict:
    verdict = _svm_judge(got, expected, inputs, rng)
    if not verdict.passed:
        return verdict
    w = _line(got)
    if np.any(np.abs(w - np.asarray(SIX_LINE)) > SIX_ATOL):
        return Verdict(False, f"expected (2/3, 2/3, −1) to {SIX_ATOL:g}, got ({w[0]:.8g}, "
                       f"{w[1]:.8g}, {w[2]:.8g}); ask the solver for a tighter tolerance",
                       verdict.detail)
    return verdict


# -- catalogued mistakes of solve_svm ----------------------------------------------------------


def _wrong_side(got, expected, inputs) -> bool:
    """−(a, b, c) is the optimum: every point beyond the margin on the wrong side."""
    w = _line(got)
    return (bool(np.all(_margins(w, inputs) <= -(1 - 1e-4)))
            and abs(_norm2(w) - _norm2(expected)) <= 1e-2 * _norm2(expected))


def _feasible_not_optimal(got, expected, inputs) -> bool:
    w = _line(got)
    return (bool(np.all(_margins(w, inputs) >= 1 - FEASIBILITY))
            and _norm2(w) > _norm2(expected) * (1 + OPTIMALITY))


def _soft_margin(got, expected, inputs) -> bool:
    w = _line(got)
    # c exactly 0 is a line forced through the origin (no intercept), which the judge names
    return (not _through_origin(w, expected) and bool(np.any(_margins(w, inputs) < 1 - FEASIBILITY))
            and _norm2(w) < _norm2(expected) * (1 - OPTIMALITY))


SVM_MISTAKES = (
    Mistake("wrong_sign_of_label",
            "Every point is on the wrong side of your line: the constraint is "
            "lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1, so points labelled +1 need a·x + b·y + c ≥ 1 and points "
            "labelled −1 need it ≤ −1. Check the sign of the labels in your constraints.",
            match=_wrong_side),
    Mistake("not_optimal",
            "Your line separates the two classes but its margin is not the widest possible: "
            "a² + b² is larger than the optimum. Any separating line (e.g. from the perceptron "
            "rule) can be scaled to satisfy the constraints; the SVM is the one that minimises "
            "a² + b² subject to them — let the optimiser do that.", match=_feasible_not_optimal),
    Mistake("soft_margin_not_hard",
            "Some points violate lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1: your a² + b² is below the optimum, "
            "which is only possible by letting points inside the margin. Did you solve a "
            "soft-margin SVM (a penalty for points inside the margin)? This exercise asks for "
            "the hard margin: every constraint must hold, so give them to "
            "scipy.optimize.minimize as constraints, not penalties.", match=_soft_margin),
    Mistake("no_intercept",
            "your line passes through the origin (c = 0): the intercept c is a variable of the "
            "problem too — optimise over (a, b, c), with c free",
            match=lambda got, expected, inputs: _through_origin(_line(got), expected),
            sample=lambda expected, inputs: (float(expected[0]), float(expected[1]), 0.0)),
)

SVM_HINT = ("Minimise a² + b² over w = (a, b, c) with scipy.optimize.minimize, one constraint "
            "lᵢ(a·xᵢ + b·yᵢ + c) − 1 ≥ 0 per point (method SLSQP with options={'ftol': 1e-12}, "
            "or trust-constr with a LinearConstraint).")

# -- support_vectors ---------------------------------------------------------------------------


def _sv_inputs(lo: int, hi: int):
    def inputs(rng):
        data = separable_set(rng, int(rng.integers(lo, hi + 1)))
        return {"points": data["points"], "labels": data["labels"], "line": data["line"]}
    return inputs


def _six_sv_inputs(rng):
    return {**_six_inputs(rng), "line": SIX_LINE}


def _indices(got) -> list[int]:
    items = got.tolist() if isinstance(got, np.ndarray) else got
    if not isinstance(items, (list, tuple)) or (isinstance(got, np.ndarray) and got.ndim != 1):
        raise WrongType(f"expected a list of indices, got {describe(got)}")
    out = []
    for i in items:
        if isinstance(i, np.ndarray) and i.size == 1:  # a NumPy integer crosses as an array
            i = i.reshape(()).item()
        if isinstance(i, bool) or not isinstance(i, (int, float)) or float(i) != int(i):
            raise WrongType(f"expected integer indices, got {str(i)[:30]!r}")
        out.append(int(i))
    return out


def _sv_judge(got, expected, inputs, rng) -> Verdict:
    idx = _indices(got)
    exp = [int(i) for i in expected]
    margins = _margins(np.asarray(inputs["line"], dtype=float), inputs)
    P = np.asarray(inputs["points"])
    detail = {"expected": exp, "got": idx}
    missing = [i for i in exp if i not in idx]
    extra = [i for i in idx if i not in exp]
    if missing:
        i = missing[0]
        return Verdict(False, f"point {i} = ({P[i, 0]:.4g}, {P[i, 1]:.4g}) is on the margin "
                       f"(lᵢ(a·xᵢ + b·yᵢ + c) = {margins[i]:.6g}) but is not in your list", detail)
    if extra:
        i = extra[0]
        if not 0 <= i < len(P):
            return Verdict(False, f"index {i} is not a point: there are {len(P)} points, "
                           f"indices 0 to {len(P) - 1}", detail)
        return Verdict(False, f"point {i} = ({P[i, 0]:.4g}, {P[i, 1]:.4g}) has "
                       f"lᵢ(a·xᵢ + b·yᵢ + c) = {margins[i]:.6g} > 1 + tol: it lies outside the "
                       "margin, so it is not a support vector", detail)
    if idx != sorted(set(idx)):
        return Verdict(False, f"give each index once, in ascending order (got {idx})", detail)
    return Verdict(True, detail=detail)


UNSORTED = Mistake(
    "support_vectors_unsorted", "the right indices, but give each once in ascending order",
    match=lambda got, expected, inputs: (_indices(got) != sorted(int(i) for i in expected)
                                         and sorted(set(_indices(got))) == sorted(int(i) for i in expected)),
    sample=lambda expected, inputs: [int(i) for i in expected][::-1] + [int(expected[0])])


# -- extra_points_change_line ------------------------------------------------------------------


def _bool_judge(got, expected, inputs, rng) -> Verdict:
    value = got
    if isinstance(got, np.ndarray) and got.size == 1 and got.dtype == bool:  # numpy.bool_
        value = bool(got.reshape(()))
    if not isinstance(value, bool):
        raise WrongType(f"expected True or False, got {describe(got)}")
    if value == expected:
        return Verdict(True)
    return Verdict(False, f"expected {expected}, got {value}", {"expected": expected, "got": value})


LINE_MOVES = Mistake(
    "more_points_move_line", "the line does not move: the three added points lie strictly outside "
    "the margins (lᵢ(a·xᵢ + b·yᵢ + c) > 1), so their multipliers are 0 and the optimum is "
    "unchanged. Compare the two solutions with a tolerance that suits your solver (e.g. 1e-3).",
    equals=lambda expected, inputs: not expected)


# -- the report's figure --------------------------------------------------------------------


def _figure_student(solution, inputs):
    return {"line": np.asarray(solution.six_point_line(), dtype=float).reshape(-1)[:3]}


def _figure_reference(ref, inputs):
    return {"line": np.asarray(ref.six_point_line(), dtype=float),
            "points": np.array(SIX_POINTS), "labels": np.array(SIX_LABELS)}


def _draw_line(ax, w, xs, style: dict, label: str) -> None:
    a, b, c = (float(t) for t in w)
    if abs(b) < 1e-12:
        return
    for offset, extra in ((0.0, {}), (1.0, {"ls": ":"}), (-1.0, {"ls": ":"})):
        ax.plot(xs, (offset - c - a * xs) / b, **{**style, **extra},
                label=label if offset == 0 else None)


def _figure_draw(ax, ref, student):
    P, lab = np.asarray(ref["points"]), np.asarray(ref["labels"])
    xs = np.linspace(-4.0, 4.0, 50)
    ax.scatter(P[lab < 0, 0], P[lab < 0, 1], marker="s", color="tab:red", label="class −1", zorder=3)
    ax.scatter(P[lab > 0, 0], P[lab > 0, 1], marker="o", color="tab:blue", label="class +1", zorder=3)
    sv = np.flatnonzero(lab * (P @ ref["line"][:2] + ref["line"][2]) <= 1 + 1e-6)
    ax.scatter(P[sv, 0], P[sv, 1], s=220, facecolors="none", edgecolors="black",
               label="support vectors")
    _draw_line(ax, ref["line"], xs, {"color": "tab:gray", "lw": 3, "alpha": 0.5},
               "SVM line and margins")
    if student and "line" in student and np.all(np.isfinite(student["line"])):
        _draw_line(ax, student["line"], xs, {"color": "tab:orange", "lw": 1.2, "ls": "--"},
                   "your six_point_line()")
    ax.set_xlim(-4, 4)
    ax.set_ylim(-3, 4)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(fontsize=7, loc="upper left")


LAGRANGIAN_SYMBOLS = ("a", "b", "c", "lambda1", "lambda2", "lambda3")

EXERCISE = Exercise(
    slug="07_svm",
    title="The support vector machine as constrained optimisation",
    plot="the six points, the SVM line and both margins",
    preload=("numpy", "sympy", "jax.numpy", "scipy.optimize"),
    figure=Figure(title="the six points, your SVM line and margins beside the reference's",
                  functions=("six_point_line",), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw),
    checks=[
        *[Check(function="solve_svm", case=case, points=1,
                title=f"widest-margin line for a hidden separable set of {lo}–{hi} points",
                inputs=_svm_inputs(lo, hi),
                answer=Custom(_svm_judge), mistakes=SVM_MISTAKES, hint=SVM_HINT)
          for case, lo, hi in (("few_points", 5, 8), ("dozen_points", 10, 16),
                               ("many_points", 25, 40))],
        Check(function="six_point_line", points=1, needs=("solve_svm",),
              title="the SVM line of the six course points: (2/3, 2/3, −1)",
              inputs=_six_inputs, call=lambda solution, inputs: solution.six_point_line(),
              answer=Custom(_six_judge), mistakes=SVM_MISTAKES,
              hint="Call your solve_svm on the six points and labels."),
        Check(function="support_vectors", case="six_points", points=1,
              title="support vectors of the six points for the line (2/3, 2/3, −1)",
              inputs=_six_sv_inputs,
              answer=Custom(_sv_judge), mistakes=(UNSORTED,),
              hint="Keep every i with lᵢ(a·xᵢ + b·yᵢ + c) − 1 ≤ tol (ties included)."),
        Check(function="support_vectors", case="hidden", points=1,
              title="support vectors of a hidden separable set for its optimal line",
              inputs=_sv_inputs(8, 20),
              answer=Custom(_sv_judge), mistakes=(UNSORTED,),
              hint="Keep every i with lᵢ(a·xᵢ + b·yᵢ + c) − 1 ≤ tol (ties included)."),
        Check(function="lagrangian_partials", points=2,
              title="∂L/∂a, ∂L/∂b, ∂L/∂c of the three-point Lagrangian",
              answer=ExprArray(shape=(3,), symbols=LAGRANGIAN_SYMBOLS, domain={"*": (-2.0, 2.0)}),
              mistakes=(Mistake(
                  "lagrangian_sign_error",
                  "∂L/∂c has a sign error: the first constraint term λ1(−c − 1) contributes −λ1 "
                  "(the derivative of −c is −1), so ∂L/∂c = −λ1 + λ2 + λ3.",
                  answers=("2a + lambda2 + 2lambda3, 2b + 2lambda2 + lambda3, "
                           "lambda1 + lambda2 + lambda3",)),),
              hint="Differentiate L = a² + b² + λ1(−c − 1) + λ2(a + 2b + c − 1) + "
                   "λ3(2a + b + c − 1) term by term, holding the other symbols fixed."),
        Check(function="extra_points_change_line", points=1,
              title="do three extra points outside the margins move the line?",
              answer=Custom(_bool_judge), needs=("solve_svm",), mistakes=(LINE_MOVES,),
              hint="Solve the three-point and the six-point problems and compare the lines."),
    ],
)
