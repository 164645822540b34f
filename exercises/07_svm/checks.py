"""Checks for 07_svm: the hard-margin SVM as a quadratic programme, and its support vectors.

Hidden data sets are built around a line that is known to be optimal: one support vector
on one margin and two on the other, placed so that the KKT conditions hold with positive
multipliers, and every other point strictly outside the margins (lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1.3).
``solve_svm`` is judged by feasibility (every constraint to 1e-6) and optimality (a² + b²
within 1e-3 relative of the reference's optimum), not by closeness of the three numbers,
so any solver that reaches the optimum passes. ``support_vectors`` gets the optimal line,
a line to solver precision with points just either side of the default tol, and a tol of
its own. ``six_point_line`` and ``extra_points_change_line`` run with a spy around the
student's own ``solve_svm`` (in the sandbox): they must call it, and the second must see a
line the spy shifts. Every way to fail is a catalogued mistake (Property requirements).

Per-student variants (``grader.judge.variant_svm``): the six points are the lesson's moved by
a lattice symmetry and an integer scale; every check of the six points (``six_point_line``,
``support_vectors/six_points``, ``lagrangian_partials``, ``extra_points_change_line`` and the
figure) reads them from ``_params`` and computes its expected answer and mistakes from them,
never from the reference. The spy also records the points solve_svm was called on, so a
solution written for other points (the lesson's, a classmate's) is a catalogued mistake.
Without an active variant every number is the lesson's.
"""
from __future__ import annotations

from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake, call_function, no_inputs
from grader.judge import variant_svm as svm
from grader.judge.answers import ExprArray, Property, WrongType, describe, to_array
from grader.judge.variant_wording import VariantCheck

FEASIBILITY = 1e-6  # lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1 − FEASIBILITY
OPTIMALITY = 1e-3   # |a² + b² − optimum| ≤ OPTIMALITY · optimum

SIX_POINTS = ((-1.0, -1.0), (-3.0, -1.0), (0.0, 0.0), (3.0, 3.0), (1.0, 2.0), (2.0, 1.0))  # the lesson's
SIX_ATOL = 1e-4  # interior-point solvers (trust-constr) stop about 1e-5 from the optimum

VARIANTS = svm.svm("07_svm")


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
    """The six points of the variant being graded (the lesson's without one)."""
    params = VARIANTS.params()
    return {"points": np.array(svm.points(params), dtype=float),
            "labels": np.array(svm.LABELS, dtype=float), "_params": params}


def _own(inputs, which: str = "six") -> tuple:
    """The points of the variant being graded: its six, or its three-point problem's."""
    params = inputs["_params"]
    return svm.points(params) if which == "six" else svm.three_points(params)


def _whose(inputs) -> dict:
    """Message fields naming whose points a check is about."""
    if inputs["_params"] == svm.LESSON:
        return {"whose": "the task's", "note": ""}
    return {"whose": "your own", "note": " (your variant, in VARIANT.md: the README's points "
                                         "are the lesson's, not yours)"}


# -- judging a line ------------------------------------------------------------------------------
#
# A line is judged by properties: feasible (every constraint to FEASIBILITY) and optimal
# (a² + b² within OPTIMALITY of the reference's optimum). Each way to fail is a catalogued
# mistake, tried in order (the specific slips first, then the plain infeasible / not optimal).


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


def _finite(w) -> bool:
    return bool(np.all(np.isfinite(w)))


def _wrong_side(w, expected, inputs) -> bool:
    """−(a, b, c) is the optimum: every point beyond the margin on the wrong side."""
    return (_finite(w) and bool(np.all(_margins(w, inputs) <= -(1 - 1e-4)))
            and abs(_norm2(w) - _norm2(expected)) <= 1e-2 * _norm2(expected))


def _soft_margin(w, expected, inputs) -> bool:
    # c exactly 0 is a line forced through the origin (no intercept), caught before this
    return (_finite(w) and bool(np.any(_margins(w, inputs) < 1 - FEASIBILITY))
            and _norm2(w) < _norm2(expected) * (1 - OPTIMALITY))


