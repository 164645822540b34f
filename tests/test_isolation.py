"""Each bad submission (tests/submissions/<case>) loses only its own points, with a clear
message; the grader itself never hangs or dies. All cases are graded in one batch."""
from __future__ import annotations

from pathlib import Path

import pytest

from grader.judge.engine import Submission, grade

SUBMISSIONS = Path(__file__).parent / "submissions"
PWNED = Path("/tmp/calcgrade-pwned")
TIME_SCALE = "0.2"  # 2 s of CPU per check (the reference's take < 1 s): the loop stays quick


@pytest.fixture(scope="module")
def graded():
    PWNED.unlink(missing_ok=True)
    subs = [Submission.from_dir(p) for p in sorted(SUBMISSIONS.iterdir())]
    with pytest.MonkeyPatch.context() as mp:  # whatever the caller had set comes back
        mp.setenv("CALCGRADE_TIME_SCALE", TIME_SCALE)
        results = grade(subs, ["01_derivative", "02_antiderivative"], seed=11)
    return {r.submission: {c.id: c for c in r.checks} for r in results}


def by_function(checks, function):
    return [c for c in checks.values() if c.function == function and c.exercise == "01_derivative"]


def test_infinite_loop_times_out_only_that_function(graded):
    checks = graded["infinite_loop"]
    for c in by_function(checks, "rate_of_change"):
        assert c.status == "timeout"
        assert "did not finish within" in c.message and "infinite loop" in c.message
    assert checks["01_derivative/symbolic_derivative"].status == "passed"
    assert all(c.status == "passed" for c in by_function(checks, "autodiff_derivative"))


def test_segfault_is_an_error_of_that_check(graded):
    checks = graded["segfault"]
    for c in by_function(checks, "rate_of_change"):
        assert c.status == "error"
        assert "SIGSEGV" in c.message and "segmentation fault" in c.message
    assert checks["01_derivative/symbolic_derivative"].status == "passed"


def test_sys_exit_at_import(graded):
    for c in by_function(graded["exit_at_import"], "symbolic_derivative"):
        assert c.status == "error"
        assert "could not be imported" in c.message and "sys.exit()" in c.message


def test_os_exit_in_a_function(graded):
    checks = graded["os_exit"]
    c = checks["01_derivative/symbolic_derivative"]
    assert c.status == "error" and "exited with code 7" in c.message
    assert all(c.status == "passed" for c in by_function(checks, "rate_of_change"))


def test_exception_at_import(graded):
    for c in graded["import_exception"].values():
        if c.exercise == "01_derivative":
            assert c.status == "error"
            assert "ValueError: broken on purpose" in c.message and "line 3" in c.message


def test_syntax_error(graded):
    c = graded["syntax_error"]["01_derivative/symbolic_derivative"]
    assert c.status == "error" and "SyntaxError" in c.message and "line 1" in c.message


def test_print_flood_is_cut(graded):
    c = graded["print_flood"]["01_derivative/symbolic_derivative"]
    assert c.status == "error" and "printed more than" in c.message
    assert "output cut" in c.output and len(c.output) < 2200


def test_memory_bomb(graded):
    checks = graded["memory_bomb"]
    c = checks["01_derivative/symbolic_derivative"]
    assert c.status == "error" and "out of memory" in c.message
    assert all(c.status == "passed" for c in by_function(checks, "rate_of_change"))


def test_monkeypatching_fools_nobody(graded):
    """A student's exercises share one sandbox child in every command (the runner's
    chain), so a monkeypatch may reach that student's later exercises, never anyone
    else's, and never the judge: everything patched is judged as wrong."""
    checks = graded["monkeypatch"]
    ours = [c for c in checks.values() if c.exercise == "01_derivative"]
    assert all(c.status in ("failed", "error") and c.points == 0 for c in ours)
    assert "differs at x =" in checks["01_derivative/symbolic_derivative"].message


def test_answer_string_carrying_code_is_not_run(graded):
    c = graded["hostile_string"]["01_derivative/symbolic_derivative"]
    assert c.status == "failed" and "could not be read" in c.message
    assert not PWNED.exists()


def test_lying_objects_and_nan(graded):
    checks = graded["lying_objects"]
    c = checks["01_derivative/symbolic_derivative"]
    assert c.status == "failed" and "returned a Liar" in c.message
    for c in by_function(checks, "rate_of_change"):
        assert c.status == "failed" and "NaN or infinite" in c.message


def test_not_a_function_is_missing(graded):
    c = graded["not_a_function"]["01_derivative/symbolic_derivative"]
    assert c.status == "missing" and "symbolic_derivative() is not defined" in c.message


def test_absent_file_is_missing_not_a_crash(graded):
    checks = graded["infinite_loop"]  # has no 02_antiderivative folder
    ours = [c for c in checks.values() if c.exercise == "02_antiderivative"]
    assert ours and all(c.status == "missing" and "not found" in c.message for c in ours)


def test_a_daemon_left_behind_does_not_hold_up_grading():
    """A process the student detaches keeps the child's result pipe open; once the child
    has reported every check it is ended anyway (the daemon sleeps 90 s)."""
    import time

    start = time.monotonic()
    [results] = grade([Submission.from_dir(SUBMISSIONS / "daemon_at_import")],
                      ["01_derivative"], seed=11)
    assert time.monotonic() - start < 45
    assert {c.status for c in results.checks} == {"passed"}
