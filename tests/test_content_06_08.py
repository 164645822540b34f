"""Content tests for 06_optimum, 07_svm and 08_descent.

The references reproduce every number the catalogue publishes; the stubs only raise
NotImplementedError; every alternative answer (tests/cases, full_marks) passes the same checks
and every mistake (reference/mistakes) and wrong answer (tests/cases, fails) fails at least one.
"""

from __future__ import annotations

import os

os.environ.setdefault("JAX_ENABLE_X64", "1")

import importlib.util
import types
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from case_data import variant_files as case_variants
from case_data import variant_name
from sympy.parsing.sympy_parser import (
    implicit_multiplication,
    parse_expr,
    standard_transformations,
)

ROOT = Path(__file__).resolve().parents[1]
SLUGS = ("06_optimum", "07_svm", "08_descent")


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reference(slug: str):
    return _load(ROOT / "reference" / f"{slug}.py", f"reference_{slug}")


def _variant(slug: str, path: Path):
    """The reference source with ``path`` appended (the self-test's convention)."""
    source = (ROOT / "reference" / f"{slug}.py").read_text() + "\n\n" + path.read_text()
    module = types.ModuleType(f"variant_{slug}_{variant_name(path)}")
    exec(compile(source, str(path), "exec"), module.__dict__)
    return module


def _variant_files(slug: str, kind: str) -> list[Path]:
    if kind != "mistakes":
        return case_variants(slug, {"wrong": "fails", "alt": "full_marks"}[kind])
    return sorted((ROOT / "reference/mistakes" / slug).glob("*.py"))


REF06 = _reference("06_optimum")
REF07 = _reference("07_svm")
REF08 = _reference("08_descent")

x = sp.Symbol("x")


# ---------------------------------------------------------------- 06_optimum


def _same_critical_points(got, expected):
    """Keys compared numerically (1e-9), kinds exactly."""
    if len(got) != len(expected):
        return False
    remaining = dict(got)
    for point, kind in expected.items():
        p = complex(sp.N(point))
        match = [k for k in remaining if abs(complex(sp.N(k)) - p) <= 1e-9 * (1 + abs(p))]
        if len(match) != 1 or remaining.pop(match[0]) != kind:
            return False
    return True


def test_06_log_answers():
    assert sp.simplify(REF06.log_derivative() - 1 / x) == 0
    assert REF06.log_critical_points() == []
    assert REF06.log_extremum() == "none"


CRITICAL_CASES = [
    (x**3 - 2 * x**2 + 1, {0: "maximum", sp.Rational(4, 3): "minimum"}),
    (x**4, {0: "minimum"}),
    (x**3, {0: "neither"}),
    (-(x**4), {0: "maximum"}),
    (x**5, {0: "neither"}),
    (x**3 + x, {}),
    (x**4 / 4 + x**2 / 2, {0: "minimum"}),
    (x * sp.exp(-x), {1: "maximum"}),
    (x - sp.log(x), {1: "minimum"}),
    (x**2 / 2 - sp.log(x), {1: "minimum"}),
    (sp.exp(x) - sp.log(x), {sp.LambertW(1): "minimum"}),
    ((x - 1) ** 4 * (x + 2) ** 3, {-2: "neither", sp.Rational(-5, 7): "maximum", 1: "minimum"}),
    ((x**2 - 2) ** 2, {0: "maximum", sp.sqrt(2): "minimum", -sp.sqrt(2): "minimum"}),
    (x**6 - 2 * x**5 + x, {-0.525124629249605: "minimum", 0.6337980815467987: "maximum",
                           1.6438417765176436: "minimum"}),
]


@pytest.mark.parametrize("expr, expected", CRITICAL_CASES, ids=[str(c[0]) for c in CRITICAL_CASES])
def test_06_critical_points(expr, expected):
    assert _same_critical_points(REF06.critical_points(expr, x), expected)


def test_06_catalogue_example_exact_keys():
    got = REF06.critical_points(x**3 - 2 * x**2 + 1, x)
    assert got == {sp.Integer(0): "maximum", sp.Rational(4, 3): "minimum"}


def test_06_symbols_matched_by_name():
    xr = sp.Symbol("x", real=True)
    assert _same_critical_points(REF06.critical_points(xr**4 - 2 * xr**2, x),
                                 {0: "maximum", 1: "minimum", -1: "minimum"})
    assert REF06.critical_points(x**4, "x") == {0: "minimum"}


