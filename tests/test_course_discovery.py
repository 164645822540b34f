"""Where calcgrade finds the course: --course > CALCGRADE_ROOT > the current folder and
its parents (with calcgrade.toml) > the checkout beside the package; a clear message
naming where it looked otherwise, never a traceback."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from tiny_course import make_course

from grader.cli.main import main
from grader.course import paths
from grader.course.paths import ENV, MARKER, CourseNotFound, find_course, project_root


@pytest.fixture
def nowhere(tmp_path, monkeypatch) -> Path:
    """No CALCGRADE_ROOT, and no course beside the package (as in a non-editable install)."""
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setattr(paths, "_checkout", lambda: tmp_path / "site-packages")
    return tmp_path


def test_the_course_is_found_from_the_current_folder_and_its_parents(nowhere):
    course = make_course(nowhere / "course")
    deep = course / "exercises" / "01_tiny"
    assert find_course(cwd=course) == (course, "the current folder")
    root, how = find_course(cwd=deep)
    assert root == course and how.startswith("a parent of")


def test_a_folder_with_exercises_but_no_marker_is_not_taken_for_the_course(nowhere):
    course = make_course(nowhere / "course")
    student = course / "work"
    (student / "exercises").mkdir(parents=True)  # a student's own exercises/ folder
    assert find_course(cwd=student)[0] == course
    (course / MARKER).unlink()
    with pytest.raises(CourseNotFound):
        find_course(cwd=student)


def test_course_option_beats_the_environment_which_beats_the_current_folder(nowhere, monkeypatch):
    here, there, given = (make_course(nowhere / n) for n in ("here", "there", "given"))
    (given / MARKER).unlink()  # an explicit course needs only exercises/
    monkeypatch.setenv(ENV, str(there))
    assert find_course(given, cwd=here) == (given, "--course")
    assert find_course(cwd=here) == (there, ENV)
    monkeypatch.delenv(ENV)
    assert find_course(cwd=here)[0] == here


def test_an_explicit_folder_that_is_no_course_is_an_error_not_a_fallback(nowhere, monkeypatch):
    make_course(nowhere / "course")
    with pytest.raises(CourseNotFound, match="does not exist"):
        find_course(nowhere / "missing", cwd=nowhere / "course")
    monkeypatch.setenv(ENV, str(nowhere))
    with pytest.raises(CourseNotFound, match=f"given by {ENV} .* has no exercises/ folder"):
        find_course(cwd=nowhere / "course")


def test_no_course_says_where_it_looked(nowhere):
    with pytest.raises(CourseNotFound) as info:
        find_course(cwd=nowhere)
    message = str(info.value)
    assert str(nowhere) in message and "each folder above it" in message
    assert str(nowhere / "site-packages") in message
    assert "--course DIR" in message and ENV in message


def test_the_checkout_is_the_last_resort_of_an_editable_install(monkeypatch, tmp_path):
    monkeypatch.delenv(ENV, raising=False)
    root, how = find_course(cwd=tmp_path)
    assert root == Path(paths.__file__).resolve().parents[2] and "checkout" in how


def test_the_sandbox_takes_the_environment_unchecked(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV, str(tmp_path / "hidden-from-the-student"))
    assert project_root() == tmp_path / "hidden-from-the-student"


# -- the command line ----------------------------------------------------------------------

def test_course_option_for_one_command_leaves_no_trace(nowhere, monkeypatch):
    course = make_course(nowhere / "course")
    monkeypatch.chdir(nowhere)
    result = CliRunner().invoke(main, ["--course", str(course), "list"])
    assert result.exit_code == 0, result.output
    assert "01_tiny" in result.stdout and "02_half" in result.stdout
    assert f"course: {course} (from --course)" in result.stderr
    assert ENV not in os.environ


def test_list_from_a_subfolder_names_the_course_it_found(nowhere, monkeypatch):
    course = make_course(nowhere / "course")
    monkeypatch.chdir(course / "exercises")
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 0 and "total" in result.stdout
    assert f"course: {course} (from a parent of" in result.stderr


@pytest.mark.parametrize("args", [["list"], ["check", "01"], ["selftest"],
                                  ["grade", ".", "--out", "out"]])
def test_no_course_is_one_message_for_every_command(nowhere, monkeypatch, args):
    monkeypatch.chdir(nowhere)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "no calcgrade course found" in result.output and "--course" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_empty_course_lists_nothing_without_a_traceback(nowhere, monkeypatch):
    (nowhere / "empty" / "exercises").mkdir(parents=True)
    result = CliRunner().invoke(main, ["--course", str(nowhere / "empty"), "list"])
    assert result.exit_code == 1 and "has no exercises yet" in result.output
    assert isinstance(result.exception, SystemExit)


def test_a_wrong_course_option_or_environment_is_a_clean_error(nowhere, monkeypatch):
    result = CliRunner().invoke(main, ["--course", str(nowhere / "nope"), "list"])
    assert result.exit_code == 2 and "does not exist" in result.output
    monkeypatch.setenv(ENV, str(nowhere))
    result = CliRunner().invoke(main, ["list"])
    assert result.exit_code == 1 and "has no exercises/ folder" in result.output


def test_two_courses_with_the_same_slug_in_one_process_each_get_their_own(tmp_path, monkeypatch):
    """The exercise cache is per course: a notebook kernel (or a test) that moves to another
    course with the same slug loads that course's checks.py, not the first one's."""
    import sys

    from tiny_course import make_course

    from grader.course.spec import load_exercise

    first, second = make_course(tmp_path / "a"), make_course(tmp_path / "b")
    checks = second / "exercises" / "01_tiny" / "checks.py"
    checks.write_text(checks.read_text().replace('title="Doubling"', 'title="Doubling, again"'))
    titles = []
    for course in (first, second, first):
        monkeypatch.setenv("CALCGRADE_ROOT", str(course))
        ex = load_exercise("01_tiny")
        assert sys.modules["calcgrade_checks_01_tiny"].EXERCISE is ex
        titles.append((ex.title, ex.path))
    assert titles == [("Doubling", first / "exercises" / "01_tiny"),
                      ("Doubling, again", second / "exercises" / "01_tiny"),
                      ("Doubling", first / "exercises" / "01_tiny")]
