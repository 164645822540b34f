"""calcgrade grade: submissions on disk, the gradebook, resuming, and the command line."""
from __future__ import annotations

import json
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import inprocess
import pytest
from click.testing import CliRunner

from grader.classrun.gradebook import Gradebook, write_json_atomic
from grader.classrun.plan import content_hash, plan_task
from grader.classrun.submission_files import (
    MAX_BYTES,
    MAX_FILES,
    SubmissionError,
    SubmissionSource,
    discover,
    read_submission,
)
from grader.cli.main import main
from grader.course.paths import exercises_dir, reference_dir
from grader.course.spec import load_exercise
from grader.judge.results import CheckResult, ExerciseResult, Results

SLUG = "01_derivative"
CALCGRADE = [sys.executable, "-m", "grader"]


# -- a small class ----------------------------------------------------------------------

def make_class(root: Path) -> Path:
    """ada: reference; cho: a catalogued mistake; gia: the stub; zed.zip: zipped reference."""
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    mistake = (reference_dir() / "mistakes" / SLUG / "derivative_of_minus_2x2.py").read_text()
    for student, text in {"ada": ref, "cho": ref + "\n\n" + mistake,
                          "gia": (exercises_dir() / SLUG / "solution.py").read_text()}.items():
        (root / student / SLUG).mkdir(parents=True)
        (root / student / SLUG / "solution.py").write_text(text)
    with zipfile.ZipFile(root / "zed.zip", "w") as archive:
        archive.writestr(f"zed/{SLUG}/solution.py", ref)
    return root


def run_grade(subs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return inprocess.calcgrade(["grade", str(subs), "--out", str(out), "--exercise", SLUG,
                                "--jobs", "2", "--isolation", "process", "--report", "none",
                                *extra])


def scores(out: Path) -> dict[tuple[str, str], tuple[str, float]]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return {(s, c): (st, p) for s, c, st, p in
                db.execute("SELECT student, check_id, status, points FROM check_results")}


def verdicts(out: Path) -> list[tuple]:
    """Every check's status, points and message (messages name the hidden inputs)."""
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return sorted(db.execute("SELECT student, check_id, status, points, message "
                                 "FROM check_results"))


def stored_seed(out: Path) -> int:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return int(db.execute("SELECT value FROM meta WHERE key = 'class_seed'").fetchone()[0])


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    base = tmp_path_factory.mktemp("class")
    subs = make_class(base / "subs")
    proc = run_grade(subs, base / "out")
    return subs, base / "out", proc


def test_grade_writes_gradebook_and_results_json(graded):
    subs, out, proc = graded
    assert proc.returncode == 0, proc.stderr
    assert "4 submissions: 4 graded, 0 unchanged" in proc.stdout
    assert "isolation process" in proc.stdout
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        rows = dict(db.execute("SELECT student, points FROM exercise_results"))
    full = sum(c.points for c in load_exercise("01_derivative").checks)
    symbolic = next(c.points for c in load_exercise("01_derivative").checks
                    if c.function == "symbolic_derivative")  # cho's one catalogued slip
    assert rows == {"ada": full, "cho": full - symbolic, "gia": 0.0, "zed": full}
    doc = json.loads((out / "cho" / "results.json").read_text())
    assert doc["submission"] == "cho" and doc["isolation"] == "process"
    assert doc["seed"] == stored_seed(out)
    mistakes = [c["mistake"] for e in doc["exercises"] for c in e["checks"] if c["mistake"]]
    assert mistakes == ["derivative_of_minus_2x2"]


def test_results_json_is_the_check_document(graded):
    """The same JSON (and the same grades) as `calcgrade check --format json`."""
    subs, out, _ = graded
    alone = inprocess.calcgrade(["check", SLUG, "--submission", str(subs / "cho"),
                                 "--format", "json", "--seed", str(stored_seed(out))])
    single = json.loads(alone.stdout)
    batch = json.loads((out / "cho" / "results.json").read_text())
    assert set(single) == set(batch)
    assert single["totals"] == batch["totals"]
    strip = lambda d: [(c["id"], c["status"], c["points"], c["message"])  # noqa: E731
                       for e in d["exercises"] for c in e["checks"]]
    assert strip(single) == strip(batch)


def test_rerun_skips_unchanged_and_regrades_changes(graded, tmp_path):
    subs, out, _ = graded
    subs2, out2 = tmp_path / "subs", tmp_path / "out"
    shutil.copytree(subs, subs2)
    shutil.copytree(out, out2)
    before = scores(out2)
    again = run_grade(subs2, out2)
    assert again.returncode == 0, again.stderr
    assert "0 graded, 4 unchanged" in again.stdout
    seed = stored_seed(out)
    assert f"class seed {seed} (the one stored in {out2 / 'gradebook.sqlite'})" in again.stdout
    assert stored_seed(out2) == seed
    # gia finally does the exercise: only gia is graded again
    shutil.copy(subs2 / "ada" / SLUG / "solution.py", subs2 / "gia" / SLUG / "solution.py")
    changed = run_grade(subs2, out2)
    assert "1 graded, 3 unchanged" in changed.stdout
    after = scores(out2)
    assert {k: v for k, v in after.items() if k[0] != "gia"} == \
        {k: v for k, v in before.items() if k[0] != "gia"}
    assert all(st == "passed" for (s, _), (st, _) in after.items() if s == "gia")


def test_first_run_draws_a_secret_seed_and_stores_it(graded):
    _, out, proc = graded
    seed = stored_seed(out)
    assert seed != 20250901  # the old published default is gone
    assert 0 <= seed < 2**53  # a JSON-safe integer
    assert (f"class seed {seed} (new and secret; stored in {out / 'gradebook.sqlite'}; "
            f"rerun with --seed {seed} to reproduce elsewhere)") in proc.stdout
    docs = [json.loads(p.read_text()) for p in out.glob("*/results.json")]
    assert len(docs) == 4 and {d["seed"] for d in docs} == {seed}


def test_seed_reproduces_identical_grades_in_a_fresh_folder(graded, tmp_path):
    subs, out, _ = graded
    seed = stored_seed(out)
    again = run_grade(subs, tmp_path / "elsewhere", "--seed", str(seed))
    assert again.returncode == 0, again.stderr
    assert f"class seed {seed} (from --seed; stored in" in again.stdout
    assert stored_seed(tmp_path / "elsewhere") == seed
    assert verdicts(tmp_path / "elsewhere") == verdicts(out)


def test_a_different_seed_needs_regrade(tmp_path):
    (tmp_path / "subs" / "ada").mkdir(parents=True)
    with Gradebook.in_folder(tmp_path / "out") as book:
        book.store_class_seed(111)
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "subs"), "--out",
                                       str(tmp_path / "out"), "--seed", "222",
                                       "--isolation", "process", "--report", "none"])
    assert result.exit_code == 2, result.output
    assert "was graded with class seed 111, and --seed 222 differs" in result.output
    assert "--regrade" in result.output and "Traceback" not in result.output
    assert stored_seed(tmp_path / "out") == 111


