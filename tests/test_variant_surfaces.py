"""Per-student variants on every student surface: the check's one warning line, the
notebook (its variant cell, its check cell, an ``.ipynb`` upload graded by ``grade``) and
the codes a grader is told to use. The course is ``tests/variant_course.py`` (``03_scaled``:
``times_k(x)`` returns k·x, k = 2 in the lesson); every CLI run is a subprocess (its own
course), each a second or two."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import inprocess
import pytest
from variant_course import SLUG, distinct_class_key, k_of, make_variant_course, solution

from grader.notebooks.generate import build, set_variant
from grader.notebooks.ipynb import NOTEBOOK_CLAIM, VARIANT_TAG, dumps, read_notebook, tags_of
from grader.notebooks.submission import use_notebooks

ROOT = Path(__file__).resolve().parent.parent
ADA, BO = "ADAADAADA2", "BOBOBOBOB3"
WARNING = "this exercise has per-student variants: run `calcgrade variant 03_scaled --code"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    assert k_of(ADA) != k_of(BO) and 2 not in (k_of(ADA), k_of(BO))
    return make_variant_course(tmp_path_factory.mktemp("vcourse") / "course")


def run(course: Path, *args: str, env: dict | None = None, cwd: Path | None = None):
    full = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    full.update(env or {})
    return inprocess.calcgrade(["--course", str(course), *args], env=full, cwd=cwd or ROOT)


def student(base: Path, k: int, code: str | None) -> Path:
    folder = base / SLUG
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(solution(k))
    if code is not None:
        (folder / "variant.toml").write_text(f'code = "{code}"\n')
    return base


def exercise(doc: dict) -> dict:
    return next(e for e in doc["exercises"] if e["slug"] == SLUG)


def test_check_says_once_that_the_exercise_has_variants_when_none_is_given(course, tmp_path):
    sub = student(tmp_path / "lesson", 2, None)
    text = run(course, "check", SLUG, "--submission", str(sub), "--seed", "1")
    assert text.returncode == 0, text.stdout + text.stderr  # the lesson's numbers: right
    assert text.stdout.count(WARNING) == 1 and "checking with the lesson's numbers" in text.stdout
    assert "your variant: none (the lesson's numbers) — " in text.stdout and "None" not in text.stdout
    doc = json.loads(run(course, "check", SLUG, "--submission", str(sub), "--format", "json").stdout)
    assert exercise(doc)["variant"]["code"] is None and WARNING in exercise(doc)["variant"]["problem"]
    # with a variant.toml: no warning, and the lesson's answer is wrong for Ada's numbers
    mine = student(tmp_path / "ada", 2, ADA)
    doc = json.loads(run(course, "check", "--submission", str(mine), "--format", "json").stdout)
    assert exercise(doc)["variant"] == {"code": ADA}
    assert [c["status"] for c in exercise(doc)["checks"]] == ["failed"]
    assert all("variant" not in e for e in doc["exercises"] if e["slug"] != SLUG)  # no variants


def test_assigned_codes_are_graded_and_another_claim_is_refused(course, tmp_path):
    env = {"CALCGRADE_ASSIGNED_VARIANTS": json.dumps({SLUG: BO})}
    # Bo hands in Ada's answer with Ada's variant.toml: graded with his own code, refused
    copy = student(tmp_path / "copy", k_of(ADA), ADA)
    doc = json.loads(run(course, "check", SLUG, "--submission", str(copy), "--format", "json",
                         env=env).stdout)
    ex = exercise(doc)
    assert ex["checks"][0]["status"] == "failed"
    assert ex["variant"]["code"] == BO and ex["variant"]["claimed"] == ADA
    assert "which is not yours" in ex["variant"]["problem"]
    own = student(tmp_path / "own", k_of(BO), None)  # his own answer, no variant.toml needed
    doc = json.loads(run(course, "check", SLUG, "--submission", str(own), "--format", "json",
                         env=env).stdout)
    assert exercise(doc)["variant"] == {"code": BO} and exercise(doc)["checks"][0]["status"] == "passed"
    bad = run(course, "check", SLUG, "--submission", str(own), env={
        "CALCGRADE_ASSIGNED_VARIANTS": "{not json"})
    assert bad.returncode != 0 and "not JSON" in bad.stdout + bad.stderr


def _bundle_shape(base: Path, course: Path) -> Path:
    """A student's copy shaped like the bundle: exercises/<slug>/ beside notebooks/."""
    (base / "exercises" / SLUG).mkdir(parents=True)
    (base / "exercises" / SLUG / "solution.py").write_text((course / "exercises" / SLUG /
                                                            "solution.py").read_text())
    (base / "notebooks").mkdir()
    out = run(course, "notebooks", str(base / "notebooks"), SLUG)
    assert out.returncode == 0, out.stderr
    return base / "notebooks" / f"{SLUG}.ipynb"


