"""Grading one student of a class, in two halves that may run in different processes.

:func:`collect_raw` takes the student's files as read by :mod:`grader.classrun.submission_files`,
writes them into a private scratch folder and runs them in the sandbox (forked children
in "process" isolation; ``bwrap`` around a fresh sandbox server otherwise); what comes
back is plain data. :func:`judge_raw` judges that against the references (trusted, runs
JAX) and returns the results document. A local batch runs the halves in a forked
collector and a long-lived judge (:mod:`grader.classrun.pool`); :func:`grade_one` runs both
in one process (a spawned worker, a Dask task). Nothing here writes to the gradebook:
the batch parent is the only writer.

:func:`grade_remote` is :func:`grade_one` for a Dask worker, with the files shipped in
the task.
"""
from __future__ import annotations

import shutil
import tempfile
import traceback
from pathlib import Path
from typing import Any

from grader.classrun.submission_files import SubmissionFiles


def collect_raw(files: SubmissionFiles, slugs: list[str], *, seed: int, isolation: str,
                figures: bool = False, scratch_root: Path | None = None,
                fork_ok: bool = True, zygote: Any = None) -> dict[str, Any]:
    """Run one student's exercises in the sandbox; their raw results as plain JSON data.

    This is the untrusted half of grading (no reference is loaded, no JAX runs here, so
    the caller may have forked this process from a pre-imported parent). ``fork_ok=False``:
    this process has other threads (a Dask worker), so the sandbox runs in a fresh
    ``grader.sandbox.server`` rather than in forks of this process. ``zygote``: in bwrap
    isolation, a :class:`grader.sandbox.zygote.Zygote` to run them in (its bubblewrap sees
    ``scratch_root``); when it cannot, a bubblewrap sandbox of the student's own does.
    """
    from grader.course.spec import load_exercise
    from grader.sandbox.chain import collect_chained
    from grader.sandbox.collector import Job, RawResult

    request: dict[str, Any] = {"student": files.student, "slugs": slugs, "seed": seed,
                               "isolation": isolation, "figures": figures, "raw": {}}
    jobs = [Job(slug, load_exercise(slug), None, seed, figures) for slug in slugs]
    if files.error is not None:
        for job in jobs:
            job.results = {i: RawResult("error", f"your submission could not be read: {files.error}")
                           for i in range(len(job.exercise.checks))}
    else:
        scratch = Path(tempfile.mkdtemp(prefix="student-", dir=scratch_root))
        try:
            root = files.materialize(scratch / "submission")
            for job in jobs:
                path = root / job.exercise.slug / "solution.py"
                job.solution = path if path.is_file() else None
            command = None if fork_ok else []
            if isolation == "bwrap":
                from grader.sandbox.isolation import bwrap_argv

                command = bwrap_argv([root], slugs=slugs)
            if not (zygote is not None and isolation == "bwrap" and zygote.grade(jobs, root)):
                collect_chained(jobs, command=command)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    for job in jobs:
        request["raw"][job.exercise.slug] = {
            "import_output": job.import_output,
            "results": {str(i): r.to_wire() for i, r in job.results.items()}}
    return request


def judge_raw(request: dict[str, Any]) -> dict[str, Any]:
    """The trusted half: judge raw sandbox results against the references (runs JAX).

    Only plain data comes in (what :func:`collect_raw` produced, re-validated here by
    ``RawResult.from_wire``); the results document goes out.
    """
    import time

    from grader.course.spec import load_exercise
    from grader.judge.engine import judge_exercise
    from grader.judge.results import Results
    from grader.sandbox.collector import Job, RawResult

    t0 = time.perf_counter()
    seed = int(request["seed"])
    exercises = []
    for slug in request["slugs"]:
        ex = load_exercise(slug)
        job = Job(slug, ex, None, seed, bool(request.get("figures")))
        raw = request["raw"][slug]
        job.import_output = str(raw.get("import_output", ""))
        job.results = {int(i): RawResult.from_wire(w) for i, w in raw["results"].items()}
        exercises.append(judge_exercise(job, ex, seed))
    results = Results(submission=str(request["student"]), seed=seed,
                      isolation=str(request["isolation"]), exercises=exercises)
    results.duration = sum(c.duration for c in results.checks) + time.perf_counter() - t0
    return results.to_dict()


def grade_one(files: SubmissionFiles, slugs: list[str], *, seed: int, isolation: str,
              figures: bool = False, scratch_root: Path | None = None,
              fork_ok: bool = True) -> dict[str, Any]:
    """The results document of one student on ``slugs``: collect, then judge, here."""
    return judge_raw(collect_raw(files, slugs, seed=seed, isolation=isolation,
                                 figures=figures, scratch_root=scratch_root, fork_ok=fork_ok))


def grade_remote(payload: dict[str, Any], fork_ok: bool = False) -> dict[str, Any]:
    """Run on a Dask worker: grade the shipped files; report the course fingerprint too.

    The worker's own course (checks, references, grader version) must be the one the
    client hashed; the fingerprint lets the client refuse results graded by another.
    """
    from grader.classrun.plan import course_fingerprint

    try:
        files = SubmissionFiles.from_wire(payload["files"])
        slugs = list(payload["slugs"])
        if payload["isolation"] == "bwrap":
            from grader.sandbox.isolation import resolve

            resolve("bwrap")  # raises IsolationUnavailable on a worker without bubblewrap
        if payload.get("hide"):  # a spawned local worker: hide what the parent hides
            from grader.sandbox import harden as sandbox_harden

            sandbox_harden.HIDDEN_PATHS[:] = [Path(p) for p in payload["hide"]]
            sandbox_harden.AS_USER = True
        scratch = Path(payload["scratch_root"]) if payload.get("scratch_root") else None
        doc = grade_one(files, slugs, seed=int(payload["seed"]), isolation=payload["isolation"],
                        figures=bool(payload.get("figures")), fork_ok=fork_ok,
                        scratch_root=scratch)
        return {"student": files.student, "results": doc,
                "course": {s: course_fingerprint(s) for s in slugs}}
    except Exception as exc:  # noqa: BLE001 - reported to the client as this student's failure
        return {"student": payload.get("files", {}).get("student"),
                "failure": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()[-2000:]}


def main(argv: list[str] | None = None) -> int:
    """``python -m grader.classrun.worker PAYLOAD.json``: a spawned worker (no fork possible).

    Used by a batch parent that has already run JAX itself (a test, a notebook): it cannot
    fork workers that run JAX, so each student gets a fresh interpreter instead. The
    result is one JSON document on stdout.
    """
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    payload = json.loads(Path(args[0]).read_text(encoding="utf-8"))
    out = grade_remote(payload, fork_ok=True)
    sys.stdout.write(json.dumps(out))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
