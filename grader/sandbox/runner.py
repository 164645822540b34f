"""Inside the sandbox server: run one student's exercises in forked children.

The server (:mod:`grader.sandbox.server`) is a fresh interpreter that has imported
NumPy, SymPy and JAX without running any JAX operation, so it can ``fork`` children
that use JAX. A student's exercises are chained through one child (JAX starts and
compiles once per student): exercise after exercise, each with its own output file,
its own ``solution`` module and the same per-check limits. The runner enforces each
check's time limit; a check that overruns is a ``timeout``, a child that dies is a crash
of that check, and in both cases a fresh child resumes with the next check, so one bad
function never costs the others their points.

Every student's grading, in every command, runs through this one chain: ``check``,
``selftest``, ``grade`` (process or bubblewrap), Dask workers and ``bench --submission``.
Global library state that one exercise's code changes (a monkeypatch) can therefore
reach the same student's later exercises, identically everywhere, and only that
student's points.
"""
from __future__ import annotations

import os
import resource
import selectors
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.sandbox import plain
from grader.sandbox.raw import CHILD_STATUSES, RawResult, cut_output, finite_duration, read_output

IMPORT_TIME_LIMIT = 10.0
# A check's limit is CPU time (machine load never turns correct work into a timeout);
# a check that sleeps or waits instead is stopped at this much wall time.
WALL_FACTOR, WALL_EXTRA = 3.0, 10.0
_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND


@dataclass
class Job:
    """One exercise of one student, as the server runs it."""

    key: Any
    runnables: list[Any]          # checks (then the figure), or bench runs
    limits: list[float]           # each runnable's time limit, in seconds
    inputs: list[Any]             # each runnable's public inputs, as the trusted side sent them
    solution: Path | None
    memory_mb: int
    results: dict[int, RawResult] = field(default_factory=dict)
    next_index: int = 0
    import_output: str = ""
    output: Path | None = None

    @property
    def done(self) -> bool:
        return self.next_index >= len(self.runnables)


@dataclass
class _Child:
    chain: list[Job]
    pid: int
    fd: int
    reader: plain.FrameReader
    deadline: float
    proc: int = 0                  # the child's pid as /proc numbers it
    current: int | None = None
    current_out_pos: int = 0
    cpu_at_start: float = 0.0      # the student's CPU seconds when the current check started
    backstop: float = 0.0          # wall-clock end of the current check, whatever its CPU
    imported: bool = False

    @property
    def job(self) -> Job:
        return self.chain[0]


def run_chain(jobs: list[Job], workdir: Path, student_root: Path | None,
              compile_cache: Path | None = None) -> None:
    """Run ``jobs`` (one student's exercises) in order; fills each job's ``results``.
    ``compile_cache``: a folder where JAX keeps this student's compiled programs between
    runs (``calcgrade watch``: a save that leaves a function alone compiles it no more)."""
    for i, job in enumerate(jobs):
        job.output = workdir / f"out-{i}.txt"
    pending = [j for j in jobs if not j.done]
    while pending:
        child = _start(pending, workdir, student_root, compile_cache)
        _supervise(child)
        pending = [j for j in jobs if not j.done]


# -- the child ---------------------------------------------------------------------------

def _start(chain: list[Job], workdir: Path, student_root: Path | None,
           compile_cache: Path | None = None) -> _Child:
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.close(read_fd)
            os.setpgid(0, 0)
            _child(chain, workdir, student_root, write_fd, compile_cache)
            code = 0
        except BaseException:  # noqa: BLE001 - never return into the runner's loop
            pass
        os._exit(code)
    os.close(write_fd)
    os.set_blocking(read_fd, False)
    return _Child(chain, pid, read_fd, plain.FrameReader(), time.monotonic() + IMPORT_TIME_LIMIT)


