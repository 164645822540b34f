"""Hidden checks: in the key, in the bundle's check, in the instructor's results.

A one-exercise copy of the course marks one check ``visibility="hidden"``; it is released
(its own course, in this process) and checked on both sides (the bundle's side in a
process of the bundle's own grader).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import inprocess
import pytest
from bundle_process import BundleProcess, without_calcgrade_settings
from conftest import ROOT

from grader.course.spec import Check, Exercise
from grader.judge.answers import Close

SLUG = "01_derivative"
HIDDEN = f"{SLUG}/symbolic_derivative"
pytestmark = pytest.mark.slow


def _public_counts() -> tuple[int, float]:
    """(checks, points) of the exercise once its symbolic_derivative (2 points) is hidden."""
    from grader.course.spec import load_exercise

    checks = load_exercise(SLUG).checks
    return len(checks) - 1, sum(c.points for c in checks) - 2


def _run(args: list[str], cwd: Path, env_extra: dict[str, str]) -> subprocess.CompletedProcess:
    """This checkout's ``calcgrade ARGS`` in this process (tests/inprocess.py), in the
    environment without ``CALCGRADE_*`` but ``env_extra``."""
    env = without_calcgrade_settings("CALCGRADE_KEEP_SERVERS")
    env.update(env_extra)
    return inprocess.calcgrade(args, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = tmp_path_factory.mktemp("hidden") / "course"
    shutil.copytree(ROOT / "exercises" / SLUG, course / "exercises" / SLUG,
                    ignore=shutil.ignore_patterns("__pycache__"))
    (course / "reference").mkdir()
    shutil.copyfile(ROOT / "reference" / f"{SLUG}.py", course / "reference" / f"{SLUG}.py")
    shutil.copyfile(ROOT / "pyproject.toml", course / "pyproject.toml")
    (course / "calcgrade.toml").write_text("[course]\n")
    checks = course / "exercises" / SLUG / "checks.py"
    text = checks.read_text()
    marked = text.replace('Check(function="symbolic_derivative", points=2,',
                          'Check(function="symbolic_derivative", points=2, visibility="hidden",', 1)
    assert marked != text
    checks.write_text(marked)
    return course


@pytest.fixture(scope="module")
def bundle(course) -> Path:
    out = course.parent / "bundle"
    run = _run(["release", str(out), "--seed", "5"], course.parent, {"CALCGRADE_ROOT": str(course)})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "hidden checks (run at grading only): 1 (2 points)" in run.stdout
    return out


@pytest.fixture(scope="module")
def in_bundle(bundle) -> Iterator[BundleProcess]:
    """The bundle's own grader, one process for the module (tests/bundle_process.py)."""
    process = BundleProcess(bundle)
    yield process
    process.close()


def _reference_submission(dest: Path) -> Path:
    (dest / SLUG).mkdir(parents=True)
    shutil.copyfile(ROOT / "reference" / f"{SLUG}.py", dest / SLUG / "solution.py")
    return dest


def test_the_key_has_no_entry_for_a_hidden_check(bundle):
    key = json.loads((bundle / "key" / f"{SLUG}.json").read_text())
    assert HIDDEN not in key["checks"] and len(key["checks"]) == _public_counts()[0]
    assert all(set(v) == {"5"} for v in key["checks"].values())


def test_the_bundle_does_not_run_a_hidden_check_and_counts_it(in_bundle, tmp_path):
    sub = _reference_submission(tmp_path / "sub")
    doc = json.loads(in_bundle.calcgrade("check", "--submission", sub, "--format", "json").stdout)
    ids = [c["id"] for e in doc["exercises"] for c in e["checks"]]
    n, points = _public_counts()
    assert HIDDEN not in ids and len(ids) == n and doc["seed"] == 5
    assert doc["hidden"] == {"checks": 1, "points": 2.0}
    assert doc["totals"]["max_points"] == points and doc["totals"]["passed"] == n
    text = in_bundle.calcgrade("check", "--submission", sub)
    assert text.returncode == 0, text.stdout + text.stderr
    assert "1 hidden checks (2 points) run at grading." in text.stdout
    assert f"Public checks: {n} ({points:g} points), judged against the public key for seed 5." \
        in text.stdout
    md = in_bundle.calcgrade("check", "--submission", sub, "--format", "md").stdout
    assert "1 hidden checks (2 points) run at grading." in md