def test_variant_write_puts_the_worked_example_into_the_notebook_once(course, tmp_path):
    path = _bundle_shape(tmp_path, course)
    before = read_notebook(path.read_bytes())
    for code in (ADA, ADA, BO):  # rerun, then another code: replaced, never duplicated
        out = run(course, "variant", SLUG, "--code", code, "--write",
                  "--submission", str(tmp_path / "exercises"))
        assert out.returncode == 0, out.stderr
        assert f"updated {path}" in out.stderr
    nb = read_notebook(path.read_bytes())
    tagged = [k for k, c in enumerate(nb["cells"]) if VARIANT_TAG in tags_of(c)]
    assert len(tagged) == 1 and len(nb["cells"]) == len(before["cells"]) + 1
    title = next(k for k, c in enumerate(nb["cells"]) if "".join(c["source"]).startswith("# 03"))
    assert tagged == [title + 1]
    text = "".join(nb["cells"][tagged[0]]["source"])
    assert BO in text and f"returns {k_of(BO)}·x" in text and ADA not in text
    assert nb["metadata"]["calcgrade"]["variant"] == {"slug": SLUG, "code": BO}
    assert (tmp_path / "exercises" / SLUG / "variant.toml").read_text().endswith(f'code = "{BO}"\n')


def _check_cell(course: Path, notebook: Path, cwd: Path) -> str:
    code = (f"from grader.notebooks import check\nprint(repr(check({SLUG!r}, "
            f"notebook={str(notebook)!r}, seed=1)))")
    env = {k: v for k, v in os.environ.items() if k != "JPY_SESSION_NAME"}
    env["CALCGRADE_ROOT"] = str(course)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=300, env=env, cwd=cwd)
    assert out.returncode == 0, out.stderr
    return out.stdout


def _worked(nb: dict, k: int) -> dict:
    cell = next(c for c in nb["cells"] if "def times_k" in "".join(c["source"]))
    cell["source"] = solution(k)
    return nb


def test_the_check_cell_grades_with_the_notebooks_variant(course, tmp_path):
    from grader.course.spec import load_exercises

    os.environ["CALCGRADE_ROOT"] = str(course)
    try:
        ex = load_exercises([SLUG])[0]
        alone = tmp_path / "alone"  # not beside exercises/: the metadata's code is used
        alone.mkdir()
        nb = _worked(set_variant(build(ex), SLUG, ADA), k_of(ADA))
        (alone / "mine.ipynb").write_text(dumps(nb))
        lesson = _worked(build(ex), 2)
        (alone / "lesson.ipynb").write_text(dumps(lesson))
    finally:
        os.environ.pop("CALCGRADE_ROOT")
    text = _check_cell(course, alone / "mine.ipynb", alone)
    assert f"Graded with the variant named in mine.ipynb ({ADA})" in text
    assert f"your variant: {ADA}" in text and "PASS  03_scaled/times_k" in text
    text = _check_cell(course, alone / "lesson.ipynb", alone)  # no variant anywhere
    assert "PASS  03_scaled/times_k" in text and WARNING in text
    # in the bundle's shape, exercises/<slug>/variant.toml beside notebooks/ wins, and a
    # notebook made for another code is said so (and graded with the file's: Ada's answer fails)
    path = _bundle_shape(tmp_path / "bundle", course)
    (tmp_path / "bundle" / "exercises" / SLUG / "variant.toml").write_text(f'code = "{BO}"\n')
    path.write_text(dumps(nb))
    text = _check_cell(course, path, path.parent)
    assert f"your variant: {BO}" in text and "FAIL  03_scaled/times_k" in text
    assert f"the notebook was made for variant {ADA}" in text


