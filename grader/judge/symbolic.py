"""Symbolic equivalence, judged like a mathematician.

Two expressions are compared by evaluating both at seeded random points inside the
domain; a disagreement is re-checked in 30-digit arithmetic before it is reported as a
counter-example (so floating-point cancellation never fails a right answer). Agreement
is then confirmed by ``simplify`` where the expression is small enough for it to be
quick. Symbols are matched by name, whatever assumptions they carry.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

N_POINTS = 24
RTOL = 1e-7
ATOL = 1e-9
SIMPLIFY_MAX_OPS = 80


@dataclass
class Equivalence:
    equal: bool
    proved: bool = False  # simplify confirmed it
    counterexample: dict[str, Any] | None = None
    domain_mismatch: bool = False  # the answer is undefined where the expected one is not
    checked_points: int = 0
    notes: list[str] = field(default_factory=list)


def by_name(expr: Any) -> Any:
    """Replace every symbol by a plain ``Symbol(name)`` (no assumptions)."""
    if isinstance(expr, bool):
        return expr
    if isinstance(expr, int):
        return sympy.Integer(expr)
    if isinstance(expr, float):
        return sympy.Float(expr)
    if not isinstance(expr, sympy.Basic):
        return expr
    mapping = {s: sympy.Symbol(s.name) for s in expr.free_symbols if isinstance(s, sympy.Symbol)}
    return expr.xreplace(mapping)


def _domain_for(name: str, domain: dict[str, tuple[float, float]]) -> tuple[float, float]:
    return domain.get(name, domain.get("*", (-2.0, 2.0)))


def equivalent(got: Any, expected: Any, domain: dict[str, tuple[float, float]],
               rng: np.random.Generator, *, up_to_constant: str | None = None) -> Equivalence:
    """Is ``got`` the same function as ``expected`` on the domain?

    ``up_to_constant``: the variable of integration; then ``got`` may differ from
    ``expected`` by anything whose derivative in that variable is zero.
    """
    got, expected = by_name(got), by_name(expected)
    if up_to_constant:
        var = sympy.Symbol(up_to_constant)
        got, expected = sympy.diff(got, var), sympy.diff(expected, var)
    symbols = sorted(got.free_symbols | expected.free_symbols, key=lambda s: s.name)
    result = Equivalence(equal=True)
    if not symbols:
        return _compare_constants(got, expected)
    f_got = _lambdify(symbols, got)
    f_exp = _lambdify(symbols, expected)
    draws = 0
    while result.checked_points < N_POINTS and draws < 6 * N_POINTS:
        draws += 1
        point = {s.name: float(rng.uniform(*_domain_for(s.name, domain))) for s in symbols}
        args = [point[s.name] for s in symbols]
        e = _evaluate(f_exp, args)
        if e is None:
            continue  # the reference is undefined here: draw another point
        g = _evaluate(f_got, args)
        result.checked_points += 1
        if g is not None and abs(g - e) <= ATOL + RTOL * abs(e):
            continue
        # confirm with high precision before calling it a counter-example
        subs = {s: sympy.Float(point[s.name], 30) for s in symbols}
        e_hi = _evalf(expected, subs)
        g_hi = _evalf(got, subs)
        if e_hi is None:
            result.checked_points -= 1
            continue
        if g_hi is None:
            result.equal = False
            result.domain_mismatch = True
            result.counterexample = {**point, "expected": e_hi, "got": None}
            return result
        if abs(g_hi - e_hi) <= ATOL + RTOL * abs(e_hi):
            continue
        result.equal = False
        result.counterexample = {**point, "expected": e_hi, "got": g_hi}
        return result
    if result.checked_points == 0:
        result.notes.append("no point of the domain could be evaluated")
        result.equal = _simplifies_to_zero(got - expected) is True
        result.proved = result.equal
        return result
    result.proved = _simplifies_to_zero(got - expected) is True
    return result


def _compare_constants(got: Any, expected: Any) -> Equivalence:
    e, g = _evalf(expected, {}), _evalf(got, {})
    if e is None or g is None:
        return Equivalence(equal=bool(sympy.simplify(got - expected) == 0))
    ok = abs(g - e) <= ATOL + RTOL * abs(e)
    return Equivalence(equal=ok, proved=ok, checked_points=1,
                       counterexample=None if ok else {"expected": e, "got": g})


def _lambdify(symbols: list, expr: Any) -> Any:
    return sympy.lambdify(symbols, expr, modules=["numpy"])


def _evaluate(f: Any, args: list[float]) -> float | None:
    with np.errstate(all="ignore"):
        try:
            v = complex(f(*args))
        except (ZeroDivisionError, OverflowError, ValueError, TypeError):
            return None
    if not (np.isfinite(v.real) and np.isfinite(v.imag)) or abs(v.imag) > 1e-12 * max(1, abs(v.real)):
        return None
    return v.real


def _evalf(expr: Any, subs: dict) -> float | None:
    try:
        v = sympy.N(expr.subs(subs) if subs else expr, 30)
        c = complex(v)
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
        return None
    if not (np.isfinite(c.real) and np.isfinite(c.imag)) or abs(c.imag) > 1e-20 * max(1, abs(c.real)):
        return None
    return c.real


def _simplifies_to_zero(expr: Any) -> bool | None:
    if sympy.count_ops(expr) > SIMPLIFY_MAX_OPS:
        return None
    try:
        return bool(sympy.simplify(expr) == 0)
    except Exception:  # noqa: BLE001 - simplify can fail on odd input; numerics decided
        return None
