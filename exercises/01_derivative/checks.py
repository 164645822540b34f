"""Checks for 01_derivative: f(x) = x³ − 2x² + 1, differentiated three ways."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge import variant_families as cubic
from grader.judge.answers import Close, Expr
from grader.judge.checklib import close_to, matches_exact

# -- symbolic_derivative ---------------------------------------------------------------
# Per-student variants (grader.course.variants): the worked example is a·x³ + b·x² + c,
# the lesson's (1, −2, 1) unless a variant is being graded; the expected answer and the
# mistakes are computed from the parameters being graded.

VARIANTS = cubic.cubic("01_derivative")


def _variant_inputs(rng):
    return {"_params": VARIANTS.params()}


def _variant_derivative(ref, inputs):
    return cubic.derivative(inputs["_params"])


def _square_term(expected, inputs):
    b = inputs["_params"]["b"]
    return {"term": f"{'−' if b < 0 else ''}{abs(b)}x²", "right": f"{2 * b}x".replace("-", "−"),
            "wrong": f"{2 * b}".replace("-", "−")}


SYMBOLIC_MISTAKES = (
    Mistake("derivative_of_minus_2x2",
            "The derivative of {term} is {right}, not {wrong}: the power rule brings the 2 "
            "down and leaves x¹.", facts=_square_term,
            match=lambda got, e, i: Expr().same(got, cubic.dropped_x(i["_params"]), {},
                                                      np.random.default_rng(0)),
            sample=cubic.sample(cubic.dropped_x)),
    Mistake("returned_function",
            "You returned the function itself, not its derivative: apply the power rule "
            "d/dx xⁿ = n·xⁿ⁻¹ to each term.", match=cubic.up_to_constant(cubic.polynomial),
            sample=cubic.sample(cubic.polynomial)),
    Mistake("integrated",
            "You integrated instead of differentiating: the power rule for derivatives "
            "lowers the power by one (xⁿ → n·xⁿ⁻¹).",
            match=cubic.up_to_constant(cubic.antiderivative), example="integrated.py",
            sample=cubic.sample(cubic.antiderivative)),
)

# -- rate_of_change --------------------------------------------------------------------


def _roc_inputs(kind: str, shape: tuple[int, ...]) -> callable:
    def inputs(rng):
        h = hidden.univariate(rng, kind)
        return {"f": h.numpy(), "x": h.sample(rng, shape), "_hidden": h}
    return inputs


def _exact_derivative(ref, inputs):
    return inputs["_hidden"].derivative()(inputs["x"])


ROC_MISTAKES = (
    Mistake("not_divided_by_dx",
            "Your values are about dx times too small: a rate of change divides the change "
            "in f by the change in x, (f(x + dx) − f(x − dx)) / (2·dx).",
            match=lambda g, e, i: close_to(1e-6, 0.05)(g, e, i) or close_to(2e-6, 0.05)(g, e, i)),
    Mistake("wrong_sign",
            "Your values have the opposite sign: subtract the value on the left from the "
            "value on the right, f(x + dx) − f(x − dx).",
            equals=lambda expected, inputs: -expected, tolerance=(1e-4, 1e-12)),
    Mistake("returned_values",
            "You returned f(x), not its rate of change.",
            equals=lambda expected, inputs: inputs["_hidden"].numpy()(inputs["x"]),
            tolerance=(1e-6, 0.0)),
)

ROC_CASES = [("polynomial", (50,)), ("trig", (50,)), ("logarithm", (40,)),
             ("exponential", (3, 4))]


# Deterministic cases besides the random ones. The worked example's 2 × 2 grid holds
# x = 0, where f′(0) = 0 and f″(0) = −4: a relative tolerance is no help there, so the
# absolute one is 1e-8 — far above the central difference's error (dx² = 1e-12, plus
# rounding ≈ 1e-10) and far below a one-sided difference's, f″(0)·dx/2 = −2e-6; a step
# proportional to |x| divides 0 by 0 there. A single number must give a single number.

def _lesson():
    x = sympy.Symbol("x")
    return hidden.from_formula(cubic.polynomial(VARIANTS.params()), (x,), (-2.0, 3.0), "lesson")


def _lesson_inputs(x):
    """``x``: plain numbers (an array is made when drawn, so loading checks.py imports
    no NumPy and `calcgrade list` stays instant)."""
    def inputs(rng):
        h = _lesson()
        return {"f": h.numpy(), "x": np.asarray(x, dtype=float) if isinstance(x, list) else x,
                "_hidden": h}
    return inputs


def _one_sided(rtol: float, atol: float):
    """What a forward difference (f(x + dx) − f(x)) / dx returns; None where it would pass
    the check's tolerance (random points: only where f′ is small does its error show)."""
    def equals(expected, inputs):
        f, x, dx = inputs["_hidden"].numpy(), np.asarray(inputs["x"], dtype=float), 1e-6
        value = (f(x + dx) - f(x)) / dx
        exact = _exact_derivative(None, inputs)
        return None if np.allclose(value, exact, rtol=rtol, atol=atol) else value
    return equals


