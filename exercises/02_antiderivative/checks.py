"""Checks for 02_antiderivative: f(x) = 3x² − 4x, integrated symbolically and numerically."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Close, Expr, to_array

# -- antiderivative ----------------------------------------------------------------------

ANTIDERIVATIVE_MISTAKES = (
    Mistake("differentiated",
            "You differentiated instead of integrating: 6x − 4 is f′(x). An antiderivative F "
            "must satisfy F′ = f, so raise each power by one and divide by the new power.",
            answers=("6x - 4",)),
    Mistake("forgot_to_divide",
            "You raised the powers but did not divide by the new power: the integral of xⁿ is "
            "xⁿ⁺¹/(n+1), so 3x² gives x³ and −4x gives −2x².", answers=("3x^3 - 4x^2",)),
    Mistake("sign",
            "Check the sign of the second term: the integral of −4x is −2x², so an "
            "antiderivative is x³ − 2x² (differentiate your answer to check).",
            answers=("x^3 + 2x^2",)),
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


def _forgot_dx(got, expected, inputs) -> bool:
    g = float(to_array(got).reshape(()))
    return abs(g * inputs["dx"] - expected) <= 2 * _riemann_tolerance(inputs) + 1e-6 * abs(expected)


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
        return {"f": h.numpy(), "xs": xs, "_hidden": h}
    return inputs


def _exact_area(ref, inputs):
    F = inputs["_hidden"].antiderivative()
    xs = inputs["xs"]
    return F(xs) - F(xs[0])


def _area_tolerance(inputs) -> tuple[float, float]:
    xs = inputs["xs"]
    slope = float(np.max(np.abs(inputs["_hidden"].derivative()(xs))))
    return 0.0, float(np.sum(np.diff(xs) ** 2)) * slope + 1e-9  # a left/right Riemann sum's error bound


def _area_without_zero(got, expected, inputs) -> bool:
    g = to_array(got)
    if g.shape == (expected.shape[0] - 1,):
        return True
    return g.shape == expected.shape and abs(float(g[0])) > 1e-12


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
        Check(function="antiderivative", points=2,
              title="an antiderivative of 3x² − 4x (any constant)",
              answer=Expr(symbols=("x",), domain={"*": (-3.0, 3.0)}, up_to_constant="x"),
              mistakes=ANTIDERIVATIVE_MISTAKES,
              hint="Check it: the derivative of your answer must be 3x² − 4x."),
        *[Check(function="riemann_sum", case=kind, points=1,
                title=f"Riemann sum of a hidden {kind} function against its exact integral",
                inputs=_riemann_inputs(kind), expect=_exact_integral,
                answer=Close(what="area", scalar=True,
                             tolerance=lambda inputs: (0.0, _riemann_tolerance(inputs)),
                             wrong_shape="riemann_sum should return one number (the area), "
                                         "got an array of shape {got}"),
                mistakes=(Mistake("forgot_dx",
                                  "You added up the heights f(xᵢ) but did not multiply by the "
                                  "strip width dx: each strip's area is height × width.",
                                  match=_forgot_dx),),
                hint="Sum f(xᵢ)·dx over the grid a, a + dx, …, up to b.")
          for kind in ("polynomial", "trig", "exponential")],
        *[Check(function="area_function", case=case, points=1,
                title=f"area function of a hidden {kind} function on a {case} grid",
                inputs=_area_inputs(kind, case == "uniform"), expect=_exact_area,
                answer=Close(what="areas", tolerance=_area_tolerance,
                             wrong_shape="area_function should return one value per grid "
                                         "point: expected shape {expected}, got {got}"),
                mistakes=(Mistake("area_without_zero",
                                  "Your area function does not start at 0: A(xs[0]) is the area "
                                  "of an empty strip, so start with [0.0] and add the cumulative "
                                  "sum of the n − 1 strips (n values in all).",
                                  match=_area_without_zero),),
                hint="Accumulate the strip areas between consecutive grid points "
                     "(the trapezoid rule is best); the grid need not be evenly spaced.")
          for kind, case in (("polynomial", "uniform"), ("trig", "uneven"))],
    ],
)
