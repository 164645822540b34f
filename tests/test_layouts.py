"""Submission layouts: each accepted shape is found, named and read; nothing gradable is
one clear message; links and hostile zips stay refused; ``check`` and ``grade`` name the
layout they used (the two-exercise course of ``tiny_course``)."""
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
from tiny_course import POINTS, SLUGS, make_course, upload

from grader.classrun.layouts import ACCEPTED, NoLayout, read_upload
from grader.classrun.submission_files import SubmissionError

ALL = list(SLUGS)
CALCGRADE = [sys.executable, "-m", "grader"]


def read(path: Path, slugs: list[str] = ALL):
    return read_upload(path, slugs, ALL, path.name)


@pytest.mark.parametrize("layout, where, words", [
    ("slugs", "", "slug folders (<slug>/solution.py)"),
    ("repository", "", "a repository (exercises/<slug>/solution.py)"),
    ("download_zip", "", "a repository (exercises/<slug>/solution.py) inside the top folder repo-main/"),
    ("zip", "work.zip", "a zip of slug folders (<slug>/solution.py) inside the top folder homework/"),
])
def test_each_layout_is_found_named_and_read(tmp_path, layout, where, words):
    target = upload(tmp_path / "up", layout)
    files, found = read(target / where if where else target)
    assert found.describe() == words
    assert set(files) == set(SLUGS)
    assert set(files["01_tiny"]) == {"solution.py"}
    assert set(files["02_half"]) == {"solution.py", "helper.py"}  # helpers travel along
    assert b"return 2 * x" in files["01_tiny"]["solution.py"]
    assert not any(name.startswith(("README", "grader")) for f in files.values() for name in f)


def test_a_zip_left_packed_in_the_upload_folder_is_read(tmp_path):
    target = upload(tmp_path / "up", "zip")  # the folder holds work.zip alone
    files, found = read(target)
    assert found.zipped and found.wrapper == "homework/"
    assert set(files["02_half"]) == {"solution.py", "helper.py"}


def test_a_single_solution_py_with_its_helpers_for_one_exercise(tmp_path):
    target = upload(tmp_path / "up", "single", slugs=("02_half",))
    (target / "data").mkdir()
    (target / "data" / "table.csv").write_text("1,2\n")
    files, found = read(target, ["02_half"])
    assert found.describe() == "a single solution.py"
    assert set(files) == {"02_half"}
    assert set(files["02_half"]) == {"solution.py", "helper.py", "data/table.csv"}
    with zipfile.ZipFile(tmp_path / "one.zip", "w") as archive:
        archive.writestr("mine/solution.py", "def half(x):\n    return x / 2\n")
    files, found = read(tmp_path / "one.zip", ["02_half"])
    assert found.describe() == "a zip of a single solution.py inside the top folder mine/"
    assert set(files["02_half"]) == {"solution.py"}


def test_a_single_solution_py_for_several_exercises_says_what_to_do(tmp_path):
    target = upload(tmp_path / "up", "single", slugs=("02_half",))
    with pytest.raises(NoLayout, match="a single solution.py but 2 exercises are graded"):
        read(target)


def test_slug_folders_win_over_a_stray_solution_py_and_missing_ones_stay_missing(tmp_path):
    target = upload(tmp_path / "up", "slugs", slugs=("01_tiny",))
    (target / "solution.py").write_text("x = 1\n")
    files, found = read(target, ["02_half"])
    assert found.kind == "slugs" and files == {"02_half": {}}  # graded as missing, named


def test_several_wrapping_folders_are_unwrapped_but_two_are_never_guessed(tmp_path):
    deep = upload(tmp_path / "deep" / "a" / "b" / "c", "slugs")
    files, found = read(tmp_path / "deep")
    assert found.wrapper == "a/b/c/" and set(files["01_tiny"]) == {"solution.py"}
    assert deep.is_dir()
    upload(tmp_path / "two" / "alice", "slugs")
    upload(tmp_path / "two" / "bob", "slugs")
    with pytest.raises(NoLayout, match="nothing to grade in two"):
        read(tmp_path / "two")


def test_nothing_gradable_names_the_place_and_every_accepted_layout(tmp_path):
    (tmp_path / "up").mkdir()
    (tmp_path / "up" / "answers.txt").write_text("42\n")
    with pytest.raises(NoLayout) as info:
        read(tmp_path / "up")
    message = str(info.value)
    assert message.startswith("nothing to grade in up:")
    assert all(layout in message for layout in ACCEPTED)


