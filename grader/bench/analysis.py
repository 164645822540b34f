"""Reading a bench run: time series per method, and where one method overtakes another.

Only rows whose result was checked correct (``Row.ranked``) take part: a fast wrong
kernel is never ranked. A crossover is named where the challenger becomes faster *and
stays* faster up to the largest size measured; the point itself is estimated by
interpolating log(time ratio) linearly in log(n) between the two sizes around it.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.bench.kernels import Kernel
    from grader.bench.runner import BenchReport


def series(report: "BenchReport", kernel_id: str, method: str, impl: str,
           device: str) -> list[tuple[int, float]]:
    """(n, median seconds) of the correct rows, by size."""
    return sorted((r.n, r.timing.median_s) for r in report.rows  # type: ignore[union-attr]
                  if r.kernel == kernel_id and r.method == method and r.impl == impl
                  and r.device == device and r.ranked)


def _n(n: float) -> str:
    return f"{n:,.0f}"


def crossover(a: list[tuple[int, float]], b: list[tuple[int, float]], a_name: str,
              b_name: str, size_name: str = "n") -> dict[str, Any]:
    """Where series ``a`` overtakes series ``b`` for good (both: (n, seconds))."""
    tb = dict(b)
    common = [(n, t, tb[n]) for n, t in a if n in tb]
    var = size_name.split()[0]
    out: dict[str, Any] = {"faster": a_name, "slower": b_name, "between": None,
                           "estimate": None}
    if len(common) < 2:
        out.update(status="no data", text=f"{a_name} vs {b_name}: not enough correct "
                   "timings of both at the same sizes to compare")
        return out
    lo, hi = _n(common[0][0]), _n(common[-1][0])
    logs = [math.log(ta / tb_) for _, ta, tb_ in common]
    if all(r < 0 for r in logs):
        out.update(status="always", text=f"{a_name} is faster than {b_name} at every size "
                   f"measured ({var} = {lo} … {hi})")
        return out
    if logs[-1] >= 0:
        if all(r >= 0 for r in logs):
            text = f"{b_name} stays faster than {a_name} at every size measured ({var} = {lo} … {hi})"
            out.update(status="never", text=text)
        else:
            wins = ", ".join(_n(n) for (n, _, _), r in zip(common, logs) if r < 0)
            out.update(status="mixed", text=f"no lasting crossover: {a_name} is faster than "
                       f"{b_name} at {var} = {wins} but not at the largest size ({hi})")
        return out
    k = max(i for i, r in enumerate(logs) if r >= 0)
    n0, n1 = common[k][0], common[k + 1][0]
    r0, r1 = logs[k], logs[k + 1]
    est = math.exp(math.log(n0) + (math.log(n1) - math.log(n0)) * r0 / (r0 - r1))
    out.update(status="crossover", between=[n0, n1], estimate=est,
               text=f"{a_name} overtakes {b_name} between {var} = {_n(n0)} and {_n(n1)} "
                    f"(≈ {_n(est)} by log-log interpolation) and stays faster up to {hi}")
    return out


def crossovers(report: "BenchReport", kernel: "Kernel") -> list[dict[str, Any]]:
    """The kernel's declared method crossovers and, on a GPU run, GPU vs CPU per method."""
    primary = report.device.platform
    out = []
    for a, b in kernel.crossovers:
        ma, mb = kernel.method(a), kernel.method(b)
        da = primary if ma.uses_jax else "cpu"
        db = primary if mb.uses_jax else "cpu"
        c = crossover(series(report, kernel.id, a, "reference", da),
                      series(report, kernel.id, b, "reference", db),
                      f"{a} ({da})", f"{b} ({db})", kernel.size_name)
        c["kind"] = "method"
        out.append(c)
    for m in kernel.methods:
        if not m.uses_jax:
            continue
        if primary != "gpu":
            out.append({"kind": "device", "status": "no gpu", "faster": f"{m.name} (gpu)",
                        "slower": f"{m.name} (cpu)", "between": None, "estimate": None,
                        "text": f"{m.name}: GPU vs CPU not measured (no GPU in this run)"})
            continue
        c = crossover(series(report, kernel.id, m.name, "reference", "gpu"),
                      series(report, kernel.id, m.name, "reference", "cpu"),
                      f"{m.name} (gpu)", f"{m.name} (cpu)", kernel.size_name)
        c["kind"] = "device"
        out.append(c)
    return out


def student_summary(report: "BenchReport", kernel: "Kernel") -> list[str]:
    """One line per student method: the median ratio to the reference over the sizes."""
    lines = []
    for m in kernel.methods:
        rows = [r for r in report.rows if r.kernel == kernel.id and r.method == m.name
                and r.impl == "student"]
        if rows:
            lines.append(f"{m.name}: {_method_summary(rows)}")
    return lines


def _method_summary(rows: list) -> str:
    ratios = sorted(r.ratio for r in rows if r.ratio is not None)
    wrong = [r.n for r in rows if r.status == "wrong"]
    if ratios:
        mid = ratios[len(ratios) // 2]
        text = (f"your kernel takes {mid:.2g}× the reference's time (median over "
                f"{len(ratios)} sizes; {ratios[0]:.2g}× … {ratios[-1]:.2g}×)")
    else:
        text = "no correct timing to compare"
    if wrong:
        text += f"; WRONG result at n = {', '.join(_n(n) for n in wrong)} (not ranked)"
    others = sorted({r.status for r in rows} - {"ok", "wrong"})
    if others:
        text += "; " + ", ".join(others) + ": " + next(
            r.message for r in rows if r.status in others)[:200]
    return text


def student_kernels(report: "BenchReport") -> dict[str, list[dict]]:
    """The student's kernel times beside the reference's, per exercise slug (plain data
    for the results document and the student report): one entry per timed method."""
    refs = {(r.kernel, r.method, r.device, r.n): r for r in report.rows if r.impl == "reference"}
    out: dict[str, list[dict]] = {}
    info = report.device
    device_name = info.kind if info.platform == "gpu" else info.cpu_model
    for kernel in report.kernels:
        for m in kernel.methods:
            rows = [r for r in report.rows if r.kernel == kernel.id and r.method == m.name
                    and r.impl == "student"]
            if not rows:
                continue
            sizes = []
            for r in rows:
                ref = refs.get((r.kernel, r.method, r.device, r.n))
                sizes.append({"n": r.n, "status": r.status, "message": r.message[:300],
                              "student_s": r.timing.median_s if r.timing else None,
                              "reference_s": ref.timing.median_s if ref and ref.timing else None,
                              "ratio": r.ratio})
            ratios = sorted(s["ratio"] for s in sizes if s["ratio"] is not None)
            out.setdefault(kernel.slug, []).append({
                "kernel": kernel.id, "title": kernel.title, "method": m.name,
                "label": m.label, "size_name": kernel.size_name, "device": rows[0].device,
                "dtype": report.settings.dtype, "device_name": device_name,
                "median_ratio": ratios[len(ratios) // 2] if ratios else None,
                "wrong": any(s["status"] == "wrong" for s in sizes),
                "summary": _method_summary(rows), "sizes": sizes})
    return out
