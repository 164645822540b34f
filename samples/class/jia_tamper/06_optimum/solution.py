"""Reference solution for 06_optimum: critical points, and why log x has none.

Everything is symbolic (SymPy). ``critical_points`` finds the real zeros of f' and
classifies each one with the first non-vanishing derivative test: if f'(p) = ... =
f^(n-1)(p) = 0 and f^(n)(p) != 0, then p is an extremum when n is even (a minimum when
f^(n)(p) > 0, a maximum when < 0) and neither when n is odd.
"""

from __future__ import annotations

import sympy as sp

x = sp.Symbol("x")

# Highest derivative order tried before giving up (a non-constant polynomial of degree d
# needs at most d; analytic functions met in the course need far fewer).
MAX_ORDER = 30


def log_derivative():
    """d/dx log x = 1/x (x > 0)."""
    return sp.diff(sp.log(x), x)


def log_critical_points():
    """Real solutions of 1/x = 0: there are none, so []."""
    return sorted(sp.solveset(sp.diff(sp.log(x), x), x, domain=sp.S.Reals))


def log_extremum():
    """log x is strictly increasing on x > 0 (1/x > 0), so it has no extremum: "none"."""
    return "none"


def _as_symbol(expr, var):
    """The symbol of ``expr`` whose name matches ``var`` (a Symbol or a name).

    Symbols are matched by name, so Symbol("x", real=True) in ``expr`` and a plain
    Symbol("x") passed as ``var`` still refer to the same variable.
    """
    name = var if isinstance(var, str) else var.name
    for s in expr.free_symbols:
        if s.name == name:
            return s
    return sp.Symbol(name)


def _is_real_number(value):
    """True when a SymPy number is finite and real (decided exactly, else at 50 digits)."""
    if value.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return False
    if value.is_extended_real is not None:
        return bool(value.is_extended_real) and value.is_finite is not False
    num = sp.N(value, 50)
    if not num.is_number or num.has(sp.zoo, sp.oo, -sp.oo, sp.nan):
        return False
    re, im = num.as_real_imag()
    return abs(im) <= sp.Float(1e-40) * (1 + abs(re))


def _is_zero(value):
    """Exact zero test with a simplify fallback, then a 60-digit numerical one."""
    z = value.is_zero
    if z is None:
        z = sp.simplify(value).is_zero
    if z is None:
        z = abs(sp.N(value, 60)) < sp.Float(1e-45)
    return bool(z)


def _real_roots_of_derivative(expr, v):
    """The real zeros of expr' as a list of SymPy numbers.

    ``solveset`` over the reals handles polynomials (radicals or CRootOf) and most
    exp/log combinations; when it returns something that is not a finite set (e.g. a
    ConditionSet for e^x - 1/x) fall back to ``solve`` (which knows LambertW) and keep
    the real solutions.
    """
    d = sp.diff(expr, v)
    if d.is_zero:
        raise ValueError(f"{expr} is constant: every point is critical")
    sols = sp.solveset(d, v, domain=sp.S.Reals)
    if isinstance(sols, sp.FiniteSet):  # finitely many zeros: f' is not identically 0
        return list(sols)
    if sp.simplify(d) == 0:  # (simplify is slow: only when solveset found no finite set)
        raise ValueError(f"{expr} is constant: every point is critical")
    try:
        candidates = sp.solve(d, v)
    except NotImplementedError as exc:  # pragma: no cover - depends on SymPy's solvers
        raise ValueError(f"cannot solve {d} = 0 for {v}") from exc
    return [p for p in candidates if _is_real_number(p)]


def _classify(expr, v, p):
    """First non-vanishing derivative test at the critical point p."""
    deriv = sp.diff(expr, v)  # f'; f'(p) = 0 by construction
    for order in range(2, MAX_ORDER + 1):
        deriv = sp.diff(deriv, v)
        value = deriv.subs(v, p)
        if _is_zero(value):
            continue
        if order % 2 == 1:
            return "neither"
        return "minimum" if sp.N(value, 50) > 0 else "maximum"
    raise ValueError(f"all derivatives up to order {MAX_ORDER} vanish at {p}")


def critical_points(expr, var):
    """Every real critical point of the univariate ``expr`` mapped to its type.

    Returns {point: "maximum" | "minimum" | "neither"} with SymPy numbers as keys
    (Integer, Rational, radicals, CRootOf, LambertW ...). A zero of f' where f itself is
    not real (e.g. x = -1 for x**2/2 - log(x)) is outside the domain and left out.
    """
    expr = sp.sympify(expr)
    v = _as_symbol(expr, var)
    result = {}
    for p in _real_roots_of_derivative(expr, v):
        if not _is_real_number(p) or not _is_real_number(expr.subs(v, p)):
            continue
        result[p] = _classify(expr, v, p)
    return result
