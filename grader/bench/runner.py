"""A whole ``calcgrade bench`` run: the Python API behind the command.

    report = run_bench(kernel_ids=None, submission=None, device="auto", preset="default")

Order matters: the environment is set before JAX starts; the device is resolved; the
student's kernels are timed in the sandbox; then the references are timed here (JAX
methods on the chosen device, and also on the CPU when that device is a GPU, so the
report can say where the GPU overtakes the CPU); every result is checked against the
expected answer; peak bandwidth is measured when a memory-bound kernel was timed.
"""
from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from grader.bench.checking import thin
from grader.bench.device import DeviceInfo, measure_bandwidth, prepare_environment, select_device
from grader.bench.harness import Timing
from grader.bench.kernels import KERNELS, Kernel, Method
from grader.bench.measure import Settings, measure_method
from grader.sandbox.raw import RawResult

SCHEMA = "calcgrade-bench/1"
PEAK_ELEMENTS = {"tiny": 1 << 20, "default": 1 << 24, "large": 1 << 26}
_RAW_STATUS = {"not_implemented": "not_implemented", "missing": "missing",
               "timeout": "timeout", "exception": "error", "crashed": "error",
               "error": "error", "unsupported": "error"}


@dataclass
class Row:
    """One method of one kernel at one size, by one implementation, on one device."""

    kernel: str
    method: str
    impl: str                  # "reference" | "student"
    device: str                # "cpu" | "gpu"
    n: int
    status: str                # ok | wrong | error | skipped | missing | not_implemented | timeout
    message: str = ""
    timing: Timing | None = None
    setup_s: float = 0.0
    dtype_out: str = ""
    error: float | None = None
    bytes_moved: float | None = None
    bandwidth_gbs: float | None = None
    peak_fraction: float | None = None
    ratio: float | None = None  # student median / reference median

    @property
    def ranked(self) -> bool:
        return self.status == "ok" and self.timing is not None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["timing"] = self.timing.to_dict() if self.timing else None
        if self.error is not None and not math.isfinite(self.error):
            d["error"] = None  # a NaN/inf result: the status and message say it
        return d


@dataclass
class BenchReport:
    device: DeviceInfo
    settings: Settings
    preset: str
    kernels: list[Kernel]
    rows: list[Row] = field(default_factory=list)
    bandwidth: dict[str, Any] = field(default_factory=dict)
    submission: str | None = None
    started: str = ""
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        from grader.bench.analysis import crossovers

        return {"schema": SCHEMA, "started": self.started, "duration_s": self.duration_s,
                "device": self.device.to_dict(), "settings": self.settings.to_dict(),
                "preset": self.preset, "submission": self.submission,
                "bandwidth": self.bandwidth,
                "kernels": [{"id": k.id, "slug": k.slug, "title": k.title,
                             "size_name": k.size_name, "note": k.note,
                             "methods": {m.name: m.label for m in k.methods},
                             "crossovers": crossovers(self, k)} for k in self.kernels],
                "rows": [r.to_dict() for r in self.rows]}


def select_kernels(targets: list[str] | None) -> list[Kernel]:
    """Kernels by id (``03_gradient/gradient``) or by slug (all of its kernels)."""
    if not targets:
        return list(KERNELS)
    return [k for k in KERNELS if k.id in targets or k.slug in targets]


def sizes_for(kernel: Kernel, preset: str, explicit: list[int] | None) -> list[int]:
    return sorted(set(explicit)) if explicit else list(kernel.sizes[preset])


def run_bench(kernel_ids: list[str] | None = None, *, submission: Path | None = None,
              device: str = "auto", preset: str = "default", sizes: list[int] | None = None,
              settings: Settings | None = None, bandwidth: bool = True,
              progress: Any = None) -> BenchReport:
    """Time the kernels; raises :class:`~grader.bench.device.NoGPU` for a missing GPU."""
    say = progress or (lambda text: None)
    started = time.time()
    prepare_environment(device)
    info = select_device(device)
    settings = settings or Settings()
    kernels = select_kernels(kernel_ids)
    report = BenchReport(info, settings, "custom" if sizes else preset, kernels,
                         submission=str(submission) if submission else None,
                         started=time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)))
    student_raw: dict[str, RawResult] = {}
    if submission is not None:
        from grader.bench.student import BenchRun, collect_student

        runs = [BenchRun(k.id, m.name, sizes_for(k, preset, sizes), settings, info.platform)
                for k in kernels for m in k.methods if m.contract]
        say(f"timing the submission's kernels in the sandbox ({len(runs)} methods) …")
        env = {"JAX_PLATFORMS": "cuda,cpu"} if info.platform == "gpu" else {}
        student_raw = collect_student(runs, submission, info.platform, env)
    for k in kernels:
        say(f"timing {k.id} …")
        report.rows += _kernel_rows(k, sizes_for(k, preset, sizes), settings, info, student_raw)
    if bandwidth and any(k.memory_bound for k in kernels):
        say("measuring peak memory bandwidth …")
        elements = PEAK_ELEMENTS.get(preset, PEAK_ELEMENTS["default"])
        if info.has_cpu_backend:
            report.bandwidth["cpu"] = measure_bandwidth("cpu", elements)
        if info.platform == "gpu":
            gpu = measure_bandwidth("gpu", elements)
            from grader.bench.device import spec_bandwidth_gbs

            gpu["spec_gbs"] = spec_bandwidth_gbs(info.kind)
            report.bandwidth["gpu"] = gpu
        _add_bandwidth(report)
    _add_ratios(report.rows)
    report.duration_s = time.time() - started
    return report


