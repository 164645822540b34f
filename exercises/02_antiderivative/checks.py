"""Checks for 02_antiderivative: f(x) = 3x² − 4x, integrated symbolically and numerically."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge import variant_antiderivative as quadratic
from grader.judge.answers import (
    Close,
    Custom,
    Expr,
    Verdict,
    WrongType,
    compare_arrays,
    scalar_params,
    to_array,
)
from grader.judge.variant_wording import VariantCheck

# -- antiderivative ----------------------------------------------------------------------
# Per-student variants (grader.course.variants): the worked example is f = 3a·x² + 2b·x,
# the lesson's 3x² − 4x (a, b) = (1, −2) unless a variant is being graded; the expected
# answer, the mistakes and the words are computed from the parameters being graded
# (grader.judge.variant_antiderivative), never by the reference.

VARIANTS = quadratic.family("02_antiderivative")
ANTIDERIVATIVE_ANSWER = Expr(symbols=("x",), domain={"*": (-3.0, 3.0)}, up_to_constant="x")


def _variant_inputs(rng):
    return {"_params": VARIANTS.params()}


def _variant_antiderivative(ref, inputs):
    return quadratic.antiderivative(inputs["_params"])


def _is(target):
    """Matcher: the answer is ``target(params)`` up to a constant, judged as the check judges."""
    def match(got, expected, inputs) -> bool:
        value = target(inputs["_params"])
        return value is not None and ANTIDERIVATIVE_ANSWER.same(got, value, inputs,
                                                                np.random.default_rng(0))
    return match


def _text(target):
    """The mistake's answer as text (what a student's function could return)."""
    def sample(expected, inputs):
        value = target(inputs["_params"])
        return None if value is None else str(value)
    return sample


def _lesson_answer(params):
    """The README's x³ − 2x², where it is not the answer (a variant is graded)."""
    return None if params == quadratic.LESSON else quadratic.antiderivative(quadratic.LESSON)


def _facts(expected, inputs) -> dict:
    return quadratic.facts(inputs["_params"])


ANTIDERIVATIVE_MISTAKES = (
    Mistake("differentiated",
            "You differentiated instead of integrating: {f_prime} is f′(x). An antiderivative F "
            "must satisfy F′ = f, so raise each power by one and divide by the new power.",
            facts=_facts, match=_is(quadratic.differentiated),
            sample=_text(quadratic.differentiated)),
    Mistake("forgot_to_divide",
            "You raised the powers but did not divide by the new power: the integral of xⁿ is "
            "xⁿ⁺¹/(n+1), so {square} gives {square_up} and {linear} gives {linear_up}.",
            facts=_facts, match=_is(quadratic.undivided), sample=_text(quadratic.undivided)),
    Mistake("sign",
            "Check the sign of the second term: the integral of {linear} is {linear_up}, so an "
            "antiderivative is {answer} (differentiate your answer to check).",
            facts=_facts, match=_is(quadratic.sign_slip), sample=_text(quadratic.sign_slip)),
    Mistake("lesson_antiderivative",
            "That is an antiderivative of the README's 3x² − 4x, not of your own f(x) = {f}: "
            "your variant has its own numbers (VARIANT.md, or `calcgrade variant`).",
            facts=_facts, match=_is(_lesson_answer), sample=_text(_lesson_answer)),
)

# -- riemann_sum -------------------------------------------------------------------------


def _riemann_inputs(kind: str):
    def inputs(rng):
        h = hidden.integrable(rng, kind)
        lo, hi = h.domain
        for _ in range(50):  # an interval whose area is clearly non-zero: then "forgot dx"
            a = round(float(rng.uniform(lo, lo + 0.3 * (hi - lo))), 2)  # is unambiguous
            dx = float(rng.choice([1e-3, 2e-3, 5e-3]))
            n = int(round((min(hi, a + int(rng.integers(200, 600)) * dx) - a) / dx))
            candidate = {"f": h.numpy(), "a": a, "b": a + n * dx, "dx": dx, "_hidden": h}
            if abs(_exact_integral(None, candidate)) > 20 * _riemann_tolerance(candidate):
                break
        return candidate
    return inputs


