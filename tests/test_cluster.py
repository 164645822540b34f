"""calcgrade grade --scheduler: the same grading on a Dask cluster (loopback only).

That a cluster grades a class (folders, a zip, a broken zip, crashes, time-outs,
tampering) exactly as this machine does, and resumes, is tests/test_same_grade.py; here:
per-student variants travel with the task."""
from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import inprocess
import pytest

from grader.course.paths import exercises_dir, reference_dir

SLUG = "01_derivative"


def _grade(subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """``calcgrade grade`` in this process (the Dask workers are processes of their own;
    the client side needs none: tests/inprocess.py)."""
    return inprocess.calcgrade(["grade", str(subs), "--out", str(out), "--exercise", SLUG,
                                "--isolation", "process", "--report", "none",
                                "--seed", "7", *extra])  # one seed: comparable


def _scores(out: Path) -> dict:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return {(s, c): (st, p, m) for s, c, st, p, m in db.execute(
            "SELECT student, check_id, status, points, message FROM check_results")}


def _variant_course(root: Path) -> Path:
    """A course of 01 alone with per-student variants turned on (calcgrade.toml)."""
    import shutil

    shutil.copytree(exercises_dir() / SLUG, root / "exercises" / SLUG,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (root / "reference" / "answers").mkdir(parents=True)
    shutil.copyfile(reference_dir() / f"{SLUG}.py", root / "reference" / f"{SLUG}.py")
    shutil.copyfile(reference_dir() / "answers" / f"{SLUG}.toml",
                    root / "reference" / "answers" / f"{SLUG}.toml")
    (root / "calcgrade.toml").write_text(f'[course]\ntitle = "v"\n[variants]\nexercises = ["{SLUG}"]\n')
    return root


@pytest.mark.slow
def test_cluster_grades_each_student_with_their_own_variant(tmp_path, monkeypatch):
    """The variant codes travel with the Dask task: the workers grade the code checks and
    the question with each student's own numbers, exactly as this machine does."""
    distributed = pytest.importorskip("distributed")
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for
    from grader.course.variants import params_from_code, spec_for
    from grader.judge import variant_families as cubic

    course = _variant_course(tmp_path / "course")
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))  # this process, the workers, the CLI
    outs = [tmp_path / "local", tmp_path / "remote"]
    for out in outs:  # one class key for both results folders: the same codes
        with Gradebook.in_folder(out) as book:
            with book.transaction():
                book.db.execute("INSERT INTO meta VALUES ('variant_key', ?)", ("5e" * 32,))
            ca, cb = (codes_for(book, s, [SLUG])[SLUG] for s in ("ada", "bo"))
    pa = params_from_code(spec_for(SLUG), ca)
    assert cubic.derivative(pa) != cubic.derivative(params_from_code(spec_for(SLUG), cb))
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    subs = tmp_path / "subs"
    for student in ("ada", "bo"):  # bo hands in ada's folder, her variant.toml included
        folder = subs / student / SLUG
        folder.mkdir(parents=True)
        (folder / "solution.py").write_text(
            f"{ref}\n\ndef symbolic_derivative():\n    return {str(cubic.derivative(pa))!r}\n")
        (folder / "variant.toml").write_text(f'code = "{ca}"\n')
        (folder / "answers.toml").write_text(f"slope_at_2 = {12 * pa['a'] + 4 * pa['b']}\n")
    local = _grade(subs, outs[0], "--jobs", "1")
    assert local.returncode == 0, local.stdout + local.stderr
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        remote = _grade(subs, outs[1], "--scheduler", cluster.scheduler_address)
    assert "2 submissions: 2 graded" in remote.stdout, remote.stdout + remote.stderr
    scores = _scores(outs[1])
    assert scores == _scores(outs[0])
    for check in ("symbolic_derivative", "q/slope_at_2"):
        assert scores[("ada", f"{SLUG}/{check}")][0] == "passed"
        assert scores[("bo", f"{SLUG}/{check}")][0] == "failed"  # graded with his own variant
    doc = (outs[1] / "bo" / "results.json").read_text()
    assert cb in doc and "not yours" in doc