def test_an_uploaded_notebook_claims_its_variant_like_a_variant_toml(course):
    os.environ["CALCGRADE_ROOT"] = str(course)
    try:
        from grader.course.spec import load_exercises

        nb = set_variant(build(load_exercises([SLUG])[0]), SLUG, ADA)
        files = {SLUG: {f"{SLUG}.ipynb": dumps(nb).encode()}}
        assert use_notebooks(files, "upload") == [SLUG]
        claim = files[SLUG]["variant.toml"]
        assert claim.startswith(NOTEBOOK_CLAIM) and f'code = "{ADA}"'.encode() in claim
        own = {SLUG: {f"{SLUG}.ipynb": dumps(nb).encode(), "variant.toml": b'code = "X"'}}
        use_notebooks(own, "upload")
        assert own[SLUG]["variant.toml"] == b'code = "X"'  # the upload's own file is kept
    finally:
        os.environ.pop("CALCGRADE_ROOT")


@pytest.mark.slow
def test_grade_refuses_a_notebook_made_for_another_students_variant(course, tmp_path):
    """``grade`` of .ipynb uploads: each student graded with their own code from the class
    key; Bo's notebook, made for Ada's variant with Ada's answer, is refused and fails."""
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for

    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:  # the class key, before the first grade
        with book.transaction():
            book.db.execute("INSERT INTO meta VALUES ('variant_key', ?)", (distinct_class_key(),))
        ada, bo = (codes_for(book, s, [SLUG])[SLUG] for s in ("ada", "bo"))
    assert k_of(ada) != k_of(bo)
    os.environ["CALCGRADE_ROOT"] = str(course)
    try:
        from grader.course.spec import load_exercises

        ex = load_exercises([SLUG])[0]
        notebooks = {"ada": _worked(set_variant(build(ex), SLUG, ada), k_of(ada)),
                     "bo": _worked(set_variant(build(ex), SLUG, ada), k_of(ada))}
    finally:
        os.environ.pop("CALCGRADE_ROOT")
    for name, nb in notebooks.items():
        (tmp_path / "subs" / name).mkdir(parents=True)
        (tmp_path / "subs" / name / f"{SLUG}.ipynb").write_text(dumps(nb))
    proc = run(course, "grade", str(tmp_path / "subs"), "--exercise", SLUG, "--out", str(out),
               "--report", "none", "--jobs", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    docs = {s: exercise(json.loads((out / s / "results.json").read_text())) for s in ("ada", "bo")}
    assert docs["ada"]["variant"] == {"code": ada}
    assert docs["ada"]["checks"][0]["status"] == "passed"
    assert docs["bo"]["variant"]["code"] == bo and docs["bo"]["variant"]["claimed"] == ada
    assert f"{SLUG}'s notebook names variant {ada}, which is not yours" in docs["bo"]["variant"]["problem"]
    assert docs["bo"]["checks"][0]["status"] == "failed"


def test_the_notebooks_command_makes_a_notebook_for_a_variant_code(course, tmp_path):
    out = run(course, "notebooks", str(tmp_path / "nb"), SLUG, "--variant-code", f"{SLUG}={BO}")
    assert out.returncode == 0, out.stderr
    nb = read_notebook((tmp_path / "nb" / f"{SLUG}.ipynb").read_bytes())
    assert nb["metadata"]["calcgrade"]["variant"] == {"slug": SLUG, "code": BO}
    cells = [c for c in nb["cells"] if VARIANT_TAG in tags_of(c)]
    assert len(cells) == 1 and f"returns {k_of(BO)}·x" in "".join(cells[0]["source"])
    for bad, why in ((f"{SLUG}=lowercase", "not a variant code"),
                     (f"01_nope={BO}", "has no per-student variants")):
        refused = run(course, "notebooks", str(tmp_path / "nb2"), "--variant-code", bad)
        assert refused.returncode == 2 and why in refused.stderr and "Traceback" not in refused.stderr


def test_release_refuses_results_without_a_gradescope_zip(course, tmp_path):
    out = run(course, "release", str(tmp_path / "b"), "--results", str(tmp_path / "r"))
    assert out.returncode == 2 and "give --gradescope too" in out.stderr
    assert not (tmp_path / "b").exists()  # refused before anything was built
