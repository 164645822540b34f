"""Exercises 06–08: the references score full marks and draw their figures, the judges' own
messages appear on the answers they describe (judged here, without a sandbox), and the
hidden inputs keep their promises. Example answers (equivalent, wrong, hard-coded) are data
under tests/cases/, graded by tests/test_cases.py."""
from __future__ import annotations

import sys

import numpy as np
import pytest
from conftest import ROOT

from grader.course import hidden
from grader.course.spec import load_exercise
from grader.judge.engine import Submission, grade, load_reference
from grader.sandbox import plain

SLUGS = ["06_optimum", "07_svm", "08_descent"]
SEED = 77

@pytest.fixture(scope="module")
def graded():
    subs = [Submission(f"reference/{slug}", {slug: ROOT / "reference" / f"{slug}.py"}, [slug])
            for slug in SLUGS]
    return {r.submission: r for r in grade(subs, SLUGS, seed=SEED, figures=True)}


def _check(result, check_id):
    return next(c for c in result.checks if c.id == check_id)


@pytest.mark.parametrize("slug", SLUGS)
def test_reference_scores_full_marks_and_draws_its_figure(graded, slug):
    from grader.reports.plots import exercise_plot

    r = graded[f"reference/{slug}"]
    assert r.points == r.max_points, [f"{c.id}: {c.message}" for c in r.checks if not c.passed]
    figure = r.exercises[0].figure
    assert figure["student"] is not None and not figure["message"]
    plot = exercise_plot(slug, figure)
    assert plot is not None and plot.with_student and plot.uri.startswith("data:image/png")


# -- the judges' messages, on answers built here (no sandbox) ---------------------------------


def _judge(slug, check_id, got, seed=SEED):
    """Judge ``got`` (as it arrives from the sandbox) for one check, like grading does."""
    from grader.judge.engine import judge_check
    from grader.sandbox.raw import RawResult

    check = next(c for c in load_exercise(slug).checks if c.id == check_id)
    return judge_check(check, RawResult("ok", value=plain.decode(plain.encode(got))), seed)


def _checks_module(slug):
    """The loaded ``exercises/<slug>/checks.py`` module (for its helpers)."""
    load_exercise(slug)
    return sys.modules[f"calcgrade_checks_{slug}"]


def _cp(d):
    """06: what the sandbox sends for a critical_points answer ``d``."""
    return _checks_module("06_optimum")._payload(d)


@pytest.mark.parametrize("check_id, answer, text", [
    ("06_optimum/critical_points/cubic", {0: "maximum", 4 / 3: "minimum", 2.0: "minimum"},
     "x = 2 is not a critical point: f′(2) = 4 ≠ 0"),
    ("06_optimum/critical_points/cubic", {0: "maximum", 1e-12: "maximum", 4 / 3: "minimum"},
     "appears 2 times"),
    ("06_optimum/critical_points/cubic", {0: "max", 4 / 3: "minimum"}, "must be one of"),
    ("06_optimum/critical_points/cubic", {0: 1, 4 / 3: "minimum"}, "got a value of type int"),
    ("06_optimum/critical_points/cubic", {"x": "maximum"}, "is not a number"),
    ("06_optimum/critical_points/x3", {0: "Neither"}, None),
    ("06_optimum/critical_points/x3", {}, "you missed the critical point x = 0"),
    ("06_optimum/critical_points/x3", {complex(0, 1): "neither", 0: "neither"}, "is not a real number"),
    ("06_optimum/critical_points/complex_roots", {complex(0, 1): "neither"}, "sp.solve returns"),
])
def test_critical_points_messages(check_id, answer, text):
    import sympy as sp

    answer = {(sp.I if isinstance(k, complex) else k): v for k, v in answer.items()}
    result = _judge("06_optimum", check_id, _cp(answer))
    if text is None:
        assert result.passed, result.message
    else:
        assert not result.passed and text in result.message, result.message


def test_critical_points_outside_the_domain_of_log():
    import sympy as sp

    answer = _cp({sp.sqrt(2): "minimum", -sp.sqrt(2): "minimum"})
    result = _judge("06_optimum", "06_optimum/critical_points/outside_domain", answer)
    assert not result.passed and result.mistake == "outside_domain"
    assert "f is not defined at x = -1.41421" in result.message


