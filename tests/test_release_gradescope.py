"""The Gradescope autograder: the zip's contents, and its ``run_autograder`` on every
upload layout in a simulated ``/autograder`` (``source/``, ``submission/``, ``results/``
under ``CALCGRADE_AUTOGRADER_ROOT``), each ``results.json`` checked against Gradescope's
specification (the checker of ``tests/test_formats.py``).

Gradescope's ``setup.sh`` (apt, a virtualenv, pip) is not run here: ``run_autograder``
uses this project's interpreter (``CALCGRADE_AUTOGRADER_PYTHON``). The course is the
two-exercise one of ``tiny_course`` (5 points, one hidden check).
"""
from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Iterator

import pytest
from test_formats import gradescope_problems
from tiny_course import POINTS, make_course, upload

from grader.release.gradescope import GradescopeError, write_gradescope_zip

SEED = 7
# reads the reference and the pinned seed through their absolute paths: any success
# shows in the answer (2x + 1), so full marks mean it could read neither
SNOOP = """
def _can_read(path):
    try:
        with open(path) as fh:
            return bool(fh.read())
    except OSError:
        return False


LEAK = _can_read({root!r} + "/source/course/reference/01_tiny.py") or \\
    _can_read({root!r} + "/source/run_autograder")


def double(x):
    return 2 * x + (1 if LEAK else 0)
"""
FULL = sum(POINTS.values())


@pytest.fixture(scope="module")
def built() -> Iterator[dict[str, Path]]:
    # not pytest's tmp_path (0700): as root the sandboxed student runs as nobody
    base = Path(tempfile.mkdtemp(prefix="calcgrade-gradescope-"))
    base.chmod(0o755)
    try:
        course = make_course(base / "course")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CALCGRADE_ROOT", str(course))
            write_gradescope_zip(base / "all.zip", seed=SEED)
            write_gradescope_zip(base / "half.zip", seed=SEED, slugs=["02_half"])
        yield {"base": base, "course": course, "all": base / "all.zip", "half": base / "half.zip"}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def autograde(built: dict[str, Path], which: str, layout: str, kind: str = "right",
              slugs: tuple[str, ...] | None = None) -> tuple[dict, str]:
    """Unpack the autograder, put an upload in submission/, run run_autograder."""
    root = Path(tempfile.mkdtemp(prefix=f"{layout}-", dir=built["base"]))
    root.chmod(0o755)
    with zipfile.ZipFile(built[which]) as archive:
        archive.extractall(root / "source")
    (root / "results").mkdir()
    if layout == "nothing":
        (root / "submission").mkdir()
        (root / "submission" / "README.md").write_text("I forgot the code\n")
    elif layout == "snoop":
        upload(root / "submission", "slugs")
        (root / "submission" / "01_tiny" / "solution.py").write_text(SNOOP.format(root=str(root)))
    else:
        upload(root / "submission", layout, kind, **({"slugs": slugs} if slugs else {}))
    env = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    env.update(CALCGRADE_AUTOGRADER_ROOT=str(root), CALCGRADE_AUTOGRADER_PYTHON=sys.executable)
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    assert gradescope_problems(doc) == [], doc
    return doc, proc.stdout


def test_the_zip_holds_the_scripts_the_grader_the_course_and_the_seed(built):
    with zipfile.ZipFile(built["all"]) as archive:
        names = set(archive.namelist())
        for script in ("setup.sh", "run_autograder"):
            mode = archive.getinfo(script).external_attr >> 16
            assert mode & stat.S_IXUSR, script
        run = archive.read("run_autograder").decode()
        manifest = json.loads(archive.read("autograder.json"))
        setup = archive.read("setup.sh").decode()
    assert f"SEED={SEED}" in run and manifest["seed"] == SEED
    assert manifest["exercises"] == ["01_tiny", "02_half"]
    assert {"calcgrade/pyproject.toml", "calcgrade/README.md", "calcgrade/grader/__init__.py",
            "calcgrade/grader/reports/templates/student.html.j2", "course/calcgrade.toml",
            "course/exercises/01_tiny/checks.py", "course/reference/02_half.py"} <= names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert 'pip install "$SOURCE/calcgrade"' in setup and "python3-venv" in setup
    assert subprocess.run(["bash", "-n", "-c", setup]).returncode == 0
    assert subprocess.run(["bash", "-n", "-c", run]).returncode == 0