def test_links_out_stay_refused_in_every_layout(tmp_path):
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "solution.py").write_text("STOLEN = 1\n")
    repo = tmp_path / "repo"
    (repo / "exercises").mkdir(parents=True)
    (repo / "exercises" / "01_tiny").symlink_to(secret)
    with pytest.raises(SubmissionError, match="leads outside your submission"):
        read(repo)
    single = tmp_path / "single"
    single.mkdir()
    (single / "solution.py").symlink_to(secret / "solution.py")
    with pytest.raises(SubmissionError, match="leads outside your submission"):
        read(single, ["01_tiny"])
    wrapped = tmp_path / "wrapped"
    wrapped.mkdir()
    (wrapped / "repo-main").symlink_to(repo)  # a linked wrapping folder is never entered
    with pytest.raises(NoLayout):
        read(wrapped)
    lone = tmp_path / "lone"
    lone.mkdir()
    upload(tmp_path / "z", "zip")
    (lone / "work.zip").symlink_to(tmp_path / "z" / "work.zip")  # nor a linked zip
    with pytest.raises(NoLayout):
        read(lone)


@pytest.mark.parametrize("member, message", [
    ("/etc/01_tiny/solution.py", "absolute path"),
    ("repo-main/../01_tiny/solution.py", "leaves its folder"),
])
def test_hostile_zip_members_stay_refused(tmp_path, member, message):
    with zipfile.ZipFile(tmp_path / "bad.zip", "w") as archive:
        archive.writestr("repo-main/exercises/01_tiny/solution.py", "x = 1\n")
        archive.writestr(member, "x = 2\n")
    with pytest.raises(SubmissionError, match=message):
        read(tmp_path / "bad.zip")


# -- the commands ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("tiny"))


def calcgrade(course: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    return inprocess.calcgrade(["--course", str(course), *args], cwd=cwd, env=env)


def test_check_names_course_submission_and_layout(course, tmp_path):
    upload(tmp_path / "repo", "download_zip")
    proc = calcgrade(course, "check", "--submission", "repo", "--seed", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (f"course: {course} · submission: {tmp_path / 'repo'}, read as a repository "
            "(exercises/<slug>/solution.py) inside the top folder repo-main/") in proc.stderr
    single = upload(tmp_path / "one", "single", slugs=("02_half",))
    proc = calcgrade(course, "check", "02", "--submission", str(single), "--seed", "1",
                     "--format", "json", cwd=tmp_path)
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0 and doc["totals"]["points"] == POINTS["02_half"]
    assert doc["origin"] == {"course": str(course), "submission": str(single),
                             "layout": "a single solution.py"}
    assert proc.stderr == ""  # machine-readable output: the origin is in the document


def test_check_with_nothing_gradable_is_one_clear_message(course, tmp_path):
    (tmp_path / "empty").mkdir()
    proc = calcgrade(course, "check", "--submission", "empty", cwd=tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "nothing to grade in empty" in proc.stderr and "Accepted layouts" in proc.stderr
    (tmp_path / "notes.txt").write_text("")
    proc = calcgrade(course, "check", "--submission", "notes.txt", cwd=tmp_path)
    assert proc.returncode == 2 and "neither a folder nor a .zip file" in proc.stderr


@pytest.mark.slow
def test_grade_accepts_every_layout_and_names_it_per_student(course, tmp_path):
    subs = tmp_path / "subs"
    upload(subs / "ada", "slugs")
    upload(subs / "bo", "repository")
    upload(subs / "cy", "download_zip")
    upload(tmp_path / "dee", "zip")
    (tmp_path / "dee" / "work.zip").rename(subs / "dee.zip")
    (subs / "eve").mkdir()
    (subs / "eve" / "notes.txt").write_text("no code\n")
    upload(subs / "fay", "single", slugs=("02_half",))
    out = tmp_path / "out"
    proc = calcgrade(course, "grade", str(subs), "--out", str(out), "--jobs", "2",
                     "--report", "none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"course: {course} · submissions: {subs}" in proc.stderr
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        points = dict(db.execute("SELECT student, SUM(points) FROM exercise_results GROUP BY student"))
    full = sum(POINTS.values())
    assert points == {"ada": full, "bo": full, "cy": full, "dee": full, "eve": 0, "fay": 0}
    layouts = {s: json.loads((out / s / "results.json").read_text())["origin"]["layout"]
               for s in points}
    assert layouts["bo"] == "a repository (exercises/<slug>/solution.py)"
    assert layouts["dee"] == "a zip of slug folders (<slug>/solution.py) inside the top folder homework/"
    assert layouts["eve"] == layouts["fay"] == "unreadable"
    eve = json.loads((out / "eve" / "results.json").read_text())
    assert all(c["status"] == "error" and "nothing to grade in eve" in c["message"]
               for e in eve["exercises"] for c in e["checks"])
    assert "unreadable eve" in proc.stdout and "unreadable fay" in proc.stdout
    line = next(x for x in proc.stdout.splitlines() if x.startswith("layouts: "))
    assert "1 as a repository (exercises/<slug>/solution.py)" in line and line.count(" as ") == 4, line
