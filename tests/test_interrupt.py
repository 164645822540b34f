"""Ctrl-C during ``calcgrade grade``: a few clean lines, no traceback, and a rerun resumes.

A terminal's Ctrl-C sends SIGINT to the whole foreground process group: the batch
parent, its judges and its report renderers. The test does the same (the run is started
in a session of its own and the signal goes to the group) once the first student's
results are on disk: polled, no fixed sleep.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from grader.course.paths import reference_dir

SLUG = "01_derivative"
CALCGRADE = [sys.executable, "-m", "grader"]


def _make_class(root: Path) -> Path:
    """ann: the reference, graded first; the others take 2 s at import, so the interrupt
    lands while they are being graded."""
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    slow = ref + "\n\nimport time\ntime.sleep(5.0)\n"
    for student, text in {"ann": ref, "bob": slow, "cid": slow, "dee": slow}.items():
        (root / student / SLUG).mkdir(parents=True)
        (root / student / SLUG / "solution.py").write_text(text)
    return root


def _graded(out: Path) -> set[str]:
    with sqlite3.connect(out / "gradebook.sqlite", timeout=10) as db:
        return {s for (s,) in db.execute("SELECT DISTINCT student FROM exercise_results")}


def test_ctrl_c_prints_only_the_resume_message_and_a_rerun_resumes(tmp_path: Path) -> None:
    subs = _make_class(tmp_path / "subs")
    out = tmp_path / "out"
    argv = [*CALCGRADE, "grade", str(subs), "--out", str(out), "--exercise", SLUG,
            "--jobs", "1", "--isolation", "process", "--format", "html", "--format", "csv"]
    run = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           start_new_session=True)  # its own group, as a terminal's job
    deadline = time.monotonic() + 240
    first = out / "ann" / "results.json"
    while not first.exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert run.poll() is None, f"the run ended before it could be interrupted: {run.communicate()}"
    assert first.exists(), "no student was graded within 240 s"
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == 130, (stdout, stderr)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr, stderr
    assert len(stderr.strip().splitlines()) <= 3, stderr
    assert "interrupted: every submission graded so far is stored" in stderr
    resume = stderr.split("resume with: ", 1)[1].strip()
    assert resume.startswith("calcgrade grade ") and str(subs) in resume and str(out) in resume
    kept = _graded(out)
    assert "ann" in kept and kept != {"ann", "bob", "cid", "dee"}, kept
    # nobody's sandbox or judge outlives the run
    assert not any(p.name.isdigit() and _in_group(p, run.pid) for p in Path("/proc").iterdir())

    again = subprocess.run(argv, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    first_line = again.stdout.splitlines()[0]
    assert f"{len(kept)} unchanged (kept)" in first_line, again.stdout
    assert f"{4 - len(kept)} graded" in first_line, again.stdout
    assert _graded(out) == {"ann", "bob", "cid", "dee"}


def _in_group(proc: Path, pgid: int) -> bool:
    try:
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return int(fields[2]) == pgid and fields[0] != "Z"


def test_a_judge_ignores_ctrl_c_and_the_parent_stops_it() -> None:
    from grader.classrun.judge_server import Judge

    judge = Judge.start()
    try:
        # its own session: the terminal's Ctrl-C (sent to the foreground group) never reaches it
        assert os.getsid(judge.proc.pid) == judge.proc.pid
        ignored, deadline = 0, time.monotonic() + 60  # it ignores SIGINT once started (a hang guard)
        while not ignored & (1 << (signal.SIGINT - 1)) and time.monotonic() < deadline:
            status = Path(f"/proc/{judge.proc.pid}/status").read_text()
            ignored = int(next(x for x in status.splitlines() if x.startswith("SigIgn:")).split()[1], 16)
            time.sleep(0.02)
        assert ignored & (1 << (signal.SIGINT - 1)), "the judge does not ignore SIGINT"
        judge.proc.send_signal(signal.SIGINT)
    finally:
        judge.stop()  # closes its stdin and waits: a judge SIGINT had killed exits non-zero
    assert judge.proc.returncode == 0
