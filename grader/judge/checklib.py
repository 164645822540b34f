"""Building blocks that several exercises' checks share (no exercise logic here)."""
from __future__ import annotations

from typing import Any, Callable

from grader.course.lazy import np


def matches_exact(values: Callable[[Any], Any], exact: Callable[[dict], Any],
                  rtol: float = 1e-3, atol: float = 1e-6) -> Callable[[Any, Any, dict], bool]:
    """Mistake matcher for autodiff checks: the answer is the *true* derivative.

    An autodiff check's hidden function differentiates by a rule of its own
    (:class:`grader.course.hidden.Rule`), so a program that differentiates it with JAX
    returns the rule's values (the expected answer), and one that does not (finite
    differences, the formula differentiated by hand or by SymPy) returns the true
    derivative ``exact(inputs)``, computed here on the trusted side. ``values(got)``
    picks the array out of the decoded answer. The tolerance is loose (a forward
    difference is still not autodiff): the rule's values are far from the true ones
    (:func:`grader.course.hidden.autodiff_rule`).
    """

    def match(got: Any, expected: Any, inputs: dict) -> bool:
        from grader.judge.answers import to_array

        g = to_array(values(got))
        e = np.asarray(exact(inputs), dtype=float)
        return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol))

    return match


def close_to(scale: float, rtol: float = 1e-3) -> Callable[[Any, Any, dict], bool]:
    """Mistake matcher: the answer is ``scale`` times the expected one."""

    def match(got: Any, expected: Any, inputs: dict) -> bool:
        g = np.asarray(got, dtype=float)
        e = np.asarray(expected, dtype=float) * scale
        return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=1e-12))

    return match


def equivalent_up_to_constant(text: str, var: str = "x", symbols: tuple[str, ...] = ("x",)
                              ) -> Callable[[Any, Any, dict], bool]:
    """Mistake matcher: the answer equals ``text`` plus a constant (e.g. "you integrated")."""

    def match(got: Any, expected: Any, inputs: dict) -> bool:
        from grader.judge.answers import to_expr
        from grader.judge.parse import parse_expression
        from grader.judge.symbolic import equivalent

        g = to_expr(got, symbols, allow_other_symbols=True)
        return equivalent(g, parse_expression(text, symbols), {"*": (-2.0, 2.0)},
                          np.random.default_rng(0), up_to_constant=var).equal

    return match
