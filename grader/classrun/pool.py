"""Grading a class on this machine: sandbox servers collect, long-lived judges judge.

The batch parent lays each student's files out in a scratch folder of the run, draws
every check's inputs once, and hands one request per student to
:func:`grader.sandbox.client.collect` — the same collection every command uses: sandbox
servers started clean by exec, ``jobs`` at a time, each student in a process of their
own. What comes back is raw values only; they go to one of ``jobs`` **judges**
(long-lived ``python -m grader.classrun.judge_server`` processes that load the
references once and keep JAX warm), which judge them and return the results document.
Only the parent writes results (one writer; a process killed mid-way leaves nothing
half-written). Per-student variants: the inputs are drawn under the student's codes in
the parent's own thread, and each judge request carries them (the judge activates them);
no thread relies on another's activation (:mod:`grader.course.variants`). The isolation
level recorded is the one this side applied. On Ctrl-C the
parent stores what is already judged, kills the judges (which ignore SIGINT themselves)
and lets the interrupt go up to the command, which prints how to resume.
"""
from __future__ import annotations

import os
import queue
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Callable

from grader.classrun.judge_server import Judge, JudgeFailed, judge_request, keep_or_stop, ready_judges
from grader.classrun.plan import Task
from grader.judge.engine import open_to_sandbox

OnResult = Callable[[Task, dict], None]
OnFailure = Callable[[Task, str], None]


