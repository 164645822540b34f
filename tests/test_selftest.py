"""`calcgrade selftest` passes over every exercise of the course, and fails when it should."""
from __future__ import annotations

from pathlib import Path

import inprocess
import pytest

from grader.course.spec import load_exercise
from grader.judge.selftest import SelftestReport, _expect_mistake

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_selftest_passes_for_the_whole_course(whole_course_selftest):
    out = whole_course_selftest(2024)  # shared with every other test of this seed
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-2000:]
    assert "selftest passed" in out.stdout
    assert "FAIL" not in out.stdout


def test_selftest_of_one_exercise():
    out = inprocess.calcgrade(["selftest", "01_derivative", "--seed", "5"], cwd=ROOT)
    assert out.returncode == 0, out.stdout
    assert "ok    reference 01_derivative scores 11/11" in out.stdout
    assert "ok    stub 01_derivative scores 0 with every check not implemented" in out.stdout
    assert "ok    mistake 01_derivative:integrated recognised by 1 check(s)" in out.stdout


def test_an_unrecognised_mistake_is_a_failure():
    from grader.judge.results import CheckResult, ExerciseResult, Results

    ex = load_exercise("01_derivative")
    mistake = ex.checks[0].mistakes[0]
    plain_fail = CheckResult(id=ex.checks[0].id, exercise=ex.slug, function="symbolic_derivative",
                             title="", status="failed", points=0, max_points=2,
                             message="your answer differs at x = 1")
    res = Results("m", 1, "process", [ExerciseResult(ex.slug, ex.title, [plain_fail])])
    report = SelftestReport()
    _expect_mistake(report, ex, mistake, res)
    assert not report.ok and "expected mistake 'derivative_of_minus_2x2'" in report.problems[0]


def test_shared_selftest_run_is_read_per_exercise():
    """conftest's whole-course run, read for one exercise at a time (for tests that need
    only their own exercises' verdicts at a seed another test already ran)."""
    from conftest import SelftestRun

    out = ("ok    reference 01_derivative scores 11/11\n"
           "FAIL  mistake 05_backprop:forgot_sigmoid (generated) recognised by 1 check(s)\n"
           "        05_backprop/forward: expected mistake 'forgot_sigmoid', got failed\n"
           "ok    stub 05_backprop scores 0 with every check not implemented\n"
           "ok    mistake 01_derivative:integrated recognised by 1 check(s)\n"
           "\nselftest FAILED: 2 exercises, seed 1, 1 problem(s)\n")
    run = SelftestRun(1, 1, out, "")
    assert run.lines_for("01_derivative") == [
        "ok    reference 01_derivative scores 11/11",
        "ok    mistake 01_derivative:integrated recognised by 1 check(s)"]
    assert run.failures_for(["01_derivative"]) == []
    assert run.failures_for(["05_backprop"]) == [
        "FAIL  mistake 05_backprop:forgot_sigmoid (generated) recognised by 1 check(s)",
        "        05_backprop/forward: expected mistake 'forgot_sigmoid', got failed"]
    assert run.failures_for(["07_svm"]) == ["07_svm: no selftest lines at all"]
