"""03_gradient's family of worked examples: f(x, y) = a·x² + b·y², gradient at (1, 1).

a and b are distinct integers in {1, …, 5} (20 variants); the lesson's x² + y² is (1, 1),
which is not one of them. Every member is a bowl of two squares whose partial derivatives
are one power rule each, (2a·x, 2b·y), and (2a, 2b) at (1, 1), the point the function's
name fixes: as hard as the lesson's. The coefficients differ so that the order of the
components shows in the value at (1, 1) too (the README: first ∂f/∂x, then ∂f/∂y),
which the lesson's (2, 2) cannot show.

Everything a check needs is computed from the parameters alone (no reference): the
expected gradient and its value, each catalogued slip on the student's own f, the words.
"""
from __future__ import annotations

from typing import Any

from grader.course.variants import VariantSpec
from grader.judge.variant_wording import polynomial_text

LESSON = {"a": 1, "b": 1}
COEFFICIENTS = (1, 2, 3, 4, 5)


def _draw(rng: Any) -> dict[str, int]:
    a, b = (int(v) for v in rng.choice(COEFFICIENTS, size=2, replace=False))
    return {"a": a, "b": b}


def _valid(p: dict[str, Any]) -> str | None:
    if set(p) != {"a", "b"} or p["a"] not in COEFFICIENTS or p["b"] not in COEFFICIENTS:
        return f"not f = a·x² + b·y² with a, b in {{1, …, 5}}: {p}"
    if p["a"] == p["b"]:
        return "a = b: the order of the gradient's components would not show at (1, 1)"
    return None


def f_text(p: dict[str, Any]) -> str:
    """f in the course's notation: ``x² + y²`` for the lesson's."""
    return polynomial_text([(p["a"], "x²"), (p["b"], "y²")])


def _statement(p: dict[str, Any]) -> str:
    return (f"Your worked example is **f(x, y) = {f_text(p)}** (instead of the README's "
            "x² + y²). Wherever the README asks about the lesson's f, answer for yours: "
            "`gradient_expr()` returns (∂f/∂x, ∂f/∂y) of your f, and `gradient_at_1_1()` "
            "its value at the same point (1, 1). `numerical_gradient`, "
            "`steepest_ascent_direction` and `jax_gradient` are called with the functions "
            "the checks pass them, as in the README. (Check yourself: your two "
            "coefficients differ, so the two components at (1, 1) differ too; ∂f/∂x comes "
            "first.)")


def family(slug: str) -> VariantSpec:
    return VariantSpec(slug=slug, default=dict(LESSON), draw=_draw, statement=_statement,
                       valid=_valid)


def gradient(p: dict[str, Any]) -> tuple[Any, Any]:
    """The expected (∂f/∂x, ∂f/∂y) = (2a·x, 2b·y) (SymPy)."""
    import sympy

    x, y = sympy.symbols("x y")
    return (2 * p["a"] * x, 2 * p["b"] * y)


def gradient_at_1_1(p: dict[str, Any]) -> tuple[float, float]:
    """The expected value at (1, 1): (2a, 2b)."""
    return (float(2 * p["a"]), float(2 * p["b"]))


def swapped(p: dict[str, Any]) -> tuple[Any, Any]:
    """(∂f/∂y, ∂f/∂x): the components in the wrong order."""
    dx, dy = gradient(p)
    return (dy, dx)


def facts(p: dict[str, Any]) -> dict[str, str]:
    """The ``{name}`` fields of the mistake messages, for the student's own f."""
    return {"f": f_text(p)}


def wording_expr(p: dict[str, Any]) -> dict[str, str]:
    return {"title": f"∇({f_text(p)}) as a pair of SymPy expressions"}


def wording_at_1_1(p: dict[str, Any]) -> dict[str, str]:
    return {"title": f"∇f at (1, 1) of your f = {f_text(p)}"}
