"""What `calcgrade check` prints on a terminal (issue 13): short, once, naming the file.

Most tests render hand-made results (the messages the sandbox really sends); a few run
the command, for what only a real run shows (a syntax error's line and caret, one
function graded, colour).
"""
from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import inprocess
import pytest
from click.testing import CliRunner

from grader.cli.activity import Activity
from grader.cli.check import file_for, use_color
from grader.cli.main import main
from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.reports.text import render

ROOT = Path(__file__).resolve().parent.parent
SLUG = "01_derivative"
IMPORT_ERROR = ("your solution.py could not be imported: SyntaxError: expected ':' "
                "(solution.py, line 3) (solution.py, line 3)")


def _check(function, status, message="", case=None, points=1.0):
    got = points if status == "passed" else 0.0
    return CheckResult(id="/".join(filter(None, ["ex", function, case])), exercise="ex",
                       function=function, case=case, title=f"{function} works",
                       status=status, points=got, max_points=points, message=message)


def _results(*exercises):
    return Results(submission="s", seed=5, isolation="process", exercises=list(exercises))


def _files(tmp_path, source=None):
    if source is not None:
        (tmp_path / "ex").mkdir(exist_ok=True)
        (tmp_path / "ex" / "solution.py").write_text(source)
    return lambda slug: (f"exercises/{slug}/solution.py", tmp_path / slug / "solution.py")


def test_not_started_functions_share_one_line():
    checks = [_check("a", "not_implemented", "a() is not implemented yet", case=str(i))
              for i in range(3)]
    checks += [_check("b", "not_implemented", "b() is not implemented yet"),
               _check("c", "passed")]
    text = render(_results(ExerciseResult("ex", "Ex", checks)))
    assert "TODO  2 functions not started: a, b  0/4" in text
    assert "is not implemented yet" not in text  # said once, as "not started"
    assert text.count("TODO") == 1
    assert "PASS  ex/c  1/1" in text


def test_an_import_error_is_shown_once_with_the_line_and_a_caret(tmp_path):
    source = "import math\n\ndef f(x) return x\n"
    checks = [_check(f, "error", IMPORT_ERROR) for f in ("f", "g", "h", "i", "j")]
    text = render(_results(ExerciseResult("ex", "Ex", checks)), files=_files(tmp_path, source))
    assert text.count("SyntaxError") == 1
    assert text.count("line 3") == 1  # not "(solution.py, line 3)" twice, five times over
    assert "exercises/ex/solution.py could not be imported, so none of its 5 checks ran" in text
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("3 | def f(x)"))
    caret = lines[at + 1]
    # the carets sit under what Python's parser marks: "return", where ':' was expected
    assert caret.index("^") == lines[at].index("return")
    assert caret.rstrip().endswith("^" * len("return"))
    assert caret.count("^") == len("return")


def test_an_import_error_that_is_not_a_syntax_error_shows_its_line_without_a_caret(tmp_path):
    message = ("your solution.py could not be imported: NameError: name 'sp' is not defined "
               "(solution.py, line 2, in <module>)")
    checks = [_check("f", "error", message), _check("g", "error", message)]
    text = render(_results(ExerciseResult("ex", "Ex", checks)),
                  files=_files(tmp_path, "x = 1\nsp.Symbol('x')\n"))
    assert "NameError: name 'sp' is not defined" in text
    assert "2 | sp.Symbol('x')" in text and "^" not in text


def test_every_miss_and_error_names_the_students_file(tmp_path):
    checks = [_check("f", "missing", "function f() is not defined in solution.py"),
              _check("g", "error", "ZeroDivisionError: division by zero "
                                   "(solution.py, line 2, in g)"),
              _check("h", "passed")]
    text = render(_results(ExerciseResult("ex", "Ex", checks)),
                  files=_files(tmp_path, "def g():\n    return 1 / 0\n"))
    assert "function f() is not defined in exercises/ex/solution.py" in text
    assert "(exercises/ex/solution.py, line 2, in g)" in text
    assert "2 |     return 1 / 0" in text  # the line that raised
    assert " solution.py" not in text.replace("exercises/ex/solution.py", "")


