"""Sandbox servers kept ready between gradings (grader/sandbox/keeper.py).

A kept server must be as good as a fresh one: it serves the next grading of the same
kind, hides that grading's folders (sent with each student, never baked into the
server), is never handed to a grading of another kind, and is not kept at all when
keeping is off, when it died, or in a forked child.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from grader.course.paths import reference_dir
from grader.course.spec import load_exercises
from grader.judge.engine import Submission, judge_student, lay_out
from grader.judge.requests import student_request
from grader.sandbox import keeper as keeper_mod
from grader.sandbox.client import Policy, collect

SLUG = "01_derivative"
SEED = 5

SPY = '''
import json as _json
_seen = {{}}
for _name, _path in {targets!r}.items():
    try:
        with open(_path) as _f:
            _seen[_name] = "READ"
    except Exception as _exc:
        _seen[_name] = "refused"
print("SPY " + _json.dumps(_seen))
'''


@pytest.fixture
def keeping(monkeypatch):
    monkeypatch.setenv(keeper_mod.ENV, "1")
    k = keeper_mod.keeper()
    k.stop_all()
    yield k
    k.stop_all()


def _run(scratch: Path, secret: Path) -> tuple[dict, list]:
    """An honest student (s0) and a spy (s1) that tries this run's peer, this run's
    hidden folder and its own file; collected under process isolation."""
    exercises = load_exercises([SLUG])
    reference = reference_dir() / f"{SLUG}.py"
    roots = [scratch / "s0", scratch / "s1"]
    targets = {"peer": str(roots[0] / SLUG / "solution.py"), "secret": str(secret),
               "own": str(roots[1] / SLUG / "solution.py")}
    src = scratch / "in"
    (src / "honest").mkdir(parents=True)
    (src / "spy").mkdir(parents=True)
    shutil.copyfile(reference, src / "honest" / "solution.py")
    (src / "spy" / "solution.py").write_text(reference.read_text() + SPY.format(targets=targets))
    requests = []
    for i, name in enumerate(("honest", "spy")):
        sub = Submission(name, {SLUG: src / name / "solution.py"})
        requests.append(student_request(i, roots[i], exercises,
                                        lay_out(sub, [SLUG], roots[i]), SEED))
    policy = Policy(parallel=1, scratch_root=scratch, hidden=(secret.parent, src))
    raws = collect(requests, policy)
    results = [judge_student(raws[i], exercises, name=str(i), seed=SEED, isolation="process")
               for i in range(2)]
    spy = next(ln for ln in raws[1].exercises[0].import_output.splitlines() if ln.startswith("SPY "))
    return json.loads(spy[4:]), results


def _scratch(tmp_path: Path, name: str) -> tuple[Path, Path]:
    scratch = Path(tempfile.mkdtemp(prefix=f"calcgrade-keep-{name}-"))
    scratch.chmod(0o755)
    secret = tmp_path / f"secret-{name}" / "answers.txt"
    secret.parent.mkdir()
    secret.write_text("42")
    return scratch, secret


def _pids(k: keeper_mod.Keeper) -> list[int]:
    return [server.proc.pid for _, server in k._idle]


def test_a_kept_server_serves_the_next_grading_and_hides_its_folders(keeping, tmp_path):
    first, second = _scratch(tmp_path, "a"), _scratch(tmp_path, "b")
    try:
        seen, results = _run(*first)
        if seen["secret"] == "READ":
            pytest.skip("no mount namespaces here: process isolation cannot hide folders")
        assert seen == {"peer": "refused", "secret": "refused", "own": "READ"}
        assert all(r.points == r.max_points > 0 for r in results)
        kept = _pids(keeping)
        assert len(kept) == 1  # ready, idle, alive: kept instead of ended
        seen, results = _run(*second)  # other folders: hidden by the same server
        assert _pids(keeping) == kept
        assert seen == {"peer": "refused", "secret": "refused", "own": "READ"}
        assert all(r.points == r.max_points > 0 for r in results)
    finally:
        for scratch, _ in (first, second):
            shutil.rmtree(scratch, ignore_errors=True)


class _Proc:
    def __init__(self, alive: bool = True) -> None:
        self.pid, self.alive = 1, alive

    def poll(self):
        return None if self.alive else 0


class _Server:
    def __init__(self, kind, alive: bool = True) -> None:
        self.kind, self.proc = kind, _Proc(alive)


def test_the_keeper_hands_out_only_live_servers_of_the_same_kind(monkeypatch):
    stopped = []
    k = keeper_mod.Keeper(stopped.append)
    monkeypatch.setenv(keeper_mod.ENV, "1")
    a, b, dead = _Server("a"), _Server("b"), _Server("a")
    assert k.put(a) and k.put(b)
    assert k.take("c") is None and k.count() == 2  # another kind: start a fresh one
    assert k.take("a") is a and k.take("a") is None
    assert k.put(dead)
    dead.proc.alive = False  # died while kept: ended, never handed out
    assert k.take("a") is None and stopped == [dead]
    assert not k.put(_Server(None))  # a server that may not be kept (bwrap, a thread's)
    servers = [_Server(n) for n in range(keeper_mod.MAX_IDLE + 2)]
    for s in servers:
        k.put(s)
    assert k.count() == keeper_mod.MAX_IDLE and stopped[-3:] == [b, *servers[:2]]  # oldest first


def test_nothing_is_kept_when_keeping_is_off_or_in_a_forked_child(monkeypatch):
    k = keeper_mod.Keeper(lambda s: None)
    monkeypatch.setenv(keeper_mod.ENV, "0")
    assert not k.put(_Server("a")) and k.count() == 0
    monkeypatch.setenv(keeper_mod.ENV, "1")
    k._pid = os.getpid() + 1  # as a forked child sees its parent's keeper
    assert not k.enabled() and not k.put(_Server("a")) and k.take("a") is None


def test_with_keeping_off_a_grading_ends_its_server(monkeypatch, tmp_path):
    monkeypatch.setenv(keeper_mod.ENV, "0")
    k = keeper_mod.keeper()
    k.stop_all()
    scratch, secret = _scratch(tmp_path, "off")
    try:
        _run(scratch, secret)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    assert k.count() == 0


# -- judges kept between class runs (grader/classrun/judge_server.py) ----------------------

@pytest.fixture
def judges_kept(monkeypatch):
    """Keeping on, no judge kept yet; every judge started is counted."""
    from grader.classrun import judge_server

    monkeypatch.setenv(keeper_mod.ENV, "1")
    kept = judge_server.judge_keeper()
    kept.stop_all()
    started = []
    real = judge_server.Judge.start.__func__

    def counting(cls, kind=None):
        started.append(kind)
        return real(cls, kind)
    monkeypatch.setattr(judge_server.Judge, "start", classmethod(counting))
    yield kept, started
    kept.stop_all()


def _class(root: Path, students: dict[str, str]) -> Path:
    for student, source in students.items():
        (root / student / SLUG).mkdir(parents=True)
        (root / student / SLUG / "solution.py").write_text(source)
    return root


def _points(out: Path) -> dict[str, float]:
    return {p.parent.name: json.loads(p.read_text())["totals"]["points"]
            for p in out.glob("*/results.json")}


def test_a_kept_judge_judges_the_next_class_run_alike_and_a_changed_course_gets_a_fresh_one(
        judges_kept, tmp_path):
    from grader.classrun.grade import grade_class

    kept, started = judges_kept
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    wrong = ref + "\n\ndef symbolic_derivative():\n    import sympy\n    return sympy.Symbol('x')\n"
    subs = _class(tmp_path / "subs", {"ada": ref, "bo": wrong})
    kw = dict(slugs=[SLUG], seed=SEED, jobs=1, isolation="process", reports=())
    grade_class(subs, tmp_path / "one", **kw)
    assert len(started) == 1 and kept.count() == 1   # started on this thread, then kept
    grade_class(subs, tmp_path / "two", **kw)
    assert len(started) == 1 and kept.count() == 1   # the kept judge judged the second run
    assert _points(tmp_path / "one") == _points(tmp_path / "two")
    one = _points(tmp_path / "one")
    assert one["ada"] > one["bo"]
    # started from another working folder, one holding a module that would shadow
    # NumPy's: the kept judge judges it (a judge's folder is the grader's own), alike
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "numpy.py").write_text("raise ImportError('not the real numpy')\n")
    here = os.getcwd()
    os.chdir(elsewhere)
    try:
        grade_class(subs, tmp_path / "elsewhere_out", **kw)
    finally:
        os.chdir(here)
    assert len(started) == 1 and kept.count() == 1
    assert _points(tmp_path / "elsewhere_out") == one
    # what a judge inherits changes (here a setting of the environment): a fresh judge
    os.environ["CALCGRADE_TIME_SCALE"] = "1.0"
    try:
        grade_class(subs, tmp_path / "three", **kw)
    finally:
        del os.environ["CALCGRADE_TIME_SCALE"]
    assert len(started) == 2 and started[0] != started[1]
    assert _points(tmp_path / "three") == one


def test_judges_are_not_kept_when_keeping_is_off(judges_kept, tmp_path, monkeypatch):
    from grader.classrun.grade import grade_class

    kept, started = judges_kept
    monkeypatch.setenv(keeper_mod.ENV, "0")
    subs = _class(tmp_path / "subs", {"ada": (reference_dir() / f"{SLUG}.py").read_text()})
    grade_class(subs, tmp_path / "out", slugs=[SLUG], seed=SEED, jobs=1, isolation="process",
                reports=())
    assert started == [None] and kept.count() == 0  # started by its thread, stopped at the end
    assert _points(tmp_path / "out") == {"ada": 11.0}


def test_judge_kind_covers_the_course_files(tmp_path, monkeypatch):
    from tiny_course import make_course

    from grader.classrun.judge_server import judge_kind

    course = make_course(tmp_path / "course")
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))
    before = judge_kind()
    monkeypatch.setenv("PYTEST_CURRENT_TEST", "another test")
    assert judge_kind() == before  # pytest's per-test marker is not a setting
    checks = course / "exercises" / "01_tiny" / "checks.py"
    checks.write_text(checks.read_text() + "\n# fixed\n")
    assert judge_kind() != before


def test_a_kept_server_serves_every_exercise_of_its_course(keeping, tmp_path, monkeypatch):
    """A server that may be kept serves the whole course: after a grading of 01, a
    grading of 02 takes the same server, which loads 02 then (one server per exercise had
    started one each);
    an exercise whose checks.py is broken costs the others nothing."""
    from tiny_course import make_course

    from grader.judge.engine import grade

    course = make_course(tmp_path / "course")
    (course / "exercises" / "03_broken").mkdir()
    (course / "exercises" / "03_broken" / "checks.py").write_text("raise RuntimeError('typo')\n")
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))
    refs = {slug: course / "reference" / f"{slug}.py" for slug in ("01_tiny", "02_half")}
    first = grade([Submission("ann", {"01_tiny": refs["01_tiny"]}, ["01_tiny"])], ["01_tiny"],
                  seed=SEED)
    kept = _pids(keeping)
    assert len(kept) == 1 and first[0].points == first[0].max_points == 3
    second = grade([Submission("bo", {"02_half": refs["02_half"]}, ["02_half"])], ["02_half"],
                   seed=SEED)
    assert _pids(keeping) == kept and second[0].points == second[0].max_points == 2


def test_a_server_loads_an_exercise_when_its_first_student_comes(tmp_path, monkeypatch):
    """What a server imports before forking students is its exercises' ``preload``; a kept
    server started for one exercise loads another's (checks and preloads) when that
    exercise's first student comes, once, instead of preloading the whole course at its
    start (07's and 08's SciPy optimiser cost every server ~0.55 s, whatever it graded)."""
    import sys

    from tiny_course import make_course

    from grader.sandbox.server import _slugs_of, load_exercises

    course = make_course(tmp_path / "course")
    checks = course / "exercises" / "02_half" / "checks.py"
    probe = f"calcgrade_probe_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{probe}.py").write_text("LOADED = True\n")
    checks.write_text(checks.read_text().replace('preload=("numpy",)', f'preload=("numpy", "{probe}")'))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("CALCGRADE_ROOT", str(course))
    loaded: set[str] = set()
    load_exercises(["01_tiny"], loaded)
    assert loaded == {"01_tiny"} and probe not in sys.modules
    student = {"exercises": [{"slug": "01_tiny"}, {"slug": "02_half", "kind": "checks"},
                             {"kind": "bench", "runnables": []}]}
    assert _slugs_of(student) == ["01_tiny", "02_half"]
    assert load_exercises(_slugs_of(student), loaded) is True
    assert loaded == {"01_tiny", "02_half"} and probe in sys.modules
    assert load_exercises(_slugs_of(student), loaded) is False  # once
    assert _slugs_of({"exercises": "nonsense"}) == []
    sys.modules.pop(probe, None)
