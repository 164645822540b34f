"""Attacks on the input surfaces added with layouts, notebooks, the Gradescope autograder,
the LMS CSV presets and ``calcgrade watch``: each test is a hostile or careless input
that once crashed, was silently misread, or was trusted, and now gets a clear message
or the right reading.

Cheap by design: the reading functions are called in process on uploads written to
``tmp_path`` (the two-exercise course of ``tiny_course``); the only subprocesses are the
autograder's, on an upload with nothing to grade (no sandbox is started). No student
code runs here: extracted notebook code is compiled and inspected, never executed.
"""
from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import inprocess
import pytest
from report_fixtures import fixed_class
from tiny_course import SLUGS, make_course, upload

from grader.classrun.layouts import NoLayout, read_upload
from grader.classrun.submission_files import SubmissionError, SubmissionFiles
from grader.notebooks.ipynb import code_of, read_notebook
from grader.reports.formats import _cell
from grader.reports.lms_csv import parse_roster, preset_csv, to_canvas_csv

ALL = list(SLUGS)
RIGHT = b"def double(x):\n    return 2 * x\n"


def read(path: Path, slugs: list[str] = ALL):
    return read_upload(path, slugs, ALL, path.name)


def a_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


# -- submission layouts ------------------------------------------------------------------

@pytest.mark.parametrize("members, clash", [
    ({"01_tiny/solution.py": RIGHT, "01_tiny/helper": b"x", "01_tiny/helper/a.py": b"y"},
     "01_tiny/helper"),
    ({"01_tiny/solution.py": RIGHT, "01_tiny/solution.py/x.py": b"y"}, "01_tiny/solution.py"),
])
def test_a_zip_name_that_is_both_a_file_and_a_folder_is_the_students_clear_error(
        tmp_path, members, clash):
    # read, then laid out for the sandbox: once the layout step crashed with an OSError
    # (a traceback in check and on Gradescope)
    with pytest.raises(SubmissionError, match=f"holds {re.escape(clash)} both as a file "
                       "and as a folder"):
        read(a_zip(tmp_path / "clash.zip", members))
    files, _ = read(a_zip(tmp_path / "fine.zip", {"01_tiny/solution.py": RIGHT,
                                                  "01_tiny/lib/a.py": b"A = 1\n"}))
    laid = SubmissionFiles("s", files).materialize(tmp_path / "out")
    assert (laid / "01_tiny" / "lib" / "a.py").read_bytes() == b"A = 1\n"


def test_a_notebook_beside_a_folder_named_solution_py_is_refused_not_crashed(tmp_path):
    nb = json.dumps({"cells": [{"cell_type": "code", "source": RIGHT.decode()}]}).encode()
    with pytest.raises(SubmissionError, match="both as a file and as a folder"):
        read(a_zip(tmp_path / "nb.zip", {"01_tiny/solution.ipynb": nb,
                                         "01_tiny/solution.py/x.py": b"y"}))


def test_a_zip_member_name_too_long_for_any_file_system_is_refused(tmp_path):
    long = "a" * 300 + ".py"
    with pytest.raises(SubmissionError, match="longer than 255 bytes"):
        read(a_zip(tmp_path / "long.zip", {"01_tiny/solution.py": RIGHT, f"01_tiny/{long}": b""}))
    files, _ = read(a_zip(tmp_path / "ok.zip", {"01_tiny/solution.py": RIGHT,
                                                f"01_tiny/{'a' * 200}.py": b""}))
    SubmissionFiles("s", files).materialize(tmp_path / "out")  # 204 bytes: written fine


@pytest.mark.parametrize("second", ["exercises/02_half/solution.py", "02_half.ipynb"])
def test_two_layouts_at_once_are_named_not_half_graded(tmp_path, second):
    # once: the slug folders won and 02_half, handed in the other way, was silently missing
    data = b'{"cells": []}' if second.endswith(".ipynb") else b"def half(x):\n    return x / 2\n"
    members = {"01_tiny/solution.py": RIGHT, second: data}
    folder = tmp_path / "up"
    for name, content in members.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    for target in (folder, a_zip(tmp_path / "up.zip", members)):
        with pytest.raises(NoLayout) as info:
            read(target)
        assert "more than one layout" in str(info.value)
        assert "01_tiny" in str(info.value) and second.split("/solution")[0] in str(info.value)
    one = upload(tmp_path / "one", "repository")  # one layout alone is still read
    files, found = read(one)
    assert found.kind == "repository" and set(files["02_half"]) == {"solution.py", "helper.py"}


