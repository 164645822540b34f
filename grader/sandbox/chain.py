"""One sandboxed process per student (not per exercise) for class grading.

:func:`grader.sandbox.collector.collect` forks a fresh child per exercise, so each pays JAX's
start-up and compiles from cold: about half of a ten-exercise submission's sandbox time
(measured: 4.2-6 s per student with a child per exercise, 2.4-2.7 s with one child). A
class run instead chains a student's exercises through one child: exercise after
exercise, each with its own output file, its own ``solution`` module and the same
per-check time limits; a crash or timeout ends that child as usual and a fresh one
resumes with the next check, then carries on with the remaining exercises.

Between exercises the student's own modules are dropped and ``sys.path`` restored, but
global library state an exercise's code changes (``np.random.seed``, a monkeypatch) can
reach the same student's later exercises — only that student's points.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Callable

from grader.course.paths import project_root
from grader.sandbox.collector import IMPORT_TIME_LIMIT, Job, _Child, _Collector, preload

_OPEN_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_APPEND


class ChainCollector(_Collector):
    """Runs each chain of jobs (one student's exercises) in as few children as possible."""

    def __init__(self, chains: list[list[Job]], parallel: int, workdir: Path,
                 on_done: Callable[[Job], None] | None = None) -> None:
        super().__init__([c[0] for c in chains if c], parallel, workdir, on_done)
        self.after: dict[int, Job] = {}  # id(job) -> the next job of its chain
        self.root: dict[int, Path | None] = {}  # id(job) -> the student's folder
        for chain in chains:
            dirs = [str(j.solution.parent.parent) for j in chain if j.solution is not None]
            root = Path(os.path.commonpath(dirs)) if dirs else None
            for job, nxt in zip(chain, chain[1:]):
                self.after[id(job)] = nxt
            for job in chain:
                self.root[id(job)] = root

    def _chain_from(self, job: Job) -> list[Job]:
        out = [job]
        while id(out[-1]) in self.after:
            out.append(self.after[id(out[-1])])
        return out

    def _start(self, job: Job) -> None:
        while job.next_index >= len(job.runnables) and id(job) in self.after:
            job = self.after[id(job)]  # nothing left to run here: on with the chain
        super()._start(job)

    # -- the child ------------------------------------------------------------------
    def _child(self, job: Job, output: Path, scratch: Path, result_fd: int) -> None:  # type: ignore[override]
        from grader.course.paths import reference_dir
        from grader.sandbox import child as sc
        from grader.sandbox.harden import HIDDEN_PATHS, harden_child

        chain = self._chain_from(job)
        outputs = [os.open(self._output_path(j), _OPEN_FLAGS, 0o600) for j in chain]
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        harden_child(scratch, self.root[id(job)], [reference_dir(), *HIDDEN_PATHS])
        sc.apply_limits(max(j.exercise.memory_mb for j in chain))
        os.chdir(scratch)
        base_path = list(sys.path)
        root = self.root[id(job)]
        for k, (current, out) in enumerate(zip(chain, outputs)):
            os.dup2(out, 1)
            os.dup2(out, 2)
            sys.path[:] = base_path
            _forget_student_modules(root)
            solution_dir = current.solution.parent if current.solution else scratch
            sc.scrub_import_path(solution_dir, project_root())
            sc.run_checks(current.runnables, current.solution, current.seed,
                          current.next_index if k == 0 else 0, result_fd)

    # -- the parent -----------------------------------------------------------------
    def _handle(self, child: _Child, msg: dict) -> None:
        super()._handle(child, msg)
        job = child.job
        if msg.get("event") in ("done", "import_error") and job.next_index >= len(job.runnables):
            nxt = self.after.get(id(job))
            if nxt is None:
                return
            if self.on_done is not None:
                self.on_done(job)
            child.job, child.imported, child.current, child.finished = nxt, False, None, False
            child.deadline = time.monotonic() + IMPORT_TIME_LIMIT

    def _finish(self, child: _Child) -> None:
        job = child.job
        done = job.next_index >= len(job.runnables)
        super()._finish(child)
        nxt = self.after.get(id(job))
        if done and nxt is not None:
            self.queue.insert(0, nxt)  # the rest of the chain, in a fresh child


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


def collect_chained(jobs: list[Job], command: list[str] | None = None,
                    workdir: Path | None = None) -> None:
    """Run ``jobs`` (one student's exercises) in one chained child; fills their results.

    With ``command`` (``[]``, or a ``bwrap …`` prefix), in a fresh interpreter instead.
    ``workdir``: a writable folder for the children's output files and scratch folders
    (default: a fresh temporary one).
    """
    if command is not None:
        from grader.sandbox.server import collect_in_subprocess

        collect_in_subprocess(jobs, None, command=command, chained=True)
        return
    import shutil
    import tempfile

    preload(sorted({m for job in jobs for m in job.exercise.preload}))
    temporary = workdir is None
    workdir = Path(tempfile.mkdtemp(prefix="calcgrade-")) if workdir is None else workdir
    try:
        ChainCollector([jobs], 1, workdir).run()
    finally:
        if temporary:
            shutil.rmtree(workdir, ignore_errors=True)