def _one_sided_mistake(rtol: float, atol: float) -> Mistake:
    """One mistake for every check: None (not shown) where the loosest tolerance of the
    checks, the random ones', would let the forward difference pass."""
    return Mistake(
        "one_sided_difference",
        "You used a one-sided difference, (f(x + dx) − f(x)) / dx: its error is about "
        "f″(x)·dx/2, which shows where f′(x) is near 0 (at x = 0 of the worked example, "
        "f″(0) = −4). The central difference (f(x + dx) − f(x − dx)) / (2·dx) has error "
        "f‴(x)·dx²/6.",
        equals=_one_sided(rtol, atol), tolerance=(1e-6, 1e-9))


ONE_SIDED = _one_sided_mistake(1e-5, 1e-6)

SHAPE_HINT = ("rate_of_change returns one value per point of x, in x's shape: expected values "
              "of shape {expected}, got shape {got}")


def _roc_check(kind: str, shape: tuple[int, ...]) -> Check:
    return Check(
        function="rate_of_change", case=kind if len(shape) == 1 else "2d_input", points=1,
        title=f"numerical derivative of a hidden {kind} function"
        + ("" if len(shape) == 1 else f" on a {shape[0]}×{shape[1]} array"),
        inputs=_roc_inputs(kind, shape), expect=_exact_derivative,
        answer=Close(rtol=1e-5, atol=1e-6, what="derivative values", wrong_shape=SHAPE_HINT),
        mistakes=(*ROC_MISTAKES, ONE_SIDED),
        hint="Use the central difference (f(x + dx) − f(x − dx)) / (2·dx), element-wise.")


ROC_FIXED = [
    Check(function="rate_of_change", case="worked_example", points=1,
          title="numerical derivative of x³ − 2x² + 1 on the worked example's 2×2 grid (x = 0 included)",
          inputs=_lesson_inputs([[0.0, 1.0], [2.0, 3.0]]), expect=_exact_derivative,
          answer=Close(rtol=1e-6, atol=1e-8, what="derivative values", wrong_shape=SHAPE_HINT),
          mistakes=(*ROC_MISTAKES, ONE_SIDED),
          hint="Use the central difference (f(x + dx) − f(x − dx)) / (2·dx) with the step dx "
               "itself (not dx·x, which is 0 at x = 0)."),
    Check(function="rate_of_change", case="single_number", points=1,
          title="numerical derivative of x³ − 2x² + 1 at the single number x = 2",
          inputs=_lesson_inputs(2.0), expect=_exact_derivative,
          answer=Close(rtol=1e-6, atol=1e-8, what="derivative values", wrong_shape=SHAPE_HINT),
          mistakes=(*ROC_MISTAKES, ONE_SIDED),
          hint="For a single number x (shape ()), return a single number: avoid np.atleast_1d "
               "and list comprehensions over x."),
]