def test_a_zip_inside_a_zip_or_beside_other_files_is_named_in_the_message(tmp_path):
    inner = a_zip(tmp_path / "inner.zip", {"01_tiny/solution.py": RIGHT}).read_bytes()
    folder = tmp_path / "up"
    folder.mkdir()
    (folder / "README.txt").write_text("my homework is in the zip\n")
    (folder / "work.zip").write_bytes(inner)
    for target, named in ((a_zip(tmp_path / "outer.zip", {"hw/work.zip": inner}), "hw/work.zip"),
                          (folder, "work.zip")):
        with pytest.raises(NoLayout, match=f"It holds {named}: a zip inside the upload is not "
                           "opened"):
            read(target)
    (folder / "README.txt").unlink()  # the zip alone: read (an upload that was not unpacked)
    files, found = read(folder)
    assert found.zipped and files["01_tiny"]["solution.py"] == RIGHT


def test_a_folder_of_many_tiny_files_is_refused_without_listing_it_all(tmp_path, monkeypatch):
    from grader.classrun import submission_files

    folder = tmp_path / "up" / "01_tiny"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_bytes(RIGHT)
    for k in range(3 * submission_files.MAX_ENTRIES):
        (folder / f".f{k}").touch()  # hidden: looked at, never read
    real, pulled = os.scandir, [0]

    class Counting:  # os.scandir, counting the entries the reader takes from it
        def __init__(self, path):
            self.it = real(path)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.it.close()

        def __iter__(self):
            for entry in self.it:
                pulled[0] += 1
                yield entry

    monkeypatch.setattr(os, "scandir", Counting)
    with pytest.raises(SubmissionError, match=f"more than {submission_files.MAX_ENTRIES} entries"):
        read(tmp_path / "up")
    assert pulled[0] <= submission_files.MAX_ENTRIES + 10


# -- notebooks -------------------------------------------------------------------------

def extracted(*sources: str) -> ast.Module:
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": s} for s in sources]}
    code = code_of(read_notebook(json.dumps(nb).encode(), "hw.ipynb"), "hw.ipynb")
    return ast.parse(code)  # compiled here, never run


def strings(tree: ast.Module) -> list[str]:
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_notebook_code_keeps_line_separators_that_python_does_not_split_on():
    # str.splitlines splits on \u2028, \x1c, \x0c…: a string literal was cut in two
    tree = extracted("def double(x):\n    s = 'a\u2028b'\n    t = '''c\x1cd'''\n    return 2 * x\n")
    assert {"a\u2028b", "c\x1cd"} <= set(strings(tree))


def test_a_valid_cell_keeps_its_percent_and_bang_lines():
    tree = extracted("def double(x):\n    y = (x\n         % 3)\n    doc = '''\n    %d items\n"
                     "    !important\n    '''\n    return 2 * x\n")
    assert "\n    %d items\n    !important\n    " in strings(tree)
    assert any(isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mod) for n in ast.walk(tree))
    magics = extracted("%matplotlib inline\n!pip install numpy\ndef double(x):\n    return 2 * x\n")
    assert [n.name for n in magics.body if isinstance(n, ast.FunctionDef)] == ["double"]


