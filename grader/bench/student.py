"""Timing a student's own kernels inside the sandbox.

Student code is untrusted, so its timing loop runs in the sandbox like a check: each
(kernel, method) becomes a check-like :class:`BenchRun` (``function``, ``id``,
``required_functions``, ``run``, ``time_limit``), and :func:`collect_student` sends them
through the one collection path (:func:`grader.sandbox.client.collect`) as runnables of
kind ``bench``, with the usual limits (memory, output, wall time per method, a crash
costing only that method). The sandbox sends back plain numbers and the thinned result;
the trusted side checks it. The numbers are the student's own measurement: good enough
for a report that is never graded.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from grader.bench.kernels import kernel as kernel_by_id
from grader.bench.measure import Settings, measure_method
from grader.course.spec import DEFAULT_MEMORY_MB
from grader.sandbox.raw import RawResult
from grader.sandbox.runner import WALL_EXTRA, WALL_FACTOR

if TYPE_CHECKING:
    from grader.sandbox.client import Policy

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


def runnables_from_wire(wire: list[dict[str, Any]]) -> list[BenchRun]:
    """The sandbox server's side (:data:`grader.sandbox.server.PROVIDERS`)."""
    return [BenchRun.from_wire(d) for d in wire]


def collect_student(runs: list[BenchRun], submission: Path, platform: str,
                    env: dict[str, str] | None = None) -> dict[str, RawResult]:
    """Run every bench run on the student's code, in the sandbox like any check; raw
    results by run id. One server, one exercise after another (runs would share cores)."""
    import shutil
    import tempfile

    if not runs:
        return {}
    scratch = Path(tempfile.mkdtemp(prefix="calcgrade-bench-"))
    try:
        return _collect(runs, submission, scratch, platform, env)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def timing_policy(platforms: str | None, scratch: Path) -> Policy:
    """The sandbox a student's kernels are timed in: XLA's default compiler (the grading
    flags trade run-time speed for compile time, which a timing must not measure), and a
    cold server (its warm-up was checked on the CPU only: on a GPU platform a backend it
    started would make the server refuse; a timing warms up by itself)."""
    from grader.sandbox.client import Policy

    return Policy(isolation="process", parallel=1, jax_platforms=platforms,
                  scratch_root=scratch, xla_flags="", warm=False)


def _collect(runs: list[BenchRun], submission: Path, scratch: Path, platform: str,
             env: dict[str, str] | None) -> dict[str, RawResult]:
    from grader.course.spec import time_scale
    from grader.judge.engine import Submission, lay_out
    from grader.sandbox.client import ExerciseRequest, StudentRequest, collect

    by_slug: dict[str, list[BenchRun]] = {}
    for r in runs:
        by_slug.setdefault(r.slug, []).append(r)
    memory = GPU_MEMORY_MB if platform == "gpu" else CPU_MEMORY_MB
    scratch.chmod(0o755)  # the sandbox sees the student's copy there, nothing else of it
    root = scratch / "s0"
    solutions = lay_out(Submission.from_dir(submission), list(by_slug), root)
    exercises = []
    for slug, slug_runs in by_slug.items():
        exercises.append(ExerciseRequest(
            slug, solutions.get(slug), [r.time_limit * time_scale() for r in slug_runs],
            [None] * len(slug_runs), memory, kind="bench",
            runnables=[r.to_wire() for r in slug_runs]))
    budget = 120.0 + sum(sum(WALL_FACTOR * x + WALL_EXTRA for x in e.limits) for e in exercises)
    platforms = (env or {}).get("JAX_PLATFORMS") or ("cuda" if platform == "gpu" else None)
    raw = collect([StudentRequest("bench", root, exercises, budget=budget)],
                  timing_policy(platforms, scratch))["bench"]
    out: dict[str, RawResult] = {}
    missing = raw.failure or "this run did not happen"
    for ex, slug_runs in zip(raw.exercises, by_slug.values()):
        for index, run in enumerate(slug_runs):
            out[run.id] = ex.results.get(index) or RawResult("error", missing)
    return out
