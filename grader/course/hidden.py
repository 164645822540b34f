"""Hidden test functions: drawn from the seed, passed to student code as plain callables.

Each is a SymPy formula with a domain. Student code gets a callable course object made
from it (:class:`Fn`: NumPy or jax.numpy), which crosses to the sandbox as its formula
(:meth:`Fn.to_plain`, rebuilt there by :meth:`Fn.from_plain`); the trusted side
differentiates or integrates the formula exactly. Coefficients come from the check's
seeded generator, so a student cannot know them in advance.

Autodiff checks give their function a derivative rule of their own (:class:`Rule`): JAX
differentiates the function by that rule, not by the formula, so the trusted side tells
a program that differentiated with JAX (the rule's values) from one that used finite
differences or the formula (the true derivative).
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
    def numpy(self) -> "Fn":
        """Univariate: elementwise on arrays. Multivariate: f(p) for p of shape (n,)."""
        return Fn(self, "numpy")

    def jax(self, rule: "Rule | None" = None) -> "Fn":
        """The jax.numpy version; with ``rule``, JAX differentiates it by that rule."""
        return Fn(self, "jax", rule)

    # -- what the grader knows ----------------------------------------------------
    def derivative(self) -> "Fn":
        return Fn(_Formula(sympy.diff(self.expr, self.symbols[0]), self.symbols), "numpy")

    def gradient(self) -> "Fn":
        """p ↦ ∇f(p) as a float array of shape (n,)."""
        return Fn(_Formula([sympy.diff(self.expr, s) for s in self.symbols], self.symbols), "numpy")

    def antiderivative(self) -> "Fn":
        F = self.primitive if self.primitive is not None else sympy.integrate(self.expr, self.symbols[0])
        return Fn(_Formula(F, self.symbols), "numpy")

    def sample(self, rng: np.random.Generator, shape: Any) -> np.ndarray:
        lo, hi = self.domain
        return rng.uniform(lo, hi, size=shape)


@dataclass
class _Formula:
    """Just a formula and its symbols (what :class:`Fn` needs of a Hidden)."""

    expr: Any  # one expression, or a list of them (a vector-valued function)
    symbols: tuple[Any, ...]


# -- course objects: callables that cross to the sandbox as plain data ----------------


@dataclass(frozen=True)
class Rule:
    """The derivative rule an autodiff check gives its hidden function: scale·f′ + shift.

    Deliberately unlike the true derivative f′ (the gradient, the Jacobian): JAX
    differentiates the function by this rule (``jax.custom_jvp``, linear in the tangent,
    so ``grad``, ``jacfwd``, ``jacrev``, ``vmap`` and ``jit`` all work), so a program
    that really differentiates with JAX returns ``scale·f′ + shift``, while finite
    differences or differentiating the formula return f′ itself. ``shift`` has the shape
    of f′ at one point: () for f: R → R, (n,) for f: Rⁿ → R, (m, n) for f: Rⁿ → Rᵐ.
    Both are drawn from the check's generator on the trusted side; they travel with the
    function, so a student who digs them out of the function object could still fake
    the answer — the rule only makes it impossible to pass by accident or by finite
    differences.
    """

    scale: float
    shift: Any  # a float or nested lists of floats

    def apply(self, exact: Any) -> Any:
        """Trusted side: what JAX computes for the function, from its exact derivative."""
        return self.scale * np.asarray(exact, dtype=float) + np.asarray(self.shift, dtype=float)

    def to_plain(self) -> dict:
        return {"scale": float(self.scale), "shift": np.asarray(self.shift, dtype=float).tolist()}

    @classmethod
    def from_plain(cls, data: dict) -> "Rule":
        return cls(float(data["scale"]), data["shift"])


def autodiff_rule(rng: np.random.Generator, f: Callable, at: Any, shape: tuple[int, ...] = ()) -> Rule:
    """A :class:`Rule` for the NumPy function ``f`` whose values at ``at`` clearly differ
    from f's true derivative there.

    ``shape`` is the shape of f′ at one point (see :class:`Rule`): () for an elementwise
    f at the points ``at``, (n,) for f: Rⁿ → R and (m, n) for f: Rⁿ → Rᵐ at the point
    ``at``. The scale is in [1.5, 3] and every shift at least 0.5 in size (two decimals,
    readable); drawn again in the unlikely case that the rule's values come within 1 % of
    the true ones everywhere. The true derivative is estimated here by central
    differences (no SymPy: cheap, and enough to tell the two apart).
    """
    approx = _central_difference(f, at, shape)
    for _ in range(100):
        scale = round(float(rng.uniform(1.5, 3.0)), 2)
        shift = np.round(rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape), 2)
        rule = Rule(scale, shift.tolist())
        gap = float(np.max(np.abs(rule.apply(approx) - approx)))
        if gap > 1e-2 * (1.0 + float(np.max(np.abs(approx), initial=0.0))):
            return rule
    raise RuntimeError("no autodiff rule distinct from the true derivative")  # pragma: no cover


def _central_difference(f: Callable, at: Any, shape: tuple[int, ...], h: float = 1e-6) -> Any:
    at = np.asarray(at, dtype=float)
    if shape == ():
        return (np.asarray(f(at + h), dtype=float) - np.asarray(f(at - h), dtype=float)) / (2 * h)
    columns = [(np.asarray(f(at + h * e), dtype=float) - np.asarray(f(at - h * e), dtype=float)) / (2 * h)
               for e in np.eye(at.size)]
    return np.stack(columns, axis=-1).reshape(shape)


class Fn:
    """A hidden function as student code gets it: callable, and sent as its formula.

    ``module`` "numpy": a univariate f is elementwise on arrays (float out, the shape of
    x); a multivariate one takes p of shape (n,) and returns a float; a vector-valued one
    (a list of formulas) returns a float array. ``module`` "jax": the same built with
    jax.numpy (a vector-valued one returns ``jnp.stack`` of its outputs in p's dtype),
    differentiated by ``rule`` when one is given. The callable is built on first use.
    """

    PLAIN_TAG = "$hidden"

    def __init__(self, source: Any, module: str = "numpy", rule: Rule | None = None) -> None:
        if module not in ("numpy", "jax"):
            raise ValueError(f"unknown module {module!r}")
        if rule is not None and module != "jax":
            raise ValueError("a derivative rule needs the jax module")
        exprs = getattr(source, "exprs", None)
        self.expr: Any = list(exprs) if exprs is not None else source.expr
        if isinstance(self.expr, tuple):
            self.expr = list(self.expr)
        self.symbols: tuple[Any, ...] = tuple(source.symbols)
        self.module = module
        self.rule = rule
        self._partials: Any = None
        self._function: Callable | None = None

    @property
    def vector(self) -> bool:
        return isinstance(self.expr, list)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.function()(*args, **kwargs)

    def __repr__(self) -> str:
        names = ", ".join(str(s) for s in self.symbols)
        return f"<hidden function of {names}>"

    def function(self) -> Callable:
        """The plain callable the student's code is given (built once)."""
        if self._function is None:
            self._function = _built(self)
        return self._function

    def key(self) -> tuple:
        """Everything the callable is built from: two functions of one key are the same."""
        exprs = [sympy.srepr(e) for e in self.expr] if self.vector else sympy.srepr(self.expr)
        rule = None
        if self.rule is not None:
            rule = (repr(self.rule.to_plain()), repr(_nested(sympy.srepr, self.partials)))
        return (self.module, repr(exprs), tuple(sympy.srepr(s) for s in self.symbols), rule)

    @property
    def partials(self) -> Any:
        """∂f/∂xᵢ for each symbol (rows of them for a vector-valued f): what the rule scales."""
        if self._partials is None:
            if self.vector:
                self._partials = [[sympy.diff(e, s) for s in self.symbols] for e in self.expr]
            else:
                self._partials = [sympy.diff(self.expr, s) for s in self.symbols]
        return self._partials

    def to_plain(self) -> dict:
        """Formula, symbols and module as SymPy text; with a rule, the partial derivatives
        too (differentiated here, so that the sandbox only reads and compiles formulas)."""
        exprs = [sympy.srepr(e) for e in self.expr] if self.vector else sympy.srepr(self.expr)
        out = {"expr": exprs, "symbols": [sympy.srepr(s) for s in self.symbols],
               "module": self.module, "rule": None}
        if self.rule is not None:
            out["rule"] = self.rule.to_plain()
            out["partials"] = _nested(sympy.srepr, self.partials)
        return out

    @classmethod
    def from_plain(cls, data: dict) -> "Fn":
        """Sandbox side: rebuild from :meth:`to_plain`'s data (text from the trusted side)."""
        from sympy.parsing.sympy_parser import parse_expr

        def read(text: Any) -> Any:
            if not isinstance(text, str):
                raise ValueError("malformed hidden function")
            return parse_expr(text, transformations=())

        expr = data["expr"]
        exprs = [read(e) for e in expr] if isinstance(expr, list) else read(expr)
        rule = None if data.get("rule") is None else Rule.from_plain(data["rule"])
        fn = cls(_Formula(exprs, tuple(read(s) for s in data["symbols"])), str(data["module"]), rule)
        if data.get("partials") is not None:
            fn._partials = _nested(read, data["partials"])
        return fn


def _nested(f: Callable, items: Any) -> Any:
    """``f`` applied to every leaf of nested lists."""
    return [_nested(f, i) for i in items] if isinstance(items, list) else f(items)


class Affine:
    """v ↦ A (v − centre) for a float array v: the gradient of ½(v − centre)ᵀA(v − centre)."""

    PLAIN_TAG = "$affine"

    def __init__(self, A: Any, centre: Any) -> None:
        self.A = np.array(A, dtype=float)
        self.centre = np.array(centre, dtype=float)
        self._function: Callable | None = None

    def __call__(self, v: Any) -> Any:
        return self.function()(v)

    def __repr__(self) -> str:
        return f"<hidden gradient of a bowl in {self.centre.size} variables>"

    def function(self) -> Callable:
        if self._function is None:
            A, centre = self.A, self.centre

            def grad(v: Any) -> Any:
                return A @ (np.asarray(v, dtype=float) - centre)

            self._function = grad
        return self._function

    def to_plain(self) -> dict:
        return {"A": self.A, "centre": self.centre}

    @classmethod
    def from_plain(cls, data: dict) -> "Affine":
        return cls(data["A"], data["centre"])


PLAIN_TYPES: tuple[type, ...] = (Fn, Affine)  # what grader.sandbox.inputs may send


_BUILT: dict[tuple, Callable] = {}  # Fn.key() -> its callable, the least recently used first
KEEP_BUILT = 256


def _built(fn: Fn) -> Callable:
    """The callable of ``fn``, built once per key: the trusted side draws the same hidden
    functions again and again (each check's inputs, per seed, for the request and for the
    expected answer), and a JAX one rebuilt is a fresh ``jax.jit`` that compiles again."""
    key = fn.key()
    built = _BUILT.pop(key, None)
    if built is None:
        built = _build(fn)
    _BUILT[key] = built
    while len(_BUILT) > KEEP_BUILT:
        del _BUILT[next(iter(_BUILT))]
    return built


def _build(fn: Fn) -> Callable:
    symbols, n = fn.symbols, len(fn.symbols)
    if fn.module == "numpy":
        f = sympy.lambdify(symbols, fn.expr, modules="numpy")
        if fn.vector:
            return lambda p: np.asarray(f(*np.asarray(p, dtype=float)), dtype=float)
        if n == 1:
            return lambda x: f(x) + np.zeros_like(np.asarray(x, dtype=float))
        return lambda p: float(f(*np.asarray(p, dtype=float)))
    f = sympy.lambdify(symbols, fn.expr, modules="jax")
    if fn.vector:
        import jax.numpy as jnp

        def primal(p: Any) -> Any:
            return jnp.stack([jnp.asarray(v, dtype=p.dtype) * jnp.ones((), p.dtype)
                              for v in f(*[p[i] for i in range(n)])])
    elif n == 1:
        primal = f
    else:
        def primal(p: Any) -> Any:
            return f(*[p[i] for i in range(n)])
    # compiled as one program: run eagerly (a student's un-jitted grad or jacfwd), the
    # lambdified formula is otherwise dispatched one primitive at a time, each compiled
    # on its own (measured: 115 compiles, 3-4 s, for 04's five Jacobian checks)
    import jax

    primal = jax.jit(primal)
    if fn.rule is None:
        return primal
    return _with_rule(primal, fn)


def _with_rule(primal: Callable, fn: Fn) -> Callable:
    """``primal`` with a ``jax.custom_jvp`` whose tangent is (scale·f′(x) + shift)·t."""
    import jax
    import jax.numpy as jnp

    assert fn.rule is not None
    symbols, n = fn.symbols, len(fn.symbols)
    scale = float(fn.rule.scale)
    shift = np.asarray(fn.rule.shift, dtype=float).tolist()  # Python floats: weakly typed
    derivative = sympy.lambdify(symbols, fn.partials, modules="jax")

    def tangent(x: Any, t: Any) -> Any:
        if fn.vector:
            rows = derivative(*[x[i] for i in range(n)])
            return jnp.stack([sum((scale * rows[r][c] + shift[r][c]) * t[c] for c in range(n))
                              for r in range(len(rows))])
        if n == 1:
            return (scale * derivative(x)[0] + shift) * t
        parts = derivative(*[x[i] for i in range(n)])
        return sum((scale * parts[i] + shift[i]) * t[i] for i in range(n))

    @jax.custom_jvp
    def ruled(x: Any) -> Any:
        return primal(x)

    @jax.jit
    def rule(x: Any, t: Any) -> tuple:
        y = primal(x)
        out = jnp.asarray(tangent(x, t), dtype=jnp.result_type(y))
        return y, jnp.broadcast_to(out, jnp.shape(y))

    @ruled.defjvp
    def ruled_jvp(primals: tuple, tangents: tuple) -> tuple:
        (x,), (t,) = primals, tangents
        return rule(x, t)

    def f(x: Any) -> Any:
        return ruled(x)

    return f


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

    def numpy(self) -> Fn:
        """p ↦ the m outputs as a float array of shape (m,)."""
        return Fn(self, "numpy")

    def jax(self, rule: Rule | None = None) -> Fn:
        """p ↦ the m outputs stacked (``jnp.stack``, in p's dtype); ``rule``: see :class:`Rule`."""
        return Fn(self, "jax", rule)

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
