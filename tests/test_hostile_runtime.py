"""Hostile submissions at run time (``tests/hostile/runtime/<case>/``): issue 10's attacks.

Each case is an honest 01_derivative with one attack, graded by ``calcgrade grade`` in one
class beside an honest student (who is also the victim the thieves look for), once per
isolation level (``process``, and ``bwrap`` where bubblewrap works). Every attack must
gain nothing: the points it forges, steals or tampers for are not awarded, what it
looks for (a secret only the test knows) is not in its results, the honest student
scores full marks and the run completes.

The test holds the secrets: a random marker in the honest student's file (and output),
a random value of ``CALCGRADE_TEST_SECRET`` in the environment ``grade`` starts with, a
random marker in a reference copy and an old results folder beside the class. An
attack prints what it found; the test looks for its secrets in the attacker's results.

Students are graded one at a time (``--jobs 1``: one sandbox server, students in name
order), so that ``ab_memory_of_previous`` runs right after the honest ``aa_honest`` in
the same server, and ``ad_persist_read`` right after ``ac_persist_plant``.

Nothing here changes the machine: the one kernel setting an attack really writes (the
host name) is written inside a private UTS namespace the test starts ``grade`` in; the
memory attacks run under a memory cgroup the test sets (they are left out where it
cannot); what an attack may leave behind on the host (files in /dev, a SysV shared
memory segment) is removed afterwards.
"""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from listener import Listener

from grader.course.paths import project_root, reference_dir
from grader.course.spec import load_exercise
from grader.sandbox.isolation import bwrap_problem

pytestmark = pytest.mark.slow  # two class runs of about two minutes each

HOSTILE = Path(__file__).parent / "hostile" / "runtime"
SLUG = "01_derivative"
SEED = 1234
FULL = sum(c.points for c in load_exercise("01_derivative").checks)  # 01's points
HONEST = "aa_honest"
# case -> its name in the class (the order of grading matters for these)
CLASS_NAMES = {"memory_of_previous": "ab_memory_of_previous",
               "persist_plant": "ac_persist_plant", "persist_read": "ad_persist_read"}
MEMORY_CASES = ("trusted_memory", "trusted_memory_over")
UTS_SENTINEL = "calcgrade-hostile-uts"
MEMORY_CAP = 8 << 30                  # the whole run, memory attacks included
# In process isolation the class also holds QUEUE_COPIES more copies of trusted_memory:
# the batch parent must not hold more of them at once than it judges (measured here: 90
# MiB for the batch parent with an honest student alone, 195 MiB with one trusted_memory
# student; a judge 240 and 315 MiB). Three copies are enough to show it: a parent that
# held the four trusted_memory answers at once would need ~510 MiB, over PARENT_PEAK_LIMIT
# (each copy costs the run ~3 s of judging; five were graded before).
QUEUE_COPIES = 3
PARENT_PEAK_LIMIT = 400 << 20
JUDGE_PEAK_LIMIT = 768 << 20


def test_every_case_has_a_submission_and_a_test():
    source = Path(__file__).read_text()
    for case in CASES:
        solution = HOSTILE / case / SLUG / "solution.py"
        assert solution.read_text().startswith('"""Hostile submission (runtime): '), case
        assert source.count(f'"{case}"') >= 2, f"no test looks at {case}'s results"


# -- the class ----------------------------------------------------------------------------