def _violations(w, expected, inputs):
    """The worst violated constraint, as message fields (False when every one holds)."""
    margins = _margins(w, inputs)
    bad = np.flatnonzero(margins < 1 - FEASIBILITY)
    if not bad.size:
        return False
    i = int(bad[np.argmin(margins[bad])])
    P, lab = np.asarray(inputs["points"]), np.asarray(inputs["labels"])
    return {"count": bad.size, "n": margins.size, "i": i, "x": f"{P[i, 0]:.4g}",
            "y": f"{P[i, 1]:.4g}", "label": f"{lab[i]:+g}", "margin": f"{margins[i]:.6g}"}


def _not_optimal(w, expected, inputs):
    if abs(_norm2(w) - _norm2(expected)) <= OPTIMALITY * _norm2(expected):
        return False
    return {"got": f"{_norm2(w):.6g}", "best": f"{_norm2(expected):.6g}"}


def _scaled(expected, factor: float) -> tuple:
    return tuple(float(v) * factor for v in expected)


def _origin_line(expected, inputs):
    """The optimum's (a, b) with c = 0, where that is infeasible (else None)."""
    w = np.array([float(expected[0]), float(expected[1]), 0.0])
    return tuple(w) if _violations(w, expected, inputs) else None


LINE_NOT_FINITE = Mistake(
    "line_not_finite", "your line has NaN or infinite coefficients: did the solver fail? "
    "Check res.success and res.message of scipy.optimize.minimize.",
    match=lambda w, expected, inputs: not _finite(w),
    sample=lambda expected, inputs: (float("nan"), 1.0, 0.0))

SVM_MISTAKES = (
    LINE_NOT_FINITE,
    Mistake("wrong_sign_of_label",
            "Every point is on the wrong side of your line: the constraint is "
            "lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1, so points labelled +1 need a·x + b·y + c ≥ 1 and points "
            "labelled −1 need it ≤ −1. Check the sign of the labels in your constraints.",
            match=_wrong_side, sample=lambda expected, inputs: _scaled(expected, -1.0)),
    Mistake("no_intercept",
            "your line passes through the origin (c = 0): the intercept c is a variable of the "
            "problem too — optimise over (a, b, c), with c free",
            match=lambda w, expected, inputs: (_through_origin(w, expected)
                                               and bool(_violations(w, expected, inputs))),
            sample=lambda expected, inputs: _origin_line(expected, inputs)),
    Mistake("soft_margin_not_hard",
            "Some points violate lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1: your a² + b² is below the optimum, "
            "which is only possible by letting points inside the margin. Did you solve a "
            "soft-margin SVM (a penalty for points inside the margin)? This exercise asks for "
            "the hard margin: every constraint must hold, so give them to "
            "scipy.optimize.minimize as constraints, not penalties.", match=_soft_margin,
            sample=lambda expected, inputs: _scaled(expected, 0.9)),
    Mistake("constraints_violated",
            "{count} of {n} points violate lᵢ(a·xᵢ + b·yᵢ + c) ≥ 1; the worst, point {i} = "
            f"({{x}}, {{y}}) with label {{label}}, has {{margin}} (tolerance 1 − {FEASIBILITY:g}): "
            "give every point's constraint to the solver, and ask for a tight tolerance",
            match=_violations,
            sample=lambda expected, inputs: (float(expected[0]), float(expected[1]),
                                             float(expected[2]) + 0.5)),
    Mistake("not_optimal",
            "Your line separates the two classes but its margin is not the widest possible: "
            "a² + b² = {got}, while the optimum is {best} "
            f"(relative tolerance {OPTIMALITY:g}). Any separating line (e.g. from the perceptron "
            "rule) can be scaled to satisfy the constraints; the SVM is the one that minimises "
            "a² + b² subject to them — let the optimiser do that.", match=_not_optimal,
            sample=lambda expected, inputs: _scaled(expected, 1.5)),
)


def _solve_svm_expected(ref, inputs):
    return np.asarray(ref.solve_svm(inputs["points"], inputs["labels"]), dtype=float)


SVM_ANSWER = Property(requirements=SVM_MISTAKES, converter=lambda got, inputs: _line(got),
                      summary=lambda w, inputs: "feasible and optimal")


# -- six_point_line: its own solve_svm, called (a spy counts the calls) ------------------------


def _spying(solution, name: str, wrap):
    """Replace ``solution.<name>`` by ``wrap(original)`` for the duration of a call (child side)."""
    class Spy:
        def __enter__(self):
            self.original = getattr(solution, name)
            setattr(solution, name, wrap(self.original))
            return self

        def __exit__(self, *exc):
            setattr(solution, name, self.original)
            return False

    return Spy()


