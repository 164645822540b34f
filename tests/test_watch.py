"""`calcgrade watch`: a save re-grades in the warm sandbox and the new verdict is shown.

No test here times anything: the timeouts only stop a hang. How fast a save shows its
result is measured by `benchmarks/bench_cli.py` (written in benchmarks/RESULTS.md).
"""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from grader.cli.watch import Watcher

ROOT = Path(__file__).resolve().parent.parent
SLUG = "01_derivative"
WRONG_RATE = '''

def rate_of_change(f, x, dx=1e-6):
    return 0 * x  # not started properly
'''


def _reference(folder: Path, extra: str = "") -> Path:
    path = folder / SLUG / "solution.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text((ROOT / "reference" / f"{SLUG}.py").read_text() + extra)
    return path


class _Lines:
    """The watch process's stdout, line by line, read from the raw pipe."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc, self.buffer, self.seen = proc, b"", []

    def until(self, wanted: str, timeout: float = 600.0) -> str:
        deadline = time.monotonic() + timeout  # a hang guard, not a measurement
        fd = self.proc.stdout.fileno()
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                text = line.decode()
                self.seen.append(text)
                if wanted in text:
                    return text
            left = deadline - time.monotonic()
            assert left > 0, f"watch never printed {wanted!r}; it printed: {self.seen[-20:]}"
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                assert chunk, f"watch ended; it printed: {self.seen[-20:]}"
                self.buffer += chunk


def test_a_save_from_wrong_to_right_changes_the_verdict(tmp_path):
    path = _reference(tmp_path, WRONG_RATE)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader", "watch", SLUG, "--submission", str(tmp_path),
         "--seed", "3", "--function", "rate_of_change", "--quiet", "--interval", "0.05"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = _Lines(proc)
    try:
        first = lines.until(SLUG)
        assert first.startswith(f"FAIL  {SLUG}")  # the wrong rate_of_change
        lines.until("Score:")
        path.write_text((ROOT / "reference" / f"{SLUG}.py").read_text())  # now right
        assert "01_derivative changed" in lines.until("changed")
        again = lines.until(SLUG)
        assert again.startswith(f"PASS  {SLUG}") and "checks pass" in again
        score = lines.until("Score:")
        points, total = score.split()[1].split("/")
        assert points == total
        proc.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0
    assert b"stopped watching" in err and b"Traceback" not in err
    assert f"watching {tmp_path}".encode() in err


def test_only_a_real_change_of_content_counts(tmp_path):
    path = _reference(tmp_path)
    watcher = Watcher(tmp_path, [SLUG, "02_antiderivative"])
    assert watcher.changed() == []
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10_000_000))  # touched only
    assert watcher.changed() == []
    path.write_text(path.read_text() + "\n# edited\n")
    assert watcher.changed() == [SLUG]
    assert watcher.changed() == []
    (tmp_path / SLUG / "helpers.py").write_text("X = 1\n")  # a helper file counts too
    assert watcher.changed() == [SLUG]
    (tmp_path / "02_antiderivative").mkdir()
    (tmp_path / "02_antiderivative" / "solution.py").write_text("")  # a new exercise file
    assert watcher.changed() == ["02_antiderivative"]


@pytest.mark.slow
def test_the_session_keeps_one_server_and_every_run_is_fresh(tmp_path):
    """One warm server for every run; a run cannot leave anything to the next one (its
    module-level state, here a counter kept in the json module, starts over)."""
    from grader.judge.session import WatchSession

    leaky = '''
import json
json._calcgrade_runs = getattr(json, "_calcgrade_runs", 0) + 1

def rate_of_change(f, x, dx=1e-6):
    import json
    if json._calcgrade_runs > 1:
        raise RuntimeError("state survived from an earlier run")
    return (f(x + dx) - f(x - dx)) / (2 * dx)
'''
    path = _reference(tmp_path, leaky)
    with WatchSession(tmp_path, [SLUG], 5, function="rate_of_change") as session:
        first = session.grade()
        pid = session.servers[0].proc.pid
        path.write_text(path.read_text() + "\n")
        second = session.grade()
        assert [s.proc.pid for s in session.servers] == [pid]  # the same warm server
        path.write_text(path.read_text().replace("(2 * dx)", "dx"))  # now wrong
        third = session.grade()
        server = session.servers[0].proc
    assert server.poll() is not None  # closed: the server is gone
    assert first.all_passed and second.all_passed, [c.message for c in second.checks]
    assert not third.all_passed
    assert {c.function for c in third.checks} == {"rate_of_change"}


def _statuses(results) -> dict[str, str]:
    return {c.id: c.status for c in results.checks}


@pytest.mark.slow
def test_a_rerun_gives_checks_verdicts_with_the_variant_and_the_answers(tmp_path):
    """variant.toml active and answers.toml judged, as `check` does on the same folder; a
    save of either re-grades (the Watcher sees them) with the new numbers."""
    from grader.course.variants import params_from_code, spec_for, student_code
    from grader.judge import variant_families as cubic
    from grader.judge.engine import Submission, grade
    from grader.judge.session import WatchSession

    ada = student_code(b"k" * 32, "ada", SLUG)
    derivative = str(cubic.derivative(params_from_code(spec_for(SLUG), ada)))
    path = _reference(tmp_path, f"\n\ndef symbolic_derivative():\n    return {derivative!r}\n")
    folder = path.parent
    (folder / "answers.toml").write_text('purpose = "b"\nslope_at_2 = 4\nwhy_central = "x"\n')
    watcher = Watcher(tmp_path, [SLUG])
    with WatchSession(tmp_path, [SLUG], 5) as session:
        lesson = session.grade()
        (folder / "variant.toml").write_text(f'code = "{ada}"\n')
        assert watcher.changed() == [SLUG]  # a save of variant.toml re-grades
        mine = session.grade()
        (folder / "answers.toml").write_text('purpose = "a"\nslope_at_2 = 4\nwhy_central = "x"\n')
        assert watcher.changed() == [SLUG]
        answered = session.grade()
    check, = grade([Submission.from_dir(tmp_path)], [SLUG], seed=5)
    assert _statuses(answered) == _statuses(check)  # the same verdicts as `check`
    assert answered.exercises[0].variant == check.exercises[0].variant == {"code": ada}
    ids = _statuses(mine)
    assert ids[f"{SLUG}/symbolic_derivative"] == "passed"  # Ada's own derivative
    assert _statuses(lesson)[f"{SLUG}/symbolic_derivative"] == "failed"  # not the lesson's
    assert lesson.exercises[0].variant is None
    slope = next(k for k in ids if k.endswith("slope_at_2"))
    assert _statuses(lesson)[slope] == "passed" and ids[slope] == "failed"  # 4 is the lesson's
    purpose = next(k for k in ids if k.endswith("/purpose"))
    assert ids[purpose] == "passed" and _statuses(answered)[purpose] == "failed"


# -- the session's compile cache ------------------------------------------------------------

CACHE_SPY = '''
import jax as _jax
import os as _os

_cache = _jax.config.jax_compilation_cache_dir
print("CACHE", _cache, sorted(n for n in _os.listdir(_cache) if n.startswith("marker-")))
with open(_os.path.join(_cache, "marker-{name}"), "w") as _f:
    _f.write("left by {name}")
'''


@pytest.mark.slow
def test_a_rerun_compiles_nothing_again_and_the_cache_is_the_students_own(tmp_path):
    """JAX's compiled programs of a session's student are kept between its runs (a save
    that changes nothing JAX compiles finds every program there), in a folder of that
    session's own: another student's session does not see it, and it goes with the
    session. A class run has none (its Policy never sets one)."""
    from grader.judge.session import WatchSession
    from grader.sandbox.client import Policy

    ada, bo = tmp_path / "ada", tmp_path / "bo"
    path = _reference(ada, CACHE_SPY.format(name="ada"))
    _reference(bo, CACHE_SPY.format(name="bo"))
    with WatchSession(ada, [SLUG], 5, function="autodiff_derivative") as session:
        cache = session.policy.compile_cache
        first = session.grade()
        programs = {p.name for p in cache.iterdir() if p.name.endswith("-cache")}
        path.write_text(path.read_text() + "\n# a save that changes no program\n")
        second = session.grade()
        again = {p.name for p in cache.iterdir() if p.name.endswith("-cache")}
        with WatchSession(bo, [SLUG], 5, function="autodiff_derivative") as other:
            theirs = other.grade()
            bos = other.policy.compile_cache
            assert bos != cache
            assert sorted(p.name for p in bos.iterdir() if p.name.startswith("marker-")) \
                == ["marker-bo"]
        assert sorted(p.name for p in cache.iterdir() if p.name.startswith("marker-")) \
            == ["marker-ada"]  # ada's runs share it; bo's never reached it
    assert first.all_passed and second.all_passed and theirs.all_passed
    assert programs and again == programs  # nothing compiled anew: every program was found
    assert not cache.exists() and not bos.exists()  # gone with the sessions
    assert Policy().compile_cache is None


def test_the_cache_is_emptied_when_it_outgrows_its_limit(tmp_path):
    from grader.judge.session import _trim

    (tmp_path / "a-cache").write_bytes(b"x" * 600)
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "deep").write_bytes(b"y" * 600)
    _trim(tmp_path, limit=2000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-cache", "nested"]
    _trim(tmp_path, limit=1000)  # the nested file counts too
    assert list(tmp_path.iterdir()) == []
    _trim(None)  # a session without a cache


def test_trimming_never_follows_what_the_student_planted(tmp_path):
    """The student's code may leave symlinks in its cache folder: the trusted side counts
    and removes the links, never what they point to."""
    from grader.judge.session import _trim

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big").write_bytes(b"z" * 5000)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "to-dir").symlink_to(outside, target_is_directory=True)
    (cache / "to-file").symlink_to(outside / "big")
    (cache / "entry-cache").write_bytes(b"x" * 10)
    _trim(cache, limit=1000)  # the links' targets do not count: under the limit
    assert sorted(p.name for p in cache.iterdir()) == ["entry-cache", "to-dir", "to-file"]
    (cache / "entry-cache").write_bytes(b"x" * 2000)
    _trim(cache, limit=1000)
    assert list(cache.iterdir()) == []
    assert (outside / "big").read_bytes() == b"z" * 5000  # untouched


PLANT = '''
import jax as _jax
import os as _os

_cache = _jax.config.jax_compilation_cache_dir
_link = _os.path.join(_cache, "escape")
if not _os.path.lexists(_link):
    _os.symlink({victim!r}, _link)  # the first run plants it
else:
    try:  # the next run writes through it
        with open(_os.path.join(_link, "owned"), "w") as _f:
            _f.write("written from the sandbox")
        print("ESCAPED")
    except OSError as _exc:
        print("REFUSED", type(_exc).__name__)
'''


@pytest.mark.slow
def test_a_link_planted_in_the_cache_reaches_nothing_outside(tmp_path):
    """The one folder a watch run may write to that outlives it: a symlink planted there
    leads the next run nowhere (outside the cache, the sandbox is read-only or hidden),
    and the session's cleanup removes the link, not what it points to."""
    import shutil
    import tempfile

    from grader.judge.session import WatchSession

    # a folder anyone may write to, outside pytest's private temp folders: only the
    # sandbox's read-only view can stop the write, not the permissions
    victim = Path(tempfile.mkdtemp(prefix="calcgrade-victim-"))
    victim.chmod(0o777)
    (victim / "keep").write_text("mine")
    student = tmp_path / "student"
    path = _reference(student, PLANT.format(victim=str(victim)))
    with WatchSession(student, [SLUG], 5, function="rate_of_change") as session:
        first = session.grade()
        assert (session.policy.compile_cache / "escape").is_symlink()
        path.write_text(path.read_text() + "\n")
        second = session.grade()
    try:
        assert first.all_passed and second.all_passed
        assert sorted(p.name for p in victim.iterdir()) == ["keep"]  # nothing written there
        assert (victim / "keep").read_text() == "mine"  # and nothing removed
    finally:
        shutil.rmtree(victim, ignore_errors=True)