def test_only_real_future_imports_move_to_the_top():
    tree = extracted("NOTE = '''\nfrom __future__ import braces\n'''\n",
                     "from __future__ import annotations\ndef double(x: int) -> int:\n"
                     "    return 2 * x\n")
    assert "\nfrom __future__ import braces\n" in strings(tree)  # text, kept in its string
    futures = [n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
    assert [a.name for f in futures for a in f.names] == ["annotations"]
    assert tree.body.index(futures[0]) <= 1  # after the docstring, before everything else


def test_a_notebook_file_name_cannot_break_or_join_the_extracted_code():
    nb = read_notebook(json.dumps({"cells": [{"cell_type": "code", "source": RIGHT.decode()}]})
                       .encode(), "x")
    name = 'my """ + __import__("os").getpid() + """\nwork.ipynb'
    tree = ast.parse(code_of(nb, name))
    assert name in ast.get_docstring(tree)
    assert [type(n).__name__ for n in tree.body] == ["Expr", "FunctionDef"]


# -- Gradescope ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def autograder(tmp_path_factory) -> Path:
    from grader.release.gradescope import write_gradescope_zip

    base = tmp_path_factory.mktemp("gs")
    course = make_course(base / "course")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CALCGRADE_ROOT", str(course))
        return write_gradescope_zip(base / "autograder.zip", seed=7)


def test_run_autograder_imports_nothing_from_its_working_folder_or_pythonpath(autograder, tmp_path):
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder) as archive:
        archive.extractall(root / "source")
    (root / "submission").mkdir(parents=True)
    (root / "submission" / "notes.txt").write_text("nothing to grade\n")
    (root / "results").mkdir()
    # files unpacked where run_autograder is started, or on PYTHONPATH: a module the
    # grader imports (the standard library's secrets) that forges the score and stops
    hostile = tmp_path / "cwd"
    hostile.mkdir()
    (hostile / "secrets.py").write_text(
        "import json, os, pathlib\n"
        f"pathlib.Path({str(tmp_path / 'pwned')!r}).write_text('ran on the trusted side')\n"
        f"pathlib.Path({str(root / 'results' / 'results.json')!r}).write_text("
        "json.dumps({'score': 999, 'output': 'forged'}))\n"
        "os._exit(0)\n")
    env = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    env.update(CALCGRADE_AUTOGRADER_ROOT=str(root), CALCGRADE_AUTOGRADER_PYTHON=sys.executable,
               PYTHONPATH=str(hostile))
    proc = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env,
                          cwd=tmp_path / "cwd", capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((root / "results" / "results.json").read_text())
    assert not (tmp_path / "pwned").exists()
    assert doc["score"] == 0 and "forged" not in doc["output"]
    assert "nothing to grade" in doc["output"]


def test_a_link_planted_at_results_json_is_replaced_not_written_through(tmp_path):
    from grader.release.gradescope import main

    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    (root / "results" / "results.json").symlink_to(victim)
    assert main([str(root), "7"]) == 0  # no course here: a results.json that says why
    assert victim.read_text() == "untouched\n"
    assert not (root / "results" / "results.json").is_symlink()
    doc = json.loads((root / "results" / "results.json").read_text())
    assert doc["score"] == 0 and doc["output"].startswith("Your submission could not be graded")
    assert sorted(p.name for p in (root / "results").iterdir()) == ["results.json"]


WRITES_INTO_ITS_CHANNEL = """
import os, stat
for fd in range(3, 64):  # its result channel is one of its pipes: garbage into each
    try:
        if stat.S_ISFIFO(os.fstat(fd).st_mode):
            os.write(fd, b"\\xff" * 64)
    except OSError:
        pass


def double(x):
    return 2 * x
"""


def test_garbage_in_the_result_channel_ends_that_exercise_at_once(tmp_path):
    # once: the broken child was restarted at import forever, until the wall backstop
    # (minutes) failed every exercise of the student; the timeout is only a hang guard
    course = make_course(tmp_path / "course")
    sub = upload(tmp_path / "sub", "slugs")
    (sub / "01_tiny" / "solution.py").write_text(WRITES_INTO_ITS_CHANNEL)
    env = {k: v for k, v in os.environ.items() if k != "CALCGRADE_ROOT"}
    proc = inprocess.calcgrade(["--course", str(course), "check", "--submission", str(sub),
                                "--seed", "3", "--format", "json"], env=env, cwd=tmp_path)
    doc = json.loads(proc.stdout)
    verdicts = {e["slug"]: [(c["status"], c["message"]) for c in e["checks"]]
                for e in doc["exercises"]}
    assert [s for s, _ in verdicts["01_tiny"]] == ["error", "error"], verdicts
    assert all("while being imported" in m and "message" in m for _, m in verdicts["01_tiny"])
    assert [s for s, _ in verdicts["02_half"]] == ["passed"]  # the next exercise is graded


