"""Long-lived judges for a class run: trusted processes that judge raw sandbox results.

Judging runs JAX and loads the references; a fresh process pays ~1.5 s of imports plus
cold JAX compilation for every student (measured: 4.8 s to judge a ten-exercise
submission cold, 1.1-1.3 s warm). So a class run keeps ``jobs`` judges
(``python -m grader.classrun.judge_server``), each a plain loop: read one request (a
student's raw results, plain data), judge it with :func:`judge_raw`, write the results
document. Frames are :mod:`grader.sandbox.plain`'s, like every other pipe of calcgrade.
A judge that dies or hangs is replaced; the student it was judging is reported as not
graded (a rerun retries).
"""
from __future__ import annotations

import os
import select
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

from grader.sandbox import plain

JUDGE_TIME_LIMIT = 600.0  # seconds for one student's judging before the judge is replaced


class JudgeFailed(RuntimeError):
    """The judge died, hung or broke the protocol; the message says which."""


def judge_request(student: str, slugs: list[str], *, seed: int, isolation: str, figures: bool,
                  raw: Any, variants: dict[str, str] | None = None) -> dict[str, Any]:
    """A judge's request body: one student's raw results (a StudentRaw) as plain data;
    ``variants``: slug → the student's variant code (grader.course.variants)."""
    return {"student": student, "slugs": slugs, "seed": seed, "isolation": isolation,
            "figures": figures, "failure": raw.failure,
            "variants": {s: c for s, c in (variants or {}).items() if s in slugs},
            "raw": {slug: {"import_output": ex.import_output,
                           "results": {str(i): r.to_wire() for i, r in ex.results.items()}}
                    for slug, ex in zip(slugs, raw.exercises)}}


def judge_raw(request: dict[str, Any]) -> dict[str, Any]:
    """Judge one student's raw sandbox results against the references (runs JAX).

    Only plain data comes in, re-validated here by ``RawResult.from_wire``; the results
    document goes out.
    """
    from grader.course.spec import load_exercise
    from grader.judge.engine import judge_student
    from grader.sandbox.client import ExerciseRaw, StudentRaw
    from grader.sandbox.raw import RawResult

    seed = int(request["seed"])
    slugs = [str(s) for s in request["slugs"]]
    exercises = []
    for slug in slugs:
        wire = request["raw"].get(slug) or {}
        results = {int(i): RawResult.from_wire(w) for i, w in (wire.get("results") or {}).items()
                   if str(i).isdigit()}
        exercises.append(ExerciseRaw(str(wire.get("import_output", "")), results))
    raw = StudentRaw(request["student"], exercises, failure=str(request.get("failure") or ""))
    from grader.course.variants import activate

    with activate({str(s): str(c) for s, c in (request.get("variants") or {}).items()}):
        results = judge_student(raw, [load_exercise(s) for s in slugs],
                                name=str(request["student"]), seed=seed,
                                isolation=str(request["isolation"]),
                                figures=bool(request.get("figures")))
    return results.to_dict()


def serve() -> None:
    """The judge's loop (stdin → stdout), until stdin closes.

    A judge runs in a session of its own (:meth:`Judge.start`), so the terminal's Ctrl-C
    reaches only the parent, which owns the run and stops it; it ignores SIGINT anyway,
    and dies with the parent whose pid is its one argument. No traceback of a judge
    reaches the terminal.
    """
    from grader.sandbox.server import configure_jax
    from grader.sandbox.xla import use_grading_compiler

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if len(sys.argv) > 1 and sys.argv[1].isdigit():
        from grader.sandbox.harden import die_with_parent

        die_with_parent(int(sys.argv[1]))
    use_grading_compiler()
    configure_jax()
    out = os.dup(sys.stdout.fileno())
    sys.stdout = sys.stderr  # nothing but frames may reach the parent's pipe
    reader = plain.FrameReader(max_frame=plain.MAX_REQUEST)
    while True:
        chunk = os.read(0, 1 << 20)
        if not chunk:
            return
        for request in reader.feed(chunk):
            try:
                reply: dict[str, Any] = {"results": judge_raw(request)}
            except Exception as exc:  # noqa: BLE001 - a grader bug costs one student, not the run
                reply = {"failure": f"judging failed: {type(exc).__name__}: {exc}"}
            plain.send(out, reply)
        if reader.broken:
            return


