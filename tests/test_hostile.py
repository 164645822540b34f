"""Hostile submissions graded in one batch with honest ones (``tests/hostile/<case>/``).

Each hostile case is an honest 01_derivative with one attack. It must lose only its own
points, with a clear message; the honest students in the same batch must get exactly the
grades they get alone; nothing may be written outside RESULTS and the scratch area; no
network; no reference. Run in "process" isolation and, where bubblewrap works, "bwrap".

The filesystem, network and reference cases rely on isolation that process mode only
has as root (see grader/sandbox_harden.py); where a forked child does not get it, those
assertions are skipped (and a separate test fails if root does not get it).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import inprocess
import pytest
from listener import Listener

from grader.course.paths import project_root, reference_dir
from grader.sandbox.isolation import bwrap_problem

HOSTILE = Path(__file__).parent / "hostile"
SLUG = "01_derivative"
MARKERS = ("calcgrade-hostile-marker", "calcgrade-hostile-code-ran")

# case -> (attacked function or None for all, allowed statuses, words in the message)
EXPECTED: dict[str, tuple[str | None, set[str], str]] = {
    "infinite_loop": ("symbolic_derivative", {"timeout"}, "did not finish within"),
    "fork_bomb": ("symbolic_derivative", {"timeout", "error"}, ""),
    "thread_bomb": ("symbolic_derivative", {"error", "timeout"}, ""),
    "memory_bomb": ("rate_of_change", {"error"}, "memory"),
    "os_exit": ("rate_of_change", {"error"}, "exited with code 0"),
    "sys_exit_at_import": (None, {"error"}, "sys.exit()"),
    "segfault": ("rate_of_change", {"error"}, "SIGSEGV"),
    "output_flood": ("symbolic_derivative", {"error"}, "output"),
    "monkeypatch_libraries": ("symbolic_derivative", {"failed"}, "differs"),
    "lying_objects": ("symbolic_derivative", {"failed"}, "returned a Liar"),
    "nan_inf": ("rate_of_change", {"failed"}, "NaN or infinite"),
    "huge_array": ("rate_of_change", {"failed"}, "more than"),
    "code_in_answer": ("symbolic_derivative", {"failed"}, "double underscores"),
    "read_reference_relative": ("symbolic_derivative", {"failed"}, "differs"),
    "read_reference_absolute": ("symbolic_derivative", {"failed"}, "differs"),
    "network_socket": ("symbolic_derivative", {"failed"}, "differs"),
    "write_outside": (None, {"passed"}, ""),
    "undo_sandbox": ("symbolic_derivative", {"failed"}, "differs"),
}
NEEDS_ISOLATION = {"read_reference_relative", "read_reference_absolute", "network_socket",
                   "write_outside", "undo_sandbox"}
# the attack leaves the rest of the submission alone: every other check must pass
CONTAINED = {"infinite_loop", "fork_bomb", "memory_bomb", "os_exit", "segfault",
             "output_flood", "huge_array", "code_in_answer", "read_reference_relative",
             "read_reference_absolute", "network_socket", "undo_sandbox"}


def test_every_case_has_an_expectation():
    assert sorted(p.name for p in HOSTILE.iterdir() if p.is_dir() and p.name != "runtime") == sorted(EXPECTED)


_PROBE = """
import json, os, sys, tempfile
from pathlib import Path
from grader.sandbox import harden
work = Path(tempfile.mkdtemp())
hidden = Path(sys.argv[1])
pid_ns = harden.isolate(work, keep=[], hidden=[hidden])
pid = os.fork()
if pid == 0:
    harden.lock_down(pid_init=pid_ns)
    seen = sorted(os.listdir(hidden))
    print(json.dumps({"applied": harden.applied(), "problems": harden.problems(),
                      "me": os.getpid(), "hidden_seen": seen}))
    os._exit(0)