def _checks_06(m) -> dict[str, bool]:
    derivative = m.log_derivative()
    if isinstance(derivative, str):  # strings are the grader's parser's business
        derivative = parse_expr(derivative.replace("^", "**"))
    return {
        "log_derivative": sp.simplify(derivative - 1 / x) == 0,
        "log_critical_points": list(m.log_critical_points()) == [],
        "log_extremum": m.log_extremum() == "none",
        **{f"critical_points {expr}": _same_critical_points(m.critical_points(expr, x), exp)
           for expr, exp in (CRITICAL_CASES[i] for i in (0, 1, 2, 5, 6, 7, 9))},
    }


# ---------------------------------------------------------------- 07_svm

SIX = np.array(REF07.SIX_POINTS)
SIX_LABELS = np.array(REF07.SIX_LABELS)


def test_07_six_point_line():
    line = REF07.six_point_line()
    assert isinstance(line, tuple) and len(line) == 3
    assert all(isinstance(t, float) for t in line)
    np.testing.assert_allclose(line, (2 / 3, 2 / 3, -1.0), rtol=0, atol=1e-6)


def test_07_three_point_problem():
    a, b, c = REF07.solve_svm(REF07.THREE_POINTS, REF07.THREE_LABELS)
    np.testing.assert_allclose((a, b, c), (2 / 3, 2 / 3, -1.0), atol=1e-9)
    assert a * a + b * b == pytest.approx(8 / 9, rel=1e-9)


def test_07_support_vectors():
    assert REF07.support_vectors(SIX, SIX_LABELS, REF07.six_point_line()) == [2, 4, 5]
    assert REF07.support_vectors(SIX, SIX_LABELS, (2 / 3, 2 / 3, -1.0)) == [2, 4, 5]
    assert REF07.support_vectors(SIX.tolist(), SIX_LABELS.tolist(), (2 / 3, 2 / 3, -1.0)) == [2, 4, 5]


def test_07_lagrangian_and_extra_points():
    a, b, c, l1, l2, l3 = sp.symbols("a b c lambda1 lambda2 lambda3")
    expected = (2 * a + l2 + 2 * l3, 2 * b + 2 * l2 + l3, -l1 + l2 + l3)
    for got, want in zip(REF07.lagrangian_partials(), expected, strict=True):
        assert sp.expand(got - want) == 0
    assert REF07.extra_points_change_line() is False


def _random_separable(rng, n, scale=1.0, shift=(0.0, 0.0)):
    w, c = rng.normal(size=2), rng.normal()
    P = rng.uniform(-5, 5, size=(4 * n, 2))
    f = P @ w + c
    keep = np.abs(f) / np.linalg.norm(w) > 0.3
    P, labels = P[keep][:n], np.sign(f[keep][:n])
    labels[:2] = [-1, 1]
    P[0] = -3 * w / np.linalg.norm(w) - c * w / (w @ w)  # one point on each side, far away
    P[1] = 3 * w / np.linalg.norm(w) - c * w / (w @ w)
    return P * scale + np.asarray(shift), labels


def _kkt_residual(P, labels, line):
    """(worst constraint violation, relative stationarity residual with λ ≥ 0)."""
    from scipy.optimize import nnls

    w = np.asarray(line)
    Zh = np.column_stack([P, np.ones(len(P))])
    margins = labels * (Zh @ w)
    active = np.flatnonzero(margins - 1 <= 1e-6)
    G = (labels[active, None] * Zh[active]).T
    _, residual = nnls(G, np.array([2 * w[0], 2 * w[1], 0.0]))
    return max(0.0, 1 - margins.min()), residual / np.hypot(w[0], w[1])


@pytest.mark.parametrize("seed", range(8))
def test_07_random_sets_feasible_and_optimal(seed):
    rng = np.random.default_rng(seed)
    scale = [1.0, 0.05, 40.0, 1.0, 3.0, 1.0, 0.5, 10.0][seed]
    P, labels = _random_separable(rng, int(rng.integers(5, 40)), scale, rng.normal(size=2) * 20)
    line = REF07.solve_svm(P, labels)
    violation, stationarity = _kkt_residual(P, labels, line)
    assert violation <= 1e-9
    assert stationarity <= 1e-6


