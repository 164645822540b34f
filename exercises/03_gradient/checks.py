"""Checks for 03_gradient: gradients of f: Rⁿ → R, by hand, by differences and by JAX."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Close, Custom, ExprArray, Verdict, WrongType, to_array
from grader.judge.checklib import matches_exact

# -- numerical_gradient --------------------------------------------------------------------


def _lesson_inputs(rng):
    x, y = sympy.symbols("x0 x1")
    h = hidden.from_formula(x**2 + y**3, (x, y), (-3.0, 3.0), "lesson")
    return {"f": h.numpy(), "point": np.array([2.0, 3.0]), "_hidden": h}


def _hidden_inputs(kind: str, n: int):
    def inputs(rng):
        h = hidden.multivariate(rng, n, kind)
        return {"f": h.numpy(), "point": h.sample(rng, (n,)), "_hidden": h}
    return inputs


def _exact_gradient(ref, inputs):
    return inputs["_hidden"].gradient()(inputs["point"])


NUMERICAL_MISTAKES = (
    Mistake("all_coordinates_perturbed",
            "You moved every coordinate at once (p + h in all positions), which measures the "
            "change along the diagonal, not a partial derivative: for component i, shift only "
            "coordinate i, p + h·eᵢ.",
            equals=lambda expected, inputs: np.full(expected.shape, np.sum(expected)),
            tolerance=(1e-4, 1e-6)),
)

# -- steepest_ascent_direction ---------------------------------------------------------------


def _ascent_inputs(kind: str):
    def inputs(rng):
        h = hidden.multivariate(rng, 2, kind)
        n = int(rng.choice([36, 90, 360]))
        return {"f": h.numpy(), "point": h.sample(rng, (2,)), "n_directions": n, "_hidden": h}
    return inputs


def _angle(u, v) -> float:
    c = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


def _ascent_judge(got, expected, inputs, rng) -> Verdict:
    u = to_array(got)
    if u.shape != (2,):
        raise WrongType(f"expected a direction of shape (2,), got shape {u.shape}")
    norm = float(np.linalg.norm(u))
    step = 2 * np.pi / inputs["n_directions"]
    detail = {"expected_direction": [float(v) for v in expected / np.linalg.norm(expected)],
              "got": [float(v) for v in u], "tolerance": {"angle": step}}
    if abs(norm - 1.0) > 1e-6:
        return Verdict(False, f"a direction must be a unit vector; yours has length {norm:.6g}", detail)
    angle = _angle(u, expected)
    detail["angle"] = angle
    if angle > step + 1e-9:
        return Verdict(False, f"your direction is {np.degrees(angle):.1f}° away from the "
                       f"gradient; with {inputs['n_directions']} directions the best one is "
                       f"within {np.degrees(step):.1f}°", detail)
    return Verdict(True, detail=detail)


def _descent(got, expected, inputs) -> bool:
    u = to_array(got)
    return u.shape == (2,) and _angle(u, expected) > np.pi - 2 * np.pi / inputs["n_directions"] - 1e-9


def _not_unit(got, expected, inputs) -> bool:
    u = to_array(got)
    return (u.shape == (2,) and abs(float(np.linalg.norm(u)) - 1) > 1e-6
            and _angle(u, expected) <= 2 * np.pi / inputs["n_directions"] + 1e-9)


ASCENT_MISTAKES = (
    Mistake("descent_direction",
            "Your direction points downhill: you kept the direction where f decreases fastest "
            "(−∇f). Steepest ascent is the direction with the largest increase of f.",
            match=_descent),
    Mistake("not_unit_length",
            "Your vector points the right way but does not have length 1: a direction is a "
            "unit vector. Return one of the candidates (cos t, sin t), or divide by the norm.",
            match=_not_unit),
)

# -- jax_gradient ------------------------------------------------------------------------------


# f differentiates by a rule of its own (hidden.Rule: JAX gets scale·∇f + shift as the
# gradient): jax.grad returns the rule's values, finite differences or the formula's
# gradient return ∇f itself, which is how "not autodiff" is told apart.


def _jax_inputs(kind: str, n: int):
    def inputs(rng):
        h = hidden.multivariate(rng, n, kind)
        point = h.sample(rng, (n,))
        rule = hidden.autodiff_rule(rng, h.numpy(), point, (n,))
        return {"f": h.jax(rule), "point": point, "_hidden": h, "_rule": rule}
    return inputs


def _jax_call(solution, inputs):
    grad = solution.jax_gradient(inputs["f"])
    return grad(inputs["point"])


def _jax_expected(ref, inputs):
    """What JAX computes for f at the point: its rule's values (not the true gradient)."""
    return inputs["_rule"].apply(_exact_gradient(ref, inputs))