os.waitpid(pid, 0)
"""


def _process_hardening() -> tuple[list[str], str]:
    """What a student's process gets from :func:`grader.sandbox.harden.isolate` on this
    machine (in a fresh interpreter), and why not more."""
    secret = Path(tempfile.mkdtemp())
    (secret / "answers.txt").write_text("hidden")
    out = subprocess.run([sys.executable, "-c", _PROBE, str(secret)], capture_output=True,
                         text=True, timeout=60, check=True).stdout
    found = json.loads(out)
    shutil.rmtree(secret)
    if "mountns" in found["applied"]:
        assert found["hidden_seen"] == [], found
    if "pidns" in found["applied"]:
        assert found["me"] == 1, found  # the namespace's init: nothing else is visible
    return found["applied"], "; ".join(found["problems"])


def _machine_allows_namespaces() -> bool:
    """util-linux's ``unshare`` (independent of calcgrade) can make the namespaces and
    mount a tmpfs there: directly as root, or through a user namespace."""
    if shutil.which("unshare") is None:
        return False
    script = "mount -t tmpfs none /mnt"
    for flags in (["-m", "-n"], ["-U", "-r", "-m", "-n"]):
        proc = subprocess.run(["unshare", *flags, "sh", "-c", script], capture_output=True)
        if proc.returncode == 0:
            return True
    return False


def test_root_gets_private_namespaces_in_process_mode():
    """Where the machine allows namespaces, a root grader's forked child gets them, with
    or without CAP_SYS_ADMIN (a container's root falls back to a user namespace)."""
    applied, problems = _process_hardening()
    if os.geteuid() != 0:
        pytest.skip("process-mode namespaces are only made as root")
    if not _machine_allows_namespaces():
        pytest.skip(f"this machine allows no mount/network namespaces ({problems})")
    assert {"netns", "mountns", "pidns", "proc", "nocaps"} <= set(applied), (applied, problems)


def _fill(path: Path, blank: str, value: str) -> None:
    """Write into a hostile file what only the test knows (a port, this checkout's path)."""
    text = path.read_text()
    assert blank in text, (path, blank)
    path.write_text(text.replace(blank, value, 1))


def _honest(root: Path) -> None:
    ref = (reference_dir() / f"{SLUG}.py").read_text()
    mistake = (reference_dir() / "mistakes" / SLUG / "integrated.py").read_text()
    for student, text in {"honest_ada": ref, "honest_cho": ref + "\n\n" + mistake}.items():
        (root / student / SLUG).mkdir(parents=True)
        (root / student / SLUG / "solution.py").write_text(text)


def _grade(subs: Path, out: Path, isolation: str, here: bool = False
           ) -> subprocess.CompletedProcess:
    """``calcgrade grade``: in a process of its own (a class with attacks in it), or
    ``here`` (tests/inprocess.py)."""
    args = ["grade", str(subs), "--out", str(out), "--exercise", SLUG, "--jobs", "2",
            "--isolation", isolation, "--report", "none", "--seed", "7"]  # one seed: comparable
    # the loops and bombs spend 0.1 × their limits (the honest checks take well under
    # that: the references pass every check at 0.1, tests/test_isolation.py)
    env = {**os.environ, "CALCGRADE_TIME_SCALE": "0.1"}
    if here:
        return inprocess.calcgrade(args, env=env)
    return subprocess.run([sys.executable, "-m", "grader", *args],
                          capture_output=True, text=True, timeout=900, env=env)


def _rows(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return list(db.execute("SELECT student, check_id, status, points, message "
                               "FROM check_results ORDER BY student, check_id"))


def _tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _markers_under(*roots: Path) -> list[Path]:
    """Marker files under ``roots``; folders other runs remove meanwhile are skipped."""
    found = []
    for root in roots:
        for folder, _, files in os.walk(root):  # os.walk ignores vanished folders
            found += [Path(folder) / name for name in MARKERS if name in files]
    return found


@pytest.mark.slow
@pytest.mark.parametrize("isolation", ["process", "bwrap"])
def test_hostile_batch(tmp_path, isolation):
    if isolation == "bwrap" and bwrap_problem():
        pytest.skip(bwrap_problem())
    isolated = isolation == "bwrap" or {"netns", "mountns"} <= set(_process_hardening()[0])
    subs = tmp_path / "class"
    shutil.copytree(HOSTILE, subs, ignore=shutil.ignore_patterns("runtime"))  # its own suite
    _honest(subs)
    listener = Listener()
    _fill(subs / "network_socket" / SLUG / "solution.py", "PORT = 0", f"PORT = {listener.port}")
    for case in ("read_reference_absolute", "undo_sandbox"):  # this checkout's, wherever it is
        _fill(subs / case / SLUG / "solution.py", 'REFERENCE = ""',
              f"REFERENCE = {str(reference_dir())!r}")
    before = _tree_digest(subs)
    for stale in _markers_under(Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")):
        stale.unlink()
    try:
        proc = _grade(subs, tmp_path / "out", isolation)
    finally:
        listener.close()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"isolation {isolation}" in proc.stdout
    rows = _rows(tmp_path / "out")

    # the honest students: exactly the grades they get alone
    alone = tmp_path / "alone"
    _honest(alone)  # honest students only: graded as the console script does, in this process
    assert _grade(alone, tmp_path / "out_alone", isolation, here=True).returncode == 0
    honest = [r for r in rows if r[0].startswith("honest_")]
    assert honest == _rows(tmp_path / "out_alone")
    assert sum(r[3] for r in honest if r[0] == "honest_ada") == 11

    # each hostile case loses only its own points, with a clear message
    for case, (function, statuses, words) in EXPECTED.items():
        if case in NEEDS_ISOLATION and not isolated:
            continue
        mine = [r for r in rows if r[0] == case]
        assert mine, case
        hit = [r for r in mine if function is None or r[1].split("/")[1] == function]
        for _, check_id, status, points, message in hit:
            assert status in statuses, (case, check_id, status, message)
            assert words in message, (case, check_id, message)
            assert "Traceback" not in message
        if case in CONTAINED:
            others = [r for r in mine if r not in hit]
            assert others and all(r[2] == "passed" for r in others), (case, others)

    # no network, nothing written outside RESULTS and the scratch area
    if isolated:
        assert listener.connections == 0
        assert _markers_under(Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"),
                              project_root(), tmp_path) == []
        assert _tree_digest(subs) == before
    out_rows = [r for r in rows if r[0] == "output_flood"]
    assert all(len(r[4]) < 3000 for r in out_rows)
    # every worker's cgroup was emptied and removed (live ones belong to other runs)
    leftovers = [d for d in Path("/sys/fs/cgroup/pids").glob("calcgrade-worker-*")
                 if not Path("/proc", d.name.rsplit("-", 1)[1]).exists()]
    assert leftovers == []


# -- an instructor who is not root, without bubblewrap ---------------------------------

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]


def _as_nobody_argv() -> tuple[list[str], dict[str, str]] | None:
    """How to run calcgrade as an unprivileged user here: this Python's version from
    /usr/bin with this checkout and its installed packages on PYTHONPATH (a virtual
    environment's interpreter may live where that user cannot reach). None if not."""
    python = Path(f"/usr/bin/python{sys.version_info[0]}.{sys.version_info[1]}")
    if os.geteuid() != 0 or shutil.which("setpriv") is None or not python.is_file():
        return None
    import site

    env = {**os.environ, "HOME": "/tmp",
           "PYTHONPATH": os.pathsep.join([str(project_root()), *site.getsitepackages()])}
    argv = [*NOBODY, str(python)]
    ok = subprocess.run([*argv, "-c", "import grader.cli.main, jax, sympy"], env=env,
                        capture_output=True, timeout=120)
    return (argv, env) if ok.returncode == 0 else None


@pytest.mark.slow
def test_not_root_a_class_run_still_hides_the_reference(tmp_path):
    """Process isolation as a plain user: the sandbox children get a user namespace with
    their own mount and network namespaces, so reference/ is hidden here too (a student
    checking their own code with ``calcgrade check`` gets none of this: not needed)."""
    runner = _as_nobody_argv()
    if runner is None:
        pytest.skip("cannot run calcgrade as an unprivileged user here (needs root, "
                    "setpriv and a system Python of this version)")
    argv, env = runner
    probe = subprocess.run([*argv, "-m", "grader.sandbox.harden"], env=env,
                           capture_output=True, text=True, timeout=120).stdout
    applied = probe.partition("\n")[0].split()
    if "mountns" not in applied:
        pytest.skip(f"no unprivileged user namespaces here: {probe!r}")
    assert {"userns", "netns", "mountns", "nocaps"} <= set(applied)
    work = Path(tempfile.mkdtemp(prefix="calcgrade-nobody-"))  # reachable by that user
    try:
        work.chmod(0o777)
        subs = work / "class"
        for case in ("read_reference_relative", "read_reference_absolute", "undo_sandbox"):
            shutil.copytree(HOSTILE / case, subs / case)
            if case != "read_reference_relative":
                _fill(subs / case / SLUG / "solution.py", 'REFERENCE = ""',
                      f"REFERENCE = {str(reference_dir())!r}")
        _honest(subs)
        for path in [subs, *subs.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        proc = subprocess.run([*argv, "-m", "grader", "grade", str(subs), "--out",
                               str(work / "out"), "--exercise", SLUG, "--jobs", "2",
                               "--isolation", "process", "--report", "none"],
                              env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        rows = {(r[0], r[1]): r[2] for r in _rows(work / "out")}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    symbolic = f"{SLUG}/symbolic_derivative"
    for case in ("read_reference_relative", "read_reference_absolute", "undo_sandbox"):
        assert rows[(case, symbolic)] == "failed", case
    assert rows[("honest_ada", symbolic)] == "passed"
    assert not (reference_dir() / MARKERS[0]).exists()
