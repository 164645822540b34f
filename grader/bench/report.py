"""Rendering a bench run: a terminal table, JSON (schema ``calcgrade-bench/1``), HTML.

HTML goes through Jinja2 with autoescaping (``grader/reports/templates/bench.html.j2``); the plots are
PNG images embedded as base64, so the report is one self-contained file.
"""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from grader.bench.analysis import crossovers, student_summary

if TYPE_CHECKING:
    from grader.bench.runner import BenchReport, Row


def seconds(s: float | None) -> str:
    """A duration with a readable unit: 1.23 s, 45.6 ms, 7.89 µs, 120 ns."""
    if s is None:
        return "–"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def header_lines(report: "BenchReport") -> list[str]:
    d, s = report.device, report.settings
    where = (f"gpu: {d.kind} ×{d.count}" if d.platform == "gpu" else "cpu")
    lines = [f"calcgrade bench — JAX device {where} (requested: {d.requested}); "
             f"host CPU {d.cpu_model}, {d.cpu_cores} cores",
             f"JAX {d.versions.get('jax')} (jaxlib {d.versions.get('jaxlib')}), NumPy "
             f"{d.versions.get('numpy')}, SymPy {d.versions.get('sympy')}, Python "
             f"{d.versions.get('python')}; calcgrade {d.versions.get('calcgrade')}",
             f"dtype {s.dtype} (JAX x64 {'on' if s.dtype == 'float64' else 'off'}); "
             f"{s.repeats} repeats after {s.warmup} warm-up calls, median and IQR; first "
             f"call (compilation) reported apart; budget {s.budget_s:g} s per size; seed {s.seed}"]
    if d.note:
        lines.append(d.note)
    if d.busy:
        lines.append(f"WARNING: load average {d.load_average[0]:g} on {d.cpu_cores} cores when "
                     "the run started: other work shared the CPU, timings are inflated and noisy")
    for name, bw in report.bandwidth.items():
        spec = f"; data sheet {bw['spec_gbs']:g} GB/s (used as peak)" if bw.get("spec_gbs") else ""
        lines.append(f"peak bandwidth ({name}): {bw['peak_gbs']:.1f} GB/s measured{spec} — {bw['how']}")
    return lines


def _status(row: "Row") -> str:
    if row.status == "ok":
        err = f" (err {row.error:.1e})" if row.error is not None else ""
        return "ok" + err
    if row.status == "wrong":
        return "WRONG, not ranked: " + row.message
    return f"{row.status}: {row.message}" if row.message else row.status


def row_cells(row: "Row") -> dict[str, str]:
    t = row.timing
    median = seconds(t.median_s) if t else "–"
    if row.status == "wrong" and t:
        median = f"({median})"
    extra = ""
    if row.bandwidth_gbs is not None:
        extra = f"{row.bandwidth_gbs:.3g} GB/s"
        if row.peak_fraction is not None:
            extra += f" = {100 * row.peak_fraction:.3g}% of peak"
    return {"n": f"{row.n:,}", "method": row.method, "impl": row.impl, "device": row.device,
            "median": median, "iqr": seconds(t.iqr_s) if t else "–",
            "range": f"{seconds(t.min_s)} … {seconds(t.max_s)}" if t else "–",
            "first": seconds(t.compile_s + row.setup_s) if t else "–",
            "dtype": row.dtype_out or "–",
            "ratio": f"{row.ratio:.2f}×" if row.ratio is not None else "",
            "bandwidth": extra, "status": _status(row)}


COLUMNS = (("n", "n"), ("method", "method"), ("impl", "impl"), ("device", "dev"),
           ("median", "median"), ("iqr", "IQR"), ("range", "min … max"),
           ("first", "compile+setup"), ("dtype", "dtype"), ("ratio", "vs ref"),
           ("bandwidth", "bandwidth"), ("status", "check"))


def render_text(report: "BenchReport") -> str:
    out = header_lines(report)
    for kernel in report.kernels:
        rows = [r for r in report.rows if r.kernel == kernel.id]
        rows.sort(key=lambda r: (r.n, r.method, r.impl, r.device))
        cells = [row_cells(r) for r in rows]
        cols = [(k, h) for k, h in COLUMNS if any(c[k] for c in cells)]
        widths = {k: max([len(h)] + [len(c[k]) for c in cells]) for k, h in cols}
        out += ["", f"{kernel.id} — {kernel.title}", f"  ({kernel.size_name}) {kernel.note}"]
        out.append("  " + "  ".join(h.ljust(widths[k]) for k, h in cols).rstrip())
        for c in cells:
            out.append("  " + "  ".join(c[k].ljust(widths[k]) for k, _ in cols).rstrip())
        for c in crossovers(report, kernel):
            out.append(f"  crossover: {c['text']}")
        for line in student_summary(report, kernel):
            out.append(f"  submission: {line}")
    out.append("")
    out.append(f"({len(report.rows)} rows in {report.duration_s:.1f} s)")
    return "\n".join(out)


def render_json(report: "BenchReport") -> str:
    return json.dumps(report.to_dict(), indent=2, allow_nan=False, default=_jsonable)


def _jsonable(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def render_html(report: "BenchReport") -> str:
    import jinja2

    from grader.bench.plot import kernel_plot
    from grader.course.paths import templates_dir

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates_dir())),
                             autoescape=True, undefined=jinja2.StrictUndefined)
    sections = []
    for kernel in report.kernels:
        rows = sorted((r for r in report.rows if r.kernel == kernel.id),
                      key=lambda r: (r.n, r.method, r.impl, r.device))
        cross = crossovers(report, kernel)
        sections.append({"kernel": kernel, "rows": [row_cells(r) | {"raw_status": r.status}
                                                    for r in rows],
                         "crossovers": cross, "student": student_summary(report, kernel),
                         "plot": kernel_plot(report, kernel, cross)})
    return env.get_template("bench.html.j2").render(
        header=header_lines(report), sections=sections, columns=COLUMNS, report=report)