# -- autodiff_derivative ---------------------------------------------------------------
#
# f differentiates by a rule of its own (hidden.Rule: JAX gets scale·f′ + shift as the
# derivative): g built with JAX returns the rule's values, a finite difference or the
# formula's derivative returns f′ itself, which is how "not autodiff" is told apart.


def _ad_inputs(kind: str):
    def inputs(rng):
        h = hidden.univariate(rng, kind)
        xs = h.sample(rng, (40,))
        rule = hidden.autodiff_rule(rng, h.numpy(), xs)
        return {"f": h.jax(rule), "xs": xs, "_hidden": h, "_rule": rule}
    return inputs


def _ad_call(solution, inputs):
    g = solution.autodiff_derivative(inputs["f"])
    return g(inputs["xs"])


def _ad_expected(ref, inputs):
    """What JAX computes for f at xs: its rule's values (not the true derivative)."""
    return inputs["_rule"].apply(inputs["_hidden"].derivative()(inputs["xs"]))


def _ad_exact(inputs):
    return inputs["_hidden"].derivative()(inputs["xs"])


NOT_AUTODIFF = Mistake(
    "not_autodiff",
    "Your g never let JAX trace f, so it is not automatic differentiation (a finite "
    "difference?). Build it with jax.vmap(jax.grad(f)).",
    match=matches_exact(lambda got: got, _ad_exact))


def _ad_check(kind: str) -> Check:
    return Check(
        function="autodiff_derivative", case=kind, points=1,
        title=f"JAX derivative of a hidden {kind} function",
        inputs=_ad_inputs(kind), call=_ad_call, expect=_ad_expected,
        answer=Close(rtol=1e-9, atol=1e-12, what="derivative values",
                     wrong_shape="g(xs) should return one derivative per point: expected shape "
                                 "{expected}, got {got}"),
        mistakes=(NOT_AUTODIFF,),
        hint="Return jax.vmap(jax.grad(f)).")


# -- the report's figure ---------------------------------------------------------------

def _lesson_f(x):
    return x**3 - 2 * x**2 + 1


def _figure_student(solution, inputs):
    grid = np.linspace(-2.0, 3.0, 201)
    return {"x": grid, "rate_of_change": solution.rate_of_change(_lesson_f, grid)}


def _figure_reference(ref, inputs):
    grid = np.linspace(-2.0, 3.0, 201)
    return {"x": grid, "rule": 3 * grid**2 - 4 * grid}


def _figure_draw(ax, ref, student):
    ax.plot(ref["x"], ref["rule"], lw=3, alpha=0.5, label="f′(x) = 3x² − 4x (by the rules)")
    if student:
        ax.plot(student["x"], student["rate_of_change"], "--", label="your rate_of_change(f, x)")
    ax.set_xlabel("x")
    ax.set_ylabel("f′(x)")
    ax.legend()


FIGURE = Figure(title="f′ by the rules vs by the rate of change over [−2, 3]",
                functions=("rate_of_change",), student=_figure_student,
                reference=_figure_reference, draw=_figure_draw)


EXERCISE = Exercise(
    figure=FIGURE,
    slug="01_derivative",
    title="Derivatives three ways: symbolic, numerical, automatic",
    plot="f′ by the rules vs by the rate of change over [−2, 3]",
    checks=[
        Check(function="symbolic_derivative", points=2,
              title="f′(x) of x³ − 2x² + 1 with SymPy",
              answer=Expr(symbols=("x",), domain={"x": (-3.0, 3.0)}),
              inputs=_variant_inputs, expect=_variant_derivative,
              mistakes=SYMBOLIC_MISTAKES,
              hint="Differentiate term by term with the power rule."),
        *[_roc_check(kind, shape) for kind, shape in ROC_CASES],
        *ROC_FIXED,
        *[_ad_check(kind) for kind in ("polynomial", "trig", "sigmoid")],
    ],
)
