"""Running student code in forked, limited child processes and collecting plain results.

The grading process pre-imports NumPy, SymPy, SciPy and JAX (without running any JAX
operation, so forking stays safe), then forks one child per exercise. Each child gets a
memory limit, a bounded output file, a scratch working directory and an import path
without the project; it streams one frame per check. The parent enforces a wall-time
limit per check: a check that overruns is a ``timeout``, a child that dies is a crash of
that check, and in both cases a fresh child picks up the remaining checks, so one bad
function never costs the others their points.

The parent must not judge (that runs JAX) until every child has been forked: callers use
:func:`collect` for all submissions first, then judge.
"""
from __future__ import annotations

import importlib
import os
import selectors
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from grader.course.paths import project_root
from grader.course.spec import Exercise
from grader.sandbox import plain

IMPORT_TIME_LIMIT = 10.0
DONE_GRACE = 2.0  # seconds a child that reported "done" has to close its pipe
OUTPUT_SHOWN = 2000  # characters of a check's captured output kept in the results
ISOLATION = "process"


def configure_jax() -> None:
    """float64 everywhere (gradients are compared at 1e-9); the CPU unless asked."""
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    os.environ.setdefault("JAX_PLATFORMS", os.environ.get("CALCGRADE_JAX_PLATFORMS", "cpu"))


def preload(modules: Iterable[str] = ("numpy", "sympy", "jax.numpy")) -> None:
    """Import what student code and checks use, so each fork starts warm.

    Must run before any JAX computation in this process (forking after one hangs).
    """
    configure_jax()
    for name in modules:
        importlib.import_module(name)


@dataclass
class RawResult:
    """What the sandbox reported for one check, before judging."""

    status: str  # ok | not_implemented | missing | exception | unsupported | timeout | crashed | error
    message: str = ""
    value: Any = None
    duration: float = 0.0
    output: str = ""
    encoded: Any = None  # the plain tree the child sent (``value`` decoded from it)

    def to_wire(self) -> dict:
        return {"status": self.status, "message": self.message, "duration": self.duration,
                "output": self.output, "value": self.encoded}

    @classmethod
    def from_wire(cls, d: dict) -> "RawResult":
        raw = cls(str(d.get("status")), str(d.get("message", ""))[:2000],
                  duration=float(d.get("duration") or 0.0), output=str(d.get("output", ""))[:OUTPUT_SHOWN + 200])
        if raw.status not in _CHILD_STATUSES | {"timeout", "crashed", "error"}:
            raw.status, raw.message = "crashed", "the sandbox reported an unknown status"
        if raw.status == "ok":
            raw.decode(d.get("value"))
        return raw

    def decode(self, tree: Any) -> None:
        self.encoded = tree
        try:
            self.value = plain.decode(tree)
        except (ValueError, TypeError, OverflowError) as exc:
            self.status, self.message = "unsupported", f"the answer could not be read: {exc}"


@dataclass
class Job:
    """One exercise of one submission."""

    key: Any
    exercise: Exercise
    solution: Path | None
    seed: int
    with_figure: bool = False
    results: dict[int, RawResult] = field(default_factory=dict)
    next_index: int = 0
    import_output: str = ""

    @property
    def runnables(self) -> list[Any]:
        return self.exercise.runnables(self.with_figure)


@dataclass
class _Child:
    job: Job
    pid: int
    fd: int
    reader: plain.FrameReader
    started: float
    deadline: float
    current: int | None = None
    current_out_pos: int = 0
    imported: bool = False
    finished: bool = False


def jax_has_run() -> bool:
    """Has this process run a JAX computation? Then it must not fork a JAX user."""
    if "jax" not in sys.modules:
        return False
    from jax._src import xla_bridge

    return bool(xla_bridge.backends_are_initialized())


def collect(jobs: list[Job], max_parallel: int | None = None,
            on_done: Callable[[Job], None] | None = None,
            command: list[str] | None = None) -> None:
    """Run every job's checks in sandboxed children; fills ``job.results`` in place.

    A process that has already run JAX cannot fork safely; it hands the work to a fresh
    ``python -m grader.sandbox.server`` that forks instead. ``on_done(job)`` is called as
    each job finishes (for progress; all at the end in the subprocess case).
    """
    if command is not None or jax_has_run():  # command: e.g. a bwrap argv to run inside
        from grader.sandbox.server import collect_in_subprocess

        collect_in_subprocess(jobs, max_parallel, command=command)
        if on_done is not None:
            for job in jobs:
                on_done(job)
        return
    preload(sorted({m for job in jobs for m in job.exercise.preload}))
    parallel = max(1, max_parallel or os.cpu_count() or 1)
    workdir = Path(tempfile.mkdtemp(prefix="calcgrade-"))
    try:
        _Collector(jobs, parallel, workdir, on_done).run()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