class LocalPool:
    """Grades each task: ``jobs`` students in the sandbox and ``jobs`` judges at a time."""

    def __init__(self, *, jobs: int, seed: int, isolation: str, figures: bool,
                 scratch_root: Path, on_result: OnResult, on_failure: OnFailure,
                 hidden: list[Path] | None = None) -> None:
        self.jobs = max(1, jobs)
        self.seed = seed
        self.isolation = isolation
        self.figures = figures
        self.scratch_root = scratch_root
        self.on_result = on_result
        self.on_failure = on_failure
        self.hidden = list(hidden or [])
        # bounded: collecting never runs far ahead of judging (each entry holds a
        # student's raw answers, up to the sandbox's byte cap)
        self.to_judge: queue.Queue = queue.Queue(maxsize=2 * self.jobs)
        self.judged: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self._stored = 0
        self.interrupted = threading.Event()  # Ctrl-C: judges are killed, not waited for
        self._judges: dict[int, Judge] = {}  # running judge processes, by id()
        self._judges_lock = threading.Lock()
        self._returned: list[Judge] = []  # judges handed over by run(), back unbroken

    def run(self, tasks: list[Task]) -> None:
        from grader.course.spec import load_exercise
        from grader.course.variants import activate
        from grader.judge.requests import student_request
        from grader.sandbox.client import Policy, StudentRaw, collect

        requests, by_key = [], {}
        caches: dict[tuple, dict] = {}  # public inputs, per set of variants
        for n, task in enumerate(tasks):
            try:
                root = self._lay_out(n, task)
                exercises = [load_exercise(s) for s in task.slugs]
                solutions = {s: _solution(root, s) for s in task.slugs}
                variants = {s: c for s, c in task.variants.items() if s in task.slugs}
                with activate(variants):  # the student's own numbers (grader.course.variants)
                    request = student_request(n, root, exercises, solutions, self.seed,
                                              figures=self.figures,
                                              cache=caches.setdefault(tuple(sorted(variants.items())), {}))
            except Exception as exc:  # noqa: BLE001 - costs this student only
                self.on_failure(task, f"could not prepare the submission: {type(exc).__name__}: {exc}")
                continue
            if task.files.error is not None:
                request.exercises = []  # nothing to run: judged as unreadable below
            requests.append(request)
            by_key[n] = task
        count = min(self.jobs, len(requests))
        given = ready_judges(count)  # kept from an earlier run, or started on this thread
        with self._judges_lock:
            self._judges.update({id(j): j for j in given})
        judges = [threading.Thread(target=self._judge_loop, daemon=True,
                                   args=(given[n] if n < len(given) else None,))
                  for n in range(count)]
        for thread in judges:
            thread.start()
        policy = Policy(isolation=self.isolation, parallel=self.jobs, hidden=tuple(self.hidden),
                        scratch_root=self.scratch_root, cpus=self._cpu_share())
        pending = [0]

        def on_done(raw: Any) -> None:
            task = by_key[raw.key]
            if task.files.error is not None:
                raw = StudentRaw.empty(raw.key, len(task.slugs),
                                       f"your submission could not be read: {task.files.error}")
            pending[0] += 1
            self.to_judge.put((task, raw))
            self._drain()

        try:
            runnable = [r for r in requests if r.exercises]
            for r in requests:
                if not r.exercises:
                    on_done(StudentRaw.empty(r.key, 0))
            collect(runnable, policy, on_done=on_done, keep=False)
            while self._drain() < pending[0]:
                time.sleep(0.02)
        except BaseException:  # Ctrl-C (or a bug): stop now; what is stored stays stored
            self.interrupted.set()
            self.stopping.set()
            self._kill_judges()
            self._drain()  # students already judged are stored, not graded again
            raise
        finally:
            self.stopping.set()
            for _ in judges:
                try:
                    self.to_judge.put_nowait(None)
                except queue.Full:  # interrupted with students waiting: the judges stop anyway
                    pass
            for thread in judges:
                thread.join(timeout=30)
            returned, self._returned = self._returned, []
            keep_or_stop(returned)

    def _kill_judges(self) -> None:
        """Stop every judge at once (an interrupted run does not wait for judging)."""
        with self._judges_lock:
            running = list(self._judges.values())
        for judge in running:
            try:
                judge.proc.kill()
            except OSError:
                pass
        while True:  # unblock judge threads waiting for work: they see stopping and leave
            try:
                self.to_judge.get_nowait()
            except queue.Empty:
                break

    def _drain(self) -> int:
        """Store every judged result that is ready (in this, the only writing thread)."""
        while True:
            try:
                task, reply = self.judged.get_nowait()
            except queue.Empty:
                return self._stored
            self._stored += 1
            if isinstance(reply, str):
                self.on_failure(task, reply)
            else:
                self.on_result(task, reply)

    def _judge_loop(self, judge: Judge | None = None) -> None:
        handed = judge  # may go back to run() for keeping; a replacement started here may not
        try:
            while not self.stopping.is_set() or not self.to_judge.empty():
                item = self.to_judge.get()
                if item is None or self.interrupted.is_set():
                    return
                task, raw = item
                request = judge_request(task.student, task.slugs, seed=self.seed,
                                        isolation=self.isolation, figures=self.figures, raw=raw,
                                        variants=task.variants)
                try:
                    if judge is None:
                        judge = Judge.start()
                        with self._judges_lock:
                            self._judges[id(judge)] = judge
                        if self.interrupted.is_set():
                            return  # started while the run was being stopped
                    self.judged.put((task, judge.judge(request)))
                except JudgeFailed as exc:
                    if self.interrupted.is_set():
                        return  # killed by Ctrl-C: not a verdict on this student
                    if judge is not None and judge.proc.poll() is not None:
                        with self._judges_lock:
                            self._judges.pop(id(judge), None)
                        judge = None  # it died or was stopped: a fresh one for the next student
                    self.judged.put((task, str(exc)))
                del item, raw, request  # a student's raw answers are not kept while waiting
        finally:
            if judge is not None:
                with self._judges_lock:
                    self._judges.pop(id(judge), None)
                if judge is handed and not self.interrupted.is_set() and judge.proc.poll() is None:
                    self._returned.append(judge)
                else:
                    judge.stop(kill=self.interrupted.is_set())

    def _lay_out(self, n: int, task: Task) -> Path:
        """The student's files in the run's scratch folder (what their sandbox sees)."""
        root = self.scratch_root / f"s{n}"
        if root.exists():
            shutil.rmtree(root)
        if task.files.error is None:
            task.files.materialize(root)
        else:
            root.mkdir(parents=True)
        open_to_sandbox(root)
        return root

    def _cpu_share(self) -> float:
        """CPUs one student's grading may use, as root (cgroups): its share of the machine."""
        return max(1.0, (os.cpu_count() or 1) / self.jobs)


def _solution(root: Path, slug: str) -> Path | None:
    path = root / slug / "solution.py"
    return path if path.is_file() else None
