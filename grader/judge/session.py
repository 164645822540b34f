"""Grading one submission again and again (``calcgrade watch``): a warm sandbox, one seed.

A :class:`WatchSession` starts one sandbox server (a fresh exec'd interpreter that has
imported NumPy, SymPy and JAX without running JAX, :mod:`grader.sandbox.server`) and keeps
it between runs (``collect(..., reuse=True)``): each run lays the student's files out
afresh, and the server forks a new isolated student process for it, exactly as for
``calcgrade check``. The seed stays the same for the whole session, so every check's
inputs and expected answers are drawn once (in this process's caches) and a re-grade
costs the sandboxed run and the judging of its answers only.
"""
from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

from grader.course.spec import Exercise, load_exercises
from grader.judge.results import Results
from grader.sandbox.client import Policy, collect, start_servers, stop_servers


class WatchSession:
    """``grade(slugs)`` as often as needed; ``close()`` (or ``with``) ends the server."""

    def __init__(self, root: Path, slugs: list[str] | None, seed: int, *,
                 function: str | None = None) -> None:
        from grader.judge import engine

        self.root = Path(root).resolve()
        self.seed = seed
        self.exercises: list[Exercise] = load_exercises(slugs or None)
        self.only: dict[str, list[int]] = {}
        if function is not None:
            from grader.judge.selection import restrict

            self.exercises, self.only = restrict(self.exercises, function)
        self.slugs = [ex.slug for ex in self.exercises]
        self.scratch = Path(tempfile.mkdtemp(prefix="calcgrade-watch-"))
        self.scratch.chmod(0o755)  # the student's process may run as nobody
        self.policy = Policy(isolation="process", parallel=1, scratch_root=self.scratch,
                             warm=True)
        self.servers = start_servers(self.policy, self.slugs, 1)
        self.source = engine.expected_source()
        self.cache: dict = {}
        self.runs = 0
        # the server imports while this process draws every input and expected answer
        engine._skip_uncovered(self.exercises, seed, self.cache, self.source)  # as grade()
        engine._draw_public_inputs(self.exercises, seed, self.cache)
        self._warm = threading.Thread(target=engine._precompute_expected,
                                      args=(self.exercises, seed, self.source), daemon=True)
        self._warm.start()

    def __enter__(self) -> "WatchSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def grade(self, slugs: list[str] | None = None, progress=None) -> Results:
        """Grade the exercises ``slugs`` (default: all of the session's) as they are now."""
        from grader.judge.engine import Submission, judge_student, lay_out
        from grader.judge.requests import student_request

        started = time.perf_counter()
        chosen = [ex for ex in self.exercises if slugs is None or ex.slug in slugs]
        self.runs += 1
        folder = self.scratch / f"run{self.runs}"
        try:
            solutions = lay_out(Submission.from_dir(self.root), [ex.slug for ex in chosen], folder)
            request = student_request(0, folder, chosen, solutions, self.seed, cache=self.cache)
            for req in request.exercises:
                req.only = self.only.get(req.slug)
            self.servers[:] = [s for s in self.servers if s.proc.poll() is None]  # died idle?
            if not self.servers:
                self.servers.extend(start_servers(self.policy, self.slugs, 1))

            def on_done(raw) -> None:
                if progress:
                    progress("running", len(chosen), len(chosen))

            raw = collect([request], self.policy, on_done=on_done, servers=self.servers,
                          reuse=True)[0]
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        results = judge_student(raw, chosen, name=str(self.root), seed=self.seed,
                                isolation="process", source=self.source)
        results.duration = time.perf_counter() - started
        return results

    def close(self) -> None:
        stop_servers(self.servers, keep=False)  # a watch session's warm server ends with it
        shutil.rmtree(self.scratch, ignore_errors=True)
