"""A variant's numbers in the course's notation, and checks whose wording follows them.

``polynomial_text([(3, "x²"), (-4, "x")])`` is ``3x² − 4x`` (a coefficient of 1 left out,
the minus sign U+2212), ``monomial(2, 1)`` is ``x²y``: what titles, hints, statements and
mistake messages print, so the lesson's numbers come out exactly as the lesson's text.

:class:`VariantCheck` is a :class:`~grader.course.spec.Check` whose ``title`` and
``hint`` name the student's own worked example while a variant is active
(``wording(params) -> {"title": …, "hint": …}``), and are the lesson's text otherwise:
the self-test, the golden reports and every student without a variant see no change.
"""
from __future__ import annotations

from typing import Any, Callable

from grader.course.spec import Check
from grader.course.variants import VariantSpec

MINUS = "−"
_SUPERSCRIPT = {0: "", 1: "", 2: "²", 3: "³", 4: "⁴", 5: "⁵"}


def monomial(x_power: int, y_power: int = 0) -> str:
    """``x``, ``x²y``, ``xy²`` … (empty for a constant)."""
    return "".join(f"{name}{_SUPERSCRIPT[p]}" for name, p in (("x", x_power), ("y", y_power)) if p)


def polynomial_text(terms: list[tuple[int, str]]) -> str:
    """Terms (coefficient, monomial) in the course's notation; zero terms left out."""
    out = ""
    for coefficient, body in terms:
        if coefficient == 0:
            continue
        size = abs(coefficient)
        text = ("" if size == 1 and body else str(size)) + body
        if not out:
            out = (MINUS if coefficient < 0 else "") + text
        else:
            out += (f" {MINUS} " if coefficient < 0 else " + ") + text
    return out or "0"


def term_text(coefficient: int, body: str) -> str:
    """One term with its sign: ``−4x``, ``x³``."""
    return polynomial_text([(coefficient, body)])


def _worded(name: str) -> property:
    def get(self: VariantCheck) -> str:
        lesson = self.__dict__[f"_lesson_{name}"]
        if self.variants.active_code is None:
            return lesson
        try:
            return str(self.wording(self.variants.params()).get(name, lesson))
        except Exception:  # noqa: BLE001 - a wording slip must never break judging
            return lesson

    def set_(self: VariantCheck, value: str) -> None:
        self.__dict__[f"_lesson_{name}"] = value

    return property(get, set_, doc=f"The check's {name}: the active variant's, else the lesson's.")


class VariantCheck(Check):
    """A check of a worked-example function whose title and hint follow the variant.

    ``variants``: the exercise's declaration; ``wording(params)``: the variant's title
    and hint (either may be left out: the lesson's is kept). Everything else is a
    :class:`Check`'s, passed by keyword.
    """

    title = _worded("title")
    hint = _worded("hint")

    def __init__(self, *, variants: VariantSpec,
                 wording: Callable[[dict[str, Any]], dict[str, str]], **fields: Any) -> None:
        self.variants = variants
        self.wording = wording
        super().__init__(**fields)