def _child(chain: list[Job], workdir: Path, student_root: Path | None, result_fd: int,
           compile_cache: Path | None = None) -> None:
    from grader.sandbox import child as sc

    if compile_cache is not None:
        sc.use_compile_cache(compile_cache)

    outputs = [os.open(j.output, _OPEN_FLAGS, 0o600) for j in chain]  # type: ignore[arg-type]
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    keep = {0, 1, 2, result_fd, *outputs}
    _close_other_fds(keep)  # only its own result channel and output files stay open
    sc.apply_limits(max(j.memory_mb for j in chain))
    scratch = workdir / f"scratch-{os.getpid()}"
    scratch.mkdir(exist_ok=True)
    os.chdir(scratch)
    base_path = list(sys.path)
    for k, (job, out) in enumerate(zip(chain, outputs)):
        os.dup2(out, 1)
        os.dup2(out, 2)
        sys.path[:] = base_path
        _forget_student_modules(student_root)
        solution_dir = job.solution.parent if job.solution else scratch
        sc.scrub_import_path(solution_dir)
        sc.run_checks(job.runnables, job.inputs, job.solution,
                      job.next_index if k == 0 else 0, result_fd)


def _close_other_fds(keep: set[int]) -> None:
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0]))
    for fd in fds:
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _forget_student_modules(root: Path | None) -> None:
    """Drop the previous exercise's ``solution`` and helper modules."""
    sys.modules.pop("solution", None)
    if root is None:
        return
    prefix = str(root) + os.sep
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.startswith(prefix):
            del sys.modules[name]


# -- the runner's side -------------------------------------------------------------------

def _supervise(child: _Child) -> None:
    selector = selectors.DefaultSelector()
    selector.register(child.fd, selectors.EVENT_READ)
    try:
        while True:
            timeout = max(0.0, child.deadline - time.monotonic())
            if selector.select(timeout):
                if not _read(child):
                    return
            if time.monotonic() > child.deadline:
                if _still_within_cpu(child):
                    continue
                _timeout(child)
                return
    finally:
        selector.close()
        os.close(child.fd)
        _kill(child)


def proc_pid(pid: int) -> int:
    """``pid`` (a child of this process) as ``/proc`` numbers it. They differ where this
    process is the init of a PID namespace whose ``/proc`` could not be mounted (inside
    bubblewrap): then the child is found among this process's children in ``/proc``."""
    try:
        me = int(os.readlink("/proc/self"))
    except (OSError, ValueError):
        return pid
    if me == os.getpid():
        return pid
    kids = _children(me)
    return kids[0] if len(kids) == 1 else pid  # the runner has one child at a time


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User + system CPU time of process ``pid`` (all its threads; /proc's numbering);
    ``reaped``: also that of the children it has waited for."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])
        if reaped:
            ticks += int(fields[13]) + int(fields[14])
        return ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    """The live children of every thread of ``pid`` (/proc's numbering); none where they
    cannot be read."""
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as fh:
                kids += [int(k) for k in fh.read().split()]
    except (OSError, ValueError):
        return []
    return kids


def student_cpu_seconds(child: _Child) -> float:
    """The CPU time of all the student's processes. As the init of the student's own PID
    namespace (whose ``/proc`` this is): every other process in it, whatever it became
    (an orphan, a new session), plus those that ended and were reaped (their CPU went to
    the process that waited for them: a parent here, this init at the top), one read of
    ``/proc/<pid>/stat`` each. Elsewhere: the child and every process below it. A
    check's CPU limit is thus the student's, not one process's: a fork bomb is over it as
    soon as its processes together have used it, instead of holding every core until
    the wall backstop."""
    try:
        own_proc = int(os.readlink("/proc/self")) == os.getpid() == 1
    except (OSError, ValueError):
        own_proc = False
    if own_proc:
        total = cpu_seconds(1, reaped=True) - cpu_seconds(1)  # not this runner's own
        try:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and p != "1"]
        except OSError:
            pids = []
        return total + sum(cpu_seconds(pid, reaped=True) for pid in pids)
    roots, total, seen = [child.proc or child.pid], 0.0, set()
    while roots and len(seen) < 4096:  # bounded by the sandbox's task limit anyway
        pid = roots.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += cpu_seconds(pid, reaped=True)
        roots += _children(pid)
    return total


