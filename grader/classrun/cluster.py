"""Grading a class on an existing Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

Each student becomes one Dask task running :func:`grade_remote`: the
student's files and their per-student variant codes (computed here from the class key,
:mod:`grader.classrun.variant_key`) travel inside the task (no shared filesystem needed),
the worker grades them with its own installed calcgrade under those variants and returns
the results document, and the batch parent stores it in the same gradebook as a local run. Workers must have the same
course (checks, references, grader version): every result carries the worker's course
fingerprint and one that differs from this machine's is refused, not stored.

Start workers with one thread each (``dask worker tcp://HOST:PORT --nthreads 1 --nworkers
N``): a worker process grades one student at a time; the sandbox runs in a fresh
process per student (a threaded Dask worker must not fork).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable

from grader.classrun.plan import Task, course_fingerprint
from grader.sandbox.isolation import IsolationUnavailable, resolve

CONNECT_TIMEOUT = "20s"


class ClusterError(RuntimeError):
    """The cluster cannot be used (not installed, unreachable); the message says why."""


def _client(address: str) -> Any:
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--scheduler needs the 'distributed' package: "
                           "pip install 'calcgrade[cluster]'") from None
    import dask

    timeout = dask.config.get("distributed.comm.timeouts.connect", CONNECT_TIMEOUT)
    try:
        return Client(address, timeout=timeout)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address}: {exc}") from None


def worker_isolation(choice: str) -> str:
    """Runs on a worker: the isolation level that worker can give."""
    from grader.sandbox.isolation import resolve

    return resolve(choice)


def resolve_isolation(address: str, choice: str) -> str:
    """``auto``/``bwrap`` are decided by what a worker can do, not this machine."""
    if choice == "process":
        return "process"

    client = _client(address)
    try:
        return str(client.submit(worker_isolation, choice, pure=False).result())
    except IsolationUnavailable as exc:
        raise IsolationUnavailable(f"on the cluster's workers: {exc}") from None
    finally:
        client.close()


def run_on_cluster(tasks: list[Task], address: str, *, seed: int, isolation: str,
                   figures: bool, on_result: Callable[[Task, dict], None],
                   on_failure: Callable[[Task, str], None]) -> None:
    """Submit every task; store results as they come back (any order)."""
    from distributed import as_completed

    client = _client(address)
    try:
        futures = {}
        for task in tasks:
            payload = {"files": task.files.to_wire(), "slugs": task.slugs, "seed": seed,
                       "isolation": isolation, "figures": figures,
                       "variants": {s: c for s, c in task.variants.items() if s in task.slugs}}
            futures[client.submit(grade_remote, payload, pure=False)] = task
        for future in as_completed(list(futures)):
            task = futures.pop(future)
            try:
                out = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost worker, a cancelled task …
                on_failure(task, f"the cluster could not grade it: {type(exc).__name__}: {exc}")
                continue
            if "failure" in out:
                on_failure(task, f"on the cluster: {out['failure']}")
                continue
            mine = {s: course_fingerprint(s) for s in task.slugs}
            if out.get("course") != mine:
                on_failure(task, "the cluster's worker has a different course (checks, "
                                 "references or calcgrade version) than this machine; "
                                 "install the same course on the workers")
                continue
            on_result(task, out["results"])
    finally:
        for future in futures:
            future.cancel()
        client.close()


def grade_remote(payload: dict[str, Any]) -> dict[str, Any]:
    """On a Dask worker: grade the shipped files as a local run would, and report the
    worker's course fingerprint (the client refuses results graded by another course).

    The same collection as every other command (:func:`grader.sandbox.client.collect`,
    a sandbox server started clean on the worker), then judging here: the worker is the
    instructor's, trusted like the batch parent.
    """
    import shutil
    import tempfile
    import traceback

    from grader.classrun.judge_server import judge_request
    from grader.classrun.submission_files import SubmissionFiles
    from grader.course.spec import load_exercise
    from grader.course.variants import activate
    from grader.judge.engine import open_to_sandbox
    from grader.judge.requests import student_request
    from grader.sandbox.client import Policy, StudentRaw, collect

    try:
        files = SubmissionFiles.from_wire(payload["files"])
        slugs = [str(s) for s in payload["slugs"]]
        isolation, seed = str(payload["isolation"]), int(payload["seed"])
        figures = bool(payload.get("figures"))
        variants = {str(s): str(c) for s, c in (payload.get("variants") or {}).items()}
        if isolation == "bwrap":
            resolve("bwrap")  # raises IsolationUnavailable on a worker without bubblewrap
        exercises = [load_exercise(s) for s in slugs]
        scratch = Path(tempfile.mkdtemp(prefix="calcgrade-dask-"))
        scratch.chmod(0o755)  # the student may run as nobody
        try:
            if files.error is not None:
                raw = StudentRaw.empty(0, len(slugs),
                                       f"your submission could not be read: {files.error}")
            else:
                root = files.materialize(scratch / "s0")
                open_to_sandbox(root)
                solutions = {s: root / s / "solution.py" for s in slugs
                             if (root / s / "solution.py").is_file()}
                with activate(variants):  # the student's own numbers, in this task only
                    request = student_request(0, root, exercises, solutions, seed,
                                              figures=figures)
                raw = collect([request], Policy(isolation=isolation, parallel=1,
                                                scratch_root=scratch))[0]
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        doc = _judge(judge_request(files.student, slugs, seed=seed, isolation=isolation,
                                   figures=figures, raw=raw, variants=variants))
        return {"student": files.student, "results": doc,
                "course": {s: course_fingerprint(s) for s in slugs}}
    except Exception as exc:  # noqa: BLE001 - reported to the client as this student's failure
        return {"student": payload.get("files", {}).get("student"),
                "failure": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()[-2000:]}


_JUDGES: dict[int, Any] = {}  # per worker process: a warm judge, as a local run keeps
_JUDGE_LOCK = threading.Lock()


def _judge(request: dict[str, Any]) -> dict[str, Any]:
    """Judge in a judge process, as a local run does: there, in its main thread, the
    per-check judging limit (a CPU timer signal) holds, which a Dask task thread cannot
    arm. Raises JudgeFailed."""
    from grader.classrun.judge_server import Judge, JudgeFailed

    with _JUDGE_LOCK:
        judge = _JUDGES.get(os.getpid())
        if judge is None or judge.proc.poll() is not None:
            judge = _JUDGES[os.getpid()] = Judge.start()
        try:
            return judge.judge(request)
        except JudgeFailed:
            if judge.proc.poll() is not None:
                _JUDGES.pop(os.getpid(), None)
            raise