class _Collector:
    def __init__(self, jobs: list[Job], parallel: int, workdir: Path,
                 on_done: Callable[[Job], None] | None = None) -> None:
        self.on_done = on_done
        self.queue = list(jobs)
        self.parallel = parallel
        self.workdir = workdir
        self.selector = selectors.DefaultSelector()
        self.children: dict[int, _Child] = {}  # by fd
        self.outputs: dict[int, Path] = {}  # by id(job)

    def run(self) -> None:
        while self.queue or self.children:
            while self.queue and len(self.children) < self.parallel:
                self._start(self.queue.pop(0))
            now = time.monotonic()
            timeout = max(0.0, min(c.deadline for c in self.children.values()) - now)
            for key, _ in self.selector.select(timeout):
                self._read(self.children[key.fd])
            now = time.monotonic()
            for child in list(self.children.values()):
                if now > child.deadline and child.finished:
                    self._end_finished(child)
                elif now > child.deadline:
                    self._timeout(child)

    # -- starting -------------------------------------------------------------------
    def _output_path(self, job: Job) -> Path:
        path = self.outputs.get(id(job))
        if path is None:
            path = self.workdir / f"out-{len(self.outputs)}.txt"
            self.outputs[id(job)] = path
        return path

    def _start(self, job: Job) -> None:
        if job.next_index >= len(job.runnables):
            return
        output = self._output_path(job)
        scratch = Path(tempfile.mkdtemp(prefix="scratch-", dir=self.workdir))
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # child
            code = 0
            try:
                os.close(read_fd)
                os.setpgid(0, 0)
                self._child(job, output, scratch, write_fd)
            except BaseException:  # noqa: BLE001 - never return into the parent's loop
                code = 70
            os._exit(code)
        os.close(write_fd)
        os.set_blocking(read_fd, False)
        now = time.monotonic()
        child = _Child(job, pid, read_fd, plain.FrameReader(), now, now + IMPORT_TIME_LIMIT)
        self.children[read_fd] = child
        self.selector.register(read_fd, selectors.EVENT_READ)

    @staticmethod
    def _child(job: Job, output: Path, scratch: Path, result_fd: int) -> None:
        from grader.sandbox import child as sc

        sc.redirect_output(output)
        from grader.course.paths import reference_dir
        from grader.sandbox.harden import HIDDEN_PATHS, harden_child

        harden_child(scratch, job.solution.parent if job.solution else None,
                     [reference_dir(), *HIDDEN_PATHS])
        sc.apply_limits(job.exercise.memory_mb)
        os.chdir(scratch)
        solution_dir = job.solution.parent if job.solution else scratch
        sc.scrub_import_path(solution_dir, project_root())
        sc.run_checks(job.runnables, job.solution, job.seed, job.next_index, result_fd)

    # -- reading --------------------------------------------------------------------
    def _read(self, child: _Child) -> None:
        try:
            data = os.read(child.fd, 1 << 20)
        except BlockingIOError:
            return
        if not data:
            self._ended(child)
            return
        for message in child.reader.feed(data):
            try:
                self._handle(child, message)
            except (ValueError, TypeError, KeyError):
                child.reader.broken = "the sandbox sent a malformed message"
                break
        if child.reader.broken:
            self._kill(child)
            self._fail_current(child, "crashed", child.reader.broken)
            self._finish(child)

    def _handle(self, child: _Child, msg: dict) -> None:
        job = child.job
        event = msg.get("event")
        now = time.monotonic()
        if event == "imported":
            child.imported = True
            job.import_output = self._read_output(job, 0)
            child.deadline = now + 3600  # until the first check starts
        elif event == "import_error":
            status = "missing" if msg.get("status") == "missing" else "error"
            text = str(msg.get("message", ""))[:1000]
            output = self._read_output(job, 0)
            for i in range(job.next_index, len(job.runnables)):
                job.results[i] = RawResult(status, text, output=output)
            job.next_index = len(job.runnables)
            job.import_output = output
        elif event == "start":
            index = _index(msg, job)
            child.current = index
            at = msg.get("output_at")
            child.current_out_pos = at if isinstance(at, int) and at >= 0 else self._output_size(job)
            limit = job.exercise.time_limit_for(job.runnables[index])
            child.deadline = now + limit
        elif event == "result":
            index = _index(msg, job)
            status = str(msg.get("status"))
            raw = RawResult(status if status in _CHILD_STATUSES else "crashed",
                            str(msg.get("message", ""))[:2000],
                            duration=float(msg.get("duration", 0.0) or 0.0),
                            output=self._read_output(job, child.current_out_pos))
            if raw.status == "ok":
                raw.decode(msg.get("value"))
            job.results[index] = raw
            job.next_index = index + 1
            child.current = None
            child.deadline = now + 3600
        elif event == "done":
            child.finished = True
            child.deadline = now + DONE_GRACE  # then it is ended, whoever holds its pipe

    # -- endings --------------------------------------------------------------------
    def _ended(self, child: _Child) -> None:
        _, status = os.waitpid(child.pid, 0)
        self._killpg(child.pid)  # leftovers the student may have spawned
        if child.current is not None:
            self._fail_current(child, "crashed", _describe_exit(status))
        elif not child.imported and child.job.next_index < len(child.job.runnables):
            job = child.job
            output = self._read_output(job, 0)
            msg = "your solution.py ended the process while being imported: " + _describe_exit(status)
            for i in range(job.next_index, len(job.runnables)):
                job.results[i] = RawResult("error", msg, output=output)
            job.next_index = len(job.runnables)
        self._finish(child)

    def _end_finished(self, child: _Child) -> None:
        """A child that sent all its results but whose pipe stays open: a process the
        student started holds it. Everything is in; end the child and its group."""
        self._kill(child)
        self._finish(child)

    def _timeout(self, child: _Child) -> None:
        self._kill(child)
        job = child.job
        if child.current is None and not child.imported:
            msg = f"importing solution.py took longer than {IMPORT_TIME_LIMIT:g} s"
            for i in range(job.next_index, len(job.runnables)):
                job.results[i] = RawResult("timeout", msg)
            job.next_index = len(job.runnables)
        else:
            check = job.runnables[child.current] if child.current is not None else None
            limit = job.exercise.time_limit_for(check) if check else 0
            self._fail_current(child, "timeout",
                               f"{check.function if check else 'your code'}() did not finish "
                               f"within {limit:g} s (infinite loop, or far too slow?)")
        self._finish(child)

    def _fail_current(self, child: _Child, status: str, message: str) -> None:
        job = child.job
        if child.current is None:
            return
        job.results[child.current] = RawResult(
            status, message, output=self._read_output(job, child.current_out_pos))
        job.next_index = child.current + 1
        child.current = None

    def _kill(self, child: _Child) -> None:
        self._killpg(child.pid)
        try:
            os.kill(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(child.pid, 0)
        except ChildProcessError:
            pass

    @staticmethod
    def _killpg(pid: int) -> None:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def _finish(self, child: _Child) -> None:
        from grader.sandbox.harden import release_child

        release_child(child.pid)  # its pids cgroup, and anything still in it
        self.selector.unregister(child.fd)
        os.close(child.fd)
        del self.children[child.fd]
        job = child.job
        if job.next_index < len(job.runnables):
            self.queue.insert(0, job)  # a fresh child resumes after the failed check
        elif self.on_done is not None:
            self.on_done(job)

    # -- output ---------------------------------------------------------------------
    def _output_size(self, job: Job) -> int:
        try:
            return self._output_path(job).stat().st_size
        except OSError:
            return 0

    def _read_output(self, job: Job, start: int) -> str:
        try:
            with open(self._output_path(job), "rb") as fh:
                fh.seek(start)
                data = fh.read(OUTPUT_SHOWN * 4 + 1)
                rest = max(0, self._output_size(job) - start - len(data))
        except OSError:
            return ""
        return cut_output(data.decode("utf-8", "replace"), rest)


_CHILD_STATUSES = {"ok", "not_implemented", "missing", "exception", "unsupported"}


def _index(msg: dict, job: Job) -> int:
    index = msg.get("index")
    if not isinstance(index, int) or not 0 <= index < len(job.runnables):
        raise ValueError("bad check index from sandbox")
    return index


def cut_output(text: str, more_bytes: int = 0) -> str:
    """Keep the first OUTPUT_SHOWN characters and say what was cut."""
    if len(text) > OUTPUT_SHOWN or more_bytes:
        extra = len(text) - OUTPUT_SHOWN if len(text) > OUTPUT_SHOWN else 0
        return text[:OUTPUT_SHOWN] + f"\n… [output cut: {extra + more_bytes} more characters]"
    return text


def _describe_exit(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        extra = " (segmentation fault)" if sig == signal.SIGSEGV else ""
        if sig == signal.SIGKILL:
            extra = " (killed; out of memory?)"
        return f"the process was killed by signal {name}{extra}"
    code = os.WEXITSTATUS(status)
    return f"the process exited with code {code} (os._exit or exit() in your code?)"