@dataclass
class Secrets:
    """What only the test knows, and the names of what attacks may leave on the host
    (this run's own: runs of this test on one machine at the same time stay apart)."""

    victim: str = field(default_factory=lambda: "calcgrade-victim-" + secrets.token_hex(16))
    env: str = field(default_factory=lambda: "calcgrade-secret-" + secrets.token_hex(16))
    decoy: str = field(default_factory=lambda: "calcgrade-decoy-" + secrets.token_hex(16))
    oldbook: str = field(default_factory=lambda: "calcgrade-decoy-" + secrets.token_hex(16))
    run: str = field(default_factory=lambda: secrets.token_hex(4))

    @property
    def planted(self) -> str:  # persist_plant's file
        return f"/dev/calcgrade-hostile-planted-{self.run}"

    @property
    def executable(self) -> str:  # proc_sys's file
        return f"/dev/calcgrade-hostile-exec-{self.run}"

    @property
    def shm_key(self) -> int:  # persist_plant's SysV shared memory segment
        return 0x7F000000 | int(self.run[:6], 16)

    @property
    def daemon(self) -> str:  # signals_daemon's process name (at most 15 characters)
        return f"cghd-{self.run}"


def _fill(path: Path, blank: str, value: str) -> None:
    """Write into a hostile file what only the test knows (a port, this checkout's path)."""
    text = path.read_text()
    assert blank in text, (path, blank)
    path.write_text(text.replace(blank, value, 1))


def _lay_out_class(root: Path, secret: Secrets, cases: list[str], sockets: dict,
                   copies: int = 0) -> Path:
    subs = root / "class"
    reference = (reference_dir() / f"{SLUG}.py").read_text()
    honest = subs / HONEST / SLUG
    honest.mkdir(parents=True)
    (honest / "solution.py").write_text(
        f"{reference}\n\nMARKER = {secret.victim!r}  # what the thieves look for\nprint(MARKER)\n")
    for case in cases:
        target = subs / CLASS_NAMES.get(case, case)
        shutil.copytree(HOSTILE / case, target)
    for n in range(1, copies + 1):
        shutil.copytree(HOSTILE / "trusted_memory", subs / f"trusted_memory_q{n}")
    search = repr([str(root)])
    solution = lambda case: subs / CLASS_NAMES.get(case, case) / SLUG / "solution.py"  # noqa: E731
    for case in ("gradebook_tamper", "classmates_code", "host_files"):
        if case in cases:
            _fill(solution(case), "SEARCH_ROOTS = []", f"SEARCH_ROOTS = {search}")
    if "classmates_code" in cases:
        digest = hashlib.sha256(secret.victim.encode()).hexdigest()
        _fill(solution("classmates_code"), 'VICTIM = ""', f"VICTIM = {digest!r}")
    for case in ("reference_copies", "raw_devices"):
        if case in cases:
            _fill(solution(case), 'CHECKOUT = ""', f"CHECKOUT = {str(project_root())!r}")
    if "host_files" in cases:
        _fill(solution("host_files"), 'DECOY = ""', f"DECOY = {str(root / 'elsewhere')!r}")
    if "network_unix" in cases:
        net = solution("network_unix")
        _fill(net, "PORT = 0", f"PORT = {sockets['tcp'].address[1]}")
        _fill(net, 'UNIX_SOCKET = ""', f"UNIX_SOCKET = {sockets['unix'].address!r}")
        _fill(net, 'ABSTRACT = ""', f"ABSTRACT = {sockets['abstract_name']!r}")
    for case in ("persist_plant", "persist_read"):
        if case in cases:
            _fill(solution(case), 'PLANTED = "/dev/calcgrade-hostile-planted"',
                  f"PLANTED = {secret.planted!r}")
            _fill(solution(case), "SHM_KEY = 0x7F3A0001", f"SHM_KEY = {secret.shm_key:#x}")
    if "proc_sys" in cases:
        _fill(solution("proc_sys"), 'EXECUTABLE = "/dev/calcgrade-hostile-exec"',
              f"EXECUTABLE = {secret.executable!r}")
    if "signals_daemon" in cases:
        _fill(solution("signals_daemon"), 'NAME = b"calcgrade-hd"',
              f"NAME = {secret.daemon.encode()!r}")
    if "symlink_reference" in cases:
        folder = subs / "symlink_reference" / SLUG
        (folder / "ref_link.py").symlink_to(reference_dir() / f"{SLUG}.py")
        (folder / "classmate.py").symlink_to(Path("..", "..", HONEST, SLUG, "solution.py"))
    # beside the class, outside the checkout, the class and the results: a reference copy
    # and an old results folder (only process isolation can see them at all)
    elsewhere = root / "elsewhere"
    (elsewhere / "old_results").mkdir(parents=True)
    (elsewhere / "teacher_copy.py").write_text(f"# {secret.decoy}\n{reference}")
    with sqlite3.connect(elsewhere / "old_results" / "gradebook.sqlite") as db:
        db.execute("CREATE TABLE notes (text TEXT)")
        db.execute("INSERT INTO notes VALUES (?)", (secret.oldbook,))
    return subs


