"""Shared fixtures: paths into the project, a way to grade folders in one batch, the
whole-course selftest shared per seed, and the suite's layout on pytest-xdist workers.

Under ``-n N`` (``--dist loadgroup``, set in pyproject.toml) every test that uses a
module-scoped fixture is sent to one worker with the rest of its module's users, so an
expensive fixture (a batch grading, a class run) is computed once per run, not once per
worker (a test may also name its group with ``pytest.mark.xdist_group``, as
test_cases.py does for each exercise's batch); slow tests are handed out first, so no worker is left alone with one at the end.
"""
from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
# the in-process tests judge as check's trusted side does: with the grading compiler
# flags (half the compile time of XLA's defaults; grader/sandbox/xla.py)
from grader.sandbox.xla import use_grading_compiler  # noqa: E402

use_grading_compiler()
if os.environ.get("PYTEST_XDIST_WORKER"):
    # every core already runs a test: one sandbox server per grading, not one per core
    # (a second server's ~1.5 s of imports per call is pure overhead then); tests that
    # need several say --jobs / Policy(parallel=) themselves
    os.environ.setdefault("CALCGRADE_JOBS", "1")
# a test process grades hundreds of times: its sandbox servers are kept ready between
# gradings instead of importing NumPy, SymPy and JAX again each time (grader/sandbox/keeper.py)
os.environ.setdefault("CALCGRADE_KEEP_SERVERS", "1")
os.environ.setdefault("CALCGRADE_CHECK_SERVER", "0")  # tests/test_check_server.py turns it on


@pytest.fixture(autouse=True)
def _ctrl_c_is_ours(request):
    """Every test starts and ends with Ctrl-C as Python sets it up (the default handler,
    SIGINT not blocked): a disposition or mask left by a fixture or a library in this
    process would be inherited by the CLI processes later tests start and silently
    swallow their Ctrl-C (seen: the Ctrl-C tests failing only in the whole suite). What
    was changed is put back, and named (``CALCGRADE_SIGNAL_LOG``, if set)."""
    _restore_ctrl_c(f"before {request.node.nodeid}")
    yield
    _restore_ctrl_c(f"during {request.node.nodeid}")


def _restore_ctrl_c(when: str) -> None:
    import signal

    handler = signal.getsignal(signal.SIGINT)
    blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])
    if handler is signal.default_int_handler and not blocked:
        return
    if os.environ.get("CALCGRADE_SIGNAL_LOG"):
        with open(os.environ["CALCGRADE_SIGNAL_LOG"], "a", encoding="utf-8") as log:
            log.write(f"{when}: SIGINT handler {handler!r}, blocked {blocked}\n")
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def overlay(slug: str, extra: Path, dest: Path) -> Path:
    """A submission folder whose <slug>/solution.py is the reference plus ``extra``."""
    target = dest / slug / "solution.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    base = (ROOT / "reference" / f"{slug}.py").read_text()
    target.write_text(f"{base}\n\n# --- override ---\n{extra.read_text()}\n")
    return dest


# -- the whole-course selftest, once per seed per run -------------------------------------

@dataclass(frozen=True)
class SelftestRun:
    """What ``calcgrade selftest --seed SEED`` (every exercise) printed and returned."""

    seed: int
    returncode: int
    stdout: str
    stderr: str

    def lines_for(self, slug: str) -> list[str]:
        """The verdict lines about exercise ``slug`` (reference, stub, each mistake), with
        the problem lines printed under a failing one."""
        out: list[str] = []
        mine = False
        for line in self.stdout.splitlines():
            if line.startswith(("ok  ", "FAIL")):
                words = line.split()
                mine = len(words) > 2 and words[2].split(":")[0] == slug
            elif not line.startswith("        "):
                mine = False
            if mine:
                out.append(line)
        return out

    def failures_for(self, slugs: list[str]) -> list[str]:
        """Every failing verdict (and its problems) about the given exercises."""
        bad = []
        for slug in slugs:
            lines = self.lines_for(slug)
            if not lines:
                bad.append(f"{slug}: no selftest lines at all")
            failing = False
            for line in lines:
                if line.startswith(("ok  ", "FAIL")):
                    failing = line.startswith("FAIL")
                if failing:
                    bad.append(line)
        return bad


def _run_selftest(seed: int) -> SelftestRun:
    import inprocess  # tests/ is on sys.path

    proc = inprocess.calcgrade(["selftest", "--seed", str(seed)], cwd=ROOT)
    return SelftestRun(seed, proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="session")
def whole_course_selftest(tmp_path_factory):
    """``whole_course_selftest(seed)``: the selftest of every exercise at ``seed``, run once
    per seed for the whole test run (shared by the xdist workers through a locked file in
    the run's base temporary folder) however many tests ask for it."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    memo: dict[int, SelftestRun] = {}

    def get(seed: int) -> SelftestRun:
        if seed in memo:
            return memo[seed]
        cache = shared / f"calcgrade-selftest-{seed}.json"
        with open(shared / f"calcgrade-selftest-{seed}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # one worker runs it, the others read it
            if cache.is_file():
                run = SelftestRun(**json.loads(cache.read_text()))
            else:
                run = _run_selftest(seed)
                cache.write_text(json.dumps(run.__dict__))
        memo[seed] = run
        return run

    return get


# -- the layout on xdist workers ----------------------------------------------------------

def _module_fixtures(item: pytest.Item) -> list[str]:
    """The module-scoped fixtures defined in the test's own module that it uses."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return []
    names = []
    for name in item.fixturenames:
        defs = info.name2fixturedefs.get(name)
        if defs and defs[-1].scope == "module":
            names.append(name)
    return sorted(names)


SHARED_SESSION_FIXTURES = ("whole_course_selftest",)


def _set_group(item: pytest.Item, group: str) -> None:
    """What xdist's own hook does for an ``xdist_group`` mark: the group after an ``@`` in
    the node id the worker reports (xdist 3.8 writes ``item._nodeid``, which pytest 9 no
    longer reads, so its ``--dist loadgroup`` silently distributes every test alone)."""
    if "@" in item.nodeid:
        return  # xdist did it
    new = f"{item.nodeid}@{group}"
    if hasattr(item, "_id"):  # pytest >= 9: a NodeId, parsed back from its string form
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(new)
    else:  # pragma: no cover - older pytest (where xdist's hook works anyway)
        item._nodeid = new


@pytest.hookimpl(trylast=True)  # after deselection (-k, -m) and after xdist's own hook
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return  # one process: the collection order, every module's fixtures set up once
    for item in items:
        shared = [n for n in SHARED_SESSION_FIXTURES if n in item.fixturenames]
        marked = item.get_closest_marker("xdist_group")  # a group the test names itself
        group = (marked.args[0] if marked and marked.args else
                 "session-" + "-".join(shared) if shared else
                 getattr(item, "module", None) and _module_fixtures(item) and item.module.__name__)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
        if group and config.getvalue("loadgroup"):
            _set_group(item, group)

    # handed out in this order (pyproject: --no-loadscope-reorder): slow tests first, then
    # the groups (each a batch fixture), then the many quick tests to fill in the gaps
    def cost(item: pytest.Item) -> int:
        if item.get_closest_marker("slow"):
            return 0
        return 1 if item.get_closest_marker("xdist_group") else 2

    items.sort(key=cost)