def _still_within_cpu(child: _Child) -> bool:
    """At the current check's deadline: has it used less CPU than its limit (a loaded
    machine)? Then move the deadline to when it could have used it all, up to the wall
    backstop."""
    if child.current is None or not child.chain:
        return False
    now = time.monotonic()
    limit = child.job.limits[child.current]
    # counted while every process of the student holds still: a fork bomb's hundreds of
    # processes would otherwise take the cores from this walk through /proc (seen: 18 s)
    frozen = _signal_namespace(signal.SIGSTOP)
    used = student_cpu_seconds(child) - child.cpu_at_start
    if used >= limit or now >= child.backstop:
        return False  # _timeout ends them, stopped or not
    if frozen:
        _signal_namespace(signal.SIGCONT)
    child.deadline = min(child.backstop, now + max(0.05, limit - used))
    return True


def _read(child: _Child) -> bool:
    """Handle what the child sent; False once it has ended."""
    try:
        data = os.read(child.fd, 1 << 20)
    except BlockingIOError:
        return True
    if not data:
        _ended(child)
        return False
    for message in child.reader.feed(data):
        try:
            _handle(child, message)
        except (ValueError, TypeError, KeyError):
            child.reader.broken = "the sandbox sent a malformed message"
            break
    if child.reader.broken:
        _kill(child)
        _charge_broken(child, child.reader.broken)
        return False
    return bool(child.chain)


def _charge_broken(child: _Child, why: str) -> None:
    """A corrupt message (the student's code wrote into its result channel) ends the
    child: charged to the check running, to the next one between two checks, and to every
    check left while importing — never nothing, or the chain restarts the child forever."""
    if not child.chain:
        return
    job = child.job
    if child.current is None and child.imported and job.next_index < len(job.runnables):
        child.current = job.next_index
    if child.current is not None:
        _fail_current(child, "crashed", why)
        return
    output = read_output(job.output, 0)
    for i in range(job.next_index, len(job.runnables)):
        job.results[i] = RawResult("error", f"your solution.py, while being imported: {why}",
                                   output=output)
    job.next_index = len(job.runnables)


def _handle(child: _Child, msg: dict) -> None:
    job = child.job
    event = msg.get("event")
    now = time.monotonic()
    if event == "imported":
        child.imported = True
        job.import_output = read_output(job.output, 0)
        child.deadline = now + 3600  # until the first check starts
    elif event == "import_error":
        status = "missing" if msg.get("status") == "missing" else "error"
        text = str(msg.get("message", ""))[:1000]
        output = read_output(job.output, 0)
        for i in range(job.next_index, len(job.runnables)):
            job.results[i] = RawResult(status, text, output=output)
        job.next_index = len(job.runnables)
        job.import_output = output
        _next_job(child)
    elif event == "start":
        index = _index(msg, job)
        child.current = index
        at = msg.get("output_at")
        child.current_out_pos = at if isinstance(at, int) and at >= 0 else _size(job.output)
        child.deadline = now + job.limits[index]
        child.proc = child.proc or proc_pid(child.pid)
        child.cpu_at_start = student_cpu_seconds(child)
        child.backstop = now + WALL_FACTOR * job.limits[index] + WALL_EXTRA
    elif event == "result":
        index = _index(msg, job)
        status = str(msg.get("status"))
        raw = RawResult(status if status in CHILD_STATUSES else "crashed",
                        str(msg.get("message", ""))[:2000],
                        duration=finite_duration(msg.get("duration")),
                        output=read_output(job.output, child.current_out_pos))
        if raw.status == "ok":
            raw.decode(msg.get("value"))
        job.results[index] = raw
        job.next_index = index + 1
        child.current = None
        child.deadline = now + 3600
    elif event == "done":
        _next_job(child)


