"""Two courses graded in one process (a notebook kernel, the test suite) never share what
the engine keeps between gradings: each gets its own inputs, references and answers, even
where both have an exercise of the same slug and a check of the same id; and a class run
stores each course's grades under that course's fingerprint."""
from __future__ import annotations

from pathlib import Path

from tiny_course import make_course

from grader.course import spec
from grader.judge.engine import Submission, grade


def _course(root: Path, factor: int) -> Path:
    """The tiny course whose reference (and checks' hidden inputs) differ by ``factor``."""
    make_course(root)
    ref = root / "reference" / "01_tiny.py"
    ref.write_text(f"def double(x):\n    return {factor} * x\n")
    checks = root / "exercises" / "01_tiny" / "checks.py"
    checks.write_text(checks.read_text().replace("rng.uniform(1, 2)", f"rng.uniform({factor}, {factor + 1})"))
    return root


def _doubler(folder: Path, factor: int) -> Path:
    (folder / "01_tiny").mkdir(parents=True)
    (folder / "01_tiny" / "solution.py").write_text(f"def double(x):\n    return {factor} * x\n")
    return folder


def _points(course: Path, monkeypatch, sub: Path) -> dict[str, str]:
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))
    [results] = grade([Submission.from_dir(sub)], ["01_tiny"], seed=3)
    return {c.id: c.status for e in results.exercises for c in e.checks}


def test_each_course_is_judged_by_its_own_reference(tmp_path, monkeypatch):
    two = _course(tmp_path / "two", 2)
    three = _course(tmp_path / "three", 3)
    by_two = _doubler(tmp_path / "by_two", 2)
    by_three = _doubler(tmp_path / "by_three", 3)
    try:
        first = _points(two, monkeypatch, by_two)
        # the same slug, check ids and seed in another course: nothing of the first is reused
        assert set(_points(three, monkeypatch, by_two).values()) == {"failed"}
        assert set(_points(three, monkeypatch, by_three).values()) == {"passed"}
        assert set(_points(two, monkeypatch, by_three).values()) == {"failed"}
        assert set(first.values()) == {"passed"} and len(first) == 2
    finally:
        for key in [k for k in spec._cache if k[1] == "01_tiny"]:
            spec._cache.pop(key)


def test_each_course_has_its_own_fingerprint(tmp_path, monkeypatch):
    """The hash a class run stores grades under covers the current course's files: once it
    was cached by slug, and a class run resumed after another course's run in the same
    process found every grade stale (seen: the killed-run test, after a variant test)."""
    from grader.classrun.plan import course_fingerprint

    two = _course(tmp_path / "two", 2)
    three = _course(tmp_path / "three", 3)
    monkeypatch.setenv("CALCGRADE_ROOT", str(two))
    of_two = course_fingerprint("01_tiny")
    monkeypatch.setenv("CALCGRADE_ROOT", str(three))
    assert course_fingerprint("01_tiny") != of_two
    monkeypatch.setenv("CALCGRADE_ROOT", str(two))
    assert course_fingerprint("01_tiny") == of_two
    checks = two / "exercises" / "01_tiny" / "checks.py"
    checks.write_text(checks.read_text() + "\n# a fixed check\n")
    assert course_fingerprint("01_tiny") != of_two  # an edited checks.py: graded again


def test_each_course_draws_its_own_figure(tmp_path, monkeypatch):
    """The same figure data under another course's exercise of the same slug is drawn by
    that course's own ``draw`` (once, the image was cached by slug alone)."""
    from grader.reports.plots import exercise_plot

    plain = make_course(tmp_path / "plain")  # 01_tiny declares no figure
    drawn = make_course(tmp_path / "drawn")
    checks = drawn / "exercises" / "01_tiny" / "checks.py"
    checks.write_text(checks.read_text().replace(
        'preload=("numpy",),',
        'preload=("numpy",), figure=Figure(title="doubling", functions=("double",), '
        'student=lambda sol, inputs: {}, reference=lambda ref, inputs: {}, '
        'draw=lambda ax, ref, got: ax.plot([0, 1], [0, 2])),', 1).replace(
        "import Check, Exercise", "import Check, Exercise, Figure"))
    figure = {"title": "doubling", "reference": {}, "student": {}}
    try:
        monkeypatch.setenv("CALCGRADE_ROOT", str(drawn))
        assert exercise_plot("01_tiny", figure).uri
        monkeypatch.setenv("CALCGRADE_ROOT", str(plain))
        other = exercise_plot("01_tiny", figure)
        assert other.uri is None and "no drawing" in other.note
    finally:
        for key in [k for k in spec._cache if k[1] == "01_tiny"]:
            spec._cache.pop(key)
