"""Content of exercises 01-04: references, stubs, catalogued mistakes, wrong and alt answers.

Each reference is imported by path and must reproduce the catalogue's numbers. Variants
(``reference/mistakes``, and ``tests/cases``: wrong and equivalent answers) are built the way the self-test
builds them, the reference source with the variant's text appended, and run through a
small local version of each exercise's checks: alt answers must pass every check, wrong
answers and mistakes must fail at least one, and each mistake must give the catalogued
wrong answer.
"""
from __future__ import annotations

import os

os.environ.setdefault("JAX_ENABLE_X64", "1")

import ast
import importlib.util
import inspect
import math
import types
from functools import lru_cache
from pathlib import Path
from typing import Callable

import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp
from case_data import variant_files as case_variants
from case_data import variant_name
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

ROOT = Path(__file__).resolve().parent.parent
SLUGS = ("01_derivative", "02_antiderivative", "03_gradient", "04_jacobian")
x, y = sp.symbols("x y")


# -- loading -----------------------------------------------------------------------------

@lru_cache(maxsize=None)
def reference(slug: str) -> types.ModuleType:
    path = ROOT / "reference" / f"{slug}.py"
    spec = importlib.util.spec_from_file_location(f"calcgrade_reference_{slug}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def variant(slug: str, path: Path) -> types.ModuleType:
    """The reference with ``path`` appended, so its definitions override the reference's."""
    source = (ROOT / "reference" / f"{slug}.py").read_text() + "\n\n" + path.read_text()
    module = types.ModuleType(f"calcgrade_variant_{slug}_{variant_name(path)}")
    module.__file__ = str(path)
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def stub(slug: str) -> types.ModuleType:
    path = ROOT / "exercises" / slug / "solution.py"
    spec = importlib.util.spec_from_file_location(f"calcgrade_stub_{slug}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The mistake examples written with this content (the grader's checks may add more, such
# as not_autodiff, that no value comparison can see).
CONTENT_MISTAKES = {
    "01_derivative": ("derivative_of_minus_2x2", "returned_function", "integrated"),
    "02_antiderivative": ("differentiated", "forgot_to_divide", "sign", "forgot_dx",
                          "area_without_zero"),
    "03_gradient": ("all_coordinates_perturbed", "descent_direction", "not_unit_length"),
    "04_jacobian": ("transposed", "missing_inner_factor", "sigma_one_plus_sigma"),
}


def variant_files(kind: str, slug: str) -> list[Path]:
    if kind == "mistakes":
        return [ROOT / "reference/mistakes" / slug / f"{m}.py" for m in CONTENT_MISTAKES[slug]]
    return case_variants(slug, {"wrong": "fails", "alt": "full_marks"}[kind])


# Checking a variant of these builds and compiles fresh JAX functions (seconds each).
JAX_FUNCTIONS = {"autodiff_derivative", "jax_gradient", "jax_jacobian"}


def variant_params(kind: str, mark_jax_slow: bool = False) -> list:
    return [pytest.param(slug, p, id=f"{slug}/{variant_name(p)}",
                         marks=[pytest.mark.slow] if mark_jax_slow
                         and defined_functions(p) & JAX_FUNCTIONS else [])
            for slug in SLUGS for p in variant_files(kind, slug)]


def defined_functions(path: Path) -> set[str]:
    """The top-level functions a variant file (re)defines."""
    return {node.name for node in ast.parse(path.read_text()).body
            if isinstance(node, ast.FunctionDef)}


# -- comparing ---------------------------------------------------------------------------

_TRANSFORMS = standard_transformations + (implicit_multiplication_application, convert_xor)


def as_expr(answer) -> sp.Expr:
    """A student-style answer (SymPy object or text) with its symbols made plain, by name."""
    if isinstance(answer, str):
        expr = parse_expr(answer, transformations=_TRANSFORMS)
    else:
        expr = sp.sympify(answer)
    return expr.subs({s: sp.Symbol(s.name) for s in expr.free_symbols})


def same_expr(got, expected, points: int = 5, seed: int = 0) -> bool:
    """Equal as functions: at random points (in (0.3, 2)), then by simplification."""
    got, expected = as_expr(got), as_expr(expected)
    symbols = sorted(got.free_symbols | expected.free_symbols, key=lambda s: s.name)
    rng = np.random.default_rng(seed)
    for _ in range(points):
        at = {s: sp.Float(v) for s, v in zip(symbols, rng.uniform(0.3, 2.0, len(symbols)))}
        a, b = complex(got.evalf(subs=at)), complex(expected.evalf(subs=at))
        if abs(a - b) > 1e-9 * (1 + abs(b)):
            return False
    return sp.simplify(got - expected) == 0 if len(symbols) <= 2 else True


def same_antiderivative(got, integrand) -> bool:
    return same_expr(sp.diff(as_expr(got), x), integrand)


def same_matrix(got, expected) -> bool:
    if not isinstance(got, sp.MatrixBase) or got.shape != expected.shape:
        return False
    return all(same_expr(g, e) for g, e in zip(got, expected))


def close(got, expected, rtol: float, atol: float = 0.0) -> bool:
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and bool(
        np.all(np.abs(got - expected) <= atol + rtol * np.abs(expected)))


def passes(check: Callable[[], bool]) -> bool:
    try:
        return bool(check())
    except Exception:  # a wrong answer may crash: that is a failed check
        return False


# -- hidden-style test functions ----------------------------------------------------------

# (f for NumPy, f for jax.numpy, f', domain)
SCALAR_FUNCTIONS = [
    (lambda t: t**3 - 2 * t**2 + 1, lambda t: t**3 - 2 * t**2 + 1,
     lambda t: 3 * t**2 - 4 * t, (-2.0, 3.0)),
    (lambda t: np.exp(0.5 * t) * np.cos(t), lambda t: jnp.exp(0.5 * t) * jnp.cos(t),
     lambda t: np.exp(0.5 * t) * (0.5 * np.cos(t) - np.sin(t)), (-2.0, 2.0)),
    (lambda t: np.log(t) * t, lambda t: jnp.log(t) * t, lambda t: np.log(t) + 1, (0.5, 4.0)),
    (lambda t: np.sin(t**2), lambda t: jnp.sin(t**2), lambda t: 2 * t * np.cos(t**2),
     (-1.5, 1.5)),
]

# (f: R^n -> R for NumPy, for jax.numpy, gradient, point)
VECTOR_FUNCTIONS = [
    (lambda v: v[0]**2 + v[1]**3, lambda v: v[0]**2 + v[1]**3,
     lambda v: np.array([2 * v[0], 3 * v[1]**2]), np.array([2.0, 3.0])),
    (lambda v: np.sin(v[0]) * np.exp(v[1]), lambda v: jnp.sin(v[0]) * jnp.exp(v[1]),
     lambda v: np.array([np.cos(v[0]) * np.exp(v[1]), np.sin(v[0]) * np.exp(v[1])]),
     np.array([0.4, -0.7])),
    (lambda v: v[0] * v[1] + np.log(v[2]) * v[0]**2, lambda v: v[0] * v[1] + jnp.log(v[2]) * v[0]**2,
     lambda v: np.array([v[1] + 2 * v[0] * np.log(v[2]), v[0], v[0]**2 / v[2]]),
     np.array([1.3, -0.4, 2.5])),
    (lambda v: -(v[0] - 1)**2 - 3 * v[1]**2, lambda v: -(v[0] - 1)**2 - 3 * v[1]**2,
     lambda v: np.array([-2 * (v[0] - 1), -6 * v[1]]), np.array([-0.5, 0.8])),
]


# JAX compiles every new function, so the JAX checks use only the first two of each list.
JAX_CASES = (0, 1)


def _bounds(f, df, a, b):
    t = np.linspace(a, b, 20001)
    return float(np.max(np.abs(f(t)))), float(np.max(np.abs(df(t))))


# -- the checks of each exercise (a local stand-in for the grader's) -----------------------

def checks_01(m, want: Callable[[str], bool]) -> dict[str, bool]:
    rng = np.random.default_rng(1)
    results = {}
    if want("symbolic_derivative"):
        results["symbolic_derivative"] = passes(
            lambda: same_expr(m.symbolic_derivative(), 3 * x**2 - 4 * x))
    for k, (f, fj, df, (a, b)) in enumerate(SCALAR_FUNCTIONS):
        for shape in [(), (7,), (3, 4)]:
            pts = rng.uniform(a, b, shape)
            if want("rate_of_change"):
                results[f"rate_of_change/{k}/{shape}"] = passes(
                    lambda: close(m.rate_of_change(f, pts), df(pts), rtol=1e-5, atol=1e-7))
        xs = rng.uniform(a, b, 9)
        if want("autodiff_derivative") and k in JAX_CASES:
            results[f"autodiff_derivative/{k}"] = passes(
                lambda: close(np.asarray(m.autodiff_derivative(fj)(jnp.asarray(xs))), df(xs),
                              rtol=1e-9, atol=1e-12))
    return results


def checks_02(m, want: Callable[[str], bool]) -> dict[str, bool]:
    rng = np.random.default_rng(2)
    t = sp.Symbol("t")
    results = {}
    if want("antiderivative"):
        results["antiderivative"] = passes(
            lambda: same_antiderivative(m.antiderivative(), 3 * x**2 - 4 * x))
    cases = [  # (f, F, f', a, b)
        (lambda s: 3 * s**2 - 4 * s, 3 * t**2 - 4 * t, (-1.0, 2.5)),
        (np.sin, sp.sin(t), (0.5, 3.0)),
        (np.exp, sp.exp(t), (-1.0, 1.5)),
        (np.log, sp.log(t), (1.5, 4.0)),
    ]
    for k, (f, expr, (a, b)) in enumerate(cases):
        F = sp.lambdify(t, sp.integrate(expr, t), "numpy")
        df = sp.lambdify(t, sp.diff(expr, t), "numpy")
        m0, m1 = _bounds(f, df, a, b)
        for dx in (1e-3, 2.5e-3):
            exact = F(b) - F(a)
            tol = dx * ((b - a) * m1 + 2 * m0)
            if want("riemann_sum"):
                results[f"riemann_sum/{k}/{dx}"] = passes(
                    lambda: isinstance(got := m.riemann_sum(f, a, b, dx), (float, np.floating))
                    and abs(got - exact) <= tol)
        for grid in ("even", "uneven"):
            if grid == "even":
                xs = np.linspace(a, b, 401)
            else:
                xs = np.sort(np.concatenate(([a, b], rng.uniform(a, b, 599))))
            h = float(np.max(np.diff(xs)))
            exact = F(xs) - F(xs[0])
            if want("area_function"):
                results[f"area_function/{k}/{grid}"] = passes(
                    lambda: (A := np.asarray(m.area_function(f, xs))).shape == xs.shape
                    and A[0] == 0 and close(A, exact, rtol=0, atol=h * (b - a) * m1))
    return results


def _angle(u, v) -> float:
    c = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
    return math.acos(max(-1.0, min(1.0, c)))


def checks_03(m, want: Callable[[str], bool]) -> dict[str, bool]:
    results = {}
    if want("gradient_expr"):
        results["gradient_expr"] = passes(
            lambda: len(g := m.gradient_expr()) == 2
            and same_expr(g[0], 2 * x) and same_expr(g[1], 2 * y))
    if want("gradient_at_1_1"):
        results["gradient_at_1_1"] = passes(
            lambda: len(g := m.gradient_at_1_1()) == 2
            and all(isinstance(v, (int, float)) for v in g)
            and close(np.array(g, dtype=float), [2.0, 2.0], rtol=1e-12))
    for k, (f, fj, grad, p) in enumerate(VECTOR_FUNCTIONS):
        if want("numerical_gradient"):
            results[f"numerical_gradient/{k}"] = passes(
                lambda: close(m.numerical_gradient(f, p), grad(p), rtol=1e-5, atol=1e-7))
        if want("jax_gradient") and k in JAX_CASES:
            results[f"jax_gradient/{k}"] = passes(
                lambda: close(np.asarray(m.jax_gradient(fj)(jnp.asarray(p))), grad(p),
                              rtol=1e-9, atol=1e-12))
        if p.size == 2 and want("steepest_ascent_direction"):
            for n in (360, 64, 7):
                def steepest_ok():
                    u = np.asarray(m.steepest_ascent_direction(f, p, n_directions=n))
                    return (u.shape == (2,) and abs(np.linalg.norm(u) - 1) < 1e-9
                            and _angle(u, grad(p)) <= 2 * np.pi / n)
                results[f"steepest_ascent_direction/{k}/{n}"] = passes(steepest_ok)
    return results


def _jacobian_cases():
    # (f for jax.numpy, exact Jacobian, point): m != n in both
    return [
        (lambda v: jnp.array([v[0] * v[1] * v[2], jnp.sin(v[0]) + v[2]**2]),
         lambda v: np.array([[v[1] * v[2], v[0] * v[2], v[0] * v[1]],
                             [np.cos(v[0]), 0.0, 2 * v[2]]]),
         np.array([1.0, 2.0, 3.0])),
        (lambda v: jnp.array([jnp.exp(v[0]), v[0] * v[1], jnp.tanh(v[1])]),
         lambda v: np.array([[np.exp(v[0]), 0.0], [v[1], v[0]],
                             [0.0, 1 - np.tanh(v[1])**2]]),
         np.array([0.3, -1.2])),
    ]


def sigmoid_jacobian_expected() -> sp.Matrix:
    sym = sp.symbols("x y p q r s t u")
    xx, yy, p, q, r, s, t, u = sym

    def dsig(z):
        return sp.exp(-z) / (1 + sp.exp(-z))**2

    weights = [(p, q), (r, s), (t, u)]
    return sp.Matrix([[dsig(a * xx + b * yy) * a, dsig(a * xx + b * yy) * b]
                      for a, b in weights])


def checks_04(m, want: Callable[[str], bool]) -> dict[str, bool]:
    results = {}
    if want("example_jacobian"):
        results["example_jacobian"] = passes(lambda: same_matrix(
            m.example_jacobian(), sp.Matrix([[2 * y, 2 * x], [2 * x * y, x**2]])))
    if want("sigmoid_jacobian"):
        results["sigmoid_jacobian"] = passes(lambda: same_matrix(
            m.sigmoid_jacobian(), sigmoid_jacobian_expected()))
    for k, (fj, jac, p) in enumerate(_jacobian_cases()):
        if want("jax_jacobian"):
            results[f"jax_jacobian/{k}"] = passes(lambda: close(
                np.asarray(m.jax_jacobian(fj)(jnp.asarray(p))), jac(p), rtol=1e-9, atol=1e-12))
    return results


CHECKS = {"01_derivative": checks_01, "02_antiderivative": checks_02,
          "03_gradient": checks_03, "04_jacobian": checks_04}


def run_checks(slug: str, module, only: set[str] | None = None) -> dict[str, bool]:
    """The local checks of ``slug`` on ``module``, restricted to the functions in ``only``."""
    results = CHECKS[slug](module, lambda name: only is None or name in only)
    assert results, "no check ran"
    return results


# -- the catalogue's numbers ---------------------------------------------------------------

def test_01_symbolic_derivative_is_3x2_minus_4x():
    got = reference("01_derivative").symbolic_derivative()
    assert isinstance(got, sp.Expr)
    assert sp.expand(got - (3 * x**2 - 4 * x)) == 0


def test_01_rate_of_change_keeps_shape_and_matches_rule():
    m = reference("01_derivative")
    f = lambda t: t**3 - 2 * t**2 + 1  # noqa: E731
    grid = np.array([[0.0, 1.0], [2.0, 3.0]])
    got = m.rate_of_change(f, grid)
    assert isinstance(got, np.ndarray) and got.shape == (2, 2)
    np.testing.assert_allclose(got, [[0.0, -1.0], [4.0, 15.0]], atol=1e-8)
    assert m.rate_of_change(np.sin, 0.0).shape == ()
    assert m.rate_of_change(lambda t: 5.0, np.zeros(3)).shape == (3,)  # constant f


def test_01_rule_and_rate_of_change_coincide_on_the_plot_interval():
    m = reference("01_derivative")
    rule = sp.lambdify(x, m.symbolic_derivative(), "numpy")
    xs = np.linspace(-2, 3, 201)
    f = sp.lambdify(x, reference("01_derivative").lesson_function(), "numpy")
    np.testing.assert_allclose(m.rate_of_change(f, xs), rule(xs), rtol=1e-6, atol=1e-7)


def test_01_autodiff_accepts_lists_and_integer_arrays():
    g = reference("01_derivative").autodiff_derivative(lambda t: t**3 - 2 * t**2 + 1)
    np.testing.assert_allclose(np.asarray(g([0, 1, 2, 3])), [0.0, -1.0, 4.0, 15.0])
    np.testing.assert_allclose(np.asarray(g(np.arange(4))), [0.0, -1.0, 4.0, 15.0])


def test_02_antiderivative_is_x3_minus_2x2():
    got = reference("02_antiderivative").antiderivative()
    assert sp.expand(got - (x**3 - 2 * x**2)) == 0


def test_02_riemann_sum_left_points_and_error():
    m = reference("02_antiderivative")
    f = lambda t: 3 * t**2 - 4 * t  # noqa: E731
    got = m.riemann_sum(f, 0.0, 2.0, 0.001)
    assert isinstance(got, float)
    # left rule: error ~ (dx/2)(f(a) - f(b)) = 0.0005 * (0 - 4)
    assert got == pytest.approx(-0.002, abs=2e-6)
    # the grid is counted with round(): 0.1 does not divide 1 exactly in binary
    assert len(m.left_grid(0.0, 1.0, 0.1)) == 10
    assert m.riemann_sum(lambda t: np.ones_like(t), 0.0, 1.0, 0.1) == pytest.approx(1.0)
    assert m.riemann_sum(lambda t: t, 0.0, 1.0, 0.25) == pytest.approx(0.375)  # 0+.25+.5+.75


def test_02_area_function_starts_at_zero_and_tracks_the_antiderivative():
    m = reference("02_antiderivative")
    f = lambda t: 3 * t**2 - 4 * t  # noqa: E731
    xs = np.array([0.0, 0.5, 1.0, 2.0, 3.0])
    got = m.area_function(f, xs)
    assert got.shape == (5,) and got[0] == 0.0
    np.testing.assert_allclose(got, [0.0, -0.3125, -0.875, 0.625, 10.125])
    fine = np.linspace(-1.0, 3.0, 4001)
    F = fine**3 - 2 * fine**2
    np.testing.assert_allclose(m.area_function(f, fine), F - F[0], atol=1e-5)


def test_03_gradient_expressions_and_value():
    m = reference("03_gradient")
    gx, gy = m.gradient_expr()
    assert sp.expand(gx - 2 * x) == 0 and sp.expand(gy - 2 * y) == 0
    value = m.gradient_at_1_1()
    assert value == (2.0, 2.0) and all(isinstance(v, float) for v in value)


def test_03_numerical_gradient_lesson_example():
    got = reference("03_gradient").numerical_gradient(lambda v: v[0]**2 + v[1]**3, np.array([2.0, 3.0]))
    assert isinstance(got, np.ndarray) and got.shape == (2,)
    np.testing.assert_allclose(got, [4.0, 27.0], rtol=1e-7)


def test_03_steepest_ascent_of_the_bowl_at_1_1_is_45_degrees():
    m = reference("03_gradient")
    u = m.steepest_ascent_direction(lambda v: v[0]**2 + v[1]**2, np.array([1.0, 1.0]))
    assert u.shape == (2,)
    np.testing.assert_allclose(u, [np.sqrt(0.5), np.sqrt(0.5)], atol=1e-12)
    # with 4 directions the answer is one of the axes nearest the gradient (3, 1)
    u4 = m.steepest_ascent_direction(lambda v: 1.5 * v[0]**2 + v[1], np.array([1.0, 0.0]), 4)
    np.testing.assert_allclose(u4, [1.0, 0.0], atol=1e-12)


def test_03_jax_gradient_of_sum_of_squares():
    grad = reference("03_gradient").jax_gradient(lambda v: jnp.sum(v**2))
    np.testing.assert_allclose(np.asarray(grad(jnp.array([1.0, 2.0, 3.0]))), [2.0, 4.0, 6.0])
    np.testing.assert_allclose(np.asarray(grad([1, 2, 3])), [2.0, 4.0, 6.0])


def test_04_example_jacobian():
    got = reference("04_jacobian").example_jacobian()
    assert got == sp.Matrix([[2 * y, 2 * x], [2 * x * y, x**2]])


def test_04_sigmoid_jacobian_is_3x2_and_equals_the_exponential_form():
    got = reference("04_jacobian").sigmoid_jacobian()
    assert isinstance(got, sp.MatrixBase) and got.shape == (3, 2)
    assert {s.name for s in got.free_symbols} == set("xypqrstu")
    assert all(sp.simplify(g - e) == 0 for g, e in zip(got, sigmoid_jacobian_expected()))


def test_04_jax_jacobian_shape_is_outputs_by_inputs():
    m = reference("04_jacobian")
    jac = m.jax_jacobian(lambda v: jnp.array([2 * v[0] * v[1], v[0]**2 * v[1]]))
    np.testing.assert_allclose(np.asarray(jac([1.0, 2.0])), [[4.0, 2.0], [4.0, 1.0]])
    f = lambda v: jnp.array([v[0] * v[1] * v[2], jnp.sin(v[0])])  # noqa: E731
    assert m.jax_jacobian(f)(jnp.array([1.0, 2.0, 3.0])).shape == (2, 3)


# -- the reference passes its own checks; the stub raises ------------------------------------

@pytest.mark.parametrize("slug", SLUGS)
def test_reference_passes_every_local_check(slug):
    results = run_checks(slug, reference(slug))
    assert all(results.values()), [k for k, ok in results.items() if not ok]


STUB_CALLS = {
    "01_derivative": {"symbolic_derivative": (), "rate_of_change": (np.sin, np.zeros(3)),
                      "autodiff_derivative": (jnp.sin,)},
    "02_antiderivative": {"antiderivative": (), "riemann_sum": (np.sin, 0.0, 1.0, 0.1),
                          "area_function": (np.sin, np.linspace(0, 1, 5))},
    "03_gradient": {"gradient_expr": (), "gradient_at_1_1": (),
                    "numerical_gradient": (np.sum, np.zeros(2)),
                    "steepest_ascent_direction": (np.sum, np.zeros(2)),
                    "jax_gradient": (jnp.sum,)},
    "04_jacobian": {"example_jacobian": (), "sigmoid_jacobian": (), "jax_jacobian": (jnp.sin,)},
}


@pytest.mark.parametrize("slug", SLUGS)
def test_stub_functions_raise_not_implemented(slug):
    module = stub(slug)
    for name, args in STUB_CALLS[slug].items():
        with pytest.raises(NotImplementedError):
            getattr(module, name)(*args)


@pytest.mark.parametrize("slug", SLUGS)
def test_stub_and_reference_share_the_contract(slug):
    module, ref = stub(slug), reference(slug)
    assert set(STUB_CALLS[slug]) == {n for n, v in vars(module).items()
                                     if inspect.isfunction(v) and v.__module__ == module.__name__}
    for name in STUB_CALLS[slug]:
        got = inspect.signature(getattr(module, name)).parameters
        want = inspect.signature(getattr(ref, name)).parameters
        # the reference may add trailing parameters with defaults, nothing else
        assert list(got) == list(want)[:len(got)], name
        assert all(want[p].default is not inspect.Parameter.empty for p in list(want)[len(got):])


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_is_self_contained(slug):
    text = (ROOT / "reference" / f"{slug}.py").read_text()
    imports = {line.split()[1].split(".")[0] for line in text.splitlines()
               if line.startswith(("import ", "from "))}
    assert imports <= {"__future__", "typing", "numpy", "sympy", "jax", "scipy"}


# -- variants ---------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["mistakes", "wrong", "alt"])
def test_every_exercise_has_variants(kind):
    minimum = {"mistakes": 0, "wrong": 2, "alt": 1}[kind]
    for slug in SLUGS:
        assert len(variant_files(kind, slug)) >= max(minimum, 1), slug


@pytest.mark.parametrize("slug,path", variant_params("mistakes") + variant_params("wrong")
                         + variant_params("alt"))
def test_variant_file_format(slug, path):
    lines = path.read_text().splitlines()
    assert lines[0].startswith("# ") and len(lines[0]) > 20  # what it is / the message
    assert not any(line.startswith("from __future__") for line in lines)


@pytest.mark.parametrize("slug,path", variant_params("alt", mark_jax_slow=True))
def test_alt_answers_pass_every_check(slug, path):
    results = run_checks(slug, variant(slug, path), defined_functions(path))
    assert all(results.values()), [k for k, ok in results.items() if not ok]


@pytest.mark.parametrize("slug,path", variant_params("wrong", mark_jax_slow=True)
                         + variant_params("mistakes", mark_jax_slow=True))
def test_wrong_answers_and_mistakes_fail_some_check(slug, path):
    results = run_checks(slug, variant(slug, path), defined_functions(path))
    assert not all(results.values())


CATALOGUED = {  # mistake id -> (function, the wrong answer the catalogue describes)
    ("01_derivative", "derivative_of_minus_2x2"): 3 * x**2 - 4,
    ("01_derivative", "returned_function"): x**3 - 2 * x**2 + 1,
    ("01_derivative", "integrated"): x**4 / 4 - 2 * x**3 / 3 + x,
    ("02_antiderivative", "differentiated"): 6 * x - 4,
    ("02_antiderivative", "forgot_to_divide"): 3 * x**3 - 4 * x**2,
    ("02_antiderivative", "sign"): x**3 + 2 * x**2,
}


@pytest.mark.parametrize("slug,mistake", sorted(CATALOGUED))
def test_symbolic_mistake_gives_the_catalogued_answer(slug, mistake):
    m = variant(slug, ROOT / "reference/mistakes" / slug / f"{mistake}.py")
    got = m.symbolic_derivative() if slug == "01_derivative" else m.antiderivative()
    assert same_expr(got, CATALOGUED[slug, mistake])


def test_02_code_mistakes():
    path = ROOT / "reference/mistakes/02_antiderivative"
    ref = reference("02_antiderivative")
    f = lambda t: 3 * t**2 - 4 * t + 2  # noqa: E731
    no_dx = variant("02_antiderivative", path / "forgot_dx.py").riemann_sum(f, 0.0, 2.0, 0.01)
    assert no_dx * 0.01 == pytest.approx(ref.riemann_sum(f, 0.0, 2.0, 0.01))
    xs = np.linspace(0, 2, 11)
    short = variant("02_antiderivative", path / "area_without_zero.py").area_function(f, xs)
    assert short.shape == (10,)
    np.testing.assert_allclose(short, ref.area_function(f, xs)[1:])


def test_03_code_mistakes():
    path = ROOT / "reference/mistakes/03_gradient"
    f = lambda v: v[0]**2 + v[1]**3  # noqa: E731
    p = np.array([2.0, 3.0])
    diagonal = variant("03_gradient", path / "all_coordinates_perturbed.py").numerical_gradient(f, p)
    np.testing.assert_allclose(diagonal, [31.0, 31.0], rtol=1e-6)  # 4 + 27 in every slot
    down = variant("03_gradient", path / "descent_direction.py").steepest_ascent_direction(f, p)
    assert _angle(down, -np.array([4.0, 27.0])) <= 2 * np.pi / 360
    long = variant("03_gradient", path / "not_unit_length.py").steepest_ascent_direction(f, p)
    assert _angle(long, [4.0, 27.0]) < 1e-6 and np.linalg.norm(long) > 1


def test_04_sigmoid_mistakes():
    path = ROOT / "reference/mistakes/04_jacobian"
    expected = sigmoid_jacobian_expected()
    transposed = variant("04_jacobian", path / "transposed.py").sigmoid_jacobian()
    assert transposed.shape == (2, 3) and same_matrix(transposed.T, expected)
    p, q, r, s, t, u = sp.symbols("p q r s t u")
    weights = sp.Matrix([[p, q], [r, s], [t, u]])
    no_inner = variant("04_jacobian", path / "missing_inner_factor.py").sigmoid_jacobian()
    assert same_matrix(no_inner, sp.Matrix(3, 2, lambda i, j: expected[i, j] / weights[i, j]))
    plus = variant("04_jacobian", path / "sigma_one_plus_sigma.py").sigmoid_jacobian()
    sig = reference("04_jacobian").sigmoid
    _, z = reference("04_jacobian").sigmoid_layer()
    assert same_matrix(plus, sp.Matrix(
        3, 2, lambda i, j: sig(z[i]) * (1 + sig(z[i])) * weights[i, j]))