MAX_RECORDED = 16  # calls whose points the spy keeps (each at most 12 points)


def _recording(calls: list, change=None, seen: list | None = None):
    """A wrapper of solve_svm that records how many points each call had (and, with
    ``seen``, the points of each small call; with ``change``, alters the line it returns
    for a given number of points)."""
    def wrap(original):
        def spy(points, labels, *args, **kwargs):
            line = original(points, labels, *args, **kwargs)
            n = int(np.shape(points)[0]) if np.ndim(points) else 0
            calls.append(n)
            if seen is not None and len(seen) < MAX_RECORDED:
                seen.append(_points_of(points, n))
            return change(n, line) if change else line
        return spy
    return wrap


def _points_of(points, n: int):
    """A call's points as [[x, y], …] (None: too many, or not numbers of shape (n, 2))."""
    try:
        P = np.asarray(points, dtype=float)
    except (TypeError, ValueError):
        return None
    return P.tolist() if 0 < n <= 12 and P.shape == (n, 2) else None


def _six_call(solution, inputs):
    calls: list = []
    seen: list = []
    with _spying(solution, "solve_svm", _recording(calls, seen=seen)):
        line = solution.six_point_line()
    return {"line": line, "solve_svm_calls": calls, "solve_svm_points": seen}


def _six_expected(ref, inputs):
    """What a right six_point_line sends: the exact SVM line of the six points being graded
    (from the parameters, not the reference), from one call of solve_svm on them."""
    own = [list(map(float, q)) for q in _own(inputs)]
    return {"line": svm.line(inputs["_params"]), "solve_svm_calls": [len(own)],
            "solve_svm_points": [own]}


def _six_line(got, inputs):
    if not isinstance(got, dict) or "line" not in got:
        raise WrongType("six_point_line could not be judged")  # never: the call builds the dict
    return {"line": _line(got["line"]), "calls": list(got.get("solve_svm_calls") or []),
            "points": _recorded(got.get("solve_svm_points"))}


def _recorded(seen):
    """The spy's record as judged: per call a tuple of (x, y) or None (unreadable, or more
    than 12 points); None when there is no record (a value built by hand)."""
    if not isinstance(seen, (list, tuple)):
        return None
    out = []
    for call in list(seen)[:MAX_RECORDED]:
        try:
            rows = tuple((round(float(x), 6), round(float(y), 6)) for x, y in call)
        except (TypeError, ValueError, OverflowError):
            rows = None
        out.append(rows if rows is not None and 0 < len(rows) <= 12 else None)
    return out


def _not_own_points(seen, own, inputs):
    """The message fields when no recorded call of len(own) points was on ``own``, in any
    order (False when one was, or when nothing was recorded: a value built by hand)."""
    if seen is None:
        return False
    mine = sorted((float(x), float(y)) for x, y in own)
    sized = [c for c in seen if c is not None and len(c) == len(own)]
    if not sized or any(sorted(c) == mine for c in sized):
        return False
    stray = next((q for q in sized[0] if q not in mine), sized[0][0])
    shown = ", ".join(f"{v:.4g}".replace("-", svm.MINUS) for v in stray)
    return {"point": f"({shown})", "points": svm.points_text(own), **_whose(inputs)}


def _six_precise(value, expected, inputs):
    w = value["line"]
    if not np.any(np.abs(w - np.asarray(expected["line"], dtype=float)) > SIX_ATOL):
        return False
    return {"a": f"{w[0]:.8g}", "b": f"{w[1]:.8g}", "c": f"{w[2]:.8g}",
            "line": svm.line_text(inputs["_params"])}


def _on_line(mistake: Mistake) -> Mistake:
    """A line mistake, read from six_point_line's answer ({"line": …, "calls": …})."""
    def sample(expected, inputs):
        line = mistake.sample(expected["line"], inputs)
        return None if line is None else {"line": line, "solve_svm_calls": [len(SIX_POINTS)]}

    return Mistake(mistake.id, mistake.message,
                   match=lambda value, expected, inputs: mistake.match(value["line"],
                                                                       expected["line"], inputs),
                   sample=sample)


