"""Checks for 04_jacobian: Jacobians of vector-valued functions, by hand and with JAX."""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Mistake
from grader.judge import variant_jacobian as pair
from grader.judge.answers import Close, ExprArray
from grader.judge.checklib import matches_exact
from grader.judge.variant_wording import VariantCheck

NAMES = ("x", "y", "p", "q", "r", "s", "t", "u")
DOMAIN = {"*": (-1.5, 1.5)}

# -- example_jacobian ------------------------------------------------------------------------
# Per-student variants (grader.course.variants): the worked example is F = (p·xy, q·xᵐyⁿ)
# with a square on x or on y, the lesson's (2xy, x²y) unless a variant is being graded; the
# expected answer, the mistakes and the words are computed from the parameters being graded
# (grader.judge.variant_jacobian), never by the reference. sigmoid_jacobian is the lesson's.

VARIANTS = pair.family("04_jacobian")
EXAMPLE_ANSWER = ExprArray(shape=(2, 2), symbols=("x", "y"), kind="matrix")


def _variant_inputs(rng):
    return {"_params": VARIANTS.params()}


def _variant_jacobian(ref, inputs):
    return pair.jacobian(inputs["_params"])


def _pair_facts(expected, inputs) -> dict:
    return pair.facts(inputs["_params"])


def _is_matrix(target):
    """Matcher: the answer is the matrix ``target(params)``, judged as the check judges."""
    def match(got, expected, inputs) -> bool:
        value = target(inputs["_params"])
        return value is not None and EXAMPLE_ANSWER.same(got, value, inputs,
                                                         np.random.default_rng(1))
    return match


def _matrix_text(target):
    def sample(expected, inputs):
        value = target(inputs["_params"])
        return None if value is None else [[str(e) for e in row] for row in value.tolist()]
    return sample


def _lesson_jacobian(params):
    """The README's [[2y, 2x], [2xy, x²]], where it is not the answer (a variant is graded)."""
    return None if params == pair.LESSON else pair.jacobian(pair.LESSON)


EXAMPLE_MISTAKES = (
    Mistake("example_transposed",
            "Your matrix is transposed: in a Jacobian each row belongs to one output and each "
            "column to one input, so row 1 holds ∂/∂x and ∂/∂y of {F1}, row 2 those of {F2}.",
            facts=_pair_facts, match=_is_matrix(pair.transposed),
            sample=_matrix_text(pair.transposed)),
    Mistake("lesson_jacobian",
            "That is the Jacobian of the README's (2xy, x²y), not of your own {F}: your "
            "variant has its own numbers (VARIANT.md, or `calcgrade variant`).",
            facts=_pair_facts, match=_is_matrix(_lesson_jacobian),
            sample=_matrix_text(_lesson_jacobian)),
)


def _layer():
    x, y, p, q, r, s, t, u = sympy.symbols(NAMES)
    W = sympy.Matrix([[p, q], [r, s], [t, u]])
    return W, W * sympy.Matrix([x, y])


def _sigma(z):
    return 1 / (1 + sympy.exp(-z))


def _matches(shape: tuple[int, int], build) -> callable:
    """Mistake matcher: the answer equals the matrix ``build()`` (of ``shape``)."""

    def match(got, expected, inputs) -> bool:
        answer = ExprArray(shape=shape, symbols=NAMES, domain=DOMAIN, kind="matrix")
        return answer.compare(got, build(), inputs, np.random.default_rng(1)).passed

    return match


def _transposed():
    W, z = _layer()
    return sympy.Matrix(3, 2, lambda i, j: _sigma(z[i]) * (1 - _sigma(z[i])) * W[i, j]).T


def _no_inner():
    W, z = _layer()
    return sympy.Matrix(3, 2, lambda i, j: _sigma(z[i]) * (1 - _sigma(z[i])))


def _one_plus():
    W, z = _layer()
    return sympy.Matrix(3, 2, lambda i, j: _sigma(z[i]) * (1 + _sigma(z[i])) * W[i, j])


