"""Timing a student's own kernels inside the sandbox.

Student code is untrusted, so its timing loop runs in the sandboxed child like a check:
each (kernel, method) becomes a check-like :class:`BenchRun` (``function``, ``id``,
``required_functions``, ``make_inputs``, ``run``, ``time_limit``) of a bench-only
:class:`~grader.course.spec.Exercise`, and ``grader.sandbox.collector.collect`` runs them with its usual
limits (memory, output, wall time per method, a crash costing only that method). The
child sends back plain numbers and the thinned result; the trusted side checks it.

A process that has already run JAX cannot fork safely, so :func:`collect_student` then
starts ``python -m grader.bench.student`` (a fresh interpreter that forks instead) and
reads the raw results back as frames — the same arrangement as ``grader.sandbox.server``,
but carrying the bench's own runnables. The numbers a child reports are the student's
own measurement: good enough for a report that is never graded.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from grader.bench.kernels import kernel as kernel_by_id
from grader.bench.measure import Settings, measure_method
from grader.course.spec import DEFAULT_MEMORY_MB, Exercise
from grader.sandbox import plain
from grader.sandbox.collector import Job, RawResult, collect, jax_has_run

CPU_MEMORY_MB = max(DEFAULT_MEMORY_MB, 4096)
# CUDA maps device memory into the process's address space: an address-space limit of a
# few GiB would stop the child from starting the GPU at all. On a GPU the child keeps the
# wall-time limit, process isolation and output limits; its address space is 1 TiB.
GPU_MEMORY_MB = 1 << 20


class BenchRun:
    """One method of one kernel, at all its sizes, run in the sandboxed child."""

    def __init__(self, kernel_id: str, method: str, sizes: list[int], settings: Settings,
                 platform: str) -> None:
        self.kernel = kernel_by_id(kernel_id)
        self.method = self.kernel.method(method)
        self.sizes = [int(n) for n in sizes]
        self.settings = settings
        self.platform = platform
        self.slug = self.kernel.slug
        # generous: every size may use its budget several times, plus imports/compiles
        self.time_limit = 30.0 + len(self.sizes) * (10.0 + 4 * settings.budget_s)

    @property
    def function(self) -> str:
        return self.method.contract[0]

    @property
    def required_functions(self) -> tuple[str, ...]:
        return self.method.contract

    @property
    def id(self) -> str:
        return f"{self.kernel.id}/bench/{self.method.name}"

    def make_inputs(self, seed: int) -> dict:
        return {}  # each size draws its own inputs inside run()

    def run(self, solution: Any, inputs: dict) -> Any:
        return {"sizes": measure_method(self.kernel, self.method, solution, self.sizes,
                                        self.settings, self.platform)}

    def to_wire(self) -> dict[str, Any]:
        return {"kernel": self.kernel.id, "method": self.method.name, "sizes": self.sizes,
                "settings": self.settings.to_dict(), "platform": self.platform}

    @classmethod
    def from_wire(cls, d: dict[str, Any]) -> "BenchRun":
        return cls(str(d["kernel"]), str(d["method"]), list(d["sizes"]),
                   Settings.from_dict(d["settings"]), str(d["platform"]))


def bench_jobs(runs: list[BenchRun], submission: Path, platform: str) -> list[Job]:
    """One sandbox job per exercise: its bench runs, the student's solution.py."""
    by_slug: dict[str, list[BenchRun]] = {}
    for r in runs:
        by_slug.setdefault(r.slug, []).append(r)
    memory = GPU_MEMORY_MB if platform == "gpu" else CPU_MEMORY_MB
    jobs = []
    for slug, slug_runs in by_slug.items():
        exercise = Exercise(slug=slug, title=f"{slug} (bench)", checks=slug_runs,  # type: ignore[arg-type]
                            memory_mb=memory)
        jobs.append(Job(slug, exercise, submission / slug / "solution.py", seed=0))
    return jobs


def collect_student(runs: list[BenchRun], submission: Path, platform: str,
                    env: dict[str, str] | None = None) -> dict[str, RawResult]:
    """Run every bench run on the student's code; raw results by run id."""
    if not runs:
        return {}
    if jax_has_run():
        return _collect_in_subprocess(runs, submission, platform, env)
    jobs = bench_jobs(runs, submission, platform)
    collect(jobs, max_parallel=1)  # one at a time: parallel children would share cores
    return _by_id(jobs)


def _by_id(jobs: list[Job]) -> dict[str, RawResult]:
    out: dict[str, RawResult] = {}
    for job in jobs:
        for index, run in enumerate(job.runnables):
            out[run.id] = job.results.get(index) or RawResult("error", "this run did not happen")
    return out


def _collect_in_subprocess(runs: list[BenchRun], submission: Path, platform: str,
                           env: dict[str, str] | None) -> dict[str, RawResult]:
    request = json.dumps({"runs": [r.to_wire() for r in runs], "submission": str(submission),
                          "platform": platform})
    proc = subprocess.run([sys.executable, "-m", "grader.bench.student"], input=request.encode(),
                          capture_output=True, check=False, env={**os.environ, **(env or {})})
    messages = plain.FrameReader().feed(proc.stdout)
    results = messages[0].get("results") if messages else None
    if not isinstance(results, dict):
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        return {r.id: RawResult("error", f"the sandbox failed: {err[0][:300]}") for r in runs}
    return {r.id: RawResult.from_wire(results[r.id]) if isinstance(results.get(r.id), dict)
            else RawResult("error", "the sandbox sent no result for this run") for r in runs}


def serve() -> None:
    """Entry point of the fresh interpreter: read the request, fork children, answer."""
    spec = json.load(sys.stdin)
    runs = [BenchRun.from_wire(d) for d in spec["runs"]]
    jobs = bench_jobs(runs, Path(spec["submission"]), str(spec["platform"]))
    collect(jobs, max_parallel=1)
    message = {"results": {rid: raw.to_wire() for rid, raw in _by_id(jobs).items()}}
    plain.send(sys.stdout.fileno(), message)


if __name__ == "__main__":
    serve()
