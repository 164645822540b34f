"""``calcgrade check --format/--html`` and ``calcgrade report`` end to end.

``check`` runs as the console script does (in this process: ``tests/inprocess.py``) on a
one-exercise course built in a temporary folder (``CALCGRADE_ROOT``); ``report`` runs through CliRunner on
the fixed results of ``report_fixtures``.
"""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import inprocess
import pytest
from click.testing import CliRunner
from report_fixtures import fixed_class

from grader.cli.main import main

CHECKS = '''
from grader.judge.answers import Close
from grader.course.spec import Check, Exercise, Figure

GRID = [0.0, 0.5, 1.0, 1.5, 2.0]


def _draw(ax, ref, student):
    ax.plot(ref["x"], ref["y"], lw=3, alpha=0.5, label="reference")
    if student:
        ax.plot(student["x"], student["y"], "--", label="yours")
    ax.legend()


EXERCISE = Exercise(
    slug="01_tiny", title="Doubling", preload=("numpy",),
    checks=[Check(function="double", points=1, title="double(3)",
                  answer=Close(rtol=1e-9, what="value"),
                  expect=lambda ref, inputs: ref.double(3.0),
                  call=lambda sol, inputs: sol.double(3.0))],
    figure=Figure(title="double over [0, 2]", functions=("double",),
                  student=lambda sol, inputs: {"x": GRID, "y": [sol.double(v) for v in GRID]},
                  reference=lambda ref, inputs: {"x": GRID, "y": [ref.double(v) for v in GRID]},
                  draw=_draw))
'''
WRONG = 'def double(x):\n    print("<script>alert(1)</script>")\n    return 2.5 * x\n'
RIGHT = "def double(x):\n    return 2 * x\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    (root / "exercises" / "01_tiny").mkdir(parents=True)
    (root / "exercises" / "01_tiny" / "checks.py").write_text(CHECKS)
    (root / "reference").mkdir()
    (root / "reference" / "01_tiny.py").write_text(RIGHT)
    for name, code in (("wrong", WRONG), ("right", RIGHT)):
        (root / name / "01_tiny").mkdir(parents=True)
        (root / name / "01_tiny" / "solution.py").write_text(code)
    return root


