"""Building blocks that several exercises' checks share (no exercise logic here)."""
from __future__ import annotations

from typing import Any, Callable

from grader.course.lazy import np


def tracing(f: Callable) -> tuple[Callable, list]:
    """Wrap a hidden JAX function so the check can tell whether JAX traced it.

    Autodiff exercises must be built with JAX transformations; a finite-difference
    answer calls ``f`` with concrete arrays only.
    """
    import jax

    seen: list[bool] = []

    def wrapped(x: Any) -> Any:
        if isinstance(x, jax.core.Tracer):
            seen.append(True)
        return f(x)

    return wrapped, seen


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
