"""Grading students N at a time on this machine: forked collectors, long-lived judges.

The batch parent imports NumPy, SymPy and JAX once and never runs a JAX operation, so it
can ``fork`` a **collector** per student cheaply (no interpreter start, no imports). The
collector writes the student's files to a private scratch folder, runs every exercise
in sandboxed grandchildren (or one bubblewrap sandbox), sends the raw results (plain
JSON) back over a pipe and exits; its memory and any damage die with it. The parent
hands those raw results to one of ``jobs`` **judges** — long-lived ``python -m
grader.classrun.judge_server`` processes that load the references once and keep JAX warm — and
gets the results document back. Only the parent writes results (one writer: no lock
contention, and a process killed mid-way leaves nothing half-written).

When the calling process has already run JAX (a test suite, a notebook), forking is
unsafe: each student is then graded start to finish by a fresh ``python -m
grader.classrun.worker`` (slower, same results).
"""
from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.classrun.judge_server import Judge, frame_body
from grader.classrun.plan import Task

OnResult = Callable[[Task, dict], None]
OnFailure = Callable[[Task, str], None]


@dataclass
class _Running:
    task: Task
    pid: int
    fd: int
    deadline: float
    data: bytearray = field(default_factory=bytearray)
    proc: subprocess.Popen | None = None
    payload_file: Path | None = None
    zygote: Any = None  # the bwrap zygote lent to this collector, if any
    zygote_state: str | None = None  # how the collector left it (ok | restart | unavailable)


def time_budget(task: Task, isolation: str) -> float:
    """Seconds a collector may take: every check's limit, generously, plus start-up."""
    from grader.course.spec import load_exercise
    from grader.sandbox.collector import IMPORT_TIME_LIMIT

    total = 60.0 + (30.0 if isolation == "bwrap" else 0.0)
    for slug in task.slugs:
        ex = load_exercise(slug)
        total += IMPORT_TIME_LIMIT + sum(ex.time_limit_for(c) for c in ex.runnables(True))
    return 2.0 * total


