"""Hidden test functions: drawn from the seed, passed to student code as plain callables.

Each is a SymPy formula with a domain. The child gets a NumPy (or jax.numpy) callable
made from it; the trusted side differentiates or integrates the formula exactly.
Coefficients come from the check's seeded generator, so a student cannot know them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from grader.course.lazy import np
from grader.course.lazy import sp as sympy

UNIVARIATE_KINDS = ("polynomial", "trig", "exponential", "logarithm", "composition", "sigmoid")
MULTIVARIATE_KINDS = ("quadratic", "trig", "exponential", "mixed")


@dataclass
class Hidden:
    """A hidden function f of ``symbols`` on ``domain`` (the same interval per variable)."""

    expr: Any
    symbols: tuple[Any, ...]
    domain: tuple[float, float]
    kind: str
    primitive: Any = None  # a known antiderivative (saves a slow sympy.integrate)

    @property
    def n(self) -> int:
        return len(self.symbols)

    # -- what the student gets ----------------------------------------------------
    def numpy(self) -> Callable:
        """Univariate: elementwise on arrays. Multivariate: f(p) for p of shape (n,)."""
        return _as_callable(self.expr, self.symbols, "numpy")

    def jax(self) -> Callable:
        return _as_callable(self.expr, self.symbols, "jax")

    # -- what the grader knows ----------------------------------------------------
    def derivative(self) -> Callable:
        return _as_callable(sympy.diff(self.expr, self.symbols[0]), self.symbols, "numpy")

    def gradient(self) -> Callable:
        grads = [sympy.diff(self.expr, s) for s in self.symbols]
        fn = sympy.lambdify(self.symbols, grads, modules="numpy")
        return lambda p: np.asarray(fn(*np.asarray(p, dtype=float)), dtype=float)

    def antiderivative(self) -> Callable:
        F = self.primitive if self.primitive is not None else sympy.integrate(self.expr, self.symbols[0])
        return _as_callable(F, self.symbols, "numpy")

    def sample(self, rng: np.random.Generator, shape: Any) -> np.ndarray:
        lo, hi = self.domain
        return rng.uniform(lo, hi, size=shape)


def _as_callable(expr: Any, symbols: tuple, module: str) -> Callable:
    fn = sympy.lambdify(symbols, expr, modules=module)
    if len(symbols) == 1:
        if module == "numpy":
            return lambda x: fn(x) + np.zeros_like(np.asarray(x, dtype=float))
        return fn
    if module == "numpy":
        return lambda p: float(fn(*np.asarray(p, dtype=float)))
    return lambda p: fn(*[p[i] for i in range(len(symbols))])


def _coef(rng: np.random.Generator, lo: float = 0.5, hi: float = 2.0) -> Any:
    """A random coefficient with a random sign, rounded to two decimals (readable)."""
    value = rng.uniform(lo, hi) * rng.choice([-1, 1])
    return sympy.Rational(int(round(value * 100)), 100)


def univariate(rng: np.random.Generator, kind: str) -> Hidden:
    x = sympy.Symbol("x")
    if kind == "polynomial":
        degree = int(rng.integers(3, 5))
        expr = sum(int(rng.integers(-4, 5)) * x**k for k in range(degree)) + _coef(rng) * x**degree
        return Hidden(expr, (x,), (-2.0, 2.0), kind)
    if kind == "trig":
        expr = _coef(rng) * sympy.sin(_coef(rng, 1, 3) * x) + _coef(rng) * sympy.cos(x)
        return Hidden(expr, (x,), (-3.0, 3.0), kind)
    if kind == "exponential":
        expr = _coef(rng) * sympy.exp(_coef(rng, 0.3, 1) * x) + _coef(rng) * x**2
        return Hidden(expr, (x,), (-2.0, 2.0), kind)
    if kind == "logarithm":
        expr = _coef(rng) * sympy.log(x) + _coef(rng) * x
        return Hidden(expr, (x,), (0.5, 4.0), kind)
    if kind == "composition":
        expr = sympy.sin(_coef(rng, 0.5, 1.5) * x**2) + sympy.exp(-x**2 / 2)
        return Hidden(expr, (x,), (-2.0, 2.0), kind)
    if kind == "sigmoid":
        expr = 1 / (1 + sympy.exp(-_coef(rng, 1, 3) * x))
        return Hidden(expr, (x,), (-3.0, 3.0), kind)
    raise ValueError(f"unknown hidden function kind {kind!r}")


def integrable(rng: np.random.Generator, kind: str) -> Hidden:
    """A hidden f whose antiderivative is known exactly: draw F, hand out f = F′."""
    F = univariate(rng, kind)
    return Hidden(sympy.diff(F.expr, F.symbols[0]), F.symbols, F.domain, kind, primitive=F.expr)


def multivariate(rng: np.random.Generator, n: int, kind: str) -> Hidden:
    xs = sympy.symbols(f"x0:{n}")
    if kind == "quadratic":
        expr = sum(_coef(rng) * v**2 for v in xs) + sum(_coef(rng) * a * b
                                                       for a, b in zip(xs, xs[1:]))
    elif kind == "trig":
        expr = sum(sympy.sin(_coef(rng) * v) for v in xs) + sympy.cos(sum(xs) / n)
    elif kind == "exponential":
        expr = sympy.exp(sum(_coef(rng, 0.1, 0.5) * v for v in xs)) + sum(v**2 for v in xs)
    elif kind == "mixed":
        expr = xs[0]**2 * (xs[1] if n > 1 else 1) + sum(_coef(rng) * v**3 for v in xs[1:]) \
            + sympy.log(1 + xs[0]**2)
    else:
        raise ValueError(f"unknown hidden function kind {kind!r}")
    return Hidden(expr, tuple(xs), (-1.5, 1.5), kind)


def from_formula(expr: Any, symbols: tuple, domain: tuple[float, float], kind: str = "fixed") -> Hidden:
    """A fixed function (e.g. the lesson's x² + y³), in the same clothes as hidden ones."""
    return Hidden(expr, symbols, domain, kind)


def several_minima(rng: np.random.Generator) -> Hidden:
    """A bowl with ripples, f(x) = x²/s² + a·sin(k·x + φ): several local minima on [−4, 4].

    For descent checks: gradient descent ends in the valley it starts in, so which minimum
    it finds depends on the start. Coefficients are rationals with one decimal (readable);
    |f″| ≤ 2/s² + a·k², so a learning rate of 1/(2/s² + a·k²) never overshoots a valley.
    """
    x = sympy.Symbol("x")
    s = sympy.Rational(int(rng.integers(20, 31)), 10)
    a = sympy.Rational(int(rng.integers(6, 13)), 10)
    k = sympy.Rational(int(rng.integers(20, 31)), 10)
    phi = sympy.Rational(int(rng.integers(0, 63)), 10)
    expr = x**2 / s**2 + a * sympy.sin(k * x + phi)
    return Hidden(expr, (x,), (-4.0, 4.0), "several_minima")


@dataclass
class HiddenVector:
    """A hidden f: Rⁿ → Rᵐ (one formula per output), for Jacobian checks."""

    exprs: list[Any]
    symbols: tuple[Any, ...]
    domain: tuple[float, float]

    def jax(self) -> Callable:
        import jax.numpy as jnp

        fn = sympy.lambdify(self.symbols, self.exprs, modules="jax")
        n = len(self.symbols)
        return lambda p: jnp.stack([jnp.asarray(v, dtype=p.dtype) * jnp.ones((), p.dtype)
                                    for v in fn(*[p[i] for i in range(n)])])

    def jacobian(self) -> Callable:
        J = sympy.Matrix(self.exprs).jacobian(list(self.symbols))
        fn = sympy.lambdify(self.symbols, J, modules="numpy")
        return lambda p: np.asarray(fn(*np.asarray(p, dtype=float)), dtype=float)

    def sample(self, rng: np.random.Generator) -> np.ndarray:
        return rng.uniform(*self.domain, size=(len(self.symbols),))


def vector(rng: np.random.Generator, n: int, m: int) -> HiddenVector:
    """m hidden outputs of n inputs, each drawn from a different family."""
    kinds = [MULTIVARIATE_KINDS[(i + int(rng.integers(4))) % len(MULTIVARIATE_KINDS)] for i in range(m)]
    parts = [multivariate(rng, n, kind) for kind in kinds]
    return HiddenVector([p.expr for p in parts], parts[0].symbols, parts[0].domain)


CRITICAL_POINT_KINDS = ("repeated_roots", "complex_roots", "exponential", "logarithm")


def _small_rational(rng: np.random.Generator, lo: float, hi: float, dens: tuple = (1, 2, 3)) -> Any:
    d = int(rng.choice(dens))
    return sympy.Rational(int(rng.integers(int(np.ceil(lo * d)), int(np.floor(hi * d)) + 1)), d)


def _distinct_roots(rng: np.random.Generator, k: int) -> list:
    out: list = []
    while len(out) < k:
        r = _small_rational(rng, -3, 3)
        if all(abs(r - o) > sympy.Rational(1, 3) for o in out):
            out.append(r)
    return out


def with_critical_points(rng: np.random.Generator, kind: str) -> Hidden:
    """A hidden f whose critical points are exact numbers (small rationals, radicals, logs).

    ``repeated_roots``: a degree-7 polynomial with f′ = s(x − r₁)³(x − r₂)²(x − r₃) — an
    extremum where f″ = 0, a flat inflection and a plain extremum. ``complex_roots``: a
    degree-5 polynomial with f′ = s(x − r₁)(x − r₂)(x² + px + q), p² < 4q. ``exponential``:
    x^k·e^(−ax), (x − r)²·e^(ax) or e^(ax) − bx. ``logarithm`` (x > 0): ax − b·log x,
    ax²/2 − b·log x or ax + b·log x, the last two with a zero of f′ at x < 0 (outside).
    """
    x = sympy.Symbol("x")
    scale = sympy.Rational(int(rng.integers(1, 9)), int(rng.choice([1, 2, 4]))) * int(rng.choice([-1, 1]))
    if kind in ("repeated_roots", "complex_roots"):
        if kind == "repeated_roots":
            r1, r2, r3 = _distinct_roots(rng, 3)
            fprime = scale * (x - r1)**3 * (x - r2)**2 * (x - r3)
        else:
            r1, r2 = _distinct_roots(rng, 2)
            p = _small_rational(rng, -2, 2)
            q = p**2 / 4 + _small_rational(rng, 1, 3)
            fprime = scale * (x - r1) * (x - r2) * (x**2 + p * x + q)
        expr = sympy.expand(sympy.integrate(sympy.expand(fprime), x) + int(rng.integers(-3, 4)))
        return Hidden(expr, (x,), (-3.5, 3.5), kind)
    if kind == "exponential":
        a = _small_rational(rng, 0.5, 2, (2, 3, 4))
        template = int(rng.integers(0, 3))
        if template == 0:
            expr = x**int(rng.integers(2, 4)) * sympy.exp(-a * x)     # 0 and k/a
        elif template == 1:
            expr = (x - _small_rational(rng, -2, 2))**2 * sympy.exp(a * x)  # r and r − 2/a
        else:
            expr = sympy.exp(a * x) - _small_rational(rng, 1, 4, (1, 2)) * x  # log(b/a)/a
        return Hidden(expr, (x,), (-4.0, 4.0), kind)
    if kind == "logarithm":
        a, b = _small_rational(rng, 1, 3, (1, 2)), _small_rational(rng, 1, 4, (1, 2, 3))
        template = int(rng.integers(0, 3))
        if template == 0:
            expr = a * x - b * sympy.log(x)           # b/a
        elif template == 1:
            expr = a * x**2 / 2 - b * sympy.log(x)    # +√(b/a); −√(b/a) is outside
        else:
            expr = a * x + b * sympy.log(x)           # none: −b/a is outside
        return Hidden(expr, (x,), (0.2, 5.0), kind)
    raise ValueError(f"unknown hidden function kind {kind!r}")
