"""``calcgrade grade --format`` (alias ``--report``): each value writes its file into the
results folder, the same files as ``calcgrade report --format``; the README says so.

The class is graded once (two students, one exercise); each test reruns ``grade`` on a
copy of that results folder, which grades nothing (stored and unchanged) and writes the
chosen reports from the gradebook.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import inprocess
import pytest

from grader.course.paths import exercises_dir, reference_dir

SLUG = "01_derivative"
CALCGRADE = [sys.executable, "-m", "grader"]
ROOT = Path(__file__).resolve().parent.parent
REPORT_FILES = {"index.html", "students", "gradebook.csv", "gradebook-canvas.csv",
                "gradebook-moodle.csv", "summary.md", "junit.xml"}


def _grade(subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return inprocess.calcgrade(["grade", str(subs), "--out", str(out), "--exercise", SLUG,
                                "--jobs", "1", "--isolation", "process", *extra])


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("grade-format")
    subs = base / "subs"
    for student, source in {"ada": reference_dir() / f"{SLUG}.py",
                            "gia": exercises_dir() / SLUG / "solution.py"}.items():
        (subs / student / SLUG).mkdir(parents=True)
        shutil.copy(source, subs / student / SLUG / "solution.py")
    proc = _grade(subs, base / "out", "--format", "none")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (base / "roster.csv").write_text("folder,Student,ID,SIS Login ID,Email address,ID number\n"
                                     "ada,\"Lovelace, Ada\",11,ada@uni,ada@uni,A1\n")
    return subs, base


def _rerun(graded, tmp_path: Path, *formats: str, flag: str = "--format",
           extra: tuple[str, ...] = ()) -> tuple[subprocess.CompletedProcess, Path]:
    subs, base = graded
    out = tmp_path / "out"
    shutil.copytree(base / "out", out)
    args = [a for f in formats for a in (flag, f)]
    return _grade(subs, out, *args, *extra), out


def _reports(out: Path) -> set[str]:
    return {p.name for p in out.iterdir()} & REPORT_FILES


@pytest.mark.parametrize("fmt, files", [
    ("html", {"index.html", "students"}),
    ("csv", {"gradebook.csv"}),
    ("md", {"summary.md"}),
    ("junit", {"junit.xml"}),
    ("none", set()),
])
def test_each_format_writes_its_file(graded, tmp_path: Path, fmt: str, files: set[str]) -> None:
    proc, out = _rerun(graded, tmp_path, fmt)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 unchanged (kept)" in proc.stdout  # nothing graded again
    assert _reports(out) == files
    for name in files - {"students"}:
        assert f"wrote {out / name}" in proc.stdout


def test_junit_is_one_suite_per_student_and_exercise(graded, tmp_path: Path) -> None:
    proc, out = _rerun(graded, tmp_path, "junit", flag="--report")  # the old spelling works
    assert proc.returncode == 0, proc.stdout + proc.stderr
    root = ET.parse(out / "junit.xml").getroot()
    assert sorted(s.get("name") for s in root.iter("testsuite")) == [f"ada/{SLUG}", f"gia/{SLUG}"]
    assert int(root.get("failures")) > 0  # gia's stub fails every check


def test_html_class_report_links_both_students(graded, tmp_path: Path) -> None:
    proc, out = _rerun(graded, tmp_path, "html")
    html = (out / "index.html").read_text()
    assert 'href="students/ada.html"' in html and 'href="students/gia.html"' in html


@pytest.mark.parametrize("preset, header", [
    ("csv:canvas", "Student,ID,SIS User ID,SIS Login ID,Section,"),
    ("csv:moodle", "First name,Last name,ID number,Email address,"),
])
def test_lms_presets_with_a_roster(graded, tmp_path: Path, preset: str, header: str) -> None:
    _, base = graded
    proc, out = _rerun(graded, tmp_path, preset, extra=("--roster", str(base / "roster.csv")))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    name = f"gradebook-{preset.split(':')[1]}.csv"
    assert _reports(out) == {name}
    assert (out / name).read_text().startswith(header)
    assert "warning:" in proc.stdout and "gia" in proc.stdout  # gia is not in the roster


@pytest.mark.parametrize("args, message", [
    (("--format", "csv:canvas"), "need(s) --roster FILE"),
    (("--format", "none", "--format", "html"), "none means no reports"),
    (("--format", "gradescope"), "Invalid value for '--format'"),
])
def test_usage_errors_come_before_any_grading(graded, tmp_path: Path, args, message) -> None:
    subs, _ = graded
    out = tmp_path / "fresh"
    proc = _grade(subs, out, *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()  # refused before the results folder was even made


def test_readme_names_every_grade_format() -> None:
    import click

    from grader.cli.main import grade

    choices = next(p.type.choices for p in grade.params if p.name == "reports")
    assert isinstance(next(p for p in grade.params if p.name == "reports").type, click.Choice)
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## For CI"):readme.index("## Timing the kernels")]
    assert "grade SUBMISSIONS/ --out RESULTS/ --format" in section
    for choice in choices:
        assert f"`{choice}`" in section or choice in ("none",), choice
    # the stdout formats are check's: no line offers them to grade
    for line in readme.splitlines():
        if "json|junit|gradescope|md" in line:
            assert "check --format json|junit|gradescope|md" in line, line
