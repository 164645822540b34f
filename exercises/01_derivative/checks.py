"""Checks for 01_derivative: f(x) = x³ − 2x² + 1, differentiated three ways."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Close, Expr
from grader.judge.checklib import close_to, equivalent_up_to_constant, matches_exact

# -- symbolic_derivative ---------------------------------------------------------------

SYMBOLIC_MISTAKES = (
    Mistake("derivative_of_minus_2x2",
            "The derivative of −2x² is −4x, not −4: the power rule brings the 2 down and "
            "leaves x¹.", answers=("3x^2 - 4",)),
    Mistake("returned_function",
            "You returned the function itself, not its derivative: apply the power rule "
            "d/dx xⁿ = n·xⁿ⁻¹ to each term.", answers=("x^3 - 2x^2 + 1", "x^3 - 2x^2")),
    Mistake("integrated",
            "You integrated instead of differentiating: the power rule for derivatives "
            "lowers the power by one (xⁿ → n·xⁿ⁻¹).",
            match=equivalent_up_to_constant("x^4/4 - 2x^3/3 + x"), example="integrated.py"),
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


def _roc_check(kind: str, shape: tuple[int, ...]) -> Check:
    return Check(
        function="rate_of_change", case=kind if len(shape) == 1 else "2d_input", points=1,
        title=f"numerical derivative of a hidden {kind} function"
        + ("" if len(shape) == 1 else f" on a {shape[0]}×{shape[1]} array"),
        inputs=_roc_inputs(kind, shape), expect=_exact_derivative,
        answer=Close(rtol=1e-5, atol=1e-6, what="derivative values"),
        mistakes=ROC_MISTAKES,
        hint="Use the central difference (f(x + dx) − f(x − dx)) / (2·dx), element-wise.")


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
              mistakes=SYMBOLIC_MISTAKES,
              hint="Differentiate term by term with the power rule."),
        *[_roc_check(kind, shape) for kind, shape in ROC_CASES],
        *[_ad_check(kind) for kind in ("polynomial", "trig", "sigmoid")],
    ],
)