def _exact_integral(ref, inputs):
    F = inputs["_hidden"].antiderivative()
    return float(F(np.array(inputs["b"])) - F(np.array(inputs["a"])))


def _riemann_tolerance(inputs) -> float:
    """|left/right/midpoint sum − integral| ≤ (b − a)·dx·max|f′|/2: allow twice that."""
    h, a, b, dx = inputs["_hidden"], inputs["a"], inputs["b"], inputs["dx"]
    grid = np.linspace(a, b, 2001)
    slope = float(np.max(np.abs(h.derivative()(grid))))
    return (b - a) * dx * slope + 1e-9


# The contract fixes the method: Σ f(xᵢ)·dx over the n = round((b − a)/dx) strips. So the
# answer is compared with the sums themselves, not with the integral: the left sum (the
# reference's), or the right or midpoint sum of the same strips (Riemann sums too), to
# 1e-9 of Σ|f(xᵢ)|·dx — rounding in any order of summation is far below that, while one
# strip too many or too few, the trapezoid rule or the exact integral are far above it.


def _lesson_integrable():
    x = sympy.Symbol("x")
    return hidden.Hidden(3 * x**2 - 4 * x, (x,), (-1.0, 3.0), "lesson", primitive=x**3 - 2 * x**2)


def _fixed_riemann_inputs(a: float, b: float, dx: float):
    def inputs(rng):
        h = _lesson_integrable()
        return {"f": h.numpy(), "a": a, "b": b, "dx": dx, "_hidden": h}
    return inputs


def _strips(inputs) -> int:
    return int(round((inputs["b"] - inputs["a"]) / inputs["dx"]))


def _heights(inputs, start: float, count: int):
    f, a, dx = inputs["_hidden"].numpy(), inputs["a"], inputs["dx"]
    return np.asarray(f(a + dx * (start + np.arange(count))), dtype=float)


def _riemann_sums(ref, inputs):
    """[left (the reference's), right, midpoint] sums of the n strips, and the scale
    Σ|f(xᵢ)|·dx that the tolerance is relative to."""
    f, a, b, dx = inputs["f"], inputs["a"], inputs["b"], inputs["dx"]
    n = _strips(inputs)
    left = ref.riemann_sum(f, a, b, dx)
    right = float(np.sum(_heights(inputs, 1, n)) * dx)
    mid = float(np.sum(_heights(inputs, 0.5, n)) * dx)
    scale = float(np.sum(np.abs(_heights(inputs, 0, n))) * dx)
    return np.array([left, right, mid, scale])


def _sum_tolerance(expected) -> float:
    return 1e-9 * float(expected[3]) + 1e-13


def _near_a_sum(value: float, expected) -> bool:
    return any(abs(value - s) <= _sum_tolerance(expected) for s in expected[:3])


def _riemann_judge(got, expected, inputs, rng) -> Verdict:
    g = Close(scalar=True, wrong_shape="riemann_sum should return one number (the area), "
              "got an array of shape {got}").convert(got)
    value = float(g)
    detail = {"left_sum": float(expected[0]), "right_sum": float(expected[1]),
              "midpoint_sum": float(expected[2]), "got": value,
              "tolerance": {"atol": _sum_tolerance(expected)}, "strips": _strips(inputs)}
    if np.isfinite(value) and _near_a_sum(value, expected):
        return Verdict(True, detail=detail)
    verdict = compare_arrays(g, np.asarray(expected[0]), 0.0, _sum_tolerance(expected), "area",
                             params=scalar_params(inputs))
    verdict.message = (f"your number is not the left Riemann sum of the {_strips(inputs)} "
                       f"strips (nor the right or midpoint one): {verdict.message}")
    verdict.detail.update(detail)
    return verdict


def _value(got) -> float:
    return float(to_array(got).reshape(()))


def _forgot_dx(got, expected, inputs) -> bool:
    return _near_a_sum(_value(got) * inputs["dx"], expected)


