"""The authoring API of checks.py: ``expect`` defaults to the check's call on the reference,
mistakes declared by their value (``equals=``) are recognised and self-tested, the engine
silences NumPy, and the recurring answer kinds (Params, Gradients, DescentPath, Property).

Everything runs on a made-up exercise whose reference is a module built here."""
from __future__ import annotations

import types
import warnings

import numpy as np
import pytest

from grader.course.spec import Check, Exercise, Mistake
from grader.judge import engine
from grader.judge.answers import Close, Custom, DescentPath, Gradients, Params, Property, Verdict
from grader.judge.selftest import SelftestReport, _expect_generated

SLUG = "zz_authoring"


def _reference() -> types.ModuleType:
    ref = types.ModuleType("zz_reference")

    def double(x):
        return 2.0 * x

    def step(params, grads, rate):
        return {k: params[k] - rate * grads["d" + k] for k in params}

    def descend(x0, rate, n):
        path = [np.asarray(x0, dtype=float)]
        for _ in range(n):
            path.append(path[-1] - rate * 2 * path[-1])
        return np.array(path)

    ref.double, ref.step, ref.descend = double, step, descend
    return ref


@pytest.fixture(autouse=True)
def reference(monkeypatch):
    from grader.course.paths import reference_dir

    monkeypatch.setitem(engine._references, str(reference_dir() / f"{SLUG}.py"), _reference())
    monkeypatch.setattr(engine, "_EXPECTED", {})


def _exercise(*checks: Check) -> Exercise:
    return Exercise(slug=SLUG, title="authoring", checks=list(checks))


def _judge(check: Check, value, seed: int = 1):
    return engine.judge_value(check, value, seed)


DOUBLED = Mistake("doubled_twice", "You doubled twice.",
                  equals=lambda expected, inputs: 2 * expected)


def _double_check(**kw) -> Check:
    args = dict(function="double", points=1, title="double x",
                inputs=lambda rng: {"x": float(rng.uniform(1, 2)), "_secret": 99},
                answer=Close(rtol=1e-9, scalar=True), mistakes=(DOUBLED,))
    args.update(kw)
    check = Check(**args)
    _exercise(check)
    return check


def test_expect_defaults_to_the_call_on_the_reference_with_public_inputs_only():
    seen = {}

    def call(solution, inputs):
        seen.update(inputs)
        return solution.double(inputs["x"])

    check = _double_check(call=call)
    inputs = check.make_inputs(1)
    assert check.expected(engine.load_reference(SLUG), inputs) == 2 * inputs["x"]
    assert "_secret" not in seen
    assert _judge(check, 2 * inputs["x"]).passed


def test_default_call_passes_public_keywords_only():
    check = _double_check()  # call_function(solution, "double", inputs): no _secret
    inputs = check.make_inputs(2)
    assert check.expected(engine.load_reference(SLUG), inputs) == 2 * inputs["x"]


def test_equals_mistake_is_recognised_with_its_id_and_message():
    check = _double_check()
    x = check.make_inputs(1)["x"]
    result = _judge(check, 4 * x)
    assert not result.passed and result.mistake == "doubled_twice"
    assert result.message == "You doubled twice."
    other = _judge(check, 3 * x)
    assert not other.passed and other.mistake is None


def test_a_right_answer_is_never_a_mistake():
    same = Mistake("same", "never", equals=lambda expected, inputs: expected)
    check = _double_check(mistakes=(same,))
    assert _judge(check, 2 * check.make_inputs(1)["x"]).passed


def test_equals_with_its_own_tolerance_and_message_facts():
    loose = Mistake("about_half", "You returned about half of {what}.",
                    equals=lambda expected, inputs: expected / 2, tolerance=(1e-2, 0.0),
                    facts=lambda expected, inputs: {"what": "2x"})
    check = _double_check(mistakes=(loose,))
    x = check.make_inputs(1)["x"]
    result = _judge(check, x * 1.001)
    assert result.mistake == "about_half" and result.message == "You returned about half of 2x."


def test_selftest_judges_the_generated_value_of_an_equals_mistake():
    check = _double_check()
    report = SelftestReport()
    _expect_generated(report, _exercise(check), DOUBLED, seed=5)
    assert report.ok, report.problems
    wrong = Mistake("not_recognised", "no", equals=lambda expected, inputs: expected + 1.0,
                    tolerance=(1e-9, 0.0))
    # declared on a check whose comparison passes the value: the self-test says so
    check2 = _double_check(function="double", case="loose", answer=Close(rtol=10.0, scalar=True),
                           mistakes=(wrong,))
    report = SelftestReport()
    _expect_generated(report, _exercise(check2), wrong, seed=5)
    assert not report.ok and "not_recognised" in report.problems[0]


def test_the_engine_silences_numpy_warnings_for_every_judge():
    def judge(got, expected, inputs, rng):
        with np.errstate(all="warn"):
            pass
        value = np.log(np.float64(got)) / np.float64(0.0)  # invalid, then divide by zero
        warnings.warn("a judge's own warning", RuntimeWarning)
        return Verdict(bool(np.isnan(value)), "nan expected")

    check = _double_check(answer=Custom(judge), mistakes=())
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = _judge(check, -1.0)
    assert result.passed, result.message