def test_class_seed_resolution(tmp_path):
    from grader.classrun.class_seed import SeedMismatch, resolve_class_seed

    with Gradebook.in_folder(tmp_path / "a") as a, Gradebook.in_folder(tmp_path / "b") as b:
        first, other = resolve_class_seed(a, None, regrade=False), resolve_class_seed(b, None, regrade=False)
        assert first.origin == other.origin == "new"
        assert first.value != other.value  # two fresh results folders, two secrets
        again = resolve_class_seed(a, None, regrade=False)
        assert (again.value, again.origin) == (first.value, "stored")
        assert resolve_class_seed(a, first.value, regrade=False).origin == "given"
        with pytest.raises(SeedMismatch):
            resolve_class_seed(a, first.value + 1, regrade=False)
        assert a.class_seed() == first.value
        changed = resolve_class_seed(a, first.value + 1, regrade=True)
        assert (changed.origin, changed.previous) == ("changed", first.value)
        assert a.class_seed() == first.value + 1
    with Gradebook.in_folder(tmp_path / "c") as c:
        given = resolve_class_seed(c, 5, regrade=False)
        assert (given.value, given.origin, c.class_seed()) == (5, "given", 5)


def test_no_public_class_seed_left():
    from grader.classrun import grade as class_grading

    assert not hasattr(class_grading, "DEFAULT_CLASS_SEED")
    import inspect

    assert inspect.signature(class_grading.grade_class).parameters["seed"].default is None


def _stale_cgroups() -> set[str]:
    """calcgrade's cgroups (as root) whose process is gone."""
    return {d.name for d in Path("/sys/fs/cgroup/pids").glob("calcgrade-*")
            if not Path("/proc", d.name.rsplit("-", 1)[1]).exists()}


