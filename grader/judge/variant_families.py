"""Families of worked examples that exercises draw per-student variants from.

``cubic(slug)``: f(x) = a·x³ + b·x² + c with integers a ∈ {1, 2, 3}, b ∈ ±{1, …, 5},
c ∈ {1, …, 9}; the lesson's is (1, −2, 1). Every member has three terms, a rational
derivative with two terms and critical points 0 and −2b/(3a): as hard as the lesson's.
The helpers give what a check needs: the polynomial, its derivative, and matchers for the
slips a student makes on *their own* polynomial (judged symbolically, never by eval).
"""
from __future__ import annotations

from typing import Any, Callable

from grader.course.variants import VariantSpec

LESSON = {"a": 1, "b": -2, "c": 1}


def _draw(rng: Any) -> dict[str, int]:
    b = int(rng.integers(1, 6)) * (1 if rng.random() < 0.5 else -1)
    return {"a": int(rng.integers(1, 4)), "b": b, "c": int(rng.integers(1, 10))}


def _valid(p: dict[str, Any]) -> str | None:
    ok = p["a"] in (1, 2, 3) and p["b"] != 0 and abs(p["b"]) <= 5 and 1 <= p["c"] <= 9
    return None if ok else f"not a three-term cubic with small coefficients: {p}"


def poly_text(p: dict[str, Any]) -> str:
    """f in the course's notation, e.g. ``2x³ − 5x² + 3``."""
    a = "" if p["a"] == 1 else str(p["a"])
    b = "" if abs(p["b"]) == 1 else str(abs(p["b"]))
    return f"{a}x³ {'−' if p['b'] < 0 else '+'} {b}x² + {p['c']}"


def _statement(p: dict[str, Any]) -> str:
    d = {"a3": 3 * p["a"], "b2": 2 * p["b"]}
    return (f"Your worked example is **f(x) = {poly_text(p)}** (instead of the README's "
            "x³ − 2x² + 1). Wherever the README uses the lesson's f, use yours: "
            "`symbolic_derivative()` returns your f′(x), and the worked-example checks of "
            f"`rate_of_change` differentiate your f. (Check yourself: f′ has the terms "
            f"{d['a3']}x² and {d['b2']}x.)")


def cubic(slug: str) -> VariantSpec:
    return VariantSpec(slug=slug, default=dict(LESSON), draw=_draw, statement=_statement,
                       valid=_valid)


def polynomial(p: dict[str, Any]) -> Any:
    import sympy

    x = sympy.Symbol("x")
    return p["a"] * x**3 + p["b"] * x**2 + p["c"]


def derivative(p: dict[str, Any]) -> Any:
    import sympy

    return sympy.diff(polynomial(p), sympy.Symbol("x"))


def dropped_x(p: dict[str, Any]) -> Any:
    """The derivative with the x of the square's term forgotten: 3a·x² + 2b."""
    import sympy

    return 3 * p["a"] * sympy.Symbol("x") ** 2 + 2 * p["b"]


def antiderivative(p: dict[str, Any]) -> Any:
    import sympy

    return sympy.integrate(polynomial(p), sympy.Symbol("x"))


def up_to_constant(target: Callable[[dict], Any], key: str = "_params"
                   ) -> Callable[[Any, Any, dict], bool]:
    """Mistake matcher: the answer equals ``target(inputs[key])`` plus a constant."""
    def match(got: Any, expected: Any, inputs: dict) -> bool:
        import numpy as np

        from grader.judge.answers import to_expr
        from grader.judge.symbolic import equivalent

        g = to_expr(got, ("x",), allow_other_symbols=True)
        return equivalent(g, target(inputs[key]), {"*": (-2.0, 2.0)},
                          np.random.default_rng(0), up_to_constant="x").equal
    return match


def sample(target: Callable[[dict], Any], key: str = "_params") -> Callable[[Any, dict], str]:
    """The mistake's answer as text (what a student's function could return)."""
    return lambda expected, inputs: str(target(inputs[key]))