def _miscounted(expected, inputs) -> list[float]:
    """Sums over the wrong strips: both ends (n + 1 heights, what np.arange(a, b, dx)
    gives when rounding adds b), the n − 1 inner ones, the left sum of n − 1 strips, and
    n heights from np.linspace(a, b, n) (b included, a spacing that is not dx)."""
    n, dx = _strips(inputs), inputs["dx"]
    f = inputs["_hidden"].numpy()
    out = [float(np.sum(_heights(inputs, 0, n + 1)) * dx),
           float(np.sum(_heights(inputs, 1, n - 1)) * dx),
           float(np.sum(_heights(inputs, 0, n - 1)) * dx),
           float(np.sum(f(np.linspace(inputs["a"], inputs["b"], n))) * dx)]
    return [v for v in out if not _near_a_sum(v, expected)]


def _miscounted_sample(expected, inputs):
    values = _miscounted(expected, inputs)
    return values[0] if values else None


def _exact_value(expected, inputs):
    exact = _exact_integral(None, inputs)
    return None if _near_a_sum(exact, expected) else exact


def _trapezoid_value(expected, inputs):
    trapezoid = (float(expected[0]) + float(expected[1])) / 2
    return None if _near_a_sum(trapezoid, expected) else trapezoid


def _is(value_of):
    def match(got, expected, inputs) -> bool:
        v = value_of(expected, inputs)
        return v is not None and abs(_value(got) - v) <= _sum_tolerance(expected)
    return match


def _strip_facts(expected, inputs) -> dict:
    return {"n": _strips(inputs), "a": f"{inputs['a']:g}", "b": f"{inputs['b']:g}",
            "dx": f"{inputs['dx']:g}"}


RIEMANN_MISTAKES = (
    Mistake("forgot_dx",
            "You added up the heights f(xᵢ) but did not multiply by the strip width dx: each "
            "strip's area is height × width.", match=_forgot_dx),
    Mistake("strip_count",
            "Your sum does not have the right strips: [{a}, {b}] with dx = {dx} has n = "
            "(b − a)/dx = {n} strips, whose left ends are a, a + dx, …, a + (n − 1)·dx (b "
            "itself is not one). np.arange(a, b, dx) can return one point too many because "
            "of rounding, and np.linspace(a, b, n) includes b: count the strips with "
            "n = round((b − a)/dx) and use a + dx·np.arange(n).",
            match=lambda got, expected, inputs: any(
                abs(_value(got) - v) <= _sum_tolerance(expected)
                for v in _miscounted(expected, inputs)),
            sample=_miscounted_sample, facts=_strip_facts),
    Mistake("exact_integral",
            "You returned the exact integral (scipy.integrate.quad, or an antiderivative), "
            "not a Riemann sum: riemann_sum must add up f(xᵢ)·dx over the strips — the "
            "difference from the integral is the point of the exercise.",
            match=_is(_exact_value), sample=_exact_value),
    Mistake("trapezoid_rule",
            "That is the trapezoid rule (the average of the left and right sums): riemann_sum "
            "is the Riemann sum Σ f(xᵢ)·dx, one height per strip (the left end; the right end "
            "or the midpoint are accepted too). The trapezoid rule belongs in area_function.",
            match=_is(_trapezoid_value), sample=_trapezoid_value),
)


# -- area_function -----------------------------------------------------------------------


def _area_inputs(kind: str, uniform: bool):
    def inputs(rng):
        h = hidden.integrable(rng, kind)
        lo, hi = h.domain
        n = int(rng.integers(400, 800))
        if uniform:
            xs = np.linspace(lo, hi, n)
        else:  # smoothly graded: dense on the left, sparse on the right
            xs = lo + (hi - lo) * np.linspace(0.0, 1.0, n) ** 2
        return {"f": h.numpy(), "xs": np.asarray(xs, dtype=float), "_hidden": h}
    return inputs


def _exact_area(ref, inputs):
    F = inputs["_hidden"].antiderivative()
    xs = inputs["xs"]
    return F(xs) - F(xs[0])


# An area function may be built by any rule on the grid: the trapezoid rule (the
# reference's), Simpson's, or left, right or midpoint sums accumulated strip by strip.
# Accepted: the left/right/midpoint cumulative sums of the grid's own strips to 1e-9 of
# the accumulated |strip| areas, or the exact areas within twice the trapezoid rule's
# error bound, Σ hⱼ³·max|f″|/12 over the strips so far. So half a strip too much or too
# little (first order, like a left sum, but not a left sum) does not pass, nor a width
# that is not the grid's own.


