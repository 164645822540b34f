"""Hostile submission *files and names* in a class graded with ``calcgrade grade``.

Symbolic links out of a student's folder (to a classmate, the reference, the results),
a zip nested thousands of folders deep, and submissions named like the run's own
outputs: each attacker gains nothing, is told why in their own results.json, and every
other student (and the run) is graded exactly as without them.
"""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import inprocess
import pytest

from grader.classrun.student_ids import assign_ids, name_problem, reserved_names
from grader.classrun.submission_files import (
    MAX_DEPTH,
    SubmissionSource,
    discover,
    read_submission,
)
from grader.classrun.submission_zip import common_prefix
from grader.course.paths import exercises_dir, reference_dir
from grader.course.spec import load_exercise

SLUG = "01_derivative"
CALCGRADE = [sys.executable, "-m", "grader"]
FULL = float(sum(c.points for c in load_exercise("01_derivative").checks))  # the reference's


def _solution(folder: Path, text: str) -> None:
    (folder / SLUG).mkdir(parents=True)
    (folder / SLUG / "solution.py").write_text(text)


def _deep_zip(path: Path, depth: int) -> Path:
    """One file nested ``depth`` folders deep (no folder entries: one member only)."""
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("d/" * depth + f"{SLUG}/solution.py", ref)
    return path


@pytest.fixture(scope="module")
def hostile_class(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("hostile-files")
    subs, out = base / "subs", base / "out"
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    stub = (exercises_dir() / SLUG / "solution.py").read_text()
    # honest students: a folder, a zip, a folder whose exercise is a link inside itself
    _solution(subs / "ada", ref)
    with zipfile.ZipFile(subs / "zed.zip", "w") as archive:
        archive.writestr(f"zed/{SLUG}/solution.py", ref)
    _solution(subs / "ivy" / "work", ref)
    (subs / "ivy" / SLUG).symlink_to(Path("work") / SLUG)
    # 1. links out of the student's folder: a classmate, the reference, the results
    (subs / "mal").mkdir()
    (subs / "mal" / SLUG).symlink_to(Path("..") / "ada" / SLUG)
    (subs / "ref" / SLUG).mkdir(parents=True)
    (subs / "ref" / SLUG / "solution.py").symlink_to(reference_dir() / f"{SLUG}.py")
    (subs / "res").mkdir()
    (subs / "res" / SLUG).symlink_to(out)
    (subs / "linked").symlink_to(subs / "ada")        # the submission itself is a link
    # 2. a zip nested 3000 folders deep
    _deep_zip(subs / "deep.zip", 3000)
    # 3. names of the run's own outputs, and a twin of ada but for case
    for name in ("index.html", "gradebook.sqlite", "gradebook.csv"):
        with zipfile.ZipFile(subs / f"{name}.zip", "w") as archive:
            archive.writestr(f"{SLUG}/solution.py", ref)
    _solution(subs / "students", ref)
    _solution(subs / "Ada", stub)
    proc = inprocess.calcgrade(["grade", str(subs), "--out", str(out), "--exercise",
                                SLUG, "--jobs", "2", "--isolation", "process"])
    return subs, out, proc


def _points(out: Path) -> dict[str, float]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return dict(db.execute("SELECT student, points FROM exercise_results"))


def _messages(out: Path, student: str) -> list[str]:
    doc = json.loads((out / student / "results.json").read_text())
    assert doc["submission"] == student
    return [c["message"] for e in doc["exercises"] for c in e["checks"]]


def test_the_run_completes_and_honest_students_are_graded_normally(hostile_class):
    subs, out, proc = hostile_class
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "cannot write" not in proc.stdout + proc.stderr
    points = _points(out)
    ids = assign_ids(["Ada", "ada", "index.html", "gradebook.sqlite", "gradebook.csv",
                      "students"])
    assert points["ada"] == points["zed"] == points["ivy"] == FULL
    assert points[ids["Ada"].id] == 0.0 and ids["Ada"].id.startswith("Ada~")
    # the run's outputs are where they belong, and are files
    for name in ("index.html", "gradebook.csv", "summary.md", "gradebook.sqlite"):
        assert (out / name).is_file(), name
    assert (out / "students").is_dir() and not (out / "students" / "results.json").exists()
    assert "ada" in (out / "index.html").read_text()


@pytest.mark.parametrize("student", ["mal", "ref", "res"])
def test_links_out_of_the_students_folder_are_refused(hostile_class, student):
    _, out, _ = hostile_class
    assert _points(out)[student] == 0.0
    messages = _messages(out, student)
    assert all("symbolic link that leads outside your submission" in m for m in messages)
    doc = (out / student / "results.json").read_text()
    assert "def symbolic_derivative" not in doc  # nothing of what the link led to


def test_a_submission_that_is_itself_a_link_is_refused(hostile_class):
    _, out, proc = hostile_class
    assert _points(out)["linked"] == 0.0
    assert all("is a symbolic link, not a folder or a zip" in m for m in _messages(out, "linked"))
    assert "unreadable linked" in proc.stdout


def test_a_zip_nested_thousands_of_folders_deep_costs_only_its_student(hostile_class):
    _, out, _ = hostile_class
    assert _points(out)["deep"] == 0.0
    assert all(f"nested more than {MAX_DEPTH} folders deep" in m for m in _messages(out, "deep"))


@pytest.mark.parametrize("name", ["index.html", "gradebook.sqlite", "gradebook.csv", "students"])
def test_a_submission_named_like_an_output_is_refused_under_a_safe_id(hostile_class, name):
    _, out, _ = hostile_class
    student = assign_ids([name])[name].id
    assert student.startswith(name + "~")
    assert _points(out)[student] == 0.0
    assert all("the name of one of the files calcgrade writes" in m
               for m in _messages(out, student))


# -- units --------------------------------------------------------------------------------

def test_links_inside_the_submission_are_followed_once(tmp_path):
    _solution(tmp_path / "amy" / "work", "x = 1\n")
    (tmp_path / "amy" / SLUG).symlink_to(tmp_path / "amy" / "work" / SLUG)
    (tmp_path / "amy" / "work" / SLUG / "loop").symlink_to(".")
    (tmp_path / "amy" / "work" / SLUG / "gone.py").symlink_to("nowhere.py")
    files = read_submission(SubmissionSource("amy", tmp_path / "amy"), [SLUG])
    assert files.error is None
    assert files.files == {SLUG: {"solution.py": b"x = 1\n"}}


def test_a_linked_file_or_subfolder_leading_out_is_refused(tmp_path):
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "answers.py").write_text("42")
    _solution(tmp_path / "bo", "x = 1\n")
    (tmp_path / "bo" / SLUG / "data").symlink_to(tmp_path / "secret")
    files = read_submission(SubmissionSource("bo", tmp_path / "bo"), [SLUG])
    assert files.error is not None and "01_derivative/data is a symbolic link" in files.error
    assert files.files == {SLUG: {}}