def _lesson_points_sample(expected, inputs):
    """six_point_line written for other points: the lesson's under a variant, the six with
    one point moved without one."""
    if inputs["_params"] != svm.LESSON:
        other = [list(map(float, q)) for q in svm.LESSON_POINTS]
        line = tuple(float(v) for v in svm.LESSON_LINE)
    else:
        other = [[q[0] + 1.0, q[1]] if i == 0 else list(map(float, q))
                 for i, q in enumerate(_own(inputs))]
        line = tuple(expected["line"])
    return {"line": line, "solve_svm_calls": [6], "solve_svm_points": [other]}


SIX_MISTAKES = (
    Mistake("six_line_typed_in",
            "your six_point_line does not call your solve_svm: compute the line with "
            "solve_svm(points, labels) on the six points, do not type the answer in",
            match=lambda value, expected, inputs: len(SIX_POINTS) not in value["calls"],
            sample=lambda expected, inputs: {"line": tuple(expected["line"]), "solve_svm_calls": []}),
    Mistake("six_points_not_yours",
            "your six_point_line called solve_svm on six points that are not {whose}, "
            "{points}: {point} is not one of them{note}",
            match=lambda value, expected, inputs: _not_own_points(value["points"], _own(inputs),
                                                                  inputs),
            sample=_lesson_points_sample),
    *[_on_line(m) for m in SVM_MISTAKES],
    Mistake("six_line_imprecise",
            f"expected ({{line}}) to {SIX_ATOL:g}, got ({{a}}, {{b}}, {{c}}); ask the solver "
            "for a tighter tolerance", match=_six_precise,
            sample=lambda expected, inputs: {
                "line": svm.line_image(inputs["_params"], (2 / 3 + 3e-4, 2 / 3 + 3e-4, -1.0 - 4.5e-4)),
                "solve_svm_calls": [len(SIX_POINTS)]}),
)

SVM_HINT = ("Minimise a² + b² over w = (a, b, c) with scipy.optimize.minimize, one constraint "
            "lᵢ(a·xᵢ + b·yᵢ + c) − 1 ≥ 0 per point (method SLSQP with options={'ftol': 1e-12}, "
            "or trust-constr with a LinearConstraint).")

# -- support_vectors ---------------------------------------------------------------------------
#
# Besides the six points and hidden sets with their exact optimal line: ``near_margin`` gives
# a line to solver precision (every margin off 1 by ~1e-8), one extra point just inside the
# default tol (1 + 4e-7: a support vector) and two just outside it (1 + 1.05e-6, and 1 + 3e-6,
# which np.isclose(margin, 1) calls a support vector); ``given_tol`` passes a wide tol of its own, with points
# at 1 + tol/2 (in), 1 + 2·tol (out) and one the line puts inside the margin (its constraint
# violated, so lᵢ(…) − 1 ≤ tol: in).


def _sv_inputs(lo: int, hi: int):
    def inputs(rng):
        data = separable_set(rng, int(rng.integers(lo, hi + 1)))
        return {"points": data["points"], "labels": data["labels"], "line": data["line"]}
    return inputs


def _six_sv_inputs(rng):
    inputs = _six_inputs(rng)
    return {**inputs, "line": svm.line(inputs["_params"])}


def _at_margin(rng, line, margin: float, label: float) -> np.ndarray:
    """A point with lᵢ(a·x + b·y + c) = margin for ``line``, somewhere along it."""
    w, c = np.asarray(line[:2], dtype=float), float(line[2])
    foot = (label * margin - c) * w / float(w @ w)
    along = np.array([-w[1], w[0]]) / float(np.linalg.norm(w))
    return foot + rng.uniform(-3.0, 3.0) * along


def _sv_special(case: str):
    def inputs(rng):
        data = separable_set(rng, int(rng.integers(8, 16)))
        line = np.asarray(data["line"], dtype=float)
        out = {}
        if case == "near_margin":
            line = line * (1 + 1e-9 * rng.standard_normal(3))  # a solver's line, not the exact one
            extra = ((1 + 4e-7, 1.0), (1 + 3e-6, -1.0), (1 + 1.05e-6, 1.0))
        else:
            tol = round(float(rng.uniform(0.02, 0.1)), 3)
            extra = ((1 + tol / 2, 1.0), (1 + 2 * tol, -1.0), (1 - 3 * tol, -1.0))
            out["tol"] = tol
        P, lab = list(data["points"]), list(data["labels"])
        for margin, label in extra:
            P.append(_at_margin(rng, line, margin, label))
            lab.append(label)
        order = rng.permutation(len(P))
        return {"points": np.array(P)[order], "labels": np.array(lab)[order],
                "line": tuple(float(v) for v in line), **out}
    return inputs