NOT_AUTODIFF = Mistake(
    "not_autodiff",
    "Your gradient never let JAX trace f, so it is not automatic differentiation (finite "
    "differences?). Build it with jax.grad(f).",
    match=matches_exact(lambda got: got, lambda inputs: _exact_gradient(None, inputs)))

# -- the report's figure ---------------------------------------------------------------------


def _grid():
    xs = np.linspace(-2.0, 2.0, 9)
    X, Y = np.meshgrid(xs, xs)
    return X, Y


def _bowl(p):
    return float(p[0] ** 2 + p[1] ** 2)


def _figure_student(solution, inputs):
    X, Y = _grid()
    G = np.array([solution.numerical_gradient(_bowl, np.array([x, y]))
                  for x, y in zip(X.ravel(), Y.ravel())], dtype=float)
    return {"x": X.ravel(), "y": Y.ravel(), "gx": G[:, 0], "gy": G[:, 1]}


def _figure_reference(ref, inputs):
    X, Y = _grid()
    return {"x": X.ravel(), "y": Y.ravel(), "gx": 2 * X.ravel(), "gy": 2 * Y.ravel()}


def _figure_draw(ax, ref, student):
    xs = np.linspace(-2.2, 2.2, 100)
    X, Y = np.meshgrid(xs, xs)
    ax.contour(X, Y, X**2 + Y**2, levels=12, cmap="Greys", linewidths=0.8)
    ax.quiver(ref["x"], ref["y"], ref["gx"], ref["gy"], color="tab:blue", alpha=0.45,
              label="∇f = (2x, 2y)")
    if student:
        ax.quiver(student["x"], student["y"], student["gx"], student["gy"], color="tab:orange",
                  alpha=0.9, width=0.004, label="your numerical_gradient")
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(loc="upper right")


EXERCISE = Exercise(
    slug="03_gradient",
    title="Gradients: partial derivatives, steepest ascent and JAX",
    figure=Figure(title="the gradient field of x² + y² over its contours",
                  functions=("numerical_gradient",), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw),
    checks=[
        Check(function="gradient_expr", points=2,
              title="∇(x² + y²) as a pair of SymPy expressions",
              answer=ExprArray(shape=(2,), symbols=("x", "y")),
              hint="Differentiate with respect to x holding y fixed, then the other way round."),
        Check(function="gradient_at_1_1", points=1, title="∇f at (1, 1)",
              answer=Close(rtol=1e-9, atol=1e-12, what="components"),
              hint="Substitute x = 1, y = 1 into your gradient."),
        Check(function="numerical_gradient", case="lesson", points=1,
              title="central differences for x² + y³ at (2, 3)",
              inputs=_lesson_inputs, expect=_exact_gradient,
              answer=Close(rtol=1e-5, atol=1e-6, what="partial derivatives"),
              mistakes=NUMERICAL_MISTAKES,
              hint="For each i: (f(p + h·eᵢ) − f(p − h·eᵢ)) / (2h)."),
        *[Check(function="numerical_gradient", case=f"{kind}_{n}d", points=1,
                title=f"central differences for a hidden {kind} function of {n} variables",
                inputs=_hidden_inputs(kind, n), expect=_exact_gradient,
                answer=Close(rtol=1e-5, atol=1e-6, what="partial derivatives"),
                mistakes=NUMERICAL_MISTAKES,
                hint="For each i: (f(p + h·eᵢ) − f(p − h·eᵢ)) / (2h); the point may have any length n.")
          for kind, n in (("quadratic", 3), ("trig", 4))],
        *[Check(function="steepest_ascent_direction", case=kind, points=1,
                title=f"steepest ascent direction of a hidden {kind} function",
                inputs=_ascent_inputs(kind), expect=_exact_gradient,
                answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
                hint="Compare the change of f along each of the n unit vectors "
                     "(cos 2πk/n, sin 2πk/n) and return the best one.")
          for kind in ("quadratic", "mixed")],
        *[Check(function="jax_gradient", case=f"{kind}_{n}d", points=1,
                title=f"JAX gradient of a hidden {kind} function of {n} variables",
                inputs=_jax_inputs(kind, n), call=_jax_call, expect=_jax_expected,
                answer=Close(rtol=1e-9, atol=1e-12, what="partial derivatives",
                             wrong_shape=f"the gradient of f: R^{n} → R has shape ({n},), got {{got}}"),
                mistakes=(NOT_AUTODIFF,),
                hint="Return jax.grad(f).")
          for kind, n in (("exponential", 3), ("mixed", 2))],
    ],
)