class LocalPool:
    """Grades each task, ``jobs`` students in the sandbox at a time."""

    def __init__(self, *, jobs: int, seed: int, isolation: str, figures: bool,
                 scratch_root: Path, on_result: OnResult, on_failure: OnFailure) -> None:
        self.jobs = max(1, jobs)
        self.seed = seed
        self.isolation = isolation
        self.figures = figures
        self.scratch_root = scratch_root
        self.on_result = on_result
        self.on_failure = on_failure
        self.selector = selectors.DefaultSelector()
        self.running: dict[int, _Running] = {}
        self.judges: dict[int, Judge] = {}
        self.to_judge: list[tuple[Task, dict]] = []
        self.zygotes: list[Any] = []  # idle bwrap zygotes (grader.sandbox.zygote)
        self.zygote_slugs: list[str] = []
        self.zygote_off: str | None = None  # why zygotes are not (or no longer) used

    def run(self, tasks: list[Task]) -> None:
        from grader.sandbox.collector import jax_has_run

        spawn = jax_has_run()
        queue = list(tasks)
        try:
            if not spawn:
                self._start_zygotes(queue)
                for _ in range(min(self.jobs, len(queue))):
                    self._add_judge()
            while queue or self.running or self.to_judge or self._judging():
                while queue and len(self.running) < self.jobs:
                    task = queue.pop(0)
                    self._add(self._spawn(task) if spawn else self._fork(task))
                self._dispatch()
                deadlines = [r.deadline for r in self.running.values()]
                deadlines += [j.deadline for j in self.judges.values() if j.busy]
                wait = max(0.0, min(deadlines) - time.monotonic()) if deadlines else 1.0
                for key, _ in self.selector.select(min(wait, 1.0)):
                    if key.fd in self.running:
                        self._read(self.running[key.fd])
                    elif key.fd in self.judges:
                        self._read_judge(self.judges[key.fd])
                self._enforce_deadlines()
        finally:
            self.zygote_off = self.zygote_off or "the run is over"  # start no more
            for r in list(self.running.values()):  # interrupted: nothing may outlive us
                self._kill(r)
                self._close(r)
            for judge in list(self.judges.values()):
                self._drop_judge(judge, kill=judge.busy is not None)
            for zygote in self.zygotes:
                zygote.stop()
            self.zygotes.clear()

    def _cpu_share(self) -> float:
        """CPUs one student's grading may use, as root (cgroups): its share of the machine."""
        return max(1.0, (os.cpu_count() or 1) / self.jobs)

    def _judging(self) -> bool:
        return any(j.busy is not None for j in self.judges.values())

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for r in list(self.running.values()):
            if now > r.deadline:
                self._kill(r)
                self._done(r, f"grading took longer than {time_budget(r.task, self.isolation):.0f} s "
                              "and was stopped")
        for judge in list(self.judges.values()):
            if judge.busy is not None and now > judge.deadline:
                task = judge.busy
                self._drop_judge(judge, kill=True)
                self.on_failure(task, "judging took too long and was stopped")
                self._add_judge()

    # -- collectors -----------------------------------------------------------------
    def _add(self, r: _Running) -> None:
        os.set_blocking(r.fd, False)
        self.running[r.fd] = r
        self.selector.register(r.fd, selectors.EVENT_READ)

    def _deadline(self, task: Task) -> float:
        return time.monotonic() + time_budget(task, self.isolation)

    def _fork(self, task: Task) -> _Running:
        zygote = self.zygotes.pop() if self.zygotes else None
        read_fd, write_fd = os.pipe()
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the collector
            code = 1
            try:
                os.close(read_fd)
                for judge in self.judges.values():  # not ours to hold
                    os.close(judge.fd)
                    if judge.proc.stdin is not None:
                        os.close(judge.proc.stdin.fileno())
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
                from grader.sandbox.harden import die_with_parent, join_cgroups, student_tasks

                die_with_parent(parent)
                if os.geteuid() == 0:  # bound the whole student (bwrap included): see below
                    join_cgroups(_worker_cgroup(os.getpid()), tasks=student_tasks(),
                                 cpus=self._cpu_share())
                code = self._collect(task, write_fd, zygote)
            finally:
                os._exit(code)
        os.close(write_fd)
        return _Running(task, pid, read_fd, self._deadline(task), zygote=zygote)

    def _collect(self, task: Task, fd: int, zygote: Any = None) -> int:
        from grader.classrun.judge_server import write_frame
        from grader.classrun.worker import collect_raw

        try:
            message: dict[str, Any] = {"raw": collect_raw(
                task.files, task.slugs, seed=self.seed, isolation=self.isolation,
                figures=self.figures, scratch_root=self.scratch_root, zygote=zygote)}
            code = 0
        except BaseException as exc:  # noqa: BLE001 - reported as this student's failure
            message = {"failure": f"{type(exc).__name__}: {exc}"}
            code = 1
        if zygote is not None:
            message["zygote"] = {"state": zygote.state, "why": zygote.why}
        write_frame(fd, message)
        return code

    def _spawn(self, task: Task) -> _Running:
        from grader.sandbox.harden import HIDDEN_PATHS

        payload = {"files": task.files.to_wire(), "slugs": task.slugs, "seed": self.seed,
                   "isolation": self.isolation, "figures": self.figures,
                   "hide": [str(p) for p in HIDDEN_PATHS], "scratch_root": str(self.scratch_root)}
        fd, name = tempfile.mkstemp(prefix="payload-", suffix=".json", dir=self.scratch_root)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh)
        proc = subprocess.Popen([sys.executable, "-m", "grader.classrun.worker", name],
                                stdout=subprocess.PIPE, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        return _Running(task, proc.pid, proc.stdout.fileno(), self._deadline(task), proc=proc,
                        payload_file=Path(name))

    def _read(self, r: _Running) -> None:
        try:
            chunk = os.read(r.fd, 1 << 20)
        except BlockingIOError:
            return
        if chunk:
            r.data += chunk
            return
        status = self._reap(r)
        message = self._parse(r)
        if message is not None and isinstance(message.get("zygote"), dict):
            r.zygote_state = str(message["zygote"].get("state"))
            if r.zygote_state == "unavailable":
                self.zygote_off = str(message["zygote"].get("why"))[:300]
        if message is None:
            self._done(r, f"the grading worker ended without results ({status})")
        elif "failure" in message:
            self._done(r, str(message["failure"]))
        elif "raw" in message:
            self._close(r)
            self.to_judge.append((r.task, message["raw"]))
        else:
            self._close(r)
            self.on_result(r.task, message["results"])

    def _parse(self, r: _Running) -> dict | None:
        data = bytes(r.data)
        if r.proc is None:  # forked: one frame, and nothing after it
            body = frame_body(data)
            if body is None or len(data) != 8 + len(body):
                return None
            data = body
        try:
            message = json.loads(data)
        except ValueError:
            return None
        keys = ("results", "failure", "raw")
        return message if isinstance(message, dict) and any(k in message for k in keys) else None

    def _reap(self, r: _Running) -> str:
        """Wait for the worker; how it ended, in words."""
        if r.proc is not None:
            code = r.proc.wait()
            return f"killed by signal {-code}" if code < 0 else f"exit code {code}"
        _, status = os.waitpid(r.pid, 0)
        if os.WIFSIGNALED(status):
            return f"killed by signal {os.WTERMSIG(status)}"
        return f"exit code {os.WEXITSTATUS(status)}"

    def _kill(self, r: _Running) -> None:
        try:
            os.kill(r.pid, signal.SIGKILL)  # its sandboxes die with it (PDEATHSIG, bwrap)
        except ProcessLookupError:
            pass
        try:
            self._reap(r)
        except ChildProcessError:
            pass

    def _done(self, r: _Running, why: str) -> None:
        self._close(r)
        self.on_failure(r.task, why)

    def _close(self, r: _Running) -> None:
        from grader.sandbox.harden import release_cgroups

        release_cgroups(_worker_cgroup(r.pid))
        if r.zygote is not None:
            self._give_back(r.zygote, r.zygote_state)
            r.zygote = None
        if r.fd in self.running:
            self.selector.unregister(r.fd)
            del self.running[r.fd]
            if r.proc is not None and r.proc.stdout is not None:
                r.proc.stdout.close()
            else:
                os.close(r.fd)
        if r.payload_file is not None:
            r.payload_file.unlink(missing_ok=True)

    # -- bwrap zygotes --------------------------------------------------------------
    def _start_zygotes(self, tasks: list[Task]) -> None:
        """In bwrap isolation: one long-lived sandbox per slot (see grader.sandbox.zygote)."""
        from grader.sandbox import zygote as bwrap_zygote

        if self.isolation != "bwrap" or not tasks or not bwrap_zygote.enabled():
            return
        self.zygote_slugs = sorted({s for t in tasks for s in t.slugs})
        for _ in range(min(self.jobs, len(tasks))):
            self.zygotes.append(self._new_zygote())

    def _new_zygote(self) -> Any:
        from grader.sandbox.zygote import Zygote

        return Zygote.start(self.scratch_root, self.zygote_slugs, seed=self.seed,
                            figures=self.figures,
                            cpus=self._cpu_share())

    def _give_back(self, zygote: Any, state: str | None) -> None:
        """A collector is done with ``zygote``: keep it, replace it, or stop using any."""
        if state in ("ok", "unused") and zygote.alive() and self.zygote_off is None:
            if state == "ok":
                zygote.ready = True  # the collector (a fork) read its ready message
            self.zygotes.append(zygote)
            return
        zygote.stop()
        if self.zygote_off is None:
            self.zygotes.append(self._new_zygote())
        else:  # the others will not isolate either: one bubblewrap per student from now on
            for idle in self.zygotes:
                idle.stop()
            self.zygotes.clear()

    # -- judges ---------------------------------------------------------------------
    def _add_judge(self) -> None:
        judge = Judge.start()
        self.judges[judge.fd] = judge
        self.selector.register(judge.fd, selectors.EVENT_READ)

    def _drop_judge(self, judge: Judge, kill: bool = False) -> None:
        self.selector.unregister(judge.fd)
        del self.judges[judge.fd]
        judge.stop(kill=kill)

    def _dispatch(self) -> None:
        for judge in list(self.judges.values()):
            if not self.to_judge:
                return
            if judge.busy is None:
                task, request = self.to_judge.pop(0)
                try:
                    judge.send(task, request)
                except OSError:  # the judge died while idle: replace it, retry the task
                    self.to_judge.insert(0, (task, request))
                    self._drop_judge(judge, kill=True)
                    self._add_judge()

    def _read_judge(self, judge: Judge) -> None:
        try:
            chunk = os.read(judge.fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:  # the judge died (out of memory?): its student is not graded
            task = judge.busy
            self._drop_judge(judge, kill=True)
            if task is not None:
                self.on_failure(task, "the judge process died while judging")
            self._add_judge()
            return
        task = judge.busy
        reply = judge.feed(chunk)
        if reply is None:
            return
        if "failure" in reply:
            self.on_failure(task, str(reply["failure"]))
        else:
            self.on_result(task, reply["results"])


def _worker_cgroup(pid: int) -> str:
    """A collector's cgroups (as root): its processes and threads are capped, and its CPU
    to its share of the machine (cores / jobs), so a fork bomb or a busy loop in one
    student cannot starve the students graded beside it, in either isolation level."""
    return f"calcgrade-worker-{pid}"
