"""The bwrap zygote: one bubblewrap sandbox per slot, a namespace of its own per student.

What must hold: a student graded there gets the results it gets in a sandbox of its own;
it sees neither the other students' copies nor the zygote's view of them (``/proc``), can
write nowhere but its scratch, and cannot undo that; a process it leaves behind gets the
sandbox replaced; a zygote that cannot isolate students is not used (fails closed).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from grader.course.paths import exercises_dir, reference_dir
from grader.course.spec import load_exercise
from grader.sandbox.collector import Job
from grader.sandbox.isolation import bwrap_problem

SLUG = "01_derivative"
STUB = (exercises_dir() / SLUG / "solution.py").read_text()

pytestmark = pytest.mark.skipif(bwrap_problem() is not None, reason=str(bwrap_problem()))


def _machine_nests_namespaces() -> bool:
    """util-linux's ``unshare`` (independent of calcgrade), inside a sandbox like the
    zygote's, can make a user + mount namespace and mount a tmpfs there."""
    from grader.sandbox.isolation import bwrap_argv

    argv = bwrap_argv([], slugs=[], user=(1000, 1000)) + [
        "unshare", "-U", "-r", "-m", "sh", "-c", "mount -t tmpfs none /tmp"]
    return subprocess.run(argv, capture_output=True, timeout=60).returncode == 0


@pytest.fixture(scope="module", autouse=True)
def nested_namespaces():
    if not _machine_nests_namespaces():
        pytest.skip("this machine allows no user namespace inside bubblewrap: class runs "
                    "use one bubblewrap per student (tested by tests/test_hostile.py)")

# Runs at import in the student's sandbox: every attempt prints "blocked NAME" or "LEAK NAME".
SPY = r'''
import ctypes, os

OTHER = {other!r}
ROOT = {root!r}
_libc = ctypes.CDLL(None, use_errno=True)


def _try(name, attempt):
    try:
        leaked = attempt()
    except OSError:
        leaked = False
    print(("LEAK " if leaked else "blocked ") + name)


_try("listing", lambda: len(os.listdir(ROOT)) > 1)
_try("reading", lambda: bool(open(OTHER).read()))
_try("proc-root", lambda: any(os.path.exists("/proc/" + p + "/root" + OTHER)
                              for p in os.listdir("/proc") if p.isdigit()))
_try("write-own", lambda: open(os.path.join(os.path.dirname(__file__), "x"), "w") and True)
_try("write-tmp", lambda: open("/tmp/calcgrade-spy", "w") and True)
_try("write-root", lambda: open(os.path.join(ROOT, "x"), "w") and True)


def _undo():
    _libc.umount2(ROOT.encode(), 2)
    if _libc.unshare(0x10000000 | 0x00020000) == 0:  # a nested user + mount namespace
        _libc.umount2(ROOT.encode(), 2)
    return os.path.exists(OTHER)


_try("unmount", _undo)
'''
ATTEMPTS = 7


def _student(root: Path, name: str, text: str) -> Path:
    folder = root / name / "submission"
    (folder / SLUG).mkdir(parents=True)
    (folder / SLUG / "solution.py").write_text(text)
    return folder


def _jobs(folder: Path) -> list[Job]:
    return [Job(SLUG, load_exercise(SLUG), folder / SLUG / "solution.py", 1, False)]


@pytest.fixture
def course(tmp_path):
    from grader.sandbox.zygote import Zygote

    root = tmp_path / "scratch"
    started: list[Zygote] = []

    def start(scratch_root: Path = root) -> Zygote:
        zygote = Zygote.start(scratch_root, [SLUG], seed=1, figures=False)
        started.append(zygote)
        return zygote

    root.mkdir()
    yield root, start
    for zygote in started:
        zygote.stop()


def test_students_graded_in_turn_get_their_own_results(course):
    root, start = course
    zygote = start()
    ref = _student(root, "ada", (reference_dir() / f"{SLUG}.py").read_text())
    stub = _student(root, "gia", STUB)
    for folder, expected in ((ref, {"ok"}), (stub, {"not_implemented"}), (ref, {"ok"})):
        jobs = _jobs(folder)
        assert zygote.grade(jobs, folder), zygote.why
        assert zygote.state == "ok"
        assert {r.status for r in jobs[0].results.values()} == expected
        assert len(jobs[0].results) == len(jobs[0].runnables)
    assert zygote.alive()


def test_a_student_sees_no_one_else_and_cannot_undo_it(course):
    root, start = course
    other = _student(root, "bob", (reference_dir() / f"{SLUG}.py").read_text())
    secret = other / SLUG / "solution.py"
    spy = _student(root, "eve", (reference_dir() / f"{SLUG}.py").read_text() +
                   SPY.format(other=str(secret), root=str(root)))
    zygote = start()
    jobs = _jobs(spy)
    assert zygote.grade(jobs, spy), zygote.why
    printed = jobs[0].import_output
    assert printed.count("blocked ") == ATTEMPTS, printed
    assert "LEAK" not in printed
    assert {r.status for r in jobs[0].results.values()} == {"ok"}  # only spying, no harm
    assert not any((p / "x").exists() for p in (root, spy / SLUG))