@dataclass
class Judge:
    """The parent's handle on one judge process (used by one thread at a time)."""

    proc: subprocess.Popen
    reader: plain.FrameReader
    kind: Any = None  # what it was started with (judge_kind()), when it may be kept

    @classmethod
    def start(cls, kind: Any = None) -> "Judge":
        # The course named and the grader's own folder as its working folder: what it
        # judges by does not depend on where the class run was started (judges kept for
        # one test's folder serve the next).
        from grader.course.paths import ENV, CourseNotFound, grader_parent, project_root

        env = dict(os.environ)
        try:
            env[ENV] = str(project_root())
        except CourseNotFound:
            pass  # the judge says so itself, for the student it is asked about
        # no preexec_fn: the parent is threaded and may have run JAX, so nothing may run
        # between fork and exec; the judge sets its own death signal (serve()), and its
        # own session keeps the terminal's Ctrl-C from it (the parent stops it)
        proc = subprocess.Popen([sys.executable, "-m", "grader.classrun.judge_server",
                                 str(os.getpid())], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, start_new_session=True, env=env,
                                cwd=str(grader_parent()))
        return cls(proc, plain.FrameReader(max_frame=plain.MAX_REQUEST), kind)

    def judge(self, request: dict) -> dict:
        """The results document for ``request``; raises JudgeFailed (the judge is then
        stopped: the caller starts another for the next student)."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        try:
            plain.write_all(self.proc.stdin.fileno(), plain.frame(request))
        except OSError as exc:
            self.stop(kill=True)
            raise JudgeFailed(f"the judge process could not be reached ({exc})") from None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + JUDGE_TIME_LIMIT
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.stop(kill=True)
                raise JudgeFailed("judging took too long and was stopped")
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                self.stop(kill=True)
                raise JudgeFailed("the judge process died while judging")
            replies = self.reader.feed(chunk)
            if self.reader.broken:
                self.stop(kill=True)
                raise JudgeFailed(f"the judge broke the protocol: {self.reader.broken}")
            if replies:
                reply = replies[0]
                if "failure" in reply:
                    raise JudgeFailed(str(reply["failure"]))
                return reply["results"]

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.send_signal(signal.SIGKILL)
            elif self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=None if kill else 10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


# -- judges kept between one process's class runs (opt-in, like sandbox servers) ---------
#
# A judge inherits everything it judges by from its parent at its start: the interpreter,
# the course (named in its environment; its working folder is the grader's own), the
# environment (the course's settings) and the course's files as they were (it loads each
# exercise's checks and reference once). With
# ``CALCGRADE_KEEP_SERVERS=1`` a class run started on the main thread (a judge dies with
# the thread that started it) starts its judges there and, at its end, hands the ones that
# judged without failing to a keeper (grader.sandbox.keeper.Keeper); the next run whose
# kind is the same takes them instead of paying ~1.5 s of imports and a cold JAX per judge.
# A judge holds no student's data between requests: each request brings a student's raw
# values and leaves with the results, as between two students of one run.

VOLATILE_ENV = ("PYTEST_CURRENT_TEST",)  # pytest's name of the running test: not a setting
_COURSE_FILES = ("calcgrade.toml", "exercises/*/checks.py", "exercises/*/questions.toml",
                 "reference/**/*")


def judge_kind() -> Any:
    """Everything a judge started now would judge by: two judges of one kind are
    interchangeable."""
    from grader.course.paths import project_root

    root = project_root()
    files = []
    for pattern in _COURSE_FILES:
        for path in sorted(root.glob(pattern)):
            try:
                st = path.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                files.append((path.relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
    env = tuple(sorted((k, v) for k, v in os.environ.items() if k not in VOLATILE_ENV))
    return (sys.executable, str(root), env, tuple(files))


def judge_keeper() -> Any:
    """This process's kept judges (made on first use, ended at exit)."""
    from grader.sandbox.keeper import shared_keeper

    return shared_keeper("judges", Judge.stop)


def ready_judges(count: int) -> list[Judge]:
    """``count`` judges for a class run that may keep them (kept ones first, the rest
    started here), or none when judges are not kept (each judging thread then starts its
    own when its first student arrives)."""
    from grader.sandbox.keeper import may_keep

    if count <= 0 or not may_keep():
        return []
    kind = judge_kind()
    return [judge_keeper().take(kind) or Judge.start(kind) for _ in range(count)]


def keep_or_stop(judges: list[Judge]) -> None:
    """At a run's end: each judge back to the keeper, or stopped where it may not be kept."""
    for judge in judges:
        if not judge_keeper().put(judge):
            judge.stop()


if __name__ == "__main__":
    serve()