def _checks_07(m) -> dict[str, bool]:
    checks = {"six_point_line": np.allclose(m.six_point_line(), (2 / 3, 2 / 3, -1), atol=1e-6)}
    rng = np.random.default_rng(123)
    for k in range(3):
        P, labels = _random_separable(rng, 20)
        a, b, c = m.solve_svm(P, labels)
        ra, rb, _ = REF07.solve_svm(P, labels)
        margins = labels * (a * P[:, 0] + b * P[:, 1] + c)
        checks[f"solve_svm feasible {k}"] = bool(margins.min() >= 1 - 1e-6)
        checks[f"solve_svm optimal {k}"] = abs(a * a + b * b - (ra * ra + rb * rb)) <= 1e-3 * (ra * ra + rb * rb)
    checks["support_vectors"] = list(m.support_vectors(SIX, SIX_LABELS, (2 / 3, 2 / 3, -1.0))) == [2, 4, 5]
    a, b, c, l1, l2, l3 = sp.symbols("a b c lambda1 lambda2 lambda3")
    transformations = standard_transformations + (implicit_multiplication,)
    partials = [parse_expr(p, transformations=transformations) if isinstance(p, str) else p
                for p in m.lagrangian_partials()]
    expected = (2 * a + l2 + 2 * l3, 2 * b + 2 * l2 + l3, -l1 + l2 + l3)
    checks["lagrangian_partials"] = all(sp.expand(g - e) == 0 for g, e in zip(partials, expected))
    checks["extra_points_change_line"] = m.extra_points_change_line() is False
    return checks


# ---------------------------------------------------------------- 08_descent


def _exp_log_grad(v):
    return np.exp(v) - 1 / v


COUPLED = np.array([[3.0, 1.0], [1.0, 2.0]])


def test_08_course_descent():
    path = REF08.gradient_descent(_exp_log_grad, 1.6, 0.1, 25)
    assert path.shape == (26,) and path.dtype == np.float64
    assert path[0] == 1.6
    assert path[-1] == pytest.approx(0.5671434156768685, abs=1e-12)


def test_08_vector_path_and_zero_steps():
    path = REF08.gradient_descent(lambda v: COUPLED @ v, np.array([1.0, -2.0]), 0.1, 3)
    assert path.shape == (4, 2)
    expected = [np.array([1.0, -2.0])]
    for _ in range(3):
        expected.append(expected[-1] - 0.1 * COUPLED @ expected[-1])
    np.testing.assert_allclose(path, np.array(expected), rtol=1e-14)
    assert REF08.gradient_descent(lambda v: 2 * v, 3.0, 0.1, 0).shape == (1,)
    assert REF08.gradient_descent(lambda v: 2 * v, [1.0, 2.0], 0.1, 0).shape == (1, 2)


def test_08_find_global_minimum():
    def f(v):
        return np.sin(3 * v) + 0.1 * v**2

    def grad(v):
        return 3 * np.cos(3 * v) + 0.2 * v

    best = REF08.find_global_minimum(f, grad, [-3.0, -1.0, 0.0, 1.0, 3.0], 0.01, 500)
    assert isinstance(best, float)
    assert best == pytest.approx(-0.5122, abs=1e-3)  # the deepest valley, near −π/6
    vec = REF08.find_global_minimum(lambda v: v @ v, lambda v: 2 * v, [[1.0, 2.0], [3.0, 4.0]], 0.1, 200)
    assert vec.shape == (2,) and np.allclose(vec, 0, atol=1e-12)


def test_08_max_stable_learning_rate():
    assert REF08.max_stable_learning_rate(COUPLED) == pytest.approx(2 / ((5 + np.sqrt(5)) / 2), rel=1e-14)
    assert REF08.max_stable_learning_rate(np.diag([1.0, 4.0])) == pytest.approx(0.5, rel=1e-14)
    # Just below the limit descent converges, just above it diverges.
    eta = REF08.max_stable_learning_rate(COUPLED)
    below = REF08.gradient_descent(lambda v: COUPLED @ v, [1.0, 1.0], 0.99 * eta, 2000)[-1]
    above = REF08.gradient_descent(lambda v: COUPLED @ v, [1.0, 1.0], 1.01 * eta, 2000)[-1]
    assert np.linalg.norm(below) < 1e-6 < 1e6 < np.linalg.norm(above)


