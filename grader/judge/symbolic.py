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


class OutsidePublicKey(LookupError):
    """The answer needs the expected expression at a point the public key does not hold
    (the student bundle judges at the key's points only)."""


@dataclass
class SampledExpr:
    """An expected expression known only by its values: what the public key stores in
    place of its text (the student bundle never sees the expression itself).

    ``table`` maps each evaluation point (a tuple of floats, one per ``symbols`` name, in
    that order) to the expression's float value and its 30-digit value (None where it is
    undefined): exactly the points :func:`equivalent` draws for this check and seed.
    ``names``: the free symbols of the answer as the student must write it (for an
    antiderivative the values are those of its derivative in ``differentiated``).
    """

    symbols: tuple[str, ...]
    table: dict[tuple[float, ...], tuple[float | None, float | None]]
    names: tuple[str, ...] = ()
    differentiated: str | None = None

    @property
    def free_symbols(self) -> set:
        return {sympy.Symbol(n) for n in self.names}

    def __str__(self) -> str:
        return "(the expected expression: not in the public key)"

    def lookup(self, point: dict[str, float]) -> tuple[float | None, float | None]:
        key = tuple(point[n] for n in self.symbols)
        if key not in self.table:
            raise OutsidePublicKey("the public key holds the expected expression's values at "
                                   "the points this check draws, and this answer needs another "
                                   "one; it is judged with the reference at grading")
        return self.table[key]


def _draw_point(names: list[str], extra: list[str], domain: dict[str, tuple[float, float]],
                rng: np.random.Generator, extra_rng: np.random.Generator | None) -> dict[str, float]:
    """One evaluation point: the expected expression's symbols from ``rng`` (by name), the
    answer's other symbols from ``extra_rng``, so the points at which the expected answer
    is evaluated never depend on the answer (the public key holds exactly those)."""
    point = {n: float(rng.uniform(*_domain_for(n, domain))) for n in names}
    for n in extra:
        point[n] = float(extra_rng.uniform(*_domain_for(n, domain)))  # type: ignore[union-attr]
    return point


def _extra_rng(extra: list[str]) -> np.random.Generator | None:
    if not extra:
        return None
    import zlib

    return np.random.default_rng(zlib.crc32(",".join(extra).encode()))


def prepared_expected(expected: Any, up_to_constant: str | None = None) -> Any:
    """The expected expression as :func:`equivalent` evaluates it (symbols by name; the
    derivative for an antiderivative)."""
    expected = by_name(expected)
    if up_to_constant:
        expected = sympy.diff(expected, sympy.Symbol(up_to_constant))
    return expected


def equivalent(got: Any, expected: Any, domain: dict[str, tuple[float, float]],
               rng: np.random.Generator, *, up_to_constant: str | None = None) -> Equivalence:
    """Is ``got`` the same function as ``expected`` on the domain?

    ``up_to_constant``: the variable of integration; then ``got`` may differ from
    ``expected`` by anything whose derivative in that variable is zero. ``expected`` may
    be a :class:`SampledExpr` (the public key's form): the same points are drawn and its
    stored values used (nothing is then proved by ``simplify``).
    """
    got = by_name(got)
    if up_to_constant:
        got = sympy.diff(got, sympy.Symbol(up_to_constant))
    sampled = isinstance(expected, SampledExpr)
    if sampled:
        names = list(expected.symbols)
    else:
        expected = prepared_expected(expected, up_to_constant)
        names = sorted(s.name for s in expected.free_symbols)
    extra = sorted({s.name for s in got.free_symbols} - set(names))
    result = Equivalence(equal=True)
    if not names and not extra:
        return _compare_constants(got, expected)
    symbols = [sympy.Symbol(n) for n in names + extra]
    f_got = _lambdify(symbols, got)
    f_exp = None if sampled else _lambdify([sympy.Symbol(n) for n in names], expected)
    extra_rng = _extra_rng(extra)
    draws = 0
    while result.checked_points < N_POINTS and draws < 6 * N_POINTS:
        draws += 1
        point = _draw_point(names, extra, domain, rng, extra_rng)
        if sampled:
            e, e_hi_stored = expected.lookup(point)
        else:
            e = _evaluate(f_exp, [point[n] for n in names])
        if e is None:
            continue  # the reference is undefined here: draw another point
        g = _evaluate(f_got, [point[s.name] for s in symbols])
        result.checked_points += 1
        if g is not None and abs(g - e) <= ATOL + RTOL * abs(e):
            continue
        # confirm with high precision before calling it a counter-example
        subs = {s: sympy.Float(point[s.name], 30) for s in symbols}
        e_hi = e_hi_stored if sampled else _evalf(expected, subs)
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
    if sampled:  # nothing to simplify: the values decided
        if result.checked_points == 0:
            result.equal = False
            result.notes.append("no point of the domain could be evaluated")
        return result
    if result.checked_points == 0:
        result.notes.append("no point of the domain could be evaluated")
        result.equal = _simplifies_to_zero(got - expected) is True
        result.proved = result.equal
        return result
    result.proved = _simplifies_to_zero(got - expected) is True
    return result


def sample_expected(expected: Any, domain: dict[str, tuple[float, float]],
                    rng: np.random.Generator, *, up_to_constant: str | None = None) -> SampledExpr:
    """The :class:`SampledExpr` of ``expected``: its values at the points
    :func:`equivalent` draws from ``rng`` when the answer is right (which advances ``rng``
    exactly as that judging would). Release time, trusted side only."""
    names_shown = tuple(sorted(s.name for s in by_name(expected).free_symbols))
    prepared = prepared_expected(expected, up_to_constant)
    names = sorted(s.name for s in prepared.free_symbols)
    if not names:
        raise ValueError("a constant expected answer is stored as its value, not sampled")
    symbols = [sympy.Symbol(n) for n in names]
    f_exp = _lambdify(symbols, prepared)
    table: dict[tuple[float, ...], tuple[float | None, float | None]] = {}

    def draw(generator: np.random.Generator) -> tuple[float | None, float | None]:
        point = _draw_point(names, [], domain, generator, None)
        e = _evaluate(f_exp, [point[n] for n in names])
        e_hi = None if e is None else _evalf(prepared, {s: sympy.Float(point[s.name], 30)
                                                        for s in symbols})
        table[tuple(point[n] for n in names)] = (e, e_hi)
        return e, e_hi

    # a right answer's judging draws until N_POINTS defined values, and leaves ``rng`` there
    checked = draws = spare = 0
    while checked < N_POINTS and draws < 6 * N_POINTS:
        draws += 1
        e, e_hi = draw(rng)
        if e is not None:
            checked += 1
            spare += e_hi is None
    # where only the 30-digit value is undefined, a wrong answer's judging draws once more:
    # keep those points too, drawn from a copy (``rng`` stays where a right answer leaves it)
    if spare:
        import copy

        ahead = copy.deepcopy(rng)
        while spare > 0 and draws < 6 * N_POINTS:
            draws += 1
            e, _ = draw(ahead)
            spare -= e is not None
    if not any(e is not None for e, _ in table.values()):
        raise ValueError("the expected expression is undefined at every point drawn from its domain")
    return SampledExpr(tuple(names), table, names_shown, up_to_constant)


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
        # evalf's own substitution: the same 30 digits, without building the substituted
        # tree first (which was most of a release's key building)
        v = sympy.N(expr, 30, subs=subs) if subs else sympy.N(expr, 30)
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
