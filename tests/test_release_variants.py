"""The student bundle and per-student variants (fast, in-process): calcgrade.toml's
``[variants]`` is read and checked at release, and the students' README says how to get
their own numbers. The bundle itself is built once in tests/test_release.py, which checks
two variant students there against the instructor's grade."""
from __future__ import annotations

from pathlib import Path

import pytest
from tiny_course import make_course

from grader.release.bundle import Bundle, ReleaseError, variants_on, write_bundle


def _marker(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "calcgrade.toml").write_text(text)
    return folder


def test_the_variants_setting_is_read_for_the_bundle(tmp_path):
    on = _marker(tmp_path / "on", '[course]\n[variants]\nexercises = ["01_derivative"]\n')
    assert variants_on(on) == ["01_derivative"]
    assert variants_on(_marker(tmp_path / "off", "[course]\n")) == []
    assert variants_on(tmp_path / "no-marker") == []


@pytest.mark.parametrize("text, says", [
    ('[variants]\nexercises = ["99_nothing"]\n', "names 99_nothing, which declares no VARIANTS"),
    ('[variants]\nexercises = "01_derivative"\n', "must be a list of exercise names"),
    ("[variants\n", "cannot be read"),
])
def test_a_bad_variants_setting_is_refused_with_a_clear_message(tmp_path, text, says):
    with pytest.raises(ReleaseError, match=says):
        variants_on(_marker(tmp_path, text))


def test_a_release_with_variants_on_for_an_exercise_without_them_writes_nothing(
        tmp_path, monkeypatch):
    course = make_course(tmp_path / "course")
    (course / "calcgrade.toml").write_text('[course]\n[variants]\nexercises = ["01_tiny"]\n')
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))
    with pytest.raises(ReleaseError, match="01_tiny, which declares no VARIANTS"):
        write_bundle(tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_the_students_readme_says_how_to_get_their_own_numbers():
    from grader.course.spec import load_exercises
    from grader.release.templates import student_readme

    exercises = load_exercises(["01_derivative"])
    on = student_readme(exercises, Bundle(Path("b"), [1], "f", variants=["01_derivative"]))
    assert "calcgrade variant 01_derivative --code YOURCODE --write" in on
    assert "exercises/01_derivative/variant.toml" in on and "at grading your own code" in on
    off = student_readme(exercises, Bundle(Path("b"), [1], "f"))
    assert "calcgrade variant" not in off and "answers.toml" in off
