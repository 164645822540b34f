"""04_jacobian's family of worked examples: F(x, y) = (p·xy, q·xᵐyⁿ), (m, n) = (2, 1) or (1, 2).

p ∈ {2, …, 5}, q ∈ {1, …, 4}, and the square on x or on y: 32 members, 31 variants
(the lesson's (2xy, x²y) is p = 2, q = 1, x² and is refused, as the README gives its
answer). Every member has one output linear in both inputs and one with a square, so
its Jacobian needs the same steps as the lesson's: the power rule on each entry, the other
input held constant, a coefficient carried, rows for outputs, columns for inputs. Which
input carries the square changes the pattern of the matrix, so the lesson's answer with
other numbers is not an answer.

``sigmoid_jacobian`` keeps the lesson's: its answer is already a formula in the symbols
p … u, the same for everyone; numbers for the weights would make it easier, and another
activation (tanh) another lesson.

Everything a check needs is computed from the parameters alone (no reference).
"""
from __future__ import annotations

from typing import Any

from grader.course.variants import VariantSpec
from grader.judge.variant_wording import monomial, polynomial_text

LESSON = {"p": 2, "q": 1, "m": 2, "n": 1}
POWERS = ((2, 1), (1, 2))


def _draw(rng: Any) -> dict[str, int]:
    m, n = POWERS[int(rng.integers(0, 2))]
    return {"p": int(rng.integers(2, 6)), "q": int(rng.integers(1, 5)), "m": m, "n": n}


def _valid(p: dict[str, Any]) -> str | None:
    if set(p) != set(LESSON) or p["p"] not in range(2, 6) or p["q"] not in range(1, 5) \
            or (p["m"], p["n"]) not in POWERS:
        return f"not F = (p·xy, q·xᵐyⁿ) with p ∈ {{2, …, 5}}, q ∈ {{1, …, 4}}, a square on x or y: {p}"
    if p == LESSON:
        return "the lesson's own F: the README's worked example gives its answer away"
    return None


def outputs_text(p: dict[str, Any]) -> str:
    """F in the course's notation: ``(2xy, x²y)`` for the lesson's."""
    return (f"({polynomial_text([(p['p'], monomial(1, 1))])}, "
            f"{polynomial_text([(p['q'], monomial(p['m'], p['n']))])})")


def _statement(p: dict[str, Any]) -> str:
    return (f"Your worked example is **F(x, y) = {outputs_text(p)}** (instead of the "
            "README's (2xy, x²y)). Wherever the README asks about the lesson's F, answer "
            "for yours: `example_jacobian()` returns the 2 × 2 Jacobian of your F with "
            "respect to (x, y), one row per output. `sigmoid_jacobian` is the README's (it "
            "is a formula in the weights p … u already), and `jax_jacobian` is called with "
            "the functions the checks pass it. (Check yourself: row 1 holds ∂F₁/∂x and "
            "∂F₁/∂y.)")


def family(slug: str) -> VariantSpec:
    return VariantSpec(slug=slug, default=dict(LESSON), draw=_draw, statement=_statement,
                       valid=_valid)


def outputs(p: dict[str, Any]) -> tuple[Any, Any]:
    """(F₁, F₂) (SymPy)."""
    import sympy

    x, y = sympy.symbols("x y")
    return (p["p"] * x * y, p["q"] * x ** p["m"] * y ** p["n"])


def jacobian(p: dict[str, Any]) -> Any:
    """The expected 2 × 2 Jacobian, row i = (∂Fᵢ/∂x, ∂Fᵢ/∂y) (a SymPy Matrix)."""
    import sympy

    x, y = sympy.symbols("x y")
    return sympy.Matrix([[sympy.diff(F, v) for v in (x, y)] for F in outputs(p)])


def transposed(p: dict[str, Any]) -> Any:
    """Rows for inputs, columns for outputs."""
    return jacobian(p).T


def facts(p: dict[str, Any]) -> dict[str, str]:
    """The ``{name}`` fields of the mistake messages, for the student's own F."""
    first, second = outputs_text(p)[1:-1].split(", ")
    return {"F": outputs_text(p), "F1": first, "F2": second}


def wording(p: dict[str, Any]) -> dict[str, str]:
    return {"title": f"the Jacobian of your {outputs_text(p)}"}
