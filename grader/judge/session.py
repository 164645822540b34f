"""Grading one submission again and again (``calcgrade watch``): a warm sandbox, one seed.

A :class:`WatchSession` starts one sandbox server (a fresh exec'd interpreter that has
imported NumPy, SymPy and JAX without running JAX, :mod:`grader.sandbox.server`) and keeps
it between runs (``collect(..., reuse=True)``): each run lays the student's files out
afresh, and the server forks a new isolated student process for it, exactly as for
``calcgrade check``. The seed stays the same for the whole session, so every check's
inputs and expected answers are drawn once (in this process's caches) and a re-grade
costs the sandboxed run and the judging of its answers only.

Each run grades what ``calcgrade check`` would on the same folder
(:mod:`grader.judge.with_questions`): the exercise folder's ``variant.toml`` is active
while its checks are drawn and judged, and ``answers.toml``'s questions are judged after
(not with ``--function``). The drawn inputs are cached per variant: the session keeps one
request cache per set of active codes (the engine's own caches are keyed by
:func:`grader.course.variants.cache_tag`), so a changed ``variant.toml`` draws its own
numbers and changing it back reuses the first ones.
"""
from __future__ import annotations

import contextvars
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

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
        self.function = function
        if function is not None:
            from grader.judge.selection import restrict

            self.exercises, self.only = restrict(self.exercises, function)
        self.slugs = [ex.slug for ex in self.exercises]
        self.scratch = Path(tempfile.mkdtemp(prefix="calcgrade-watch-"))
        self.scratch.chmod(0o755)  # the student's process may run as nobody
        # JAX's compiled programs of this student, kept between the session's runs: a save
        # that leaves a function alone does not compile it again. Only this student's
        # code writes there (one student per session), and it goes with the session.
        cache = self.scratch / "compile-cache"
        cache.mkdir()
        _writable_by_the_student(cache)
        self.policy = Policy(isolation="process", parallel=1, scratch_root=self.scratch,
                             compile_cache=cache)
        self.servers = start_servers(self.policy, self.slugs, 1)
        self.source = engine.expected_source()
        self.caches: dict[tuple, dict] = {}  # active codes → the request builder's cache
        self.runs = 0
        self._warm: list[threading.Thread] = []
        # the server imports while this process draws every input and expected answer
        # (under the variants the folder names now)
        self._cache_for(self._claims(self.slugs)[1])

    def _claims(self, slugs: list[str]) -> tuple[dict[str, dict[str, Any]], tuple]:
        from grader.course.variants import spec_for
        from grader.judge.engine import Submission
        from grader.judge.with_questions import assigned_codes, codes_of, variant_claims

        claims = variant_claims(Submission.from_dir(self.root),
                                [s for s in slugs if spec_for(s) is not None], assigned_codes())
        return claims, tuple(sorted(codes_of(claims).items()))

    def _cache_for(self, codes: tuple) -> dict:
        """The request cache of these active variants, filled the first time (as grade()
        does), the expected answers computed in a thread under the same variants."""
        from grader.course.variants import activate
        from grader.judge import engine

        if codes not in self.caches:
            cache: dict = {}
            with activate(dict(codes)):
                engine._skip_uncovered(self.exercises, self.seed, cache, self.source)
                engine._draw_public_inputs(self.exercises, self.seed, cache)
                warm = threading.Thread(target=contextvars.copy_context().run,
                                        args=(engine._precompute_expected, self.exercises,
                                              self.seed, self.source), daemon=True)
            warm.start()
            self._warm.append(warm)
            self.caches[codes] = cache
        return self.caches[codes]

    def __enter__(self) -> "WatchSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def grade(self, slugs: list[str] | None = None, progress=None) -> Results:
        """Grade the exercises ``slugs`` (default: all of the session's) as they are now:
        as ``calcgrade check`` would (variant.toml active, answers.toml judged)."""
        from grader.course.variants import activate, enabled_slugs
        from grader.judge.engine import Submission, judge_student, lay_out
        from grader.judge.requests import student_request
        from grader.judge.with_questions import finish

        started = time.perf_counter()
        chosen = [ex for ex in self.exercises if slugs is None or ex.slug in slugs]
        claims, codes = self._claims([ex.slug for ex in chosen])
        cache = self._cache_for(codes)
        self.runs += 1
        folder = self.scratch / f"run{self.runs}"
        sub = Submission.from_dir(self.root)
        with activate(dict(codes)):
            try:
                solutions = lay_out(sub, [ex.slug for ex in chosen], folder)
                request = student_request(0, folder, chosen, solutions, self.seed, cache=cache)
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
                _trim(self.policy.compile_cache)
            results = judge_student(raw, chosen, name=str(self.root), seed=self.seed,
                                    isolation="process", source=self.source)
        finish(sub, results, claims, function=self.function, enabled=enabled_slugs())
        results.duration = time.perf_counter() - started
        return results

    def close(self) -> None:
        stop_servers(self.servers, keep=False)  # a watch session's warm server ends with it
        shutil.rmtree(self.scratch, ignore_errors=True)


COMPILE_CACHE_BYTES = 64 * 1024 * 1024  # a session's compiled programs, at most


def _trim(folder: Path | None, limit: int = COMPILE_CACHE_BYTES) -> None:
    """Empty the compile cache when it has grown past ``limit`` (each save of changed
    code adds its programs, a few KiB each; what else the student's code may have
    written there counts too)."""
    if folder is None:
        return
    total = 0
    for path, dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.lstat(os.path.join(path, name)).st_size
            except OSError:
                pass
    if total <= limit:
        return
    for entry in list(folder.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _writable_by_the_student(folder: Path) -> None:
    """The student's process runs as nobody where this one is root (the sandbox's
    lock-down), as this user otherwise."""
    if os.geteuid() == 0:
        from grader.sandbox.harden import NOBODY

        os.chown(folder, NOBODY, NOBODY)
    folder.chmod(0o700)