def test_the_instructor_runs_the_hidden_check_and_marks_it(course, in_bundle, tmp_path):
    sub = _reference_submission(tmp_path / "sub")
    env = {"CALCGRADE_ROOT": str(course)}
    doc = json.loads(_run(["check", "--submission", str(sub), "--format", "json", "--seed", "5"],
                          tmp_path, env).stdout)
    checks = {c["id"]: c for e in doc["exercises"] for c in e["checks"]}
    assert checks[HIDDEN]["status"] == "passed" and checks[HIDDEN]["visibility"] == "hidden"
    assert all("visibility" not in c for i, c in checks.items() if i != HIDDEN)
    assert doc["expected_from"] == "reference" and doc["hidden"] == {"checks": 0, "points": 0.0}
    student = json.loads(in_bundle.calcgrade("check", "--submission", sub, "--format",
                                             "json").stdout)
    assert student["spec_fingerprint"] == doc["spec_fingerprint"]
    gs = json.loads(_run(["check", "--submission", str(sub), "--format", "gradescope", "--seed", "5"],
                         tmp_path, env).stdout)
    vis = {t["name"].split(":")[0]: t["visibility"] for t in gs["tests"]}
    assert vis[HIDDEN] == "hidden" and vis[f"{SLUG}/rate_of_change/polynomial"] == "visible"


def test_a_hidden_check_gets_no_inputs_in_the_bundle():
    from grader.judge import engine

    shown = Check(function="f", points=1, title="shown", answer=Close())
    kept = Check(function="g", points=1, title="kept", answer=Close(), visibility="hidden")
    ex = Exercise(slug="99_demo", title="demo", checks=[shown, kept])

    class PublicOnly:
        def covers(self, check):
            return check.is_public

    cache: dict = {}
    engine._skip_uncovered([ex], 3, cache, PublicOnly())
    assert cache == {(kept.id, 3): {"__input_error__": "not a public check: runs at grading"}}


def test_an_unknown_visibility_is_refused():
    with pytest.raises(ValueError, match="visibility 'secret' is not one of public, hidden"):
        Check(function="f", points=1, title="t", answer=Close(), visibility="secret")


def _graded_with_a_hidden_check():
    from grader.judge.results import CheckResult, ExerciseResult, Results

    shown = CheckResult(id="99_demo/f", exercise="99_demo", function="f", title="f", status="failed",
                        points=0, max_points=1, message="expected 1.25, got 2",
                        detail={"expected": 1.25, "got": 2})
    kept = CheckResult(id="99_demo/g", exercise="99_demo", function="g", title="g", status="failed",
                       points=0, max_points=2, message="expected 7.375, got 8",
                       detail={"expected": 7.375, "got": 8}, mistake="slip", visibility="hidden")
    return Results(submission="ann", seed=1, isolation="process",
                   exercises=[ExerciseResult("99_demo", "demo", [shown, kept])])


def test_students_reports_keep_hidden_expected_values_back(tmp_path):
    from grader.reports.html import write_class_report
    from grader.reports.visibility import WITHHELD, for_students

    results = _graded_with_a_hidden_check()
    safe = for_students(results)
    kept = safe.checks[1]
    assert (kept.message, kept.detail, kept.mistake, kept.status) == (WITHHELD, {}, None, "failed")
    assert safe.checks[0].message == "expected 1.25, got 2" and results.checks[1].detail  # a copy
    write_class_report([results], tmp_path / "plain", plots=False)
    page = next((tmp_path / "plain" / "students").glob("*.html")).read_text()
    assert "1.25" in page and "7.375" not in page and "hidden check" in page
    write_class_report([results], tmp_path / "asked", plots=False, show_hidden=True)
    assert "7.375" in next((tmp_path / "asked" / "students").glob("*.html")).read_text()
