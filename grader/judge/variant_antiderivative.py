"""02_antiderivative's family of worked examples: f(x) = 3a·x² + 2b·x.

Its antiderivatives are a·x³ + b·x² + C: the cubic family of 01 (grader.judge.
variant_families) without its constant, which no antiderivative can tell apart. The
integers are 01's: a ∈ {1, 2, 3}, b ∈ ±{1, …, 5}; the lesson's f = 3x² − 4x is (1, −2).
Every member has two terms with integer coefficients whose antiderivative has integer
coefficients again (raise the power, divide by it: 3a/3 = a, 2b/2 = b): as hard as the
lesson's. Refused: the lesson's own numbers (the README would give the answer away) and
(1, 2), f = 3x² + 4x, whose sign slip x³ − 2x² is the README's answer (two catalogued
mistakes would be one answer). 28 variants.

Everything a check needs is computed from the parameters alone (no reference): the
expected antiderivative, each catalogued slip on the student's own f, and the words.
"""
from __future__ import annotations

from typing import Any

from grader.course.variants import VariantSpec
from grader.judge.variant_wording import polynomial_text, term_text

LESSON = {"a": 1, "b": -2}
_AMBIGUOUS = {"a": 1, "b": 2}  # its sign slip is the lesson's answer


def _draw(rng: Any) -> dict[str, int]:
    b = int(rng.integers(1, 6)) * (1 if rng.random() < 0.5 else -1)
    return {"a": int(rng.integers(1, 4)), "b": b}


def _valid(p: dict[str, Any]) -> str | None:
    if set(p) != {"a", "b"} or not (p["a"] in (1, 2, 3) and p["b"] != 0 and abs(p["b"]) <= 5):
        return f"not f = 3a·x² + 2b·x with a ∈ {{1, 2, 3}}, b ∈ ±{{1, …, 5}}: {p}"
    if p == LESSON:
        return "the lesson's own f: the README's worked example gives its answer away"
    if p == _AMBIGUOUS:
        return "its sign slip x³ − 2x² is the README's answer: the feedback would be ambiguous"
    return None


def f_text(p: dict[str, Any]) -> str:
    """f in the course's notation: ``3x² − 4x`` for the lesson's."""
    return polynomial_text([(3 * p["a"], "x²"), (2 * p["b"], "x")])


def _statement(p: dict[str, Any]) -> str:
    return (f"Your worked example is **f(x) = {f_text(p)}** (instead of the README's "
            "3x² − 4x). Wherever the README asks about the lesson's f, answer for yours: "
            "`antiderivative()` returns an antiderivative of your f (any constant). "
            "`riemann_sum` and `area_function` are called with the functions the checks "
            "pass them, as in the README (their worked-example checks keep 3x² − 4x). "
            "(Check yourself: the derivative of your antiderivative is your f.)")


def family(slug: str) -> VariantSpec:
    return VariantSpec(slug=slug, default=dict(LESSON), draw=_draw, statement=_statement,
                       valid=_valid)


def _x() -> Any:
    import sympy

    return sympy.Symbol("x")


def integrand(p: dict[str, Any]) -> Any:
    """f itself (SymPy)."""
    x = _x()
    return 3 * p["a"] * x**2 + 2 * p["b"] * x


def antiderivative(p: dict[str, Any]) -> Any:
    """The expected answer, constant 0: a·x³ + b·x²."""
    x = _x()
    return p["a"] * x**3 + p["b"] * x**2


def differentiated(p: dict[str, Any]) -> Any:
    """f′ instead of an antiderivative: 6a·x + 2b."""
    return 6 * p["a"] * _x() + 2 * p["b"]


def undivided(p: dict[str, Any]) -> Any:
    """Powers raised but not divided by: 3a·x³ + 2b·x²."""
    x = _x()
    return 3 * p["a"] * x**3 + 2 * p["b"] * x**2


def sign_slip(p: dict[str, Any]) -> Any:
    """The second term's sign flipped: a·x³ − b·x²."""
    x = _x()
    return p["a"] * x**3 - p["b"] * x**2


def facts(p: dict[str, Any]) -> dict[str, str]:
    """The ``{name}`` fields of the mistake messages, for the student's own f."""
    a, b = p["a"], p["b"]
    return {"f": f_text(p), "f_prime": polynomial_text([(6 * a, "x"), (2 * b, "")]),
            "square": term_text(3 * a, "x²"), "square_up": term_text(a, "x³"),
            "linear": term_text(2 * b, "x"), "linear_up": term_text(b, "x²"),
            "answer": polynomial_text([(a, "x³"), (b, "x²")])}


def wording(p: dict[str, Any]) -> dict[str, str]:
    """The antiderivative check's title and hint for the student's own f."""
    return {"title": f"an antiderivative of your f(x) = {f_text(p)} (any constant)",
            "hint": f"Check it: the derivative of your answer must be your f(x) = {f_text(p)}."}