def test_killed_run_resumes_with_every_submission_once(graded, tmp_path):
    """SIGKILL the batch mid-run, run again: every student once, same scores."""
    original, out_whole, _ = graded
    # each student takes a second at import, so the kill lands between students however
    # fast judging is; the scores stay those of the uninterrupted run
    subs = tmp_path / "slow"
    shutil.copytree(original, subs)
    for solution in subs.glob(f"*/{SLUG}/solution.py"):
        solution.write_text(solution.read_text() + "\n\nimport time\ntime.sleep(1.0)\n")
    out = tmp_path / "out"
    argv = [*CALCGRADE, "grade", str(subs), "--out", str(out), "--exercise", SLUG,
            "--jobs", "1", "--isolation", "process", "--report", "none"]
    # first kill: as soon as it starts; second: right after the first student is stored
    early = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    early.send_signal(signal.SIGKILL)
    early.wait()
    mid = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    killed = [early.pid, mid.pid]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and mid.poll() is None:
        if (out / "gradebook.sqlite").exists():
            try:
                with sqlite3.connect(out / "gradebook.sqlite", timeout=5) as db:
                    if db.execute("SELECT COUNT(*) FROM exercise_results").fetchone()[0] >= 1:
                        break
            except sqlite3.OperationalError:
                pass
        time.sleep(0.05)
    mid.send_signal(signal.SIGKILL)
    mid.wait()
    time.sleep(0.2)  # the killed runs' servers die with them (PR_SET_PDEATHSIG)
    left_by_kills = _stale_cgroups()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        stored = db.execute("SELECT COUNT(*) FROM exercise_results").fetchone()[0]
    assert 1 <= stored < 4, "the kill should land mid-run"
    resumed = run_grade(subs, out)
    assert resumed.returncode == 0, resumed.stderr
    assert f"{4 - stored} graded, {stored} unchanged" in resumed.stdout
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        students = [r[0] for r in db.execute("SELECT student FROM exercise_results")]
    assert sorted(students) == ["ada", "cho", "gia", "zed"]
    assert scores(out) == scores(out_whole)
    for student in students:
        assert json.loads((out / student / "results.json").read_text())["submission"] == student
    # the killed runs' cgroups (as root) and scratch copies of students' files are gone too
    # (only theirs: a test on another worker may leave its own meanwhile)
    assert left_by_kills & _stale_cgroups() == set()
    assert not [p for pid in killed for p in Path(tempfile.gettempdir()).glob(f"calcgrade-class-{pid}-*")]


# -- reading submissions ------------------------------------------------------------------