def _indices(got, inputs=None) -> list[int]:
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


def _tol(inputs) -> float:
    return float(inputs.get("tol", 1e-6))


def _point_facts(i: int, inputs) -> dict:
    P = np.asarray(inputs["points"])
    margin = _margins(np.asarray(inputs["line"], dtype=float), inputs)[i]
    return {"i": i, "x": f"{P[i, 0]:.4g}", "y": f"{P[i, 1]:.4g}", "margin": f"{margin:.10g}",
            "tol": f"{_tol(inputs):g}"}


def _out_of_range(idx, expected, inputs):
    n = len(inputs["points"])
    bad = [i for i in idx if not 0 <= i < n]
    return {"i": bad[0], "n": n, "last": n - 1} if bad else False


def _missed(idx, expected, inputs):
    missing = [int(i) for i in expected if int(i) not in idx]
    return _point_facts(missing[0], inputs) if missing else False


def _extra(idx, expected, inputs):
    extra = [i for i in idx if i not in [int(e) for e in expected]]
    return _point_facts(extra[0], inputs) if extra else False


SV_MISTAKES = (
    Mistake("sv_index_out_of_range", "index {i} is not a point: there are {n} points, "
            "indices 0 to {last}", match=_out_of_range,
            sample=lambda expected, inputs: [int(i) for i in expected] + [len(inputs["points"])]),
    Mistake("missed_support_vector",
            "point {i} = ({x}, {y}) is on the margin (lᵢ(a·xᵢ + b·yᵢ + c) = {margin}, so "
            "lᵢ(…) − 1 ≤ tol = {tol}) but is not in your list. Compare with the tolerance: "
            "the line comes from a solver, so a margin is never exactly 1, and a constraint "
            "that is violated (margin below 1) counts too.", match=_missed,
            sample=lambda expected, inputs: [int(i) for i in expected][1:]),
    Mistake("not_a_support_vector",
            "point {i} = ({x}, {y}) has lᵢ(a·xᵢ + b·yᵢ + c) = {margin} > 1 + tol (tol = {tol}): "
            "it lies outside the margin, so it is not a support vector. Use the tol you are "
            "given: keep i when lᵢ(…) − 1 ≤ tol.", match=_extra,
            sample=lambda expected, inputs: sorted(
                [int(i) for i in expected]
                + [int(np.setdiff1d(np.arange(len(inputs["points"])), expected)[0])])),
    Mistake("support_vectors_unsorted", "the right indices, but give each once in ascending order",
            match=lambda idx, expected, inputs: idx != sorted(int(i) for i in expected),
            sample=lambda expected, inputs: [int(i) for i in expected][::-1] + [int(expected[0])]),
)

SV_ANSWER = Property(requirements=SV_MISTAKES, converter=_indices)
SV_HINT = "Keep every i with lᵢ(a·xᵢ + b·yᵢ + c) − 1 ≤ tol (ties included)."


def _sv_expected(ref, inputs):
    return [int(i) for i in call_function(ref, "support_vectors", inputs)]


def _six_sv_expected(ref, inputs):
    """The six points' support vectors, from their exact optimum (no reference needed)."""
    return list(svm.optimum(inputs["_params"]).support)


# -- extra_points_change_line --------------------------------------------------------------------
#
# Judged on what the student's own solve_svm returns (a spy around it, in the sandbox): the
# function must solve both problems, and its answer must follow from the two lines. In the
# ``when_it_moves`` case the spy shifts the three-point line's c by a hidden amount, so a
# constant False (or True) cannot pass both cases.


def _bool(value) -> bool:
    if isinstance(value, np.ndarray) and value.size == 1 and value.dtype == bool:  # numpy.bool_
        value = bool(value.reshape(()))
    if not isinstance(value, bool):
        raise WrongType(f"expected True or False, got {describe(value)}")
    return value


