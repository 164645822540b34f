"""Limits are CPU time: a saturated machine never turns correct work into a timeout,
and a real infinite loop still times out (issue 11, "load-proof limits")."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.course.paths import reference_dir
from grader.judge.engine import Submission, grade

SUBMISSIONS = Path(__file__).parent / "submissions"
HOGS_PER_CORE = 3
HOG = "import time\nend = time.monotonic() + 120\nwhile time.monotonic() < end: pass\n"


@pytest.fixture
def saturated_machine():
    """3 busy processes per core for the test's duration (each ends by itself in 2 min)."""
    hogs = [subprocess.Popen([sys.executable, "-c", HOG])
            for _ in range(HOGS_PER_CORE * (os.cpu_count() or 1))]
    time.sleep(0.5)
    try:
        yield len(hogs)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_load_changes_no_verdict(saturated_machine, tmp_path, monkeypatch):
    monkeypatch.setenv("CALCGRADE_TIME_SCALE", "0.1")  # 1 s of CPU per check
    honest = tmp_path / "honest" / "01_derivative"
    honest.mkdir(parents=True)
    shutil.copyfile(reference_dir() / "01_derivative.py", honest / "solution.py")
    started = time.monotonic()
    ok, looping = grade([Submission.from_dir(honest.parent),
                         Submission.from_dir(SUBMISSIONS / "infinite_loop")],
                        ["01_derivative"], seed=3, jobs=1)
    assert [c.id for c in ok.checks if not c.passed] == [], [c.message for c in ok.checks]
    loop = next(c for c in looping.checks if c.status == "timeout")
    assert "of CPU time" in loop.message, loop.message
    assert time.monotonic() - started < 120  # the wall backstop bounds it all


def test_a_check_that_only_waits_is_stopped_by_the_wall_backstop(tmp_path, monkeypatch):
    monkeypatch.setenv("CALCGRADE_TIME_SCALE", "0.1")  # 1 s of CPU; backstop 3 × 1 + 10 s
    folder = tmp_path / "sleeper" / "01_derivative"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(
        (reference_dir() / "01_derivative.py").read_text()
        + "\n\ndef symbolic_derivative():\n    import time\n    time.sleep(60)\n")
    started = time.monotonic()
    [res] = grade([Submission.from_dir(folder.parent)], ["01_derivative"], seed=3, jobs=1)
    check = next(c for c in res.checks if c.function == "symbolic_derivative")
    assert check.status == "timeout" and "13 s of waiting" in check.message, check.message
    assert time.monotonic() - started < 50


SPINNING_CHILD = '''

def symbolic_derivative():
    # the work is done by a process of the student's own: this one only waits for it
    import os
    import time
    pid = os.fork()
    if pid == 0:
        end = time.monotonic() + 30
        while time.monotonic() < end:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    return "3*x**2 - 4*x"
'''


def test_a_students_own_processes_count_against_the_cpu_limit(tmp_path, monkeypatch):
    """A check's CPU limit is the student's, not one process's: work handed to forked
    processes is over the limit once they have used it (once only the waiting parent was
    measured, and a fork bomb held every core until the wall backstop, 10 s and more)."""
    monkeypatch.setenv("CALCGRADE_TIME_SCALE", "0.1")  # 1 s of CPU; backstop 3 × 1 + 10 s
    folder = tmp_path / "spinner" / "01_derivative"
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(
        (reference_dir() / "01_derivative.py").read_text() + SPINNING_CHILD)
    [res] = grade([Submission.from_dir(folder.parent)], ["01_derivative"], seed=3, jobs=1)
    check = next(c for c in res.checks if c.function == "symbolic_derivative")
    # stopped on CPU ("of CPU time"), before the 13 s backstop ("of waiting")
    assert check.status == "timeout" and "of CPU time" in check.message, check.message
    others = [c for c in res.checks if c.function != "symbolic_derivative"]
    assert others and all(c.passed for c in others), [c.message for c in others if not c.passed]