def test_a_students_message_cannot_drive_the_terminal(tmp_path):
    hostile = "ValueError: \x1b[2J\x1b[31mall checks passed\x07 (solution.py, line 1, in f)"
    ex = ExerciseResult("ex", "Ex", [_check("f", "error", hostile)])
    ex.checks[0].output = "\x1b]0;owned\x07printed"
    text = render(_results(ex), files=_files(tmp_path, "x = '\x1b[2J'\n"))
    assert "\x1b" not in text and "\x07" not in text
    assert "all checks passed" in text and "printed" in text  # the words stay, inert


def test_a_missing_file_is_one_line_naming_it():
    checks = [_check(f, "missing", "solution.py not found") for f in "abc"]
    text = render(_results(ExerciseResult("ex", "Ex", checks)),
                  files=lambda slug: (f"elsewhere/{slug}/solution.py", None))
    assert "MISS  elsewhere/ex/solution.py not found, so none of its 3 checks ran" in text
    assert text.count("MISS") == 1


def test_quiet_is_one_line_per_exercise_and_the_total():
    one = ExerciseResult("one", "One", [_check("a", "passed"), _check("b", "failed", "no")])
    two = ExerciseResult("two", "Two", [_check("c", "not_implemented", "c() is not …")])
    three = ExerciseResult("three", "Three", [_check("d", "passed")])
    text = render(_results(one, two, three), style="quiet")
    lines = text.splitlines()
    assert lines[0].startswith("FAIL  one") and "1 pass, 1 fail" in lines[0]
    assert lines[1].startswith("TODO  two") and "1 not started" in lines[1]
    assert lines[2].startswith("PASS  three") and "all 1 checks pass" in lines[2]
    assert lines[3].startswith("Score: 2/4 (50%)")
    assert len(lines) == 5 and lines[4] == "Reproduce with: --seed 5"
    assert "no" not in text.split("Score")[0].split()  # no messages in quiet mode


def test_summary_lists_only_what_does_not_pass():
    ex = ExerciseResult("ex", "Ex", [_check("a", "passed"), _check("b", "failed", "b is off"),
                                     _check("c", "passed")])
    text = render(_results(ex), style="summary")
    assert "1/3 checks pass" not in text and "2/3 checks pass" in text
    assert "FAIL  ex/b  0/1" in text and "b is off" in text
    assert "PASS" not in text
    assert "PASS  ex/a" in render(_results(ex))  # the full output still lists it


def test_the_same_message_for_every_case_is_said_once():
    boom = "TypeError: bad operand (solution.py, line 9, in a)"
    ex = ExerciseResult("ex", "Ex", [_check("a", "error", boom, case=str(i)) for i in range(4)])
    text = render(_results(ex))
    assert text.count("TypeError") == 1 and text.count("(the same as above)") == 3


def test_hints_are_shown_for_what_does_not_pass_only():
    ex = ExerciseResult("ex", "Ex", [_check("a", "failed", "off"), _check("b", "passed"),
                                     _check("c", "not_implemented", "c() is not …")])
    hints = {"ex/a": "Divide by 2·dx.", "ex/b": "Never shown.", "ex/c": "Start with c."}
    text = render(_results(ex), hints=hints)
    assert "hint: Divide by 2·dx." in text and "hint (c): Start with c." in text
    assert "Never shown." not in text
    assert "hint" not in render(_results(ex))  # only when asked