def _extra_call(solution, inputs):
    shift = float(inputs.get("shift", 0.0))
    calls: list = []
    seen: list = []

    def change(n, line):
        if n != len(THREE_POINTS) or not shift:
            return line
        a, b, c = (float(v) for v in np.asarray(line, dtype=float).reshape(-1)[:3])
        return (a, b, c + shift)

    with _spying(solution, "solve_svm", _recording(calls, change, seen)):
        answer = solution.extra_points_change_line()
    return {"answer": answer, "solve_svm_calls": calls, "solve_svm_points": seen}


def _extra_value(got, inputs):
    if not isinstance(got, dict) or "answer" not in got:
        raise WrongType("extra_points_change_line could not be judged")  # never: see _extra_call
    return {"answer": _bool(got["answer"]), "calls": list(got.get("solve_svm_calls") or []),
            "points": _recorded(got.get("solve_svm_points"))}


def _extra_inputs(shift_of):
    def inputs(rng):
        return {**shift_of(rng), "_params": VARIANTS.params()}
    return inputs


def _extra_expected(ref, inputs):
    """What a right answer sends, from the parameters (no reference): the extra points lie
    strictly outside the margins (``valid`` proves it for every variant), so the two lines
    agree and the answer is False, unless the spy shifted the three-point line (by 0.05 or
    more, far beyond the 1e-3 a comparison allows): then True."""
    three, six = ([list(map(float, q)) for q in _own(inputs, w)] for w in ("three", "six"))
    return {"answer": bool(float(inputs.get("shift", 0.0))),
            "solve_svm_calls": [len(three), len(six)], "solve_svm_points": [three, six]}


def _moved(expected) -> bool:
    return bool(expected["answer"])


def _problem_points(inputs) -> dict:
    three = svm.points_text(_own(inputs, "three"))
    extra = svm.points_text([q for i, q in enumerate(_own(inputs)) if i not in svm.SUPPORT])
    return {"three": three, "extra": extra, **_whose(inputs)}


def _extra_not_own(v, expected, inputs):
    """Neither recorded call of three (or of six) points was on the problem's own points."""
    for which in ("three", "six"):
        hit = _not_own_points(v["points"], _own(inputs, which), inputs)
        if hit:
            return {**hit, **_problem_points(inputs), "problem": f"{which}-point"}
    return False


def _extra_lesson_sample(expected, inputs):
    """extra_points_change_line written for other points (the lesson's under a variant, the
    three points with one moved without one)."""
    if inputs["_params"] != svm.LESSON:
        three = [list(map(float, svm.LESSON_POINTS[i])) for i in svm.SUPPORT]
        six = [list(map(float, q)) for q in svm.LESSON_POINTS]
    else:
        three = [[q[0] + 1.0, q[1]] if i == 0 else list(map(float, q))
                 for i, q in enumerate(_own(inputs, "three"))]
        six = [list(map(float, q)) for q in _own(inputs)]
    return {"answer": _moved(expected), "solve_svm_calls": [3, 6], "solve_svm_points": [three, six]}


THREE_POINTS = ((0.0, 0.0), (1.0, 2.0), (2.0, 1.0))

EXTRA_MISTAKES = (
    Mistake("more_points_move_line", "the line does not move: the three added points lie "
            "strictly outside the margins (lᵢ(a·xᵢ + b·yᵢ + c) > 1), so their multipliers are 0 "
            "and the optimum is unchanged. Compare the two solutions with a tolerance that suits "
            "your solver (e.g. 1e-3).",
            match=lambda v, expected, inputs: not _moved(expected) and v["answer"],
            sample=lambda expected, inputs: None if _moved(expected) else {
                "answer": True, "solve_svm_calls": [len(THREE_POINTS), len(SIX_POINTS)]}),
    Mistake("extra_points_not_solved",
            "your extra_points_change_line does not solve both problems with your solve_svm: "
            "call it on the three points {three} and on the six points, then "
            "compare the two lines", facts=lambda expected, inputs: _problem_points(inputs),
            match=lambda v, expected, inputs: not {len(THREE_POINTS), len(SIX_POINTS)} <= set(v["calls"]),
            sample=lambda expected, inputs: {"answer": _moved(expected), "solve_svm_calls": []}),
    Mistake("extra_points_not_yours",
            "your extra_points_change_line solved the {problem} problem on points that are "
            "not {whose}: {point} is not one of them. The three-point problem is {three}; the "
            "six-point problem adds {extra}{note}", match=_extra_not_own,
            sample=_extra_lesson_sample),
    Mistake("line_change_not_seen",
            "here your solve_svm was made to return a line for the three points that differs "
            "from the six-point line (c shifted by {shift}), and your function still says the "
            "line did not move: compare the two lines numerically (np.allclose with a tolerance "
            "near 1e-3), do not assume the answer",
            match=lambda v, expected, inputs: _moved(expected) and not v["answer"],
            facts=lambda expected, inputs: {"shift": f"{float(inputs.get('shift', 0)):g}"},
            sample=lambda expected, inputs: {"answer": False, "solve_svm_calls": [
                len(THREE_POINTS), len(SIX_POINTS)]} if _moved(expected) else None),
)