def _zip(path: Path, members: dict[str, bytes], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return path


@pytest.mark.parametrize("members, symlink, message", [
    ({"/abs/01_derivative/solution.py": b"x"}, None, "absolute path"),
    ({"../01_derivative/solution.py": b"x"}, None, "leaves its folder"),
    ({"01_derivative/solution.py": b"x"}, "01_derivative/link.py", "symbolic link"),
    ({f"01_derivative/f{i}.py": b"x" for i in range(MAX_FILES + 1)}, None, "more than"),
    ({"01_derivative/solution.py": b"0" * (MAX_BYTES + 1)}, None, "larger than"),
])
def test_unsafe_zips_are_that_students_error(tmp_path, members, symlink, message):
    path = _zip(tmp_path / "eve.zip", members, symlink)
    files = read_submission(SubmissionSource("eve", path), [SLUG])
    assert files.error is not None and message in files.error
    assert files.files == {SLUG: {}}


def test_zip_whose_header_lies_about_its_size(tmp_path):
    path = _zip(tmp_path / "eve.zip", {"01_derivative/solution.py": b"A" * 5000})
    data = bytearray(path.read_bytes())
    # shrink the declared uncompressed size in the central directory (stored, no CRC check
    # reached): the reader must not read past it
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    files = read_submission(SubmissionSource("eve", path), [SLUG])
    assert files.error is not None


def test_malformed_zip_and_top_folder(tmp_path):
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 cut short")
    bad = read_submission(SubmissionSource("bad", tmp_path / "bad.zip"), [SLUG])
    assert "not a readable zip file" in bad.error
    good = _zip(tmp_path / "ok.zip", {"ok/exercises/01_derivative/solution.py": b"pass\n",
                                      "ok/exercises/01_derivative/__pycache__/x.pyc": b"",
                                      "ok/README.md": b"hi"})
    files = read_submission(SubmissionSource("ok", good), [SLUG])
    assert files.error is None and files.files == {SLUG: {"solution.py": b"pass\n"}}


def test_discover_names_students_and_rejects_confusion(tmp_path):
    (tmp_path / "ada").mkdir()
    (tmp_path / ".DS_Store").write_text("")
    _zip(tmp_path / "ben.zip", {})
    assert [s.student for s in discover(tmp_path)] == ["ada", "ben"]
    (tmp_path / "ada.zip").write_bytes(b"")
    with pytest.raises(SubmissionError, match="two submissions for student 'ada'"):
        discover(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("")
    with pytest.raises(SubmissionError, match="no student folders"):
        discover(empty)


def test_folder_and_zip_with_same_files_hash_alike(tmp_path):
    (tmp_path / "ada" / SLUG).mkdir(parents=True)
    (tmp_path / "ada" / SLUG / "solution.py").write_text("pass\n")
    _zip(tmp_path / "ben.zip", {f"{SLUG}/solution.py": b"pass\n"})
    a = read_submission(SubmissionSource("ada", tmp_path / "ada"), [SLUG])
    b = read_submission(SubmissionSource("ben", tmp_path / "ben.zip"), [SLUG])
    key = dict(seed=1, isolation="process", figures=False)
    assert content_hash(a, SLUG, **key) == content_hash(b, SLUG, **key)
    assert content_hash(a, SLUG, **key) != content_hash(a, SLUG, **{**key, "seed": 2})
    assert content_hash(a, SLUG, **key) != content_hash(a, SLUG, **{**key, "isolation": "bwrap"})
    (tmp_path / "ada" / SLUG / "solution.py").write_text("pass  \n")
    c = read_submission(SubmissionSource("ada", tmp_path / "ada"), [SLUG])
    assert content_hash(c, SLUG, **key) != content_hash(a, SLUG, **key)


def test_changing_a_check_or_regrade_grades_again(tmp_path, monkeypatch):
    from grader.classrun import plan as class_plan

    (tmp_path / "ada" / SLUG).mkdir(parents=True)
    source = SubmissionSource("ada", tmp_path / "ada")
    files = read_submission(source, [SLUG])
    key = dict(seed=1, isolation="process", figures=False, regrade=False)
    stored = {("ada", SLUG): content_hash(files, SLUG, seed=1, isolation="process", figures=False)}
    assert plan_task(source, files, [SLUG], stored, **key).slugs == []
    assert plan_task(source, files, [SLUG], stored, **{**key, "regrade": True}).slugs == [SLUG]
    monkeypatch.setattr(class_plan, "course_fingerprint", lambda slug: "edited checks.py")
    assert plan_task(source, files, [SLUG], stored, **key).slugs == [SLUG]


def _grader_copy(dest: Path) -> Path:
    import grader

    shutil.copytree(Path(grader.__file__).parent, dest,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return dest


def test_fingerprint_covers_the_grader_source(tmp_path):
    """A fix to the judge (same version string) must make stored grades stale."""
    from grader.classrun.plan import course_fingerprint, grader_source_digest

    copy = _grader_copy(tmp_path / "one" / "grader")
    before = course_fingerprint(SLUG, copy)
    assert course_fingerprint(SLUG, copy) == before  # stable across calls
    # where the package lies does not matter, only its relative paths and bytes
    assert course_fingerprint(SLUG, _grader_copy(tmp_path / "two" / "grader")) == before
    (copy / "NOTES.txt").write_text("not code")
    grader_source_digest.cache_clear()
    assert course_fingerprint(SLUG, copy) == before  # only .py files count
    judge = copy / "judge" / "answers.py"
    judge.write_text(judge.read_text().replace("rtol: float = 1e-7", "rtol: float = 1e-6"))
    assert course_fingerprint(SLUG, copy) == before  # the grader's digest: once per process
    grader_source_digest.cache_clear()
    assert course_fingerprint(SLUG, copy) != before
    assert course_fingerprint(SLUG) == course_fingerprint(SLUG)


# -- the gradebook --------------------------------------------------------------------------

def _results(student: str, points: float) -> Results:
    check = CheckResult(id=f"{SLUG}/f", exercise=SLUG, function="f", title="t",
                        status="passed" if points else "failed", points=points, max_points=1)
    return Results(submission=student, seed=3, isolation="process",
                   exercises=[ExerciseResult(SLUG, "T", [check])])


def test_gradebook_stores_each_student_once(tmp_path):
    with Gradebook.in_folder(tmp_path) as book:
        book.store("ada", "ada", _results("ada", 0), {SLUG: "h1"})
        book.store("ada", "ada", _results("ada", 1), {SLUG: "h2"})
        assert book.stored_hashes() == {("ada", SLUG): "h2"}
        assert book.count() == 1 and book.count("check_results") == 1
        again = book.results_for("ada")
        assert again is not None and again.points == 1 and again.seed == 3
    with sqlite3.connect(tmp_path / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_gradebook_transaction_is_all_or_nothing(tmp_path):
    with Gradebook.in_folder(tmp_path) as book:
        with pytest.raises(KeyError):
            book.store("ada", "ada", _results("ada", 1), {})  # no hash: fails mid-way
        assert book.count("submissions") == 0 and book.count() == 0


def test_json_written_atomically(tmp_path):
    path = tmp_path / "ada" / "results.json"
    write_json_atomic(path, {"a": 1})
    with pytest.raises(TypeError):
        write_json_atomic(path, {"a": object()})
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


# -- the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["grade", "/nonexistent/class", "--out", "OUT"], "does not exist"),
    (["grade", __file__, "--out", "OUT"], "is not a folder"),
    (["grade", ".", "--out", "OUT", "--exercise", "99_nothing"], "unknown exercise"),
    (["grade", ".", "--out", "OUT", "--scheduler", "localhost:8786"], "tcp://HOST:PORT"),
])
def test_grade_usage_errors(args, message):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output


def test_grade_refuses_results_inside_submissions(tmp_path):
    (tmp_path / "ada").mkdir()
    result = CliRunner().invoke(main, ["grade", str(tmp_path), "--out", str(tmp_path / "ada" / "r")])
    assert result.exit_code == 1
    assert "must not be inside the submissions folder" in result.output


def test_bwrap_insisted_on_but_missing(tmp_path, monkeypatch):
    from grader.sandbox import isolation

    (tmp_path / "subs" / "ada").mkdir(parents=True)
    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap on this PATH
    isolation.bwrap_problem.cache_clear()
    try:
        result = CliRunner().invoke(main, ["grade", str(tmp_path / "subs"), "--out",
                                           str(tmp_path / "out"), "--isolation", "bwrap"])
    finally:
        isolation.bwrap_problem.cache_clear()
    assert result.exit_code == 1
    assert "bubblewrap is not installed" in result.output
    assert not (tmp_path / "out").exists()


def test_scheduler_that_cannot_be_reached(tmp_path):
    pytest.importorskip("distributed")
    import dask

    (tmp_path / "subs" / "ada").mkdir(parents=True)
    # dask reads DASK_* variables once, at import: in this process, its config says it
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        result = inprocess.calcgrade(["grade", str(tmp_path / "subs"), "--out",
                                      str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:9",
                                      "--isolation", "process"])
    assert result.returncode == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr


def test_bwrap_sandbox_sees_only_the_students_files(tmp_path):
    from grader.sandbox.isolation import bwrap_argv, bwrap_problem

    if bwrap_problem():
        pytest.skip(bwrap_problem())
    student = tmp_path / "scratch" / "ada"
    (student / SLUG).mkdir(parents=True)
    (student / SLUG / "solution.py").write_text("x = 1\n")
    probe = ("import os, socket, sys\n"
             "root = sys.argv[1]\n"
             "print(sorted(os.listdir(root)))\n"
             "print(os.path.exists(os.path.join(root, 'reference')))\n"
             "print(os.listdir(sys.argv[2]))\n"
             "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError as e:\n"
             "    print('no network', e.errno)\n"
             "try:\n    open(os.path.join(sys.argv[2], 'x'), 'w')\nexcept OSError as e:\n"
             "    print('read-only', e.errno)\n")
    argv = bwrap_argv([student], slugs=[SLUG]) + [sys.executable, "-c", probe,
                                                   str(reference_dir().parent), str(student)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    lines = out.stdout.splitlines()
    assert out.returncode == 0, out.stderr
    assert "'reference'" not in lines[0] and "'samples'" not in lines[0]
    assert lines[1] == "False"
    assert lines[2] == f"['{SLUG}']"
    assert lines[3].startswith("no network")
    assert lines[4].startswith("read-only")


@pytest.mark.parametrize("failing, message", [
    ("out/gradebook.sqlite", "cannot write to {out}: Permission denied"),
    ("/usr/bin/python-gone", "grading stopped: Permission denied: /usr/bin/python-gone"),
])
def test_grade_names_the_file_an_os_error_came_from(tmp_path, monkeypatch, failing, message):
    """An OS error says which file failed: the results folder is not blamed for a program
    that could not be started."""
    from grader.classrun import grade as class_grading

    (tmp_path / "subs" / "ada").mkdir(parents=True)
    out = tmp_path / "out"
    path = str(tmp_path / failing) if not failing.startswith("/") else failing

    def fail(*args, **kwargs):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(class_grading, "grade_class", fail)
    result = CliRunner().invoke(main, ["grade", str(tmp_path / "subs"), "--out", str(out)])
    assert result.exit_code == 1
    assert message.format(out=out) in result.output
    assert "Traceback" not in result.output