def test_a_folder_too_deep_is_refused(tmp_path):
    deep = tmp_path / "cy" / SLUG
    for _ in range(MAX_DEPTH + 1):
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "x.py").write_text("")
    files = read_submission(SubmissionSource("cy", tmp_path / "cy"), [SLUG])
    assert files.error is not None and "folders deep" in files.error


def test_discover_lists_links_as_refused_and_gives_safe_ids(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / "Ada").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "ada")
    (tmp_path / "index.html").mkdir()
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")  # a stray, as a stray file
    found = {s.path.name: s for s in discover(tmp_path)}
    assert set(found) == {"ada", "Ada", "link", "index.html"}
    assert found["ada"].student == "ada" and found["ada"].problem is None
    assert found["Ada"].student.startswith("Ada~") and found["Ada"].problem is None
    assert "symbolic link" in found["link"].problem
    assert found["index.html"].student.startswith("index.html~")
    assert "calcgrade writes" in found["index.html"].problem


def test_zip_common_prefix_is_iterative():
    deep = "a/" * 5000 + f"{SLUG}/solution.py"
    assert common_prefix([deep], [SLUG]) == "a/" * 5000
    assert common_prefix(["x/01_derivative/s.py", "x/README"], [SLUG]) == "x/"
    assert common_prefix([f"{SLUG}/s.py", "top/y"], [SLUG]) == ""


def test_zip_depth_and_table_of_contents_are_bounded(tmp_path):
    deep = read_submission(SubmissionSource("d", _deep_zip(tmp_path / "d.zip", 3000)), [SLUG])
    assert deep.error is not None and "folders deep" in deep.error
    ok = read_submission(SubmissionSource("o", _deep_zip(tmp_path / "o.zip", 3)), [SLUG])
    assert ok.error is None and set(ok.files[SLUG]) == {"solution.py"}
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as archive:
        for i in range(60_000):
            archive.writestr(f"{'n' * 60}{i}", b"")
    big = read_submission(SubmissionSource("m", many), [SLUG])
    assert big.error is not None and "table of contents is larger than" in big.error


def test_every_run_level_output_is_a_reserved_name():
    names = reserved_names()
    for output in ("gradebook.sqlite", "gradebook.sqlite-wal", "index.html", "students",
                   "gradebook.csv", "summary.md", "junit.xml", "results.json"):
        assert output in names
        assert name_problem(output) is not None and name_problem(output.upper()) is not None


@pytest.mark.parametrize("name", ["a\\b", "tab\there", "x\udcff", "\u202eevil", "..", "x" * 300])
def test_names_that_cannot_be_folders_are_refused(name):
    assert name_problem(name) is not None
    student = assign_ids([name])[name]
    assert student.problem is not None
    assert "/" not in student.id and "\\" not in student.id and not student.id.startswith(".")
    student.id.encode("utf-8")  # storable in the gradebook
    assert len(student.id.encode()) <= 255


def test_ids_are_unique_ignoring_case_and_stable():
    names = ["bo", "Bo", "BO", "bo~x", "index.html", "INDEX.html"]
    ids = assign_ids(names)
    folded = [i.id.casefold() for i in ids.values()]
    assert len(set(folded)) == len(names)
    assert ids["bo"].id == "bo" and ids["bo~x"].id == "bo~x"
    assert assign_ids(reversed(names)) == ids
    assert os.sep not in "".join(folded)


def test_a_file_name_that_is_not_utf8_is_that_students_error(tmp_path):
    _solution(tmp_path / "nu", "x = 1\n")
    (tmp_path / "nu" / SLUG / os.fsdecode(b"bad\xff.py")).write_text("")
    files = read_submission(SubmissionSource("nu", tmp_path / "nu"), [SLUG])
    assert files.error is not None and "not valid UTF-8" in files.error