def calcgrade(course: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALCGRADE_ROOT": str(course)}
    if code is None:
        return inprocess.calcgrade(args, cwd=course, env=env)
    return subprocess.run([sys.executable, "-c", code], cwd=course, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("fmt, parse", [
    ("json", json.loads),
    ("gradescope", json.loads),
    ("junit", lambda text: ET.fromstring(text.encode())),
    ("md", lambda text: text),
])
def test_check_prints_each_format_cleanly(course: Path, fmt: str, parse) -> None:
    proc = calcgrade(course, "check", "--submission", "wrong", "--seed", "1", "--format", fmt)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""  # no progress on a pipe: stdout stays machine-readable
    parsed = parse(proc.stdout)
    if fmt == "gradescope":
        assert parsed["score"] == 0 and parsed["tests"][0]["status"] == "failed"
    elif fmt == "md":
        assert parsed.startswith("## calcgrade: 0/1 points")


def test_check_passes_with_exit_zero_in_every_format(course: Path) -> None:
    proc = calcgrade(course, "check", "--submission", "right", "--seed", "1", "--format", "junit")
    assert proc.returncode == 0
    assert 'failures="0" errors="0"' in proc.stdout


def test_check_writes_html_with_the_students_plot(course: Path, tmp_path: Path) -> None:
    out = tmp_path / "me.html"
    proc = calcgrade(course, "check", "--submission", "wrong", "--seed", "1", "--html", str(out))
    assert proc.returncode == 1
    assert f"Feedback written to {out}" in proc.stderr
    html = out.read_text()
    assert html.count("data:image/png;base64,") == 1
    assert "Drawn from your own functions" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html


def test_text_check_does_not_import_matplotlib_or_jinja(course: Path) -> None:
    code = ("import sys\nfrom grader.cli.main import main\n"
            "try:\n    main(['check', '--submission', 'wrong', '--seed', '1'])\n"
            "except SystemExit:\n    pass\n"
            "print('LOADED', sorted(m for m in ('matplotlib', 'jinja2') if m in sys.modules))")
    proc = calcgrade(course, code=code)
    assert "LOADED []" in proc.stdout, proc.stdout + proc.stderr


def test_check_html_to_an_unwritable_place_is_a_clean_error(course: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    proc = calcgrade(course, "check", "--submission", "wrong", "--seed", "1",
                     "--html", str(blocker / "r.html"))
    assert proc.returncode == 1 and "cannot write" in proc.stderr
    assert "Traceback" not in proc.stderr


# -- calcgrade report -------------------------------------------------------------------------

@pytest.fixture
def class_dir(tmp_path: Path) -> Path:
    root = tmp_path / "RESULTS"
    for results in fixed_class():
        (root / results.submission).mkdir(parents=True)
        (root / results.submission / "results.json").write_text(json.dumps(results.to_dict()))
    return root


def test_report_on_a_class_folder_writes_everything(class_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["report", str(class_dir), "--out", str(out), "--format",
                                       "html", "--format", "csv", "--format", "md", "--format",
                                       "junit"])
    assert result.exit_code == 0, result.output
    assert result.output.split() == [str(out / n) for n in ("index.html", "gradebook.csv",
                                                            "summary.md", "junit.xml")]
    rows = list(csv.reader(io.StringIO((out / "gradebook.csv").read_text())))
    assert rows[0] == ["student", "01_derivative", "02_antiderivative", "total"]
    assert [r[0] for r in rows[1:]] == ["alice", "bob", "carol"]
    assert sorted(p.name for p in (out / "students").iterdir()) == ["alice.html", "bob.html",
                                                                    "carol.html"]
    assert "students/bob.html" in (out / "index.html").read_text()
    assert (out / "summary.md").read_text().startswith("## calcgrade class summary: 3 students")


@pytest.mark.parametrize("which", ["file", "folder"])
def test_report_on_one_results_file_writes_a_student_report(class_dir: Path, tmp_path: Path,
                                                            which: str) -> None:
    target = class_dir / "bob" / ("results.json" if which == "file" else "")
    result = CliRunner().invoke(main, ["report", str(target), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "o" / "report.html").read_text()
    assert "Feedback for bob" in html and "data:image/png;base64," in html


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not a calcgrade results file (invalid JSON"),
    ("[1, 2]", "is not a calcgrade results file (no schema_version)"),
    ('{"schema_version": 99}', "unsupported results schema_version 99"),
    ('{"schema_version": 1, "exercises": []}', "is not a valid calcgrade results file"),
])
def test_report_rejects_bad_results_files_cleanly(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "results.json"
    bad.write_text(content)
    result = CliRunner().invoke(main, ["report", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_report_on_a_folder_without_results(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(main, ["report", str(tmp_path / "empty"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "no results in" in result.output


def test_report_on_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(tmp_path / "nope"), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_report_renders_a_class_in_parallel(tmp_path: Path) -> None:
    root = tmp_path / "RESULTS"
    for k in range(9):  # PARALLEL_FROM students: a pool of 2 fresh processes
        results = fixed_class()[k % 3]
        (root / f"s{k}").mkdir(parents=True)
        (root / f"s{k}" / "results.json").write_text(json.dumps(
            {**results.to_dict(), "submission": f"s{k}"}))
    result = CliRunner().invoke(main, ["report", str(root), "--out", str(tmp_path / "o"),
                                       "--jobs", "2"])
    assert result.exit_code == 0, result.output
    pages = sorted((tmp_path / "o" / "students").iterdir())
    assert [p.name for p in pages] == [f"s{k}.html" for k in range(9)]
    assert all("data:image/png;base64," in p.read_text() for p in pages)


def test_report_to_an_unwritable_place_is_a_clean_error(class_dir: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = CliRunner().invoke(main, ["report", str(class_dir), "--out", str(blocker / "o")])
    assert result.exit_code == 1 and "cannot write to" in result.output


def test_grade_reports_progress_per_exercise(course: Path) -> None:
    code = ("from pathlib import Path\nfrom grader.judge.engine import Submission, grade\n"
            "seen = []\n"
            "grade([Submission.from_dir(Path('wrong'))], seed=1, progress=lambda *a: seen.append(a))\n"
            "print('SEEN', seen)")
    proc = calcgrade(course, code=code)
    assert "SEEN [('running', 1, 1), ('judging', 1, 1)]" in proc.stdout, proc.stdout + proc.stderr


def test_check_shows_progress_on_a_terminal_only(course: Path) -> None:
    import pty

    master, slave = pty.openpty()
    # the spinner shows once a wait passes CALCGRADE_SPINNER_DELAY (1 s; here at once)
    env = {**os.environ, "CALCGRADE_ROOT": str(course), "CALCGRADE_SPINNER_DELAY": "0"}
    proc = subprocess.run([sys.executable, "-m", "grader", "check", "--submission", "wrong",
                           "--seed", "1", "--format", "json"], cwd=course, env=env,
                          stdout=subprocess.PIPE, stderr=slave, timeout=120)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert b"checking every exercise" in seen  # the spinner, on the terminal
    assert seen.rstrip(b" ").endswith(b"\r")  # erased before the command ended
    json.loads(proc.stdout)  # stdout untouched by the progress line