EXTRA_ANSWER = Property(requirements=EXTRA_MISTAKES, converter=_extra_value)


def _moved_inputs(rng):
    return {"shift": round(float(rng.uniform(0.05, 0.3)) * float(rng.choice([-1.0, 1.0])), 3)}


# -- the report's figure --------------------------------------------------------------------


def _figure_student(solution, inputs):
    return {"line": np.asarray(solution.six_point_line(), dtype=float).reshape(-1)[:3]}


def _figure_reference(ref, inputs):
    """The six points being graded and their exact SVM line (from the parameters)."""
    return {"line": np.asarray(svm.line(inputs["_params"]), dtype=float),
            "points": np.asarray(inputs["points"], dtype=float),
            "labels": np.asarray(inputs["labels"], dtype=float)}


def _draw_line(ax, w, xs, style: dict, label: str) -> None:
    a, b, c = (float(t) for t in w)
    if abs(b) < 1e-12:
        return
    for offset, extra in ((0.0, {}), (1.0, {"ls": ":"}), (-1.0, {"ls": ":"})):
        ax.plot(xs, (offset - c - a * xs) / b, **{**style, **extra},
                label=label if offset == 0 else None)


def _figure_draw(ax, ref, student):
    P, lab = np.asarray(ref["points"]), np.asarray(ref["labels"])
    # the lesson's window, widened to a variant's points
    xlim = (min(-4.0, P[:, 0].min() - 1), max(4.0, P[:, 0].max() + 1))
    ylim = (min(-3.0, P[:, 1].min() - 2), max(4.0, P[:, 1].max() + 1))
    xs = np.linspace(*xlim, 50)
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
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    lesson = P.shape == (6, 2) and np.array_equal(P, np.array(SIX_POINTS))
    ax.legend(fontsize=7, loc="upper left" if lesson else "best")  # a variant's may fill that corner


# -- lagrangian_partials -------------------------------------------------------------------
#
# The Lagrangian of the three-point problem being graded (the README's L without a
# variant): its partials and the catalogued slips are computed from the parameters.

LAGRANGIAN_SYMBOLS = ("a", "b", "c", "lambda1", "lambda2", "lambda3")
LAGRANGIAN_ANSWER = ExprArray(shape=(3,), symbols=LAGRANGIAN_SYMBOLS, domain={"*": (-2.0, 2.0)})


def _variant_inputs(rng):
    return {"_params": VARIANTS.params()}


def _partials_expected(ref, inputs):
    return svm.partials(inputs["_params"])


def _same_partials(target):
    """Mistake matcher: the answer equals ``target(params)``, judged like the check."""
    def match(got, expected, inputs):
        return LAGRANGIAN_ANSWER.same(got, target(inputs["_params"]), inputs,
                                      np.random.default_rng(0))
    return match


def _partials_text(target):
    """The slip as a student's answer (text, as the safe parser reads it)."""
    return lambda expected, inputs: ", ".join(str(e) for e in target(inputs["_params"]))


def _lesson_partials(params):
    return svm.partials(svm.LESSON)


LAGRANGIAN_MISTAKES = (
    Mistake("lagrangian_of_the_lesson",
            "these are the partials of the README's Lagrangian (the lesson's three points): "
            "differentiate yours, L = {lagrangian} (your variant, in VARIANT.md)",
            facts=lambda expected, inputs: {"lagrangian": svm.lagrangian_text(inputs["_params"])},
            match=lambda got, expected, inputs: (inputs["_params"] != svm.LESSON
                                                 and _same_partials(_lesson_partials)(got, expected,
                                                                                      inputs)),
            sample=lambda expected, inputs: (None if inputs["_params"] == svm.LESSON
                                             else _partials_text(_lesson_partials)(expected, inputs))),
    Mistake("lagrangian_sign_error",
            "∂L/∂c has a sign error: the first constraint term λ1({term}) contributes −λ1 "
            "(the derivative of −c is −1), so ∂L/∂c = −λ1 + λ2 + λ3.",
            facts=lambda expected, inputs: {"term": svm.lagrangian_terms(inputs["_params"])[0]},
            match=_same_partials(svm.sign_error), sample=_partials_text(svm.sign_error)),
)

