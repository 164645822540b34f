"""Each per-student step of a class run costs only that student when it fails.

A class of five is graded with one step made to fail for one student each (reading the
submission, storing in the gradebook, writing results.json, rendering the report): the
run finishes, each of them is told why (their results.json, or the summary's ``NOT
GRADED``/``PROBLEM`` line), and the fifth student is graded and reported normally. The
failures are injected by a driver script run in a fresh process, as ``calcgrade grade``
runs.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from grader.course.paths import reference_dir

SLUG = "01_derivative"

DRIVER = textwrap.dedent('''
    import json, sqlite3, sys
    from pathlib import Path

    from grader.classrun import grade, gradebook, student_steps
    from grader.reports import html

    def fail_for(student, exc):
        def check(name):
            if name == student:
                raise exc
        return check

    read = student_steps.read_submission
    def read_submission(source, slugs):
        fail_for("bob", RuntimeError("reader exploded"))(source.student)
        return read(source, slugs)
    student_steps.read_submission = read_submission

    store = gradebook.Gradebook.store
    def store_(self, student, *args, **kwargs):
        fail_for("cho", sqlite3.OperationalError("database is locked"))(student)
        return store(self, student, *args, **kwargs)
    gradebook.Gradebook.store = store_

    write_json = grade.write_json_atomic
    def write_json_atomic(path, data):
        fail_for("dan", OSError(28, "No space left on device"))(path.parent.name)
        return write_json(path, data)
    grade.write_json_atomic = write_json_atomic

    student_html = html.student_html
    def student_html_(results, **kwargs):
        fail_for("eve", UnicodeEncodeError("utf-8", "\\udcff", 0, 1, "surrogates not allowed"))(
            results.submission)
        return student_html(results, **kwargs)
    html.student_html = student_html_

    summary = grade.grade_class(Path(sys.argv[1]), Path(sys.argv[2]), slugs=["01_derivative"],
                                jobs=2, isolation="process", reports=("html", "csv"))
    print(json.dumps({"ok": summary.ok, "graded": sorted(summary.graded),
                      "failed": summary.failed, "problems": summary.problems,
                      "unreadable": summary.unreadable, "lines": summary.lines()}))
''')


def test_a_failing_step_costs_only_its_student(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    for student in ("ada", "bob", "cho", "dan", "eve"):
        (subs / student / SLUG).mkdir(parents=True)
        (subs / student / SLUG / "solution.py").write_text(ref)
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    proc = subprocess.run([sys.executable, str(driver), str(subs), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads(proc.stdout.strip().splitlines()[-1])
    assert summary["ok"] is False  # exit code 1: a rerun retries cho and rewrites dan's file
    # ada: graded and reported normally
    ada = json.loads((out / "ada" / "results.json").read_text())
    assert ada["totals"]["points"] == ada["totals"]["max_points"] > 0
    assert (out / "students" / "ada.html").is_file()
    index = (out / "index.html").read_text()
    assert "ada" in index
    # bob: reading failed -> graded as unreadable, told why in his results.json
    assert "bob" in summary["unreadable"]
    bob = json.loads((out / "bob" / "results.json").read_text())
    messages = [c["message"] for e in bob["exercises"] for c in e["checks"]]
    assert messages and all("reading your submission failed (RuntimeError: reader exploded)" in m
                            for m in messages)
    # cho: the gradebook refused the result -> not graded (retried next run), says why
    assert summary["failed"]["cho"].startswith("storing the results failed (OperationalError")
    assert not (out / "cho").exists()
    assert any(line.startswith("NOT GRADED cho: storing the results failed") for line in summary["lines"])
    # dan: stored, but his results.json could not be written
    assert "dan" in summary["graded"]
    assert "writing dan/results.json failed" in summary["problems"]["dan"]
    assert "No space left on device" in summary["problems"]["dan"]
    # eve: stored and results.json written, her report could not be rendered
    assert (out / "eve" / "results.json").is_file()
    assert summary["problems"]["eve"].startswith("writing the report failed (UnicodeEncodeError")
    assert not (out / "students" / "eve.html").exists()
    assert (out / "gradebook.csv").is_file() and "ada" in (out / "gradebook.csv").read_text()
    assert any(line.startswith("PROBLEM eve: graded and stored, but writing the report failed")
               for line in summary["lines"])
    assert set(summary["graded"]) == {"ada", "bob", "dan", "eve"}