def test_colour_follows_no_color_and_the_option(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert use_color("auto", Tty()) is True
    assert use_color("auto", io.StringIO()) is False  # a pipe
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", Tty()) is False
    assert use_color("always", io.StringIO()) is True
    monkeypatch.delenv("NO_COLOR")
    assert use_color("never", Tty()) is False
    ex = ExerciseResult("ex", "Ex", [_check("a", "failed", "off")])
    assert "\x1b[" in render(_results(ex), color=True)
    assert "\x1b[" not in render(_results(ex), color=False)


def test_the_spinner_shows_after_its_delay_and_erases_itself():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    with Activity("checking 01_derivative", stream, delay=0.0, tick=0.01) as activity:
        activity("running", 0, 1)
        while "running your code, 0/1" not in stream.getvalue():
            pass  # the thread writes within a tick; a hang here is the failure
    written = stream.getvalue()
    assert "checking 01_derivative: running your code, 0/1" in written
    assert written.endswith("\r")  # erased: the line is blank again
    quiet = io.StringIO()  # not a terminal: nothing at all
    with Activity("checking", quiet, delay=0.0, tick=0.01) as activity:
        activity("running", 0, 1)
    assert quiet.getvalue() == ""
    slow = Tty()  # a wait shorter than the delay shows nothing either
    with Activity("checking", slow, delay=60.0):
        pass
    assert slow.getvalue() == ""


def test_files_are_shown_as_the_student_would_type_them(tmp_path, monkeypatch):
    (tmp_path / "exercises" / SLUG).mkdir(parents=True)
    (tmp_path / "exercises" / SLUG / "solution.py").write_text("")
    monkeypatch.chdir(tmp_path)
    shown, _ = file_for(tmp_path / "exercises", None)(SLUG)
    assert shown == f"exercises/{SLUG}/solution.py"
    elsewhere = tmp_path.parent
    monkeypatch.chdir(elsewhere)
    shown, _ = file_for(tmp_path / "exercises", None)(SLUG)
    assert shown == f"{tmp_path.name}/exercises/{SLUG}/solution.py"


def test_an_unknown_function_lists_the_functions():
    result = CliRunner().invoke(main, ["check", SLUG, "--function", "rate_of_chnage"])
    assert result.exit_code == 2
    assert "01_derivative has no function 'rate_of_chnage'" in result.output
    assert "symbolic_derivative, rate_of_change, autodiff_derivative" in result.output
    assert "Traceback" not in result.output


# -- real runs ------------------------------------------------------------------------------

def _run(*args, cwd=ROOT, env=None):
    return inprocess.calcgrade(args, cwd=cwd, env={**os.environ, **(env or {})})


@pytest.fixture
def broken(tmp_path):
    folder = tmp_path / "exercises" / SLUG
    folder.mkdir(parents=True)
    source = (ROOT / "reference" / f"{SLUG}.py").read_text().splitlines()
    at = next(i for i, line in enumerate(source) if line.startswith("def rate_of_change("))
    source[at] = source[at].rstrip().rstrip(":")  # the colon forgotten
    (folder / "solution.py").write_text("\n".join(source) + "\n")
    return tmp_path, at + 1, source[at]


def test_a_syntax_error_run_is_reported_once_with_its_line(broken):
    cwd, lineno, line = broken
    out = _run("check", SLUG, "--seed", "1", cwd=cwd)
    assert out.returncode == 1
    assert out.stdout.count("SyntaxError") == 1
    assert f"exercises/{SLUG}/solution.py could not be imported" in out.stdout
    assert f"exercises/{SLUG}/solution.py, line {lineno}:" in out.stdout
    assert f"{lineno} | {line}" in out.stdout
    assert out.stdout.count("|") >= 2 and "^" in out.stdout
    assert f"submission: {cwd / 'exercises'}" in out.stderr  # which folder was graded
    assert "checking 01_derivative" not in out.stderr  # no spinner: stderr is not a terminal
    quiet = _run("check", SLUG, "--seed", "1", "--quiet", cwd=cwd)
    assert quiet.stdout.splitlines()[0].startswith(f"ERROR {SLUG}")
    assert f"could not be imported (line {lineno})" in quiet.stdout


def test_one_function_is_graded_alone_and_colour_can_be_forced(tmp_path):
    (tmp_path / SLUG).mkdir()
    shutil.copy(ROOT / "reference" / f"{SLUG}.py", tmp_path / SLUG / "solution.py")
    out = _run("check", SLUG, "--submission", str(tmp_path), "--seed", "2",
               "--function", "rate_of_change", "--format", "json")
    import json

    doc = json.loads(out.stdout)
    functions = {c["function"] for e in doc["exercises"] for c in e["checks"]}
    assert functions == {"rate_of_change"} and out.returncode == 0
    assert len(doc["exercises"][0]["checks"]) >= 4
    plain = _run("check", SLUG, "--submission", str(tmp_path), "--seed", "2",
                 "--function", "rate_of_change", "--color", "always", env={"NO_COLOR": "1"})
    assert "\x1b[" in plain.stdout  # --color always wins over NO_COLOR
    assert "symbolic_derivative" not in plain.stdout
