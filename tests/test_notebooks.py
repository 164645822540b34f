"""Notebooks: generated from each exercise's own files (valid nbformat v4), their check
cell run on a real Jupyter kernel grades in the sandbox (full marks for the reference,
"not started" for the stub, a hostile cell never run in the kernel), and ``.ipynb``
submissions graded by ``grade`` and ``check --submission`` exactly as the same code in
``solution.py``; unreadable notebooks cost only their student."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import inprocess
import pytest
from tiny_course import REFERENCE, SLUGS, make_course

from grader.course.spec import load_exercises
from grader.notebooks.cell import _code_from_history, _unsaved
from grader.notebooks.generate import build, code_parts, notebook_text, write_notebooks
from grader.notebooks.ipynb import NotebookError, code_cell, code_of, dumps, notebook, read_notebook

ROOT = Path(__file__).resolve().parents[1]
CALCGRADE = [sys.executable, "-m", "grader"]
nbformat = pytest.importorskip("nbformat")


# -- generation ---------------------------------------------------------------------------

def test_every_exercise_has_a_valid_notebook_from_its_own_files(tmp_path):
    exercises = load_exercises()
    assert len(exercises) == 10
    for ex in exercises:
        nb = nbformat.reads(notebook_text(ex), as_version=4)
        nbformat.validate(nb)  # raises on anything that is not nbformat v4
        solution = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert solution and all(c.cell_type == "code" for c in solution)
        # every contract function is a cell of its own, from the stub, and nothing else is
        for name in ex.functions:
            assert sum(f"def {name}(" in c.source for c in solution) == 1, (ex.slug, name)
        last = nb.cells[-1]
        assert last.cell_type == "code" and last.metadata["tags"] == ["check"]
        assert last.source == f"from grader.notebooks import check\n\ncheck({ex.slug!r})"
        readme = (ex.path / "README.md").read_text()
        first_line = readme.strip().splitlines()[0]
        assert any(c.cell_type == "markdown" and c.source.startswith(first_line) for c in nb.cells)
        # the extracted code is the stub's code (the same source of truth)
        assert compile(code_of(json.loads(notebook_text(ex))), "x", "exec")


def test_the_stub_cells_are_the_stub_exactly():
    for ex in load_exercises():
        stub = (ex.path / "solution.py").read_text()
        parts = code_parts(stub)
        assert [p for p in parts if "def " in p], ex.slug
        # nothing of the stub is lost or reordered: joined back, it is the stub (blank lines aside)
        squash = lambda text: [line for line in text.splitlines() if line.strip()]  # noqa: E731
        assert squash("\n".join(parts)) == squash(stub)


def test_regenerating_is_byte_identical_and_the_command_writes_them(tmp_path):
    first = write_notebooks(tmp_path / "a")
    proc = inprocess.calcgrade(["--course", str(ROOT), "notebooks", str(tmp_path / "b"),
                                "01_derivative", "gradient"])
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["01_derivative.ipynb",
                                                                   "03_gradient.ipynb"]
    assert len(first) == 10
    for name in ("01_derivative.ipynb", "03_gradient.ipynb"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    proc = inprocess.calcgrade(["--course", str(ROOT), "notebooks", str(tmp_path / "c"), "nope"])
    assert proc.returncode == 2 and "unknown exercise 'nope'" in proc.stderr


# -- extraction ---------------------------------------------------------------------------

def nb_of(*cells: tuple[str, list[str]]) -> dict:
    return notebook([code_cell(src, f"c{k}", tags) for k, (src, tags) in enumerate(cells)], "t")


def test_tagged_cells_only_when_tagged_magics_and_the_check_cell_commented():
    tagged = nb_of(("import numpy as np\n%matplotlib inline\n!pip install x", ["solution"]),
                   ("plot_stuff()", []),
                   ("def f(x):\n    return np.sin(x)", ["solution"]),
                   ("from grader.notebooks import check\ncheck('01_derivative')", ["check"]))
    code = code_of(tagged)
    assert "def f(x)" in code and "plot_stuff" not in code and "grader" not in code
    assert "# %matplotlib inline" in code and "# !pip install x" in code
    compile(code, "solution.py", "exec")
    untagged = nb_of(("import math", []), ("%%time\nslow()", []),
                     ("def g():\n    return 1\nfrom grader.notebooks import check\ncheck('x')", []))
    code = code_of(untagged)
    assert "import math" in code and "def g()" in code
    assert "# %%time\n# slow()" in code  # a cell magic: the whole cell is not Python
    assert "# from grader.notebooks import check\n# check('x')" in code
    compile(code, "solution.py", "exec")


@pytest.mark.parametrize("data, words", [
    (b"{not json", "is not valid notebook JSON"),
    (b"\xff\xfe\x00", "not UTF-8"),
    (b'{"cells": 3}', "no list of cells"),
    (b'{"cells": [{"cell_type": "code", "source": [1, 2]}]}', "source that is not text"),
    (b"[" * 200_000 + b"]" * 200_000, "not valid notebook JSON"),  # nested past any limit
    (b'{"cells": []}' + b" " * (17 * 1024 * 1024), "larger than 16 MiB"),
])
def test_bad_notebooks_are_one_clear_message(data, words):
    with pytest.raises(NotebookError) as info:
        read_notebook(data, "alice.ipynb")
    assert words in str(info.value) and "alice.ipynb" in str(info.value)


def test_history_fallback_keeps_definitions_and_the_unsaved_warning():
    history = ["import numpy as np", "def f(x):\n    return 1\nprint(f(2))\nplt.plot([1])",
               "%timeit f(3)", "def f(x):\n    return 2"]
    code = _code_from_history(history)
    assert "print(" not in code and "plt.plot" not in code and "timeit" not in code
    assert code.index("return 1") < code.index("return 2")  # the last definition wins
    saved = "def f(x):\n    return 1\n"
    assert _unsaved(saved, history, ["f", "g"]) == ["f()"]
    assert _unsaved("def f(x):\n    return 2\n", history, ["f"]) == []


# -- submissions (the two-exercise tiny course: grading takes about a second) -------------

RIGHT = {"01_tiny": REFERENCE["01_tiny"], "02_half": "def half(x):\n    return x / 3\n"}  # 02 wrong


def notebook_bytes(code: str, slug: str) -> bytes:
    nb = nb_of(("import math\n%load_ext autoreload", ["solution"]), (code, ["solution"]),
               ("print('scratch work, not graded')", []),
               (f"from grader.notebooks import check\ncheck({slug!r})", ["check"]))
    return dumps(nb).encode()


def calcgrade(course: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CALCGRADE_ROOT", "JPY_SESSION_NAME")}
    return inprocess.calcgrade(["--course", str(course), *args], cwd=cwd, env=env)


def statuses(doc: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for e in doc["exercises"] for c in e["checks"]}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("tiny"))


def write_class(subs: Path, course: Path) -> None:
    for slug in SLUGS:
        (subs / "py" / slug).mkdir(parents=True)
        (subs / "py" / slug / "solution.py").write_text(RIGHT[slug])
        (subs / "nb").mkdir(exist_ok=True)
        (subs / "nb" / f"{slug}.ipynb").write_bytes(notebook_bytes(RIGHT[slug], slug))
        # the bundle's shape: the untouched stub, and the notebook the student worked in
        repo = subs / "repo" / "exercises" / slug
        repo.mkdir(parents=True)
        (repo / "solution.py").write_bytes((course / "exercises" / slug / "solution.py").read_bytes())
        (subs / "repo" / "notebooks").mkdir(exist_ok=True)
        (subs / "repo" / "notebooks" / f"{slug}.ipynb").write_bytes(notebook_bytes(RIGHT[slug], slug))
        beside = subs / "beside" / slug  # a notebook named for the exercise, in its folder
        beside.mkdir(parents=True)
        (beside / f"{slug}.ipynb").write_bytes(notebook_bytes(RIGHT[slug], slug))
        # a worked solution.py wins over a notebook beside it
        own = subs / "own" / slug
        own.mkdir(parents=True)
        (own / "solution.py").write_text(RIGHT[slug])
        (own / "solution.ipynb").write_bytes(notebook_bytes(STUB_CODE, slug))
    (subs / "broken").mkdir()
    (subs / "broken" / "01_tiny.ipynb").write_text('{"cells": [ {"cell_type": "code", ')


STUB_CODE = "def double(x):\n    raise NotImplementedError\n\ndef half(x):\n    raise NotImplementedError\n"


@pytest.mark.slow
def test_grade_grades_ipynb_as_the_same_solution_py(tiny, tmp_path):
    subs = tmp_path / "subs"
    write_class(subs, tiny)
    out = tmp_path / "out"
    proc = calcgrade(tiny, "grade", str(subs), "--out", str(out), "--jobs", "2",
                     "--report", "none", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    docs = {s: json.loads((out / s / "results.json").read_text())
            for s in ("py", "nb", "repo", "beside", "own", "broken")}
    expected = statuses(docs["py"])
    assert set(expected.values()) == {"passed", "failed"}  # 01 right, 02 wrong: not all alike
    assert statuses(docs["nb"]) == expected and statuses(docs["repo"]) == expected
    assert statuses(docs["own"]) == statuses(docs["beside"]) == expected
    assert docs["nb"]["origin"]["layout"] == "notebooks (<slug>.ipynb)"
    broken = docs["broken"]
    assert all(c["status"] == "error" and "01_tiny.ipynb is not valid notebook JSON" in c["message"]
               for e in broken["exercises"] for c in e["checks"])
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        points = dict(db.execute("SELECT student, SUM(points) FROM exercise_results GROUP BY student"))
    assert points["nb"] == points["py"] == points["repo"] > 0 and points["broken"] == 0


def test_check_submission_grades_ipynb_as_the_same_solution_py(tiny, tmp_path):
    subs = tmp_path / "subs"
    write_class(subs, tiny)
    docs = {}
    for name, args in {"py": ["--submission", "subs/py"], "nb": ["--submission", "subs/nb"],
                       "repo": ["--submission", "subs/repo"]}.items():
        proc = calcgrade(tiny, "check", *args, "--seed", "3", "--format", "json", cwd=tmp_path)
        assert proc.returncode == 1, proc.stderr  # 02_half is wrong
        docs[name] = json.loads(proc.stdout)
    assert statuses(docs["nb"]) == statuses(docs["py"]) == statuses(docs["repo"])
    assert "passed" in statuses(docs["py"]).values()
    one = calcgrade(tiny, "check", "01", "--submission", "subs/nb/01_tiny.ipynb", "--seed", "3",
                    "--format", "json", cwd=tmp_path)
    assert one.returncode == 0, one.stderr
    assert set(statuses(json.loads(one.stdout)).values()) == {"passed"}
    bad = calcgrade(tiny, "check", "--submission", "subs/broken/01_tiny.ipynb", cwd=tmp_path)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert "not valid notebook JSON" in bad.stderr


def test_zips_of_notebooks_and_a_lone_notebook_are_read_bounded(tiny, tmp_path, monkeypatch):
    import zipfile

    from grader.classrun.layouts import NoLayout, read_upload
    from grader.classrun.submission_files import SubmissionError

    monkeypatch.setenv("CALCGRADE_ROOT", str(tiny))
    good = notebook_bytes(RIGHT["01_tiny"], "01_tiny")
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as archive:
        archive.writestr("alice/01_tiny.ipynb", good)
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:  # a clone of the bundle
        archive.writestr("repo-main/exercises/01_tiny/solution.py",
                         (tiny / "exercises" / "01_tiny" / "solution.py").read_text())
        archive.writestr("repo-main/notebooks/01_tiny.ipynb", good)
        archive.writestr("repo-main/notebooks/deeper/02_half.ipynb", good)  # not a place we read
    for name in ("a.zip", "b.zip"):
        files, layout = read_upload(tmp_path / name, list(SLUGS), list(SLUGS), name)
        assert b"return 2 * x" in files["01_tiny"]["solution.py"], name
        assert "solution.py" not in files["02_half"]
    assert layout.describe().startswith("a zip of a repository")
    with zipfile.ZipFile(tmp_path / "c.zip", "w") as archive:
        archive.writestr("01_tiny.ipynb", b'{"cells": ' + b"[" * 100_000)
    with pytest.raises(SubmissionError, match="01_tiny.ipynb is not valid notebook JSON"):
        read_upload(tmp_path / "c.zip", list(SLUGS), list(SLUGS), "c.zip")
    (tmp_path / "mine.ipynb").write_bytes(good)
    with pytest.raises(NoLayout, match="is one notebook but 2 exercises are graded"):
        read_upload(tmp_path / "mine.ipynb", list(SLUGS), list(SLUGS), "mine.ipynb")
    files, _ = read_upload(tmp_path / "mine.ipynb", ["01_tiny"], list(SLUGS), "mine.ipynb")
    assert b"return 2 * x" in files["01_tiny"]["solution.py"]


def test_the_bundle_carries_the_generated_notebooks(tiny, tmp_path):
    (tiny / "pyproject.toml").write_bytes((ROOT / "pyproject.toml").read_bytes())  # a bundle ships it
    proc = calcgrade(tiny, "release", str(tmp_path / "bundle"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    proc = calcgrade(tiny, "notebooks", str(tmp_path / "fresh"), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    for slug in SLUGS:  # exactly what the generator writes: never edited by hand
        released = tmp_path / "bundle" / "notebooks" / f"{slug}.ipynb"
        assert released.read_bytes() == (tmp_path / "fresh" / f"{slug}.ipynb").read_bytes()
        nbformat.validate(nbformat.read(released, as_version=4))
    # a student's clone of it, worked in the notebook only, grades like solution.py would
    work = tmp_path / "bundle" / "notebooks" / "01_tiny.ipynb"
    nb = json.loads(work.read_text())
    cell = next(c for c in nb["cells"] if "def double" in "".join(c["source"]))
    cell["source"] = REFERENCE["01_tiny"]
    work.write_text(dumps(nb))
    proc = calcgrade(tiny, "check", "--submission", str(tmp_path / "bundle"), "--seed", "1",
                     "--format", "json", cwd=tmp_path)
    doc = json.loads(proc.stdout)
    got = {e["slug"]: {c["status"] for c in e["checks"]} for e in doc["exercises"]}
    assert got == {"01_tiny": {"passed"}, "02_half": {"not_implemented"}}, proc.stderr


# -- the check cell on a real kernel ------------------------------------------------------

def with_reference(nb: dict, slug: str) -> dict:
    """The generated notebook with the reference pasted into its solution cells."""
    ref = code_parts((ROOT / "reference" / f"{slug}.py").read_text())
    by_name = {}
    for part in ref[1:]:
        name = part.split("def ", 1)[-1].split("(", 1)[0] if "def " in part else part
        by_name[name] = part
    cells = [c for c in nb["cells"] if "solution" in c["metadata"].get("tags", [])]
    cells[0]["source"] = ref[0]
    for cell in cells[1:]:
        text = "".join(cell["source"])
        name = text.split("def ", 1)[-1].split("(", 1)[0]
        cell["source"] = by_name.pop(name)
    cells[-1]["source"] += "\n\n\n" + "\n\n\n".join(by_name.values())  # the reference's helpers
    return nb


def run_notebook(nb_path: Path, env: dict[str, str]) -> list:
    from nbclient import NotebookClient

    nb = nbformat.read(nb_path, as_version=4)
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)  # the kernel inherits the environment
    try:
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(nb_path.parent)}}).execute()
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb.cells


def result_of(cell) -> tuple[str, str]:
    out = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert out, cell.outputs
    return out[0].data.get("text/html", ""), out[0].data["text/plain"]


pytest.importorskip("nbclient")


@pytest.mark.slow
def test_the_check_cell_on_a_real_kernel_gives_the_reference_full_marks(tmp_path):
    slug = "01_derivative"
    nb = with_reference(build(load_exercises([slug])[0]), slug)
    path = tmp_path / f"my {slug}.ipynb"  # renamed: found by JPY_SESSION_NAME, not its name
    path.write_text(dumps(nb))
    cells = run_notebook(path, {"JPY_SESSION_NAME": str(path), "CALCGRADE_ROOT": str(ROOT)})
    html, text = result_of(cells[-1])
    points = sum(c.points for c in load_exercises([slug])[0].checks)
    assert f"[{points:g}/{points:g}]" in text and "FAIL" not in text
    assert f"Graded the solution cells of {path.name} as saved on disk." in text
    assert '<div class="calcgrade-check">' in html and "<html" not in html
    assert f"{points:g}<span" in html and 'class="badge s-failed"' not in html
    assert "data:image/png;base64," in html  # the exercise's figure, from the student's functions


@pytest.mark.slow
def test_the_stub_shows_not_started_and_a_hostile_cell_runs_only_in_the_sandbox(tmp_path):
    slug = "01_derivative"
    stub = build(load_exercises([slug])[0])
    stub_path = tmp_path / "work.ipynb"  # no JPY_SESSION_NAME, not named for the exercise
    hostile = nb_of(("import os\nos.system('echo owned > MARKER')\nprint('hostile cell ran')\n"
                     "def symbolic_derivative():\n    return '3*x**2 - 4*x'", ["solution"]))
    (tmp_path / "hostile.ipynb").write_text(dumps(hostile))
    stub["cells"].append(code_cell("check('01_derivative', notebook='hostile.ipynb')", "h"))
    stub_path.write_text(dumps(stub))
    env = {"CALCGRADE_ROOT": str(ROOT)}
    os.environ.pop("JPY_SESSION_NAME", None)
    cells = run_notebook(stub_path, env)
    html, text = result_of(cells[-2])  # the generated check cell
    assert "not started" in text and "PASS" not in text
    assert "graded the functions, imports and assignments of the cells run so far" in text
    assert 'class="badge s-not_implemented"' in html and 'class="badge s-passed"' not in html
    html, text = result_of(cells[-1])
    assert "PASS  01_derivative/symbolic_derivative" in text  # its function was graded ...
    assert "hostile cell ran" in html  # ... and its code ran, in the sandbox
    assert not (tmp_path / "MARKER").exists()  # never in the kernel (its folder is tmp_path)


@pytest.mark.slow
def test_a_variant_notebook_on_a_real_kernel_grades_the_students_own_numbers(tmp_path):
    """The notebook made for a variant (its cell after the title, the code in its
    metadata) grades with it: the student's own derivative passes, the lesson's fails."""
    from grader.course.variants import params_from_code, spec_for, student_code
    from grader.judge import variant_families as cubic
    from grader.notebooks.ipynb import VARIANT_TAG

    slug = "01_derivative"
    code = student_code(b"k" * 32, "ada", slug)
    own = str(cubic.derivative(params_from_code(spec_for(slug), code)))
    results = {}
    for name, answer in (("own", own), ("lesson", "3*x**2 - 4*x")):
        nb = with_reference(build(load_exercises([slug])[0], code), slug)
        assert sum(VARIANT_TAG in c["metadata"].get("tags", []) for c in nb["cells"]) == 1
        cell = next(c for c in nb["cells"] if "def symbolic_derivative" in "".join(c["source"]))
        cell["source"] += f"\n\n\ndef symbolic_derivative():\n    return {answer!r}\n"
        path = tmp_path / f"{name}.ipynb"
        path.write_text(dumps(nb))
        cells = run_notebook(path, {"JPY_SESSION_NAME": str(path), "CALCGRADE_ROOT": str(ROOT)})
        results[name] = result_of(cells[-1])[1]
    assert f"Graded with the variant named in own.ipynb ({code})" in results["own"]
    assert f"your variant: {code}" in results["own"] and "FAIL" not in results["own"]
    assert f"FAIL  {slug}/symbolic_derivative" in results["lesson"]
