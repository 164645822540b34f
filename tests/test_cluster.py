"""calcgrade grade --scheduler: the same grading on a Dask cluster (loopback only)."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.course.paths import exercises_dir, reference_dir

SLUG = "01_derivative"


def _class(root: Path) -> Path:
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    mistake = (reference_dir() / "mistakes" / SLUG / "integrated.py").read_text()
    for student, text in {"ada": ref, "cho": ref + "\n\n" + mistake,
                          "gia": (exercises_dir() / SLUG / "solution.py").read_text()}.items():
        (root / student / SLUG).mkdir(parents=True)
        (root / student / SLUG / "solution.py").write_text(text)
    with zipfile.ZipFile(root / "zed.zip", "w") as archive:
        archive.writestr(f"{SLUG}/solution.py", ref)
    (root / "bad.zip").write_bytes(b"not a zip")
    return root


def _grade(subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "grader.cli.main", "grade", str(subs), "--out",
                           str(out), "--exercise", SLUG, "--isolation", "process",
                           "--report", "none", "--seed", "7", *extra],  # one seed: comparable
                          capture_output=True, text=True, timeout=600)


def _scores(out: Path) -> dict:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return {(s, c): (st, p, m) for s, c, st, p, m in db.execute(
            "SELECT student, check_id, status, points, message FROM check_results")}


@pytest.mark.slow
def test_cluster_grades_the_class_like_this_machine(tmp_path):
    distributed = pytest.importorskip("distributed")
    subs = _class(tmp_path / "subs")
    local = _grade(subs, tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stderr
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=":0") as cluster:
        remote = _grade(subs, tmp_path / "remote", "--scheduler", cluster.scheduler_address)
        assert remote.returncode == 0, remote.stdout + remote.stderr
        assert "5 submissions: 5 graded" in remote.stdout
        again = _grade(subs, tmp_path / "remote", "--scheduler", cluster.scheduler_address)
        assert "0 graded, 5 unchanged" in again.stdout
    assert _scores(tmp_path / "remote") == _scores(tmp_path / "local")
    assert (tmp_path / "remote" / "ada" / "results.json").is_file()
