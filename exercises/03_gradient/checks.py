"""Checks for 03_gradient: gradients of f: Rⁿ → R, by hand, by differences and by JAX."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge import variant_gradient as bowl
from grader.judge.answers import Close, Custom, ExprArray, Verdict, WrongType, fmt, to_array
from grader.judge.checklib import matches_exact
from grader.judge.variant_wording import VariantCheck

# -- gradient_expr, gradient_at_1_1 ----------------------------------------------------------
# Per-student variants (grader.course.variants): the worked example is f = a·x² + b·y², the
# lesson's x² + y² (a = b = 1) unless a variant is being graded; the expected answers, the
# mistakes and the words are computed from the parameters being graded
# (grader.judge.variant_gradient), never by the reference. Still at (1, 1): the name says so.

VARIANTS = bowl.family("03_gradient")
GRADIENT_ANSWER = ExprArray(shape=(2,), symbols=("x", "y"))


def _variant_inputs(rng):
    return {"_params": VARIANTS.params()}


def _variant_gradient(ref, inputs):
    return bowl.gradient(inputs["_params"])


def _variant_gradient_at_1_1(ref, inputs):
    return bowl.gradient_at_1_1(inputs["_params"])


def _bowl_facts(expected, inputs) -> dict:
    return bowl.facts(inputs["_params"])


def _is_pair(target):
    """Matcher: the answer is the pair ``target(params)``, judged as the check judges."""
    def match(got, expected, inputs) -> bool:
        value = target(inputs["_params"])
        return value is not None and GRADIENT_ANSWER.same(got, value, inputs,
                                                          np.random.default_rng(0))
    return match


def _pair_text(target):
    def sample(expected, inputs):
        value = target(inputs["_params"])
        return None if value is None else [str(v) for v in value]
    return sample


def _lesson_gradient(params):
    """The README's (2x, 2y), where it is not the answer (a variant is graded)."""
    return None if params == bowl.LESSON else bowl.gradient(bowl.LESSON)


def _swapped_value(expected, inputs):
    """(2b, 2a): None where it is the answer too (a = b, the lesson's)."""
    p = inputs["_params"]
    return None if p["a"] == p["b"] else bowl.gradient_at_1_1(p)[::-1]


def _lesson_value(expected, inputs):
    p = inputs["_params"]
    return None if p == bowl.LESSON else bowl.gradient_at_1_1(bowl.LESSON)


GRADIENT_MISTAKES = (
    Mistake("swapped_partials",
            "Your components are in the wrong order: a gradient lists ∂f/∂x first, then "
            "∂f/∂y. For f = {f}, ∂f/∂x is the derivative in x with y held fixed.",
            facts=_bowl_facts, match=_is_pair(bowl.swapped), sample=_pair_text(bowl.swapped)),
    Mistake("lesson_gradient",
            "That is the gradient of the README's x² + y², not of your own f = {f}: your "
            "variant has its own numbers (VARIANT.md, or `calcgrade variant`).",
            facts=_bowl_facts, match=_is_pair(_lesson_gradient),
            sample=_pair_text(_lesson_gradient)),
)

GRADIENT_VALUE_MISTAKES = (
    Mistake("swapped_components",
            "Your two numbers are in the wrong order: first ∂f/∂x at (1, 1), then ∂f/∂y, "
            "for f = {f}.", facts=_bowl_facts, equals=_swapped_value, tolerance=(1e-9, 1e-12)),
    Mistake("lesson_gradient_value",
            "That is the gradient of the README's x² + y² at (1, 1), not of your own "
            "f = {f}: your variant has its own numbers (VARIANT.md, or `calcgrade variant`).",
            facts=_bowl_facts, equals=_lesson_value, tolerance=(1e-9, 1e-12)),
)

# -- numerical_gradient --------------------------------------------------------------------


def _lesson_inputs(rng):
    x, y = sympy.symbols("x0 x1")
    h = hidden.from_formula(x**2 + y**3, (x, y), (-3.0, 3.0), "lesson")
    return {"f": h.numpy(), "point": np.array([2.0, 3.0]), "_hidden": h}