@pytest.mark.slow
@pytest.mark.parametrize("layout, words", [
    ("slugs", "slug folders"),
    ("repository", "a repository (exercises/<slug>/solution.py)"),
    ("download_zip", "inside the top folder repo-main/"),
    ("zip", "a zip of slug folders (<slug>/solution.py) inside the top folder homework/"),
])
def test_every_layout_of_the_reference_gets_full_marks(built, layout, words):
    doc, log = autograde(built, "all", layout)
    assert doc["score"] == FULL
    assert doc["output"].startswith("Your upload was read as ") and words in doc["output"]
    tests = {t["name"].split(":")[0]: t for t in doc["tests"]}
    assert set(tests) == {"01_tiny/double/three", "01_tiny/double/hidden", "02_half/half"}
    assert tests["01_tiny/double/hidden"]["visibility"] == "hidden"
    assert tests["01_tiny/double/three"]["visibility"] == "visible"
    assert "seed" not in doc["output"].lower() and "seed" not in doc["extra_data"]
    assert f"seed {SEED}" in log  # the instructors' log has it


@pytest.mark.slow
def test_the_students_code_can_read_neither_the_reference_nor_the_seed(built):
    doc, _ = autograde(built, "all", "snoop")
    assert doc["score"] == FULL, [t["output"] for t in doc["tests"]]


@pytest.mark.slow
def test_the_stubs_get_zero_with_every_check_listed(built):
    doc, _ = autograde(built, "all", "slugs", kind="stub")
    assert doc["score"] == 0 and len(doc["tests"]) == 3
    assert all(t["status"] == "failed" for t in doc["tests"])


@pytest.mark.slow
def test_a_single_solution_py_earns_that_exercises_points(built):
    doc, _ = autograde(built, "half", "single", slugs=("02_half",))
    assert doc["score"] == POINTS["02_half"]
    assert "a single solution.py" in doc["output"]
    assert [t["name"].split(":")[0] for t in doc["tests"]] == ["02_half/half"]


@pytest.mark.slow
def test_a_single_solution_py_for_a_many_exercise_autograder_says_why(built):
    doc, _ = autograde(built, "all", "single", slugs=("02_half",))
    assert doc["score"] == 0 and doc["tests"] == []
    assert "single solution.py but 2 exercises are graded" in doc["output"]


@pytest.mark.slow
def test_nothing_gradable_is_a_zero_that_says_where_and_what_fits(built):
    doc, _ = autograde(built, "all", "nothing")
    assert doc["score"] == 0 and doc["tests"] == []
    assert "nothing to grade in" in doc["output"] and "Accepted layouts" in doc["output"]
    assert "exercises/<slug>/solution.py" in doc["output"]


def test_the_zip_is_refused_without_references_or_inside_the_course(built, tmp_path, monkeypatch):
    monkeypatch.setenv("CALCGRADE_ROOT", str(built["course"]))
    with pytest.raises(GradescopeError, match="unknown exercise"):
        write_gradescope_zip(tmp_path / "x.zip", seed=1, slugs=["99_nothing"])
    with pytest.raises(GradescopeError, match="inside the course"):
        write_gradescope_zip(built["course"] / "x.zip", seed=1)
    bare = make_course(tmp_path / "bare")
    shutil.rmtree(bare / "reference")
    monkeypatch.setenv("CALCGRADE_ROOT", str(bare))
    with pytest.raises(GradescopeError, match="no reference/"):
        write_gradescope_zip(tmp_path / "y.zip", seed=1)
    assert not (tmp_path / "y.zip").exists()


def test_without_a_seed_a_fresh_secret_one_is_pinned_and_recorded(built, tmp_path, monkeypatch):
    monkeypatch.setenv("CALCGRADE_ROOT", str(built["course"]))
    seeds = []
    for name in ("a.zip", "b.zip"):
        assert write_gradescope_zip(tmp_path / name) == tmp_path / name
        with zipfile.ZipFile(tmp_path / name) as archive:
            seed = json.loads(archive.read("autograder.json"))["seed"]
            assert f"SEED={seed} " in archive.read("run_autograder").decode()
        seeds.append(seed)
    assert seeds[0] != seeds[1]  # drawn each time (a collision: 1 in 2**31)


# -- per-student variants: the class key in the zip, the submitter's id from Gradescope ----

@pytest.fixture(scope="module")
def varied() -> Iterator[dict]:
    """A course with variants on for 03_scaled; one zip with the class key of a results
    folder (ids: emails), one without (its build warning kept)."""
    from variant_course import distinct_class_key, k_of, make_variant_course

    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for

    base = Path(tempfile.mkdtemp(prefix="calcgrade-gradescope-variants-"))
    base.chmod(0o755)
    try:
        course = make_variant_course(base / "course")
        with Gradebook.in_folder(base / "results") as book:
            # a fixed class key under which Ada and Bo have different numbers (a random
            # one gives both the same k now and then, and a copy would then be right)
            with book.transaction():
                book.db.execute("INSERT INTO meta VALUES ('variant_key', ?)",
                                (distinct_class_key(("ada@uni.edu", "bo@uni.edu")),))
            codes = {s: codes_for(book, s, ["03_scaled"])["03_scaled"]
                     for s in ("ada@uni.edu", "bo@uni.edu")}
            assert len({k_of(c) for c in codes.values()} | {2}) == 3
        warnings: list[str] = []
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("CALCGRADE_ROOT", str(course))
            write_gradescope_zip(base / "keyed.zip", seed=SEED, slugs=["03_scaled"],
                                 results=base / "results", warn=warnings.append)
            assert warnings == []
            write_gradescope_zip(base / "open.zip", seed=SEED, slugs=["03_scaled"],
                                 warn=warnings.append)
        yield {"base": base, "keyed": base / "keyed.zip", "open": base / "open.zip",
               "codes": codes, "warnings": warnings}
    finally:
        shutil.rmtree(base, ignore_errors=True)