# -- the run ------------------------------------------------------------------------------

def _own_cgroup_v1(controller: str) -> Path | None:
    mount = Path("/sys/fs/cgroup") / controller
    if not (mount / "cgroup.procs").is_file():
        return None
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        parts = line.split(":", 2)
        if len(parts) == 3 and controller in parts[1].split(","):
            return mount / parts[2].lstrip("/")
    return None


def _memory_cgroup() -> Path | None:
    """A fresh memory cgroup capped at MEMORY_CAP (root, cgroup v1 or v2), or None."""
    if os.geteuid() != 0:
        return None
    own = _own_cgroup_v1("memory")
    if own is not None:
        limit_file = "memory.limit_in_bytes"
    else:
        line = next((line for line in Path("/proc/self/cgroup").read_text().splitlines()
                     if line.startswith("0::")), None)
        own = Path("/sys/fs/cgroup") / line[3:].lstrip("/") if line else None
        limit_file = "memory.max"
    if own is None:
        return None
    path = own / f"hostile-runtime-{os.getpid()}-{secrets.token_hex(3)}"
    try:
        path.mkdir()
        (path / limit_file).write_text(str(MEMORY_CAP))
    except OSError:
        if path.is_dir():
            path.rmdir()
        return None
    return path


def _can_unshare_uts() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "--uts", "hostname", UTS_SENTINEL],
                          capture_output=True).returncode == 0


def _descendants(root_pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    out, frontier = set(), {root_pid}
    while frontier:
        frontier = {p for p, pp in parents.items() if pp in frontier and p not in out}
        out |= frontier
    return out


class _PeakMemory:
    """The peak resident memory (VmHWM) of the batch parent and of each judge."""

    def __init__(self, root_pid: int) -> None:
        self.root = root_pid
        self.parent = 0
        self.judges = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.stop.is_set():
            for pid in _descendants(self.root):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
                if hwm is None:
                    continue
                peak = int(hwm.group(1)) * 1024
                if b"-m\x00grader\x00" in cmdline:
                    self.parent = max(self.parent, peak)
                elif b"grader.classrun.judge_server" in cmdline:
                    self.judges = max(self.judges, peak)
            time.sleep(0.25)  # VmHWM only grows, and both live the whole run

    def close(self) -> None:
        self.stop.set()
        self.thread.join()


@dataclass
class Run:
    isolation: str
    proc: subprocess.CompletedProcess
    out: Path
    secret: Secrets
    cases: list[str]
    skipped: dict[str, str]
    isolated: bool            # the student's process got its namespaces
    uts: bool                 # grade ran in a private UTS namespace
    hostname_after: str
    peak: _PeakMemory
    sockets: dict
    leftovers: list[str]      # on the host, after the run
    daemons: list[int]
    results: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)

    def doc(self, case: str) -> dict:
        return self.results[CLASS_NAMES.get(case, case)]

    def text(self, case: str) -> str:
        """Everything in the attacker's results: outputs, messages, the answers' details."""
        return json.dumps(self.doc(case))

    def lines(self, case: str, prefix: str) -> list[str]:
        doc = self.doc(case)
        outputs = [ex.get("output") or "" for ex in doc["exercises"]]
        outputs += [c.get("output") or "" for ex in doc["exercises"] for c in ex["checks"]]
        return [line for text in outputs for line in text.splitlines() if line.startswith(prefix)]

    def checks(self, case: str) -> dict[str, dict]:
        return {c["id"].split("/", 1)[1]: c for ex in self.doc(case)["exercises"]
                for c in ex["checks"]}

    def points(self, case: str) -> float:
        return self.doc(case)["totals"]["points"]