def _fixed_inputs(point, case: str):
    """The lesson's x² + y³ at a fixed point (deterministic cases)."""
    def inputs(rng):
        x, y = sympy.symbols("x0 x1")
        h = hidden.from_formula(x**2 + y**3, (x, y), (-3.0, 3.0), case)
        return {"f": h.numpy(), "point": np.array(point, dtype=float), "_hidden": h}
    return inputs


def _forward_difference(expected, inputs):
    """What a forward difference (f(p + h·eᵢ) − f(p)) / h returns (h = 1e-6); None where
    the random checks' tolerance would let it pass."""
    f, p, h = inputs["_hidden"].numpy(), np.asarray(inputs["point"], dtype=float), 1e-6
    value = np.array([(f(p + h * e) - f(p)) / h for e in np.eye(p.size)])
    exact = _exact_gradient(None, inputs)
    rtol, atol = FIXED_TOLERANCE if inputs["_hidden"].kind in FIXED_CASES else (1e-5, 1e-6)
    return None if np.allclose(value, exact, rtol=rtol, atol=atol) else value


FIXED_CASES = ("zero_partial",)  # deterministic cases, with the tighter FIXED_TOLERANCE
FIXED_TOLERANCE = (1e-6, 1e-8)


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
            equals=lambda expected, inputs: (np.full(expected.shape, np.sum(expected))
                                             if expected.size > 1 else None),
            tolerance=(1e-4, 1e-6)),
    Mistake("forward_difference",
            "You used a forward difference (f(p + h·eᵢ) − f(p)) / h: its error is about "
            "h·∂²f/∂xᵢ²/2, which shows where a partial derivative is 0 (∂f/∂x at x = 0 here). "
            "Use the central difference (f(p + h·eᵢ) − f(p − h·eᵢ)) / (2h), error of order h².",
            equals=_forward_difference, tolerance=(1e-6, 1e-9)),
)

# -- steepest_ascent_direction ---------------------------------------------------------------


def _ascent_inputs(kind: str):
    def inputs(rng):
        h = hidden.multivariate(rng, 2, kind)
        n = int(rng.choice([36, 90, 360]))
        grad = h.gradient()
        for _ in range(100):  # a point where ∇f is not small (its direction is clear)
            point = h.sample(rng, (2,))
            if float(np.linalg.norm(grad(point))) > 0.5:
                break
        return {"f": h.numpy(), "point": point, "n_directions": n, "_hidden": h}
    return inputs


def _fixed_ascent_inputs(point, n: int, shifted: bool = False):
    """The bowl x² + y² (∇f = 2p; ``shifted``: (x − 1)² + (y − 1)², whose ∇f(0) ≠ 0) at a
    fixed point with n directions: the gradient is away from the diagonal (a (sin t,
    cos t) slip shows), few directions (an odd number: −u is no candidate) make another
    grid of candidates (np.linspace(0, 2π, n), a fixed 360, degrees) visibly wrong, and
    a gradient at 315° with n = 8 needs the last candidate, k = 7."""
    def inputs(rng):
        x, y = sympy.symbols("x0 x1")
        f = (x - 1)**2 + (y - 1)**2 if shifted else x**2 + y**2  # shifted: ∇f(0) ≠ 0
        h = hidden.from_formula(f, (x, y), (-3.0, 3.0), "bowl")
        return {"f": h.numpy(), "point": np.array(point, dtype=float), "n_directions": n,
                "_hidden": h}
    return inputs


def _candidates(n: int):
    t = 2 * np.pi * np.arange(n) / n
    return np.stack([np.cos(t), np.sin(t)], axis=1)


def _candidate_gap(u, n: int) -> float:
    """How far u is from the nearest of the n candidate directions."""
    return float(np.min(np.linalg.norm(_candidates(n) - u, axis=1)))


def _angle(u, v) -> float:
    c = float(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)))
    return float(np.arccos(np.clip(c, -1.0, 1.0)))


TIE = 1e-5  # candidates whose ∇f·u is within TIE·|∇f| of the best one count as tied