@pytest.mark.parametrize("check_id, got, text", [
    ("06_optimum/log_critical_points", [0.5], "never zero"),
    ("06_optimum/log_critical_points", (), None),
    ("06_optimum/log_extremum", "neither", "expected one of"),
    ("07_svm/support_vectors/six_points", [2, 3, 4, 5], "point 3 = (3, 3) has"),
    ("07_svm/support_vectors/six_points", [2, 4, 5, 9], "index 9 is not a point"),
    ("07_svm/support_vectors/six_points", np.array([2, 4, 5]), None),
    ("07_svm/support_vectors/six_points", [np.int64(2), np.int64(4), np.int64(5)], None),
    ("07_svm/support_vectors/six_points", [2.5], "integer indices"),
    ("07_svm/six_point_line", {"line": (0.6668, 0.6668, -1.0), "solve_svm_calls": [6]}, "to 0.0001"),
    ("07_svm/six_point_line", {"line": (2 / 3, 2 / 3), "solve_svm_calls": [6]}, "three numbers"),
    ("07_svm/six_point_line", {"line": (1.0, 1.0, -1.5), "solve_svm_calls": [6]}, "not the widest"),
    ("07_svm/six_point_line", {"line": (2 / 3 + 3e-5, 2 / 3 + 3e-5, -1.0 - 5e-5),
                               "solve_svm_calls": [6]}, None),
    ("07_svm/six_point_line", {"line": (2 / 3, 2 / 3, -1.0), "solve_svm_calls": []},
     "does not call your solve_svm"),
    ("07_svm/extra_points_change_line", {"answer": np.bool_(False), "solve_svm_calls": [3, 6]}, None),
    ("07_svm/extra_points_change_line", {"answer": "False", "solve_svm_calls": [3, 6]},
     "expected True or False"),
    ("08_descent/gradient_descent/exp_log", np.zeros(25), "shape (26,)"),
    ("08_descent/max_stable_learning_rate/2x2", 1e9, "expected"),
    ("08_descent/bfgs_minimum", np.array([1e-3, 0.0]), "coordinates are off"),
    ("08_descent/bfgs_minimum", np.array([-2.49884e-08, -1.90277e-08]), None),  # SciPy's BFGS end point
    ("08_descent/sgd", np.array([np.nan, 0.0, 0.0]), "diverged"),
    ("08_descent/sgd", np.zeros(3), "coefficients are off"),
])
def test_judge_messages(check_id, got, text):
    result = _judge(check_id.split("/")[0], check_id, got)
    if text is None:
        assert result.passed, result.message
    else:
        assert not result.passed and text in result.message, result.message


def test_log_critical_points_refuses_a_non_list():
    result = _judge("06_optimum", "06_optimum/log_critical_points", {"a": 1})
    assert not result.passed and "expected a list" in result.message


def test_max_stable_learning_rate_names_the_smallest_eigenvalue():
    check = next(c for c in load_exercise("08_descent").checks
                 if c.id == "08_descent/max_stable_learning_rate/5x5")
    A = check.make_inputs(SEED)["A"]
    result = _judge("08_descent", check.id, 2 / np.linalg.eigvalsh(A)[0])
    assert not result.passed and "smallest eigenvalue" in result.message


def test_clip_messages_when_left_unscaled_or_misdirected():
    check = next(c for c in load_exercise("08_descent").checks
                 if c.id == "08_descent/clip_gradient/above")
    g = check.make_inputs(SEED)["g"]
    assert "must be rescaled" in _judge("08_descent", check.id, g).message
    assert "does not point the way g does" in _judge("08_descent", check.id, -g).message
    below = next(c for c in load_exercise("08_descent").checks
                 if c.id == "08_descent/clip_gradient/below")
    g = below.make_inputs(SEED)["g"]
    assert "return g unchanged" in _judge("08_descent", below.id, 0.5 * g).message


# -- the hidden inputs -----------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(12))
def test_separable_sets_come_with_their_optimal_line(seed):
    checks = _checks_module("07_svm")
    rng = np.random.default_rng(seed)
    data = checks.separable_set(rng, int(rng.integers(5, 40)))
    P, labels, line = data["points"], data["labels"], np.array(data["line"])
    margins = labels * (P @ line[:2] + line[2])
    assert margins.min() == pytest.approx(1.0, abs=1e-12)
    assert np.sum(margins < 1 + 1e-9) == 3 and np.all(margins[margins > 1 + 1e-9] >= 1.3)
    np.testing.assert_allclose(load_reference("07_svm").solve_svm(P, labels), line,
                               rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("seed", range(20))
def test_several_minima_has_several_minima(seed):
    h = hidden.several_minima(np.random.default_rng(seed))
    xs = np.linspace(*h.domain, 4001)
    f = h.numpy()(xs)
    assert np.sum((f[1:-1] < f[:-2]) & (f[1:-1] < f[2:])) >= 2


def _fingerprint(inputs: dict) -> str:
    """The data of a check's inputs (callables left out: they print their address)."""
    from grader.judge.answers import fmt

    return repr({k: fmt(v) for k, v in inputs.items() if not callable(v)})


@pytest.mark.parametrize("kind, count, has_neither", [
    ("repeated_roots", 3, True), ("complex_roots", 2, False)])
@pytest.mark.parametrize("seed", range(3))
def test_polynomials_have_the_critical_points_they_promise(kind, count, has_neither, seed):
    h = hidden.with_critical_points(np.random.default_rng(seed), kind)
    found = load_reference("06_optimum").critical_points(h.expr, h.symbols[0])
    assert len(found) == count and all(p.is_Rational for p in found)
    assert ("neither" in found.values()) == has_neither


@pytest.mark.parametrize("slug", SLUGS)
def test_hidden_inputs_change_with_the_seed(slug):
    for check in load_exercise(slug).checks:
        if check.case in (None, "cubic", "x4", "x3", "high_order", "outside_domain", "lambert",
                          "exp_log", "worked_example", "six_points"):
            continue
        a, b = _fingerprint(check.make_inputs(1)), _fingerprint(check.make_inputs(2))
        assert a != b, check.id
        assert _fingerprint(check.make_inputs(1)) == a, check.id


def test_selftest_passes(whole_course_selftest):
    """The whole-course selftest's lines about 06-08 (run once per test run at seed 2024,
    shared with tests/test_selftest.py; the sweeps of tests/test_discriminating_06_08.py
    show their mistakes fail on three other seeds)."""
    run = whole_course_selftest(2024)
    assert run.failures_for(SLUGS) == [], run.stdout[-3000:]