def autograde_variant(built: dict, which: str, k: int, claim: str | None,
                      email: str | None) -> dict:
    from variant_course import solution

    root = Path(tempfile.mkdtemp(prefix=f"{which}-", dir=built["base"]))
    root.chmod(0o755)
    with zipfile.ZipFile(built[which]) as archive:
        archive.extractall(root / "source")
    (root / "results").mkdir()
    folder = root / "submission" / "03_scaled"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(solution(k))
    if claim is not None:
        (folder / "variant.toml").write_text(f'code = "{claim}"\n')
    if email is not None:  # Gradescope's documented shape (users: email, id, name)
        (root / "submission_metadata.json").write_text(json.dumps(
            {"id": 1, "users": [{"email": email.upper(), "id": 42, "name": "Someone"}]}))
    env = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    env.update(CALCGRADE_AUTOGRADER_ROOT=str(root), CALCGRADE_AUTOGRADER_PYTHON=sys.executable)
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          cwd=root, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    assert gradescope_problems(doc) == [], doc
    return doc


def test_the_keyed_zip_carries_the_class_key_and_the_open_one_warned(varied):
    with zipfile.ZipFile(varied["keyed"]) as archive:
        config = json.loads(archive.read("variants.json"))
        manifest = json.loads(archive.read("autograder.json"))
    assert config["exercises"] == ["03_scaled"] and config["student_id"] == "email"
    assert len(bytes.fromhex(config["key"])) == 32
    assert manifest["variants"] == {"exercises": ["03_scaled"], "student_id": "email",
                                    "verified": True} and "key" not in json.dumps(manifest)
    with zipfile.ZipFile(varied["open"]) as archive:
        assert "variants.json" not in archive.namelist()
        assert json.loads(archive.read("autograder.json"))["variants"]["verified"] is False
    assert len(varied["warnings"]) == 1 and varied["warnings"][0].startswith("WARNING:")
    assert "no class key was given" in varied["warnings"][0]


@pytest.mark.slow
def test_the_autograder_grades_the_submitters_own_variant_and_refuses_anothers(varied):
    from variant_course import k_of

    ada, bo = varied["codes"]["ada@uni.edu"], varied["codes"]["bo@uni.edu"]
    own = autograde_variant(varied, "keyed", k_of(ada), None, "ada@uni.edu")
    assert own["score"] == 2.0, own
    assert f"03_scaled: graded with your own variant, {ada}" in own["output"]
    assert own["extra_data"]["variants"] == {"03_scaled": {"code": ada}}
    # Bo uploads Ada's answer and her variant.toml: graded with his own code, refused
    copy = autograde_variant(varied, "keyed", k_of(ada), ada, "bo@uni.edu")
    assert copy["score"] == 0
    assert f"graded with your own variant, {bo}" in copy["output"]
    assert f"names variant {ada}, which is not yours" in copy["output"]
    assert copy["extra_data"]["variants"]["03_scaled"]["claimed"] == ada
    nobody = autograde_variant(varied, "keyed", k_of(ada), None, None)
    assert nobody["score"] == 0 and "could not tell who submitted this" in nobody["output"]


@pytest.mark.slow
def test_without_a_key_the_claimed_variant_is_graded_and_marked_unverified(varied):
    from variant_course import k_of

    ada = varied["codes"]["ada@uni.edu"]
    doc = autograde_variant(varied, "open", k_of(ada), ada, "bo@uni.edu")
    assert doc["score"] == 2.0  # as claimed: nothing here can tell it is not Bo's
    assert "not checked against your id" in doc["output"]
    assert doc["extra_data"]["variants"]["03_scaled"] == {"code": ada, "verified": False}
    lesson = autograde_variant(varied, "open", 2, None, None)
    assert lesson["score"] == 2.0 and "graded with the lesson's numbers" in lesson["output"]


def test_a_bad_id_field_or_results_folder_is_refused(varied, tmp_path, monkeypatch):
    monkeypatch.setenv("CALCGRADE_ROOT", str(varied["base"] / "course"))
    with pytest.raises(GradescopeError, match="student id field 'name'"):
        write_gradescope_zip(tmp_path / "a.zip", seed=1, student_id="name")
    with pytest.raises(GradescopeError, match="holds no gradebook.sqlite"):
        write_gradescope_zip(tmp_path / "b.zip", seed=1, results=tmp_path / "empty")