def _ascent_judge(got, expected, inputs, rng) -> Verdict:
    """A unit vector, one of the n candidates, and the best of them: ∇f·u at most
    TIE·|∇f| below the best candidate's (finite-difference noise can only swap near ties)."""
    u = to_array(got)
    if u.shape != (2,):
        raise WrongType(f"expected a direction of shape (2,), got shape {u.shape}")
    if not np.all(np.isfinite(u)):
        raise WrongType(f"your direction is not a pair of finite numbers: {fmt(u)}")
    norm = float(np.linalg.norm(u))
    n = inputs["n_directions"]
    g = np.asarray(expected, dtype=float)
    scores = _candidates(n) @ g
    best = int(np.argmax(scores))
    detail = {"expected_direction": [float(v) for v in _candidates(n)[best]],
              "got": [float(v) for v in u], "tolerance": {"tie": TIE}}
    if abs(norm - 1.0) > 1e-6:
        return Verdict(False, f"a direction must be a unit vector; yours has length {norm:.6g}", detail)
    angle = _angle(u, g)
    detail["angle"] = angle
    if _candidate_gap(u, n) > 1e-9:
        return Verdict(False, f"your vector is not one of the {n} candidate directions "
                       f"(cos 2πk/{n}, sin 2πk/{n}), k = 0 … {n - 1}: the search must return "
                       "the best candidate itself", detail)
    if float(u @ g) < float(scores[best]) - TIE * float(np.linalg.norm(g)):
        k = int(np.argmin(np.linalg.norm(_candidates(n) - u, axis=1)))
        return Verdict(False, f"your direction (k = {k}) is {np.degrees(angle):.1f}° away from "
                       f"the gradient, but candidate k = {best}, "
                       f"{np.degrees(_angle(_candidates(n)[best], g)):.1f}° away, makes f grow "
                       f"faster: with {n} directions the best one is within "
                       f"{180 / n:.2f}° of the gradient", detail)
    return Verdict(True, detail=detail)


def _descent(got, expected, inputs) -> bool:
    u = to_array(got)
    return u.shape == (2,) and _angle(u, expected) > np.pi - 2 * np.pi / inputs["n_directions"] - 1e-9


def _normalised_gradient(got, expected, inputs) -> bool:
    u = to_array(got)
    return (u.shape == (2,) and _candidate_gap(u, inputs["n_directions"]) > 1e-9
            and _angle(u, expected) < 1e-4 and abs(float(np.linalg.norm(u)) - 1) <= 1e-6)


def _not_candidate(got, expected, inputs) -> bool:
    """A unit vector near ∇f's direction that is not one of the n candidates (another
    grid of angles: np.linspace(0, 2π, n) includes 2π, a fixed 360, degrees …)."""
    u = to_array(got)
    return (u.shape == (2,) and abs(float(np.linalg.norm(u)) - 1) <= 1e-6
            and _candidate_gap(u, inputs["n_directions"]) > 1e-9)


def _unit_gradient(expected, inputs):
    """∇f/|∇f|; None where it is a candidate itself (then it is the right answer)."""
    u = expected / np.linalg.norm(expected)
    return None if _candidate_gap(u, inputs["n_directions"]) <= 1e-9 else u


def _off_grid_direction(expected, inputs):
    """A unit vector a quarter step from ∇f's direction: near it, but no candidate."""
    t = float(np.arctan2(expected[1], expected[0])) + np.pi / (2 * inputs["n_directions"])
    u = np.array([np.cos(t), np.sin(t)])
    return None if _candidate_gap(u, inputs["n_directions"]) <= 1e-9 else u


def _not_unit(got, expected, inputs) -> bool:
    u = to_array(got)
    return (u.shape == (2,) and abs(float(np.linalg.norm(u)) - 1) > 1e-6
            and _angle(u, expected) <= 2 * np.pi / inputs["n_directions"] + 1e-9)


def _default_directions_call(solution, inputs):
    """The contract's default n_directions (360): called without it."""
    return solution.steepest_ascent_direction(inputs["f"], inputs["point"])