_PROBE = """
import json, os, tempfile
from pathlib import Path
from grader.sandbox import harden
pid_ns = harden.isolate(Path(tempfile.mkdtemp()), keep=[], hidden=[])
pid = os.fork()
if pid == 0:
    harden.lock_down(pid_init=pid_ns)
    print(json.dumps(harden.applied()))
    os._exit(0)
os.waitpid(pid, 0)
"""


def _process_isolated() -> bool:
    """Whether a student's process gets its namespaces here (root, namespaces allowed),
    as grader.sandbox.harden makes them for process isolation."""
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    return {"netns", "mountns", "pidns", "proc"} <= set(json.loads(out))


def _remove_leftovers(secret: Secrets) -> list[str]:
    """What this run's attacks left on the host (process isolation sees the host's /dev
    and SysV IPC): removed here, returned for the assertions."""
    found = []
    for name in (secret.planted, secret.executable):
        path = Path(name)
        if path.exists():
            found.append(str(path))
            path.unlink()
    libc = ctypes.CDLL(None, use_errno=True)
    shmid = libc.shmget(secret.shm_key, 0, 0)
    if shmid >= 0:
        found.append(f"SysV shared memory key {secret.shm_key:#x}")
        libc.shmctl(shmid, 0, None)  # IPC_RMID
    return found