def _reference(kernel: Kernel) -> tuple[Any, str]:
    from grader.judge.engine import load_reference

    try:
        return load_reference(kernel.slug), ""
    except (OSError, ImportError, SyntaxError) as exc:
        return None, f"reference/{kernel.slug}.py could not be loaded ({type(exc).__name__})"


def _devices(method: Method, info: DeviceInfo) -> list[str]:
    if not method.uses_jax:
        return ["cpu"]
    if info.platform == "gpu":
        return ["gpu", "cpu"] if info.has_cpu_backend else ["gpu"]
    return ["cpu"]


def _kernel_rows(kernel: Kernel, sizes: list[int], settings: Settings, info: DeviceInfo,
                 student_raw: dict[str, RawResult]) -> list[Row]:
    expected: dict[int, Any] = {}

    def judge(method: Method, impl: str, device: str, measured: list[dict]) -> list[Row]:
        rows = []
        for d in measured:
            rows.append(_judge(kernel, method, impl, device, d, settings, expected))
        return rows

    rows: list[Row] = []
    ref, ref_problem = _reference(kernel) if any(m.contract for m in kernel.methods) else (None, "")
    for method in kernel.methods:
        for device in _devices(method, info):
            missing = [f for f in method.contract if ref is None or not callable(getattr(ref, f, None))]
            if missing:
                why = ref_problem or f"reference/{kernel.slug}.py has no {missing[0]}()"
                rows += [Row(kernel.id, method.name, "reference", device, n, "missing", why)
                         for n in sizes]
                continue
            try:
                measured = measure_method(kernel, method, ref, sizes, settings, device)
            except NotImplementedError:
                rows += [Row(kernel.id, method.name, "reference", device, n, "not_implemented",
                             "the reference is not implemented yet") for n in sizes]
                continue
            rows += judge(method, "reference", device, measured)
        if method.contract and student_raw:
            raw = student_raw.get(f"{kernel.id}/bench/{method.name}")
            device = info.platform if method.uses_jax else "cpu"
            if raw is None or raw.status != "ok":
                status = _RAW_STATUS.get(raw.status if raw else "error", "error")
                msg = raw.message if raw else "not run"
                rows += [Row(kernel.id, method.name, "student", device, n, status, msg)
                         for n in sizes]
                continue
            try:
                measured = list(raw.value["sizes"])
            except (TypeError, KeyError):
                measured = []
            if [d.get("n") if isinstance(d, dict) else None for d in measured] != sizes:
                rows += [Row(kernel.id, method.name, "student", device, n, "error",
                             "the sandbox sent malformed timings") for n in sizes]
                continue
            rows += judge(method, "student", device, measured)
    return rows


def _judge(kernel: Kernel, method: Method, impl: str, device: str, d: dict,
           settings: Settings, expected: dict[int, Any]) -> Row:
    n = int(d["n"])
    row = Row(kernel.id, method.name, impl, device, n, str(d.get("status", "error")),
              str(d.get("message", ""))[:500])
    if row.status not in ("ok", "skipped"):
        row.status = "error"
    if row.status != "ok":
        return row
    try:
        row.timing = Timing.from_dict(d["timing"])
        row.setup_s = max(0.0, float(d.get("setup_s", 0.0)))
        row.dtype_out = str(d.get("dtype_out", ""))[:20]
    except (KeyError, TypeError, ValueError):
        row.status, row.message, row.timing = "error", "the timings sent back are malformed", None
        return row
    if n not in expected:  # computed once per size; inputs kept only if the check reads them
        inputs = kernel.inputs(settings.seed, n, settings.dtype)
        expected[n] = (thin(kernel.expected(inputs)), inputs if kernel.check_reads_inputs else {})
    answer, inputs = expected[n]
    ok, err, message = kernel.check(d.get("result"), answer, inputs,
                                    kernel.tolerance[settings.dtype])
    row.error = err
    if not ok:
        row.status, row.message = "wrong", message
    return row


def _add_bandwidth(report: BenchReport) -> None:
    for row in report.rows:
        method = next(k for k in report.kernels if k.id == row.kernel).method(row.method)
        if method.bytes_moved is None or not row.ranked:
            continue
        import numpy as np

        # the inputs' dtype: compulsory traffic is reading them (a kernel that upcasts
        # first moves more, and its fraction of peak shows it)
        row.bytes_moved = method.bytes_moved(row.n, np.dtype(report.settings.dtype).itemsize)
        row.bandwidth_gbs = row.bytes_moved / row.timing.median_s / 1e9  # type: ignore[union-attr]
        peak = report.bandwidth.get(row.device, {})
        best = peak.get("spec_gbs") or peak.get("peak_gbs")
        if best:
            row.peak_fraction = row.bandwidth_gbs / best


def _add_ratios(rows: list[Row]) -> None:
    refs = {(r.kernel, r.method, r.device, r.n): r for r in rows if r.impl == "reference"}
    for r in rows:
        ref = refs.get((r.kernel, r.method, r.device, r.n))
        if r.impl == "student" and r.ranked and ref is not None and ref.ranked:
            r.ratio = r.timing.median_s / ref.timing.median_s  # type: ignore[union-attr]