ASCENT_MISTAKES = (
    Mistake("normalised_gradient",
            "You returned the gradient's own direction, ∇f/|∇f|: the exercise is to find the "
            "steepest direction by searching the n candidate directions (cos 2πk/n, "
            "sin 2πk/n) and returning the best of them.",
            match=_normalised_gradient,
            sample=lambda expected, inputs: _unit_gradient(expected, inputs)),
    Mistake("not_a_candidate",
            "Your unit vector is not one of the n candidates (cos 2πk/n, sin 2πk/n) for "
            "k = 0 … n − 1: use t = 2π·np.arange(n)/n (np.linspace(0, 2π, n) also includes "
            "2π and spaces the angles 2π/(n − 1) apart), and the n_directions you are given.",
            match=_not_candidate, sample=_off_grid_direction),
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
        VariantCheck(variants=VARIANTS, wording=bowl.wording_expr,
                     function="gradient_expr", points=2,
                     title="∇(x² + y²) as a pair of SymPy expressions",
                     answer=GRADIENT_ANSWER, inputs=_variant_inputs, expect=_variant_gradient,
                     mistakes=GRADIENT_MISTAKES,
                     hint="Differentiate with respect to x holding y fixed, then the other way "
                          "round."),
        VariantCheck(variants=VARIANTS, wording=bowl.wording_at_1_1,
                     function="gradient_at_1_1", points=1, title="∇f at (1, 1)",
                     answer=Close(rtol=1e-9, atol=1e-12, what="components"),
                     inputs=_variant_inputs, expect=_variant_gradient_at_1_1,
                     mistakes=GRADIENT_VALUE_MISTAKES,
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
        Check(function="numerical_gradient", case="zero_partial", points=1,
              title="central differences for x² + y³ at (0, 3), where ∂f/∂x = 0",
              inputs=_fixed_inputs([0.0, 3.0], "zero_partial"), expect=_exact_gradient,
              answer=Close(*FIXED_TOLERANCE, what="partial derivatives"),
              mistakes=NUMERICAL_MISTAKES,
              hint="Central differences (f(p + h·eᵢ) − f(p − h·eᵢ)) / (2h) with the step h "
                   "itself (a step h·|pᵢ| is 0 where pᵢ = 0)."),
        *[Check(function="steepest_ascent_direction", case=kind, points=1,
                title=f"steepest ascent direction of a hidden {kind} function",
                inputs=_ascent_inputs(kind), expect=_exact_gradient,
                answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
                hint="Compare the change of f along each of the n unit vectors "
                     "(cos 2πk/n, sin 2πk/n) and return the best one.")
          for kind in ("quadratic", "mixed")],
        Check(function="steepest_ascent_direction", case="few_directions", points=1,
              title="steepest ascent of x² + y² at (3, 1) among 7 directions",
              inputs=_fixed_ascent_inputs([3.0, 1.0], 7), expect=_exact_gradient,
              answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
              hint="Use the n_directions you are given: here 7 candidates, 360°/7 apart."),
        Check(function="steepest_ascent_direction", case="last_direction", points=1,
              title="steepest ascent of (x − 1)² + (y − 1)² at (2, 0) among 8 directions: "
                    "the last candidate, k = 7",
              inputs=_fixed_ascent_inputs([2.0, 0.0], 8, shifted=True), expect=_exact_gradient,
              answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
              hint="Try every k = 0 … n − 1: here the best is the last, at 315°."),
        Check(function="steepest_ascent_direction", case="default_directions", points=1,
              title="steepest ascent of x² + y² at (1, 2) with n_directions left at its "
                    "default (360)",
              inputs=_fixed_ascent_inputs([1.0, 2.0], 360), call=_default_directions_call,
              expect=_exact_gradient, answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
              hint="steepest_ascent_direction(f, point) searches 360 directions: the "
                   "signature's default is n_directions=360."),
        Check(function="steepest_ascent_direction", case="off_diagonal", points=1,
              title="steepest ascent of x² + y² at (1, 2) among 360 directions",
              inputs=_fixed_ascent_inputs([1.0, 2.0], 360), expect=_exact_gradient,
              answer=Custom(_ascent_judge), mistakes=ASCENT_MISTAKES,
              hint="The candidate for angle t is (cos t, sin t): x first."),
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