def _next_job(child: _Child) -> None:
    """The current exercise is over: on with the chain. Once the chain is empty the
    supervisor ends the child at once, whoever else holds its pipe (a leftover process)."""
    child.chain.pop(0)
    child.imported, child.current = False, None
    child.deadline = time.monotonic() + IMPORT_TIME_LIMIT


def _ended(child: _Child) -> None:
    _, status = os.waitpid(child.pid, 0)
    _killpg(child.pid)
    child.pid = 0
    if not child.chain:
        return
    if child.current is not None:
        _fail_current(child, "crashed", describe_exit(status))
    elif child.imported:  # between two checks: the next one is charged, so each restart progresses
        child.current = child.job.next_index
        _fail_current(child, "crashed", describe_exit(status))
    else:
        job = child.job
        msg = "your solution.py ended the process while being imported: " + describe_exit(status)
        output = read_output(job.output, 0)
        for i in range(job.next_index, len(job.runnables)):
            job.results[i] = RawResult("error", msg, output=output)
        job.next_index = len(job.runnables)


def _timeout(child: _Child) -> None:
    _kill(child)
    if not child.chain:
        return
    job = child.job
    if child.current is None and not child.imported:
        msg = f"importing solution.py took longer than {IMPORT_TIME_LIMIT:g} s"
        for i in range(job.next_index, len(job.runnables)):
            job.results[i] = RawResult("timeout", msg)
        job.next_index = len(job.runnables)
    elif child.current is not None:
        check = job.runnables[child.current]
        limit = job.limits[child.current]
        waited = time.monotonic() >= child.backstop
        what = (f"{WALL_FACTOR * limit + WALL_EXTRA:g} s of waiting" if waited
                else f"{limit:g} s of CPU time")
        _fail_current(child, "timeout",
                      f"{check.function}() did not finish within {what} "
                      "(infinite loop, or far too slow?)")


def _fail_current(child: _Child, status: str, message: str) -> None:
    if child.current is None or not child.chain:
        return
    job = child.job
    job.results[child.current] = RawResult(
        status, message, output=read_output(job.output, child.current_out_pos))
    job.next_index = child.current + 1
    child.current = None


def _kill(child: _Child) -> None:
    if not child.pid:
        return
    _killpg(child.pid)
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(child.pid, 0)
    except ChildProcessError:
        pass
    child.pid = 0


def _killpg(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    _kill_namespace()


def _signal_namespace(sig: int) -> bool:
    """As the init of the student's own PID namespace: send ``sig`` to every other process
    in it (whatever process group or session it moved to; Linux also signals the children
    they fork meanwhile). False, and nothing sent, outside such a namespace, where
    kill(-1) would reach far beyond the student."""
    if os.getpid() != 1:
        return False
    try:
        os.kill(-1, sig)  # every process of the namespace but its init
    except ProcessLookupError:
        pass  # none left
    return True


def _kill_namespace() -> None:
    """As the init of the student's own PID namespace: end every other process in it
    (a fork bomb included)."""
    if os.getpid() != 1:
        return
    for _ in range(50):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            break
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            break
        time.sleep(0.01)


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path else 0
    except OSError:
        return 0


def _index(msg: dict, job: Job) -> int:
    index = msg.get("index")
    if not isinstance(index, int) or not 0 <= index < len(job.runnables):
        raise ValueError("bad check index from sandbox")
    return index


def describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        extra = " (segmentation fault)" if sig == signal.SIGSEGV else ""
        if sig == signal.SIGKILL:
            extra = " (killed; out of memory?)"
        return f"the process was killed by signal {name}{extra}"
    code = os.WEXITSTATUS(status)
    return f"the process exited with code {code} (os._exit or exit() in your code?)"


__all__ = ["Job", "run_chain", "cut_output", "describe_exit"]