def _daemons(secret: Secrets) -> list[int]:
    """signals_daemon's processes still alive (it renames itself secret.daemon)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if Path(f"/proc/{entry}/comm").read_text().strip() == secret.daemon:
                    pids.append(int(entry))
            except OSError:
                pass
    return pids


def _grade(tmp: Path, isolation: str) -> Run:
    secret = Secrets()
    cases = sorted(CASES)
    skipped: dict[str, str] = {}
    cgroup = _memory_cgroup()
    if cgroup is None:
        for case in MEMORY_CASES:
            cases.remove(case)
            skipped[case] = "no memory cgroup could be made here (root and cgroups needed)"
    sockets = {"tcp": Listener(socket.AF_INET, ("127.0.0.1", 0)),
               "unix": Listener(socket.AF_UNIX, str(tmp / "elsewhere.sock")),
               "abstract_name": f"calcgrade-hostile-{secrets.token_hex(4)}"}
    sockets["abstract"] = Listener(socket.AF_UNIX, "\0" + sockets["abstract_name"])
    copies = QUEUE_COPIES if isolation == "process" and cgroup is not None else 0
    subs = _lay_out_class(tmp, secret, cases, sockets, copies)
    out = tmp / "out"
    argv = [sys.executable, "-m", "grader", "grade", str(subs), "--out", str(out),
            "--exercise", SLUG, "--jobs", "1", "--isolation", isolation, "--report", "none",
            "--seed", str(SEED)]
    uts = _can_unshare_uts()
    steps = []
    if uts:
        steps.append(f"hostname {UTS_SENTINEL}")
    if cgroup is not None:
        steps.append(f"echo $$ > {cgroup}/cgroup.procs")
    script = " && ".join(steps + ['"$@"']) + '; rc=$?; echo "HOSTNAME-AFTER=$(hostname)"; exit $rc'
    argv = ["sh", "-c", script, "sh", *argv]
    if uts:
        argv = ["unshare", "--uts", *argv]
    env = dict(os.environ, CALCGRADE_TEST_SECRET=secret.env)
    try:
        popen = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=env, cwd=project_root())
        peak = _PeakMemory(popen.pid)
        try:
            stdout, stderr = popen.communicate(timeout=900)
        finally:
            peak.close()
        time.sleep(1.0)  # a daemon that outlived its student would still be here
        daemons = _daemons(secret)
    finally:
        for listener in (sockets["tcp"], sockets["unix"], sockets["abstract"]):
            listener.close()
        leftovers = _remove_leftovers(secret)
        if cgroup is not None:
            for _ in range(50):
                try:
                    cgroup.rmdir()
                    break
                except OSError:
                    time.sleep(0.1)
    for pid in _daemons(secret):  # never leave one running (by id, after checking its name)
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass
    proc = subprocess.CompletedProcess(argv, popen.returncode, stdout, stderr)
    after = re.search(r"HOSTNAME-AFTER=(.*)", stdout)
    run = Run(isolation, proc, out, secret, cases, skipped,
              isolated=isolation == "bwrap" or _process_isolated(), uts=uts,
              hostname_after=after.group(1).strip() if after else "", peak=peak,
              sockets=sockets, leftovers=leftovers, daemons=daemons)
    if (out / "gradebook.sqlite").is_file():
        with sqlite3.connect(out / "gradebook.sqlite") as db:
            run.rows = list(db.execute("SELECT student, check_id, status, points, message "
                                       "FROM check_results ORDER BY student, check_id"))
    for folder in out.iterdir() if out.is_dir() else []:
        if (folder / "results.json").is_file():
            run.results[folder.name] = json.loads((folder / "results.json").read_text())
    return run


CASES = sorted(p.name for p in HOSTILE.iterdir() if p.is_dir())
_RUNS: dict[str, Run] = {}


@pytest.fixture(scope="module", params=["process", "bwrap"])
def run(request, tmp_path_factory) -> Run:
    isolation = request.param
    if isolation == "bwrap" and bwrap_problem():
        pytest.skip(bwrap_problem())
    if isolation not in _RUNS:
        _RUNS[isolation] = _grade(tmp_path_factory.mktemp(f"hostile-{isolation}"), isolation)
    return _RUNS[isolation]


def _needs_isolation(run: Run) -> None:
    if not run.isolated:
        pytest.skip("process isolation gets its namespaces only as root where the machine "
                    "allows them (see test_hostile.test_root_gets_private_namespaces_in_process_mode)")


def _no_secret(run: Run, case: str, *secrets_: str) -> None:
    text = run.text(case)
    for secret in secrets_:
        assert secret not in text, (case, run.isolation, "the attacker got", secret)
    for row in run.rows:
        if row[0] == CLASS_NAMES.get(case, case):
            assert not any(s in (row[4] or "") for s in secrets_), row


def _case(run: Run, case: str) -> None:
    if case in run.skipped:
        pytest.skip(run.skipped[case])
    assert CLASS_NAMES.get(case, case) in run.results, (case, run.proc.stdout[-3000:])


# -- the run as a whole --------------------------------------------------------------------

def test_run_completes_and_the_honest_student_scores_full_marks(run):
    assert run.proc.returncode == 0, run.proc.stdout[-3000:] + run.proc.stderr[-3000:]
    assert f"isolation {run.isolation}" in run.proc.stdout
    assert "NOT GRADED" not in run.proc.stdout
    honest = run.results[HONEST]
    assert honest["totals"]["points"] == FULL, [(c["id"], c["status"], c["message"])
                                                 for ex in honest["exercises"] for c in ex["checks"]]
    for case in run.cases:
        assert CLASS_NAMES.get(case, case) in run.results, case
        assert run.doc(case)["isolation"] == run.isolation, case  # recorded truthfully


# -- 1. forged results, killing the collector ------------------------------------------------

def test_forged_results_gain_nothing(run):
    _case(run, "forge_results")
    doc = run.doc("forge_results")
    assert run.points("forge_results") == 0, run.checks("forge_results")
    assert all(c["status"] != "passed" for c in run.checks("forge_results").values())
    assert doc["isolation"] == run.isolation and doc["seed"] == SEED
    assert doc["totals"]["max_points"] == FULL
    if run.isolated:
        assert run.lines("forge_results", "ESCAPED") == []


# -- 2. the gradebook ----------------------------------------------------------------------

def test_gradebook_cannot_be_tampered_with(run):
    _case(run, "gradebook_tamper")
    _needs_isolation(run)
    assert run.lines("gradebook_tamper", "ESCAPED") == []
    read = " ".join(run.lines("gradebook_tamper", "READ-GRADEBOOK"))
    assert str(run.out) not in read  # this run's gradebook and results stay out of sight
    assert run.points("gradebook_tamper") == 0
    assert not any("tampered" in (r[4] or "") for r in run.rows)
    assert sum(r[3] for r in run.rows if r[0] == HONEST) == FULL


# -- 3., 4. classmates' code and pipes --------------------------------------------------------

def test_classmates_code_is_out_of_reach(run):
    _case(run, "classmates_code")
    _needs_isolation(run)
    _no_secret(run, "classmates_code", run.secret.victim)
    assert run.checks("classmates_code")["symbolic_derivative"]["status"] != "passed"
    assert not [line for line in run.lines("classmates_code", "FOUND") if line.endswith("listed")]


def test_classmates_pipes_are_out_of_reach(run):
    _case(run, "classmates_pipes")
    _needs_isolation(run)
    assert run.lines("classmates_pipes", "STOLEN") == []
    assert run.lines("classmates_pipes", "ESCAPED") == []
    own = run.lines("classmates_pipes", "OWN-FDS")
    assert own, run.checks("classmates_pipes")
    links = own[0].split("] [", 1)[1]
    assert links.count("pipe:") == 1, own  # its own result channel, nothing else


# -- 5. the reference -----------------------------------------------------------------------

def test_reference_copies_in_the_checkout_are_hidden(run):
    _case(run, "reference_copies")
    _needs_isolation(run)
    assert run.lines("reference_copies", "STOLEN") == []
    assert run.checks("reference_copies")["symbolic_derivative"]["status"] != "passed"


def test_links_to_the_reference_or_a_classmate_are_refused(run):
    _case(run, "symlink_reference")
    assert run.points("symlink_reference") == 0
    assert "symbolic link" in run.text("symlink_reference")


# -- 6. the environment ------------------------------------------------------------------------

def test_the_environment_stays_outside(run):
    _case(run, "environment")
    _no_secret(run, "environment", run.secret.env)
    env = run.lines("environment", "ENV ")
    assert env and not [line for line in env if "CALCGRADE_TEST_SECRET" in line], env


# -- 7. judge-only data -------------------------------------------------------------------------

def test_no_judge_only_data_in_the_sandbox(run):
    _case(run, "judge_only_data")
    assert run.lines("judge_only_data", "FOUND-KEY") == []
    seen = run.lines("judge_only_data", "INPUT-KEYS")
    assert seen and all("'_" not in line for line in seen), seen
    checks = run.checks("judge_only_data")
    assert all(c["status"] == "passed" for k, c in checks.items()
               if k.startswith("rate_of_change")), checks  # nothing found: honest answers


# -- 10. what a previous student left ------------------------------------------------------------

def test_nothing_of_the_previous_student_is_left_in_memory(run):
    _case(run, "memory_of_previous")
    _no_secret(run, "memory_of_previous", run.secret.victim)


def test_nothing_persists_from_one_student_to_the_next(run):
    """persist_plant leaves a file in /dev and a SysV shared memory segment; persist_read,
    graded next in the same server, must not find them, nor may the host keep them."""
    _case(run, "persist_read")
    _needs_isolation(run)
    # /dev is not writable; a SysV segment may be made, but in the student's own IPC
    # namespace: it dies with the student (persist_read finds nothing, no leftovers)
    assert run.lines("persist_plant", "ESCAPED: a file in /dev") == []
    assert run.lines("persist_read", "STOLEN") == []
    assert run.checks("persist_read")["symbolic_derivative"]["status"] != "passed"
    assert run.leftovers == []


# -- 12. malformed frames ------------------------------------------------------------------------

def test_malformed_frames_cost_only_the_attacker(run):
    _case(run, "nan_frames")
    assert run.points("nan_frames") == 0
    assert all(c["status"] != "passed" for c in run.checks("nan_frames").values())


# -- 16. memory of the trusted processes ----------------------------------------------------------

def test_trusted_processes_stay_bounded(run):
    """Answers as large as the sandbox lets through: the batch parent and the judge hold
    a bounded amount of them, however many students send them (QUEUE_COPIES more in
    process isolation: the parent must not queue them up faster than it judges them)."""
    for case in MEMORY_CASES:
        _case(run, case)
        assert run.points(case) == 0, case
    copies = [name for name in run.results if name.startswith("trusted_memory_q")]
    assert all(run.results[name]["totals"]["points"] == 0 for name in copies)
    assert "than" in run.text("trusted_memory_over")  # "... larger than allowed", "more than"
    print(f"peak resident memory ({run.isolation}): batch parent {run.peak.parent >> 20} MiB, "
          f"judge {run.peak.judges >> 20} MiB")
    assert 0 < run.peak.parent < PARENT_PEAK_LIMIT, run.peak.parent
    assert 0 < run.peak.judges < JUDGE_PEAK_LIMIT, run.peak.judges


# -- anything else ---------------------------------------------------------------------------------

def test_no_daemon_outlives_its_student_and_no_ptrace(run):
    _case(run, "signals_daemon")
    _needs_isolation(run)
    assert run.daemons == []
    assert run.lines("signals_daemon", "ESCAPED") == []


def test_no_way_out_over_sockets(run):
    _case(run, "network_unix")
    _needs_isolation(run)
    assert run.lines("network_unix", "ESCAPED") == []
    for name in ("tcp", "unix", "abstract"):
        assert run.sockets[name].connections == 0, name
    assert run.checks("network_unix")["symbolic_derivative"]["status"] != "passed"


def test_the_machines_other_files_are_out_of_sight(run):
    """A reference copy and an old results folder beside the class (outside the checkout,
    the class and the results folder): nothing of the machine but what grading needs."""
    _case(run, "host_files")
    _needs_isolation(run)
    _no_secret(run, "host_files", run.secret.decoy, run.secret.oldbook)
    assert run.checks("host_files")["symbolic_derivative"]["status"] != "passed"


def test_kernel_settings_are_read_only(run):
    """The student's /proc: no kernel setting may be written (core_pattern would run a
    program of the student's choosing as root on the next crash anywhere on the machine)."""
    _case(run, "proc_sys")
    _needs_isolation(run)
    assert [line for line in run.lines("proc_sys", "ESCAPED") if "/dev" not in line] == []
    if run.uts:
        assert run.hostname_after == UTS_SENTINEL


def test_dev_is_not_writable(run):
    """/dev: the host's in process isolation, the server's (shared by its students in
    turn) in bubblewrap; an executable file there could be what core_pattern runs."""
    _case(run, "proc_sys")
    _needs_isolation(run)
    assert [line for line in run.lines("proc_sys", "ESCAPED") if "/dev" in line] == []
    assert not [p for p in run.leftovers if p.startswith("/dev/")]


def test_the_machines_devices_are_out_of_reach(run):
    """Root-only device nodes (/dev/kvm, the console ...) and the raw disk under the
    checkout (whose every file, the reference included, debugfs reads by path)."""
    _case(run, "raw_devices")
    _needs_isolation(run)
    assert run.lines("raw_devices", "ESCAPED") == []
    assert run.lines("raw_devices", "STOLEN") == []
    assert run.checks("raw_devices")["symbolic_derivative"]["status"] != "passed"