# -- LMS CSV ---------------------------------------------------------------------------

def test_no_canvas_student_row_can_read_as_the_points_possible_row():
    # Canvas's importer takes any first cell *containing* "Points Possible" for that row
    # (canvas-lms lib/gradebook_importer.rb: row[0] =~ /Points Possible/)
    results = fixed_class()
    names = [r.submission for r in results]
    roster = parse_roster("folder,Student,ID\n"
                          f"{names[0]},Points Possible,1201\n"
                          f"{names[1]},\"Mr Points   Possible, Jr\",1202\n")
    table = list(csv.reader(io.StringIO(to_canvas_csv(results, roster))))
    assert re.search("Points Possible", table[1][0])  # the real row, as Canvas writes it
    assert not [row[0] for row in table[2:] if re.search("Points Possible", row[0])]
    shown = {row[1]: row[0] for row in table[2:]}
    assert shown["1201"] == "Points-Possible" and shown["1202"] == "Mr Points-Possible, Jr"


def test_a_roster_the_lms_cannot_match_by_is_named_in_warnings():
    results = fixed_class()
    a, b, c = (r.submission for r in results)
    # careless: Moodle's columns only, exported for Canvas; one Canvas id given twice
    moodle_only = parse_roster(f"folder,Email\n{a},a@x\n{b},b@x\n{c},c@x\n", "r.csv")
    said: list[str] = []
    preset_csv("canvas", results, moodle_only, said)
    assert len(said) == 1 and "none of the columns the LMS matches by" in said[0]
    assert all(n in said[0] for n in (a, b, c))
    shared = parse_roster(f"folder,ID,Email\n{a},1201,a@x\n{b},1201,b@x\n{c},1203,c@x\n", "r.csv")
    said = []
    preset_csv("canvas", results, shared, said)
    assert said == [f"canvas: {a}, {b} share the ID '1201' in the roster r.csv: the LMS will "
                    "give one of their grades to that student and drop the others"]
    said = []
    preset_csv("moodle", results, shared, said)  # Moodle matches by e-mail: all distinct
    assert said == []


@pytest.mark.parametrize("name", [" =cmd|' /C calc'!A0", "\u00a0+1+1", "  @SUM(A1)", "\n=1"])
def test_a_formula_behind_spaces_is_neutralised_too(name):
    assert _cell(name).startswith("'")
    assert _cell("Ada Lovelace") == "Ada Lovelace" and _cell("") == ""


# -- watch -----------------------------------------------------------------------------

def test_watch_ignores_a_file_too_large_to_grade_even_while_it_grows(tmp_path):
    from grader.cli.watch import Watcher
    from grader.judge.engine import LAYOUT_FILE_BYTES

    (tmp_path / "01_tiny").mkdir()
    (tmp_path / "01_tiny" / "solution.py").write_bytes(RIGHT)
    log = tmp_path / "01_tiny" / "run.log"
    with open(log, "wb") as fh:
        fh.truncate(LAYOUT_FILE_BYTES)  # sparse: never copied for the sandbox, never hashed
    watcher = Watcher(tmp_path, ["01_tiny"])
    for _ in range(3):
        with open(log, "ab") as fh:
            fh.write(b"another line\n")
        assert watcher.changed() == []
    (tmp_path / "01_tiny" / "solution.py").write_bytes(RIGHT + b"# edited\n")
    assert watcher.changed() == ["01_tiny"]


def test_a_file_removed_while_a_run_copies_it_is_skipped_not_a_crash(tmp_path, monkeypatch):
    from grader.judge import engine

    folder = tmp_path / "sub" / "01_tiny"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_bytes(RIGHT)
    (folder / ".solution.py.swp").write_bytes(b"editor state")
    real = shutil.copyfile

    def editor_saves(src, dst, *args, **kwargs):  # the editor removes it meanwhile
        if Path(src).name in (".solution.py.swp", "solution.py"):
            Path(src).unlink()
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(engine.shutil, "copyfile", editor_saves)
    out = engine.lay_out(engine.Submission.from_dir(tmp_path / "sub"), ["01_tiny"], tmp_path / "run")
    assert out == {"01_tiny": None}  # solution.py itself vanished: missing, said as such
