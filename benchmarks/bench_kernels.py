"""The kernels of ``calcgrade bench`` at meaningful sizes (issue 6), for RESULTS.md.

    .venv/bin/python benchmarks/bench_kernels.py [--device cpu|gpu|auto] [--sizes large]
        [--repeats 7] [--budget 2] [--dtype float64] [--json out.json] [--html out.html]
        [--time-default]

Runs the reference kernels through the same API as ``calcgrade bench`` (default: the
``large`` preset on the CPU), prints the full table, then a summary per kernel: the
median time of each method at each size, the speed-up of the challenger over the
baseline (baseline time / challenger time: > 1 means the challenger is faster; from the
medians and from the minima, which are the steadier estimate on a busy machine), the
crossovers, and the achieved bandwidth of the memory-bound kernels as a fraction of the
measured peak. ``--time-default`` also times a whole ``calcgrade bench`` (default sizes,
CPU) as a process, the command whose wall time the issue bounds.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def summary(report) -> list[str]:
    from grader.bench.analysis import crossovers
    from grader.bench.report import seconds

    lines = []
    primary = report.device.platform
    for k in report.kernels:
        lines += ["", f"## {k.id} ({k.size_name})"]
        for a, b in k.crossovers:
            ma, mb = k.method(a), k.method(b)
            da, db = (primary if ma.uses_jax else "cpu"), (primary if mb.uses_jax else "cpu")
            ta = {r.n: r for r in report.rows if r.kernel == k.id and r.method == a
                  and r.impl == "reference" and r.device == da}
            tb = {r.n: r for r in report.rows if r.kernel == k.id and r.method == b
                  and r.impl == "reference" and r.device == db}
            lines.append(f"| n | {a} ({da}) median | {b} ({db}) median | speed-up "
                         "(median) | speed-up (min) |")
            lines.append("|---:|---:|---:|---:|---:|")
            for n in sorted(set(ta) | set(tb)):
                ra, rb = ta.get(n), tb.get(n)
                cell_a = seconds(ra.timing.median_s) if ra and ra.ranked else (ra.status if ra else "–")
                cell_b = seconds(rb.timing.median_s) if rb and rb.ranked else (rb.status if rb else "–")
                both = ra and rb and ra.ranked and rb.ranked
                speed = f"{rb.timing.median_s / ra.timing.median_s:.3g}×" if both else ""
                fastest = f"{rb.timing.min_s / ra.timing.min_s:.3g}×" if both else ""
                lines.append(f"| {n:,} | {cell_a} | {cell_b} | {speed} | {fastest} |")
        for c in crossovers(report, k):
            lines.append(f"crossover: {c['text']}")
        for r in report.rows:
            if r.kernel == k.id and r.bandwidth_gbs is not None and r.n == max(
                    x.n for x in report.rows if x.kernel == k.id and x.method == r.method
                    and x.device == r.device and x.bandwidth_gbs is not None):
                frac = f" = {100 * r.peak_fraction:.3g}% of peak" if r.peak_fraction else ""
                lines.append(f"bandwidth: {r.method} ({r.device}) at n = {r.n:,}: "
                             f"{r.bandwidth_gbs:.2f} GB/s{frac}")
    return lines


def time_default_command() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "bench", "--device", "cpu"], cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
                   env={**os.environ, "JAX_PLATFORMS": "cpu"})
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cpu", choices=["cpu", "gpu", "auto"])
    parser.add_argument("--sizes", default="large", choices=["tiny", "default", "large"])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--budget", type=float, default=2.0)
    parser.add_argument("--dtype", default="float64", choices=["float64", "float32"])
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--html", type=Path, default=None)
    parser.add_argument("--time-default", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    from grader.bench.measure import Settings
    from grader.bench.report import render_html, render_json, render_text
    from grader.bench.runner import run_bench

    default_s = time_default_command() if args.time_default else None
    load_before = os.getloadavg()
    report = run_bench(None, device=args.device, preset=args.sizes,
                       settings=Settings(dtype=args.dtype, repeats=args.repeats,
                                         budget_s=args.budget),
                       progress=lambda t: print(t, file=sys.stderr))
    print(render_text(report))
    print("\n".join(summary(report)))
    print(f"\nload average before the run: {load_before[0]:.2f}, after: {os.getloadavg()[0]:.2f}"
          f" ({os.cpu_count()} cores)")
    if default_s is not None:
        print(f"`calcgrade bench --device cpu` (default sizes, whole process): {default_s:.1f} s")
    if args.json:
        args.json.write_text(render_json(report), encoding="utf-8")
    if args.html:
        args.html.write_text(render_html(report), encoding="utf-8")


if __name__ == "__main__":
    main()