def test_the_spy_does_see_what_a_plain_forked_child_sees(tmp_path):
    """The spy is able to leak: without the student's namespaces it does."""
    root = tmp_path / "scratch"
    other = _student(root, "bob", "x = 1\n")
    _student(root, "eve", "x = 1\n")
    spy = tmp_path / "spy.py"
    spy.write_text(SPY.format(other=str(other / SLUG / "solution.py"), root=str(root)))
    out = subprocess.run([sys.executable, str(spy)], capture_output=True, text=True,
                         timeout=60, cwd=tmp_path).stdout
    assert "LEAK listing" in out and "LEAK reading" in out and "LEAK write-root" in out


def test_a_process_left_behind_replaces_the_sandbox(course):
    root, start = course
    daemon = ("\nimport os, time\n"
              "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
              "        time.sleep(120)\n    os._exit(0)\n")
    folder = _student(root, "mal", (reference_dir() / f"{SLUG}.py").read_text() + daemon)
    zygote = start()
    jobs = _jobs(folder)
    assert zygote.grade(jobs, folder), zygote.why
    assert zygote.state == "restart" and "left behind" in zygote.why
    assert {r.status for r in jobs[0].results.values()} == {"ok"}  # its points are its own
    zygote.proc.wait(timeout=30)  # the zygote ends itself; its PID namespace goes with it


def test_a_zygote_that_cannot_isolate_students_is_not_used(course, tmp_path):
    """Fails closed: here the "scratch root" is the virtual environment, which the
    sandbox needs and so never hides; the zygote's self-test notices, nothing runs."""
    _, start = course
    zygote = start(Path(sys.prefix).resolve())
    folder = _student(tmp_path / "elsewhere", "ada", "raise SystemExit('must not run')\n")
    jobs = _jobs(folder)
    assert not zygote.grade(jobs, folder)
    assert zygote.state == "unavailable" and "still visible" in zygote.why
    assert jobs[0].results == {}


def test_collect_raw_falls_back_to_a_sandbox_of_its_own(course, tmp_path):
    from grader.classrun.submission_files import SubmissionSource, read_submission
    from grader.classrun.worker import collect_raw

    _, start = course
    zygote = start(Path(sys.prefix).resolve())
    subs = tmp_path / "subs"
    _student(subs, "ada", (reference_dir() / f"{SLUG}.py").read_text())
    shutil.move(subs / "ada" / "submission" / SLUG, subs / "ada" / SLUG)
    files = read_submission(SubmissionSource("ada", subs / "ada"), [SLUG])
    raw = collect_raw(files, [SLUG], seed=1, isolation="bwrap", zygote=zygote,
                      scratch_root=tmp_path)
    assert zygote.state == "unavailable"
    statuses = {w["status"] for w in raw["raw"][SLUG]["results"].values()}
    assert statuses == {"ok"}


@pytest.mark.slow
def test_a_class_gets_the_same_grades_every_way(tmp_path):
    """bwrap with zygotes, bwrap with a sandbox per student, and process isolation."""
    subs = tmp_path / "subs"
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    mistake = (reference_dir() / "mistakes" / SLUG / "integrated.py").read_text()
    for student, text in {"ada": ref, "cho": ref + "\n\n" + mistake, "gia": STUB,
                          "ivy": ref.replace("(2 * dx)", "dx")}.items():
        (subs / student / SLUG).mkdir(parents=True)
        (subs / student / SLUG / "solution.py").write_text(text)
    got = {}
    for name, isolation, env in (("zygote", "bwrap", {}), ("process", "process", {}),
                                 ("own", "bwrap", {"CALCGRADE_BWRAP_ZYGOTE": "0"})):
        proc = subprocess.run([sys.executable, "-m", "grader.cli.main", "grade", str(subs), "--out",
                               str(tmp_path / name), "--exercise", SLUG, "--jobs", "2",
                               "--isolation", isolation, "--report", "none"],
                              capture_output=True, text=True, timeout=600,
                              env={**os.environ, **env})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        with sqlite3.connect(tmp_path / name / "gradebook.sqlite") as db:
            got[name] = sorted(db.execute("SELECT student, check_id, status, points, message "
                                          "FROM check_results"))
    assert got["zygote"] == got["process"] == got["own"]
    assert len(got["zygote"]) == 4 * len(load_exercise(SLUG).checks)


@pytest.mark.slow
def test_an_interrupted_run_leaves_no_sandbox_behind(tmp_path):
    import signal
    import time

    from grader.course.paths import project_root

    proc = subprocess.Popen([sys.executable, "-m", "grader.cli.main", "grade",
                             str(project_root() / "samples" / "class"), "--out",
                             str(tmp_path / "out"), "--isolation", "bwrap", "--jobs", "2",
                             "--report", "none"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    mark = f"calcgrade-class-{proc.pid}-"  # the run's scratch area, in each zygote's argv

    def zygotes() -> list[str]:
        found = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if mark in argv:
                found.append(pid)
        return found

    deadline = time.monotonic() + 120
    while not zygotes() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert zygotes(), "no zygote started"
    time.sleep(3)  # some students are in their sandboxes now
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    time.sleep(1)
    assert zygotes() == []
