"""A fresh process that runs the sandbox for a parent that can no longer fork.

Protocol: the parent writes one JSON document on stdin — the jobs as (slug, solution
path, seed, with_figure), and ``chained`` for one student's exercises run through one
child (:mod:`grader.sandbox.chain`) — and reads one frame per job from stdout with the
raw results, values still as the child's plain trees. It is also what a stronger sandbox
(bubblewrap) runs inside itself.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.course.spec import load_exercise
from grader.sandbox import plain
from grader.sandbox.collector import Job, RawResult, collect


def job_to_wire(job: Job) -> dict[str, Any]:
    return {"slug": job.exercise.slug, "solution": str(job.solution) if job.solution else None,
            "seed": job.seed, "with_figure": job.with_figure}


def jobs_from_wire(spec: dict[str, Any]) -> list[Job]:
    return [Job(i, load_exercise(j["slug"]), Path(j["solution"]) if j["solution"] else None,
                int(j["seed"]), bool(j["with_figure"])) for i, j in enumerate(spec["jobs"])]


def result_messages(jobs: list[Job]) -> list[dict[str, Any]]:
    """One message per job: its raw results, values still as the child's plain trees."""
    return [{"key": job.key, "import_output": job.import_output,
             "results": {str(i): r.to_wire() for i, r in job.results.items()}} for job in jobs]


def serve(stdin: Any = None, stdout: Any = None) -> None:
    stdin = stdin or sys.stdin
    out_fd = (stdout or sys.stdout).fileno()
    spec = json.load(stdin)
    jobs = jobs_from_wire(spec)
    if spec.get("chained"):
        from grader.sandbox.chain import collect_chained

        collect_chained(jobs)
    else:
        collect(jobs, spec.get("parallel"))
    for message in result_messages(jobs):
        plain.send(out_fd, message)


def apply_messages(jobs: list[Job], messages: list[dict], why_missing: str) -> None:
    """Fill each job's results from its message; a job without one errors with ``why``."""
    by_key = {m.get("key"): m for m in messages}
    for i, job in enumerate(jobs):
        message = by_key.get(i)
        if message is None:
            for index in range(len(job.runnables)):
                job.results[index] = RawResult("error", f"the sandbox failed: {why_missing}")
            continue
        job.import_output = str(message.get("import_output", ""))
        for index, wire in (message.get("results") or {}).items():
            job.results[int(index)] = RawResult.from_wire(wire)


def collect_in_subprocess(jobs: list[Job], max_parallel: int | None,
                          command: list[str] | None = None, chained: bool = False) -> None:
    """Run :func:`serve` in a new interpreter (optionally wrapped, e.g. in bwrap)."""
    request = json.dumps({"jobs": [job_to_wire(j) for j in jobs], "parallel": max_parallel,
                          "chained": chained})
    argv = (command or []) + [sys.executable, "-m", "grader.sandbox.server"]
    proc = subprocess.run(argv, input=request.encode(), capture_output=True, check=False)
    messages = plain.FrameReader().feed(proc.stdout)
    err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    apply_messages(jobs, messages, err[0][:300])


if __name__ == "__main__":
    serve()