def _area_sums(inputs):
    """The left, right and midpoint cumulative sums on the grid, and the scale."""
    xs = np.asarray(inputs["xs"], dtype=float)
    f = inputs["_hidden"].numpy()
    gaps = np.diff(xs)
    rules = [f(xs[:-1]) * gaps, f(xs[1:]) * gaps, f((xs[:-1] + xs[1:]) / 2) * gaps]
    sums = [np.concatenate(([0.0], np.cumsum(r))) for r in rules]
    scale = np.concatenate(([0.0], np.cumsum(np.abs(rules[0]))))
    return sums, scale


def _second_order_bound(inputs):
    """2·Σ hⱼ³·max|f″|/12 over the strips up to each point (the trapezoid rule's bound)."""
    h = inputs["_hidden"]
    xs = np.asarray(inputs["xs"], dtype=float)
    second = sympy.lambdify(h.symbols, sympy.diff(h.expr, h.symbols[0], 2), modules="numpy")
    fine = np.linspace(xs[0], xs[-1], 4 * xs.size + 1)
    curvature = float(np.max(np.abs(second(fine) + np.zeros_like(fine))))
    return np.concatenate(([0.0], np.cumsum(np.diff(xs) ** 3))) * curvature / 6


def _area_judge(got, expected, inputs, rng) -> Verdict:
    g = to_array(got)
    e = np.asarray(expected, dtype=float)
    if g.shape != e.shape:
        raise WrongType("area_function should return one value per grid point: expected "
                        f"shape {e.shape}, got {g.shape}")
    sums, scale = _area_sums(inputs)
    tight = 1e-9 * scale + 1e-12
    with np.errstate(all="ignore"):
        for rule, values in zip(("left", "right", "midpoint"), sums):
            if np.all(np.abs(g - values) <= tight):
                return Verdict(True, detail={"rule": rule, "tolerance": "1e-9 of the strips"})
    bound = _second_order_bound(inputs) + tight
    verdict = compare_arrays(g, e, 0.0, 0.0, "areas")  # message and detail of the gap
    with np.errstate(all="ignore"):
        bad = ~(np.abs(g - e) <= bound) | ~np.isfinite(g)
    if not bad.any():
        return Verdict(True, detail={"rule": "second order", "max_abs_error": float(np.max(np.abs(g - e)))})
    k = int(np.flatnonzero(bad)[0])
    from grader.judge.numbers_text import diagnosis, error_text, pair_text

    es, gs = pair_text(float(e[k]), float(g[k]))
    verdict.message = (f"{int(bad.sum())} of {e.size} areas are off, first at index [{k}] "
                       f"(x = {inputs['xs'][k]:.6g}): expected {es}, got {gs} "
                       f"({error_text(float(e[k]), float(g[k]))}; allowed: the trapezoid "
                       f"rule's error bound {bound[k]:.3g} there, or exactly a left, right or "
                       "midpoint sum of the grid's strips)")
    note = diagnosis(g, e, "areas", {})
    if note:
        verdict.message += f". {note}"
    verdict.detail["tolerance"] = {"second_order_bound_at_first_bad": float(bound[k])}
    return verdict


def _fixed_area_inputs(xs):
    def inputs(rng):
        h = _lesson_integrable()
        return {"f": h.numpy(), "xs": np.asarray(xs, dtype=float), "_hidden": h}
    return inputs


def _area_without_zero(got, expected, inputs) -> bool:
    g = to_array(got)
    if g.shape == (expected.shape[0] - 1,):
        return True
    return g.shape == expected.shape and abs(float(g[0])) > 1e-12


AREA_WITHOUT_ZERO = Mistake(
    "area_without_zero",
    "Your area function does not start at 0: A(xs[0]) is the area of an empty strip, so "
    "start with [0.0] and add the cumulative sum of the n − 1 strips (n values in all).",
    match=_area_without_zero)


# -- the report's figure -------------------------------------------------------------------