def test_08_linear_regression_worked_example():
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([2.0, 2.5, 3.5])
    theta = REF08.linear_regression_gd(X, y, [0.1, 0.1], 0.1, 1000)
    assert theta.shape == (2,)
    np.testing.assert_allclose(theta, [1.1667, 0.75], atol=1e-3)
    np.testing.assert_allclose(theta, [1.1666630024779183, 0.7500016118829195], rtol=1e-12)


def _regression_data(seed, m=500):
    """The data the sgd check assumes: intercept + 2 standard-normal features, noise 0.5."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([np.ones(m), rng.normal(size=(m, 2))])
    y = X @ (rng.normal(size=3) * 2) + 0.5 * rng.normal(size=m)
    return X, y


def _sgd_excess(m, seed):
    X, y = _regression_data(seed)
    theta = m.sgd(X, y, np.zeros(3), 0.05, 50, 32, seed)
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    return np.mean((X @ theta - y) ** 2) / np.mean((X @ best - y) ** 2) - 1


@pytest.mark.parametrize("seed", range(5))
def test_08_sgd_within_one_percent(seed):
    assert 0 <= _sgd_excess(REF08, seed) < 0.01


def test_08_sgd_is_reproducible():
    X, y = _regression_data(0)
    first = REF08.sgd(X, y, np.zeros(3), 0.05, 3, 32, 11)
    np.testing.assert_array_equal(first, REF08.sgd(X, y, np.zeros(3), 0.05, 3, 32, 11))
    assert not np.array_equal(first, REF08.sgd(X, y, np.zeros(3), 0.05, 3, 32, 12))


def test_08_l2_and_clip():
    X = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    y = np.array([2.0, 2.5, 3.5])
    np.testing.assert_allclose(REF08.l2_gradient(X, y, [1.0, 1.0], 0.5), [5 / 6, 4 / 3], rtol=1e-14)
    np.testing.assert_allclose(REF08.l2_gradient(X, y, [1.0, 1.0], 0.0), [1 / 3, 5 / 6], rtol=1e-14)
    np.testing.assert_allclose(REF08.clip_gradient([3.0, 4.0], 1.0), [0.6, 0.8], rtol=1e-14)
    np.testing.assert_array_equal(REF08.clip_gradient([0.3, 0.4], 1.0), [0.3, 0.4])
    clipped = REF08.clip_gradient(np.ones((2, 2)) * 10, 1.0)
    assert clipped.shape == (2, 2) and np.linalg.norm(clipped) == pytest.approx(1.0)


def test_08_bfgs_minimum():
    point = REF08.bfgs_minimum()
    assert isinstance(point, np.ndarray) and point.shape == (2,)
    np.testing.assert_allclose(point, [0.0, 0.0], atol=1e-5)


def _checks_08(m) -> dict[str, bool]:
    def same(got, ref, rtol=1e-9, atol=0.0):
        got = np.asarray(got, dtype=float)
        return got.shape == np.shape(ref) and bool(np.allclose(got, ref, rtol=rtol, atol=atol))

    with np.errstate(all="ignore"):  # a wrong descent may overflow
        checks = {
            "gd exp-log": same(m.gradient_descent(_exp_log_grad, 1.6, 0.1, 25),
                               REF08.gradient_descent(_exp_log_grad, 1.6, 0.1, 25)),
            "gd coupled bowl": same(m.gradient_descent(lambda v: COUPLED @ v, np.array([1.0, -2.0]), 0.1, 5),
                                    REF08.gradient_descent(lambda v: COUPLED @ v, np.array([1.0, -2.0]), 0.1, 5)),
        }
    f, g = (lambda v: np.sin(3 * v) + 0.1 * v**2), (lambda v: 3 * np.cos(3 * v) + 0.2 * v)
    starts = [-3.0, -1.0, 0.0, 1.0, 3.0]
    checks["find_global_minimum"] = same(m.find_global_minimum(f, g, starts, 0.01, 500),
                                         REF08.find_global_minimum(f, g, starts, 0.01, 500))
    A = np.array([[4.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 1.0]])
    checks["max_stable_learning_rate"] = same(m.max_stable_learning_rate(A),
                                              REF08.max_stable_learning_rate(A), rtol=1e-8)
    X, y = _regression_data(3, m=40)
    checks["linear_regression_gd"] = same(m.linear_regression_gd(X, y, np.zeros(3), 0.1, 30),
                                          REF08.linear_regression_gd(X, y, np.zeros(3), 0.1, 30))
    checks["sgd"] = _sgd_excess(m, 1) < 0.01
    theta = np.array([0.5, -1.0, 2.0])
    checks["l2_gradient"] = same(m.l2_gradient(X, y, theta, 0.3), REF08.l2_gradient(X, y, theta, 0.3))
    checks["clip_gradient"] = (same(m.clip_gradient([3.0, 40.0], 5.0), REF08.clip_gradient([3.0, 40.0], 5.0))
                               and same(m.clip_gradient([3.0, 4.0], 10.0), [3.0, 4.0]))
    checks["bfgs_minimum"] = same(m.bfgs_minimum(), [0.0, 0.0], atol=1e-5)
    return checks


# ---------------------------------------------------------------- variants and stubs

CHECKS = {"06_optimum": _checks_06, "07_svm": _checks_07, "08_descent": _checks_08}
REFERENCES = {"06_optimum": REF06, "07_svm": REF07, "08_descent": REF08}


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_passes_its_own_checks(slug):
    checks = CHECKS[slug](REFERENCES[slug])
    assert all(checks.values()), [k for k, ok in checks.items() if not ok]


def _variant_params(kind):
    return [pytest.param(slug, p, id=f"{slug}/{variant_name(p)}") for slug in SLUGS for p in _variant_files(slug, kind)]


@pytest.mark.parametrize("slug, path", _variant_params("alt"))
def test_alternative_answers_pass(slug, path):
    checks = CHECKS[slug](_variant(slug, path))
    assert all(checks.values()), [k for k, ok in checks.items() if not ok]


@pytest.mark.parametrize("slug, path", _variant_params("mistakes") + _variant_params("wrong"))
def test_mistakes_and_wrong_answers_fail(slug, path):
    first_line = path.read_text().splitlines()[0]
    assert first_line.startswith("# ") and len(first_line) > 20
    try:
        checks = CHECKS[slug](_variant(slug, path))
    except Exception:  # crashing on a check is failing it
        return
    assert not all(checks.values())


@pytest.mark.parametrize("slug", SLUGS)
def test_every_exercise_has_content(slug):
    assert (ROOT / "exercises" / slug / "README.md").is_file()
    assert len(_variant_files(slug, "alt")) >= 1
    assert len(_variant_files(slug, "wrong")) >= 2
    assert len(_variant_files(slug, "mistakes")) >= 1


STUB_CALLS = {
    "06_optimum": {"log_derivative": (), "log_critical_points": (), "log_extremum": (),
                   "critical_points": (x**3, x)},
    "07_svm": {"solve_svm": (SIX, SIX_LABELS), "six_point_line": (),
               "support_vectors": (SIX, SIX_LABELS, (2 / 3, 2 / 3, -1.0)),
               "lagrangian_partials": (), "extra_points_change_line": ()},
    "08_descent": {"gradient_descent": (_exp_log_grad, 1.6, 0.1, 25),
                   "find_global_minimum": (np.cos, np.sin, [0.0], 0.1, 5),
                   "max_stable_learning_rate": (COUPLED,),
                   "linear_regression_gd": (np.eye(2), np.ones(2), np.zeros(2), 0.1, 3),
                   "sgd": (np.eye(2), np.ones(2), np.zeros(2), 0.1, 3, 1, 0),
                   "l2_gradient": (np.eye(2), np.ones(2), np.zeros(2), 0.1),
                   "clip_gradient": (np.ones(2), 1.0), "bfgs_minimum": ()},
}


@pytest.mark.parametrize("slug", SLUGS)
def test_stub_matches_reference_api_and_raises(slug):
    import inspect

    stub = _load(ROOT / "exercises" / slug / "solution.py", f"stub_{slug}")
    reference = REFERENCES[slug]
    public = {n for n, f in vars(stub).items() if inspect.isfunction(f) and not n.startswith("_")}
    assert public == set(STUB_CALLS[slug])
    for name, args in STUB_CALLS[slug].items():
        assert inspect.signature(getattr(stub, name)) == inspect.signature(getattr(reference, name))
        assert getattr(stub, name).__doc__
        with pytest.raises(NotImplementedError):
            getattr(stub, name)(*args)