def _step_inputs(rng):
    return {"params": {"W": rng.standard_normal((2, 3)), "b": rng.standard_normal((2, 1))},
            "grads": {"dW": rng.standard_normal((2, 3)), "db": rng.standard_normal((2, 1))},
            "rate": 0.5}


def test_params_answer_checks_keys_shapes_and_values():
    ascent = Mistake("ascent", "you added the gradient",
                     equals=lambda e, i: {k: i["params"][k] + i["rate"] * i["grads"]["d" + k]
                                          for k in ("W", "b")})
    check = Check(function="step", points=1, title="one step", inputs=_step_inputs,
                  call=lambda s, i: s.step(i["params"], i["grads"], i["rate"]),
                  answer=Params(function="step", rtol=1e-12), mistakes=(ascent,))
    _exercise(check)
    inputs = check.make_inputs(1)
    p, g = inputs["params"], inputs["grads"]
    right = {k: p[k] - 0.5 * g["d" + k] for k in p}
    assert _judge(check, right).passed
    assert "no key 'b'" in _judge(check, {"W": right["W"]}).message
    transposed = _judge(check, {"W": right["W"].T, "b": right["b"]})
    assert "has shape (3, 2), expected (2, 3); that is the transpose" in transposed.message
    off = _judge(check, {"W": right["W"], "b": right["b"] + 1})
    assert off.message.startswith("b: ")
    up = _judge(check, {k: p[k] + 0.5 * g["d" + k] for k in p})
    assert up.mistake == "ascent" and up.message == "you added the gradient"


def test_gradients_answer_names_the_wrong_arrays():
    check = Check(function="step", points=1, title="gradients", inputs=_step_inputs,
                  call=lambda s, i: i["grads"], expect=lambda ref, i: i["grads"],
                  answer=Gradients(function="backward", rtol=1e-6),
                  mistakes=(Mistake("halved", "halved", equals=lambda e, i: {k: v / 2 for k, v in e.items()}),))
    _exercise(check)
    grads = check.make_inputs(1)["grads"]
    assert _judge(check, grads).passed
    assert _judge(check, {k: v / 2 for k, v in grads.items()}).mistake == "halved"
    wrong = _judge(check, {"dW": grads["dW"], "db": -grads["db"]})
    assert not wrong.passed and "db" in wrong.message and "dW is right" in wrong.message


def test_descent_path_names_the_first_step_that_differs():
    check = Check(function="descend", points=1, title="path",
                  inputs=lambda rng: {"x0": 1.5, "rate": 0.1, "n": 5},
                  answer=DescentPath(rtol=1e-9),
                  mistakes=(Mistake("no_x0", "Your path is one row short.",
                                    equals=lambda e, i: e[1:]),))
    _exercise(check)
    path = _reference().descend(1.5, 0.1, 5)
    assert _judge(check, path).passed
    bad = path.copy()
    bad[3] += 1
    assert "step 3 is the first that differs" in _judge(check, bad).message
    bad = path.copy()
    bad[0] = 0
    assert "row 0 must be x0 itself" in _judge(check, bad).message
    assert "should have shape (6,)" in _judge(check, path[:4]).message
    assert _judge(check, path[1:]).mistake == "no_x0"


def test_property_answer_reports_its_first_unmet_requirement_as_a_mistake():
    zero_b = Mistake("bias_not_zero", "b starts at zero; b = {b}",
                     match=lambda got, e, i: {"b": got["b"].tolist()} if np.any(got["b"]) else False,
                     sample=lambda e, i: {"W": np.full((2, 2), 0.01), "b": np.ones(2)})
    small = Mistake("weights_too_large", "W should be small",
                    match=lambda got, e, i: bool(np.max(np.abs(got["W"])) >= 0.1),
                    sample=lambda e, i: {"W": np.full((2, 2), 5.0), "b": np.zeros(2)})

    def read(got, inputs):
        return {k: np.asarray(got[k], dtype=float) for k in ("W", "b")}

    check = Check(function="init", points=1, title="init", call=lambda s, i: None,
                  answer=Property(requirements=(zero_b, small), converter=read))
    ex = _exercise(check)
    assert check.mistakes == (zero_b, small)  # catalogued, hence counted and self-tested
    assert check.expected(None, {}) is None  # no reference run for a property
    assert _judge(check, {"W": np.full((2, 2), 0.01), "b": np.zeros(2)}).passed
    result = _judge(check, {"W": np.full((2, 2), 0.01), "b": np.array([0.0, 2.0])})
    assert result.mistake == "bias_not_zero" and result.message == "b starts at zero; b = [0.0, 2.0]"
    assert _judge(check, {"W": np.ones((2, 2)), "b": np.zeros(2)}).mistake == "weights_too_large"
    for m in (zero_b, small):
        report = SelftestReport()
        _expect_generated(report, ex, m, seed=1)
        assert report.ok, report.problems