def _lesson_f(x):
    return 3 * x**2 - 4 * x


def _figure_student(solution, inputs):
    xs = np.linspace(-1.0, 3.0, 201)
    return {"x": xs, "area": solution.area_function(_lesson_f, xs)}


def _figure_reference(ref, inputs):
    xs = np.linspace(-1.0, 3.0, 201)
    F = xs**3 - 2 * xs**2
    return {"x": xs, "antiderivative": F - F[0]}


def _figure_draw(ax, ref, student):
    ax.plot(ref["x"], ref["antiderivative"], lw=3, alpha=0.5,
            label="x³ − 2x² (shifted so that A(−1) = 0)")
    if student:
        ax.plot(student["x"], student["area"], "--", label="your area_function(f, xs)")
    ax.set_xlabel("x")
    ax.set_ylabel("A(x)")
    ax.legend()


EXERCISE = Exercise(
    slug="02_antiderivative",
    title="Antiderivatives and the area under a curve",
    figure=Figure(title="the numerical area function beside x³ − 2x² (shifted by a constant)",
                  functions=("area_function",), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw),
    checks=[
        VariantCheck(variants=VARIANTS, wording=quadratic.wording,
                     function="antiderivative", points=2,
                     title="an antiderivative of 3x² − 4x (any constant)",
                     answer=ANTIDERIVATIVE_ANSWER, inputs=_variant_inputs,
                     expect=_variant_antiderivative, mistakes=ANTIDERIVATIVE_MISTAKES,
                     hint="Check it: the derivative of your answer must be 3x² − 4x."),
        *[Check(function="riemann_sum", case=kind, points=1,
                title=f"left Riemann sum of a hidden {kind} function, strip by strip",
                inputs=_riemann_inputs(kind), expect=_riemann_sums,
                answer=Custom(_riemann_judge), mistakes=RIEMANN_MISTAKES,
                hint="Sum f(xᵢ)·dx over the n = round((b − a)/dx) strips, xᵢ = a + i·dx.")
          for kind in ("polynomial", "trig", "exponential")],
        Check(function="riemann_sum", case="worked_example", points=1,
              title="left Riemann sum of 3x² − 4x over [0, 2] with dx = 0.001 (exact area 0)",
              inputs=_fixed_riemann_inputs(0.0, 2.0, 0.001), expect=_riemann_sums,
              answer=Custom(_riemann_judge), mistakes=RIEMANN_MISTAKES,
              hint="The left sum is about (dx/2)·(f(a) − f(b)) = −0.002 away from the exact 0: "
                   "that difference is the Riemann sum's, keep it."),
        Check(function="riemann_sum", case="few_strips", points=1,
              title="left Riemann sum of 3x² − 4x over [1, 1.3] with dx = 0.1 (3 strips)",
              inputs=_fixed_riemann_inputs(1.0, 1.3, 0.1), expect=_riemann_sums,
              answer=Custom(_riemann_judge), mistakes=RIEMANN_MISTAKES,
              hint="(1.3 − 1)/0.1 is 2.9999999999999996 in floating point: count the strips "
                   "with round, not with np.arange(a, b, dx)."),
        *[Check(function="area_function", case=case, points=1,
                title=f"area function of a hidden {kind} function on a {case} grid",
                inputs=_area_inputs(kind, case == "uniform"), expect=_exact_area,
                answer=Custom(_area_judge), mistakes=(AREA_WITHOUT_ZERO,),
                hint="Accumulate the strip areas between consecutive grid points "
                     "(the trapezoid rule is best); the grid need not be evenly spaced.")
          for kind, case in (("polynomial", "uniform"), ("trig", "uneven"))],
        Check(function="area_function", case="worked_example", points=1,
              title="area function of 3x² − 4x on the worked example's grid 0, 0.5, 1, 2, 3",
              inputs=_fixed_area_inputs([0.0, 0.5, 1.0, 2.0, 3.0]), expect=_exact_area,
              answer=Custom(_area_judge), mistakes=(AREA_WITHOUT_ZERO,),
              hint="Each strip has its own width xs[k] − xs[k−1]: here 0.5, 0.5, 1 and 1."),
    ],
)