SIGMOID_MISTAKES = (
    Mistake("transposed",
            "Your matrix is transposed (2 × 3): in a Jacobian each row belongs to one output "
            "and each column to one input, so three outputs of (x, y) give a 3 × 2 matrix.",
            match=_matches((2, 3), _transposed)),
    Mistake("missing_inner_factor",
            "The chain rule needs the derivative of the inside too: d/dx σ(px + qy) = "
            "σ′(px + qy)·p. Multiply each entry by its weight (p, q, r, s, t or u).",
            match=_matches((3, 2), _no_inner)),
    Mistake("sigma_one_plus_sigma",
            "The sigmoid's derivative is σ(z)(1 − σ(z)), with a minus: 1 − σ(z) = "
            "e^(−z)/(1 + e^(−z)). You wrote σ(z)(1 + σ(z)).",
            match=_matches((3, 2), _one_plus)),
)

# -- jax_jacobian --------------------------------------------------------------------------


# f differentiates by a rule of its own (hidden.Rule: JAX gets scale·J + shift as the
# Jacobian): jacfwd/jacrev return the rule's values, finite differences or the formula's
# Jacobian return J itself, which is how "not autodiff" is told apart.


def _jax_inputs(n: int, m: int):
    def inputs(rng):
        h = hidden.vector(rng, n, m)
        point = h.sample(rng)
        rule = hidden.autodiff_rule(rng, h.numpy(), point, (m, n))
        return {"f": h.jax(rule), "point": point, "_hidden": h, "_rule": rule}
    return inputs


def _jax_call(solution, inputs):
    jac = solution.jax_jacobian(inputs["f"])
    return jac(inputs["point"])


def _exact_jacobian(inputs):
    return inputs["_hidden"].jacobian()(inputs["point"])


def _jax_expected(ref, inputs):
    """What JAX computes for f at the point: its rule's values (not the true Jacobian)."""
    return inputs["_rule"].apply(_exact_jacobian(inputs))


JAX_TRANSPOSED = Mistake(
    "jacobian_transposed",
    "Your Jacobian is transposed: it must have one row per output and one column per "
    "input, shape (m, n).",
    equals=lambda expected, inputs: expected.T if expected.shape[0] != expected.shape[1] else None,
    tolerance=(1e-7, 1e-10))

NOT_AUTODIFF = Mistake(
    "not_autodiff",
    "Your Jacobian never let JAX trace f, so it is not automatic differentiation (finite "
    "differences?). Build it with jax.jacfwd(f) or jax.jacrev(f).",
    match=matches_exact(lambda got: got, _exact_jacobian))


EXERCISE = Exercise(
    slug="04_jacobian",
    title="Jacobians of vector-valued functions",
    checks=[
        VariantCheck(variants=VARIANTS, wording=pair.wording,
                     function="example_jacobian", points=2,
                     title="the Jacobian of (2xy, x²y)",
                     answer=EXAMPLE_ANSWER, inputs=_variant_inputs, expect=_variant_jacobian,
                     mistakes=EXAMPLE_MISTAKES,
                     hint="Row i holds the partial derivatives of output i: [[∂f₁/∂x, ∂f₁/∂y], "
                          "[∂f₂/∂x, ∂f₂/∂y]]."),
        Check(function="sigmoid_jacobian", points=3,
              title="the 3 × 2 Jacobian of a sigmoid layer",
              answer=ExprArray(shape=(3, 2), symbols=NAMES, domain=DOMAIN, kind="matrix"),
              mistakes=SIGMOID_MISTAKES,
              hint="Entry (i, j) is σ′(zᵢ)·∂zᵢ/∂xⱼ with σ′ = σ(1 − σ)."),
        *[Check(function="jax_jacobian", case=f"{n}_to_{m}", points=1,
                title=f"JAX Jacobian of a hidden f: R^{n} → R^{m}",
                inputs=_jax_inputs(n, m), call=_jax_call, expect=_jax_expected,
                answer=Close(rtol=1e-9, atol=1e-12, what="Jacobian entries",
                             wrong_shape=f"for f: R^{n} → R^{m} the Jacobian has shape ({m}, {n}) "
                                         "— one row per output — got {got}"
                                         + ("; keep an axis of length 1 (no squeeze)"
                                            if 1 in (n, m) else "")),
                mistakes=(JAX_TRANSPOSED, NOT_AUTODIFF),
                hint="Return jax.jacfwd(f) (or jax.jacrev(f)).")
          for n, m in ((2, 3), (3, 2), (4, 2), (1, 3), (3, 1))],
    ],
)