EXERCISE = Exercise(
    slug="07_svm",
    title="The support vector machine as constrained optimisation",
    plot="the six points, the SVM line and both margins",
    preload=("numpy", "sympy", "jax.numpy", "scipy.optimize"),
    figure=Figure(title="the six points, your SVM line and margins beside the reference's",
                  functions=("six_point_line",), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw, inputs=_six_inputs),
    checks=[
        *[Check(function="solve_svm", case=case, points=1,
                title=f"widest-margin line for a hidden separable set of {lo}–{hi} points",
                inputs=_svm_inputs(lo, hi), expect=_solve_svm_expected,
                answer=SVM_ANSWER, hint=SVM_HINT)
          for case, lo, hi in (("few_points", 5, 8), ("dozen_points", 10, 16),
                               ("many_points", 25, 40))],
        VariantCheck(
            variants=VARIANTS, function="six_point_line", points=1, needs=("solve_svm",),
            title="the SVM line of the six course points, computed with solve_svm: (2/3, 2/3, −1)",
            inputs=_six_inputs, call=_six_call, expect=_six_expected,
            answer=Property(requirements=SIX_MISTAKES, converter=_six_line),
            hint="Call your solve_svm on the six points and labels.",
            wording=lambda p: {"title": "the SVM line of your six points, computed with solve_svm",
                               "hint": "Call your solve_svm on your six points and labels "
                                       f"({svm.classes_text(p)}, VARIANT.md)."}),
        VariantCheck(
            variants=VARIANTS, function="support_vectors", case="six_points", points=1,
            title="support vectors of the six points for the line (2/3, 2/3, −1)",
            inputs=_six_sv_inputs, expect=_six_sv_expected, answer=SV_ANSWER, hint=SV_HINT,
            wording=lambda p: {"title": "support vectors of your six points for their SVM line"}),
        *[Check(function="support_vectors", case=case, points=1, title=title, inputs=inputs,
                expect=_sv_expected, answer=SV_ANSWER, hint=SV_HINT)
          for case, title, inputs in (
              ("hidden", "support vectors of a hidden separable set for its optimal line",
               _sv_inputs(8, 20)),
              ("near_margin", "support vectors for a line to solver precision, with points "
                              "just inside and just outside the default tol", _sv_special("near_margin")),
              ("given_tol", "support vectors with a tol of its own (and a point inside the "
                            "margin)", _sv_special("given_tol")))],
        VariantCheck(
            variants=VARIANTS, function="lagrangian_partials", points=2,
            title="∂L/∂a, ∂L/∂b, ∂L/∂c of the three-point Lagrangian",
            answer=LAGRANGIAN_ANSWER, inputs=_variant_inputs, expect=_partials_expected,
            mistakes=LAGRANGIAN_MISTAKES,
            hint=f"Differentiate L = {svm.lagrangian_text(svm.LESSON)} term by term, holding "
                 "the other symbols fixed.",
            wording=lambda p: {"title": "∂L/∂a, ∂L/∂b, ∂L/∂c of your three-point Lagrangian",
                               "hint": f"Differentiate your L = {svm.lagrangian_text(p)} term by "
                                       "term, holding the other symbols fixed."}),
        *[Check(function="extra_points_change_line", case=case, points=1, title=title,
                inputs=inputs, call=_extra_call, expect=_extra_expected, answer=EXTRA_ANSWER,
                needs=("solve_svm",),
                hint="Solve the three-point and the six-point problems with your solve_svm and "
                     "compare the lines.")
          for case, title, inputs in (
              (None, "do three extra points outside the margins move the line?",
               _extra_inputs(no_inputs)),
              ("when_it_moves", "the same, with your solve_svm's three-point line shifted: "
                                "does your answer follow the lines?", _extra_inputs(_moved_inputs)))],
    ],
)
