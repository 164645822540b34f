"""The bench's plot: time against size, log-log, one line per method (matplotlib, Agg).

Reference methods are solid lines, the student's dashed, the CPU baseline of a GPU run
dotted; the band is the interquartile range. A wrong result is drawn as a red cross and
joins no line (it is never ranked). Each named crossover gets a vertical marker.
Returns a PNG as base64 text for embedding in the HTML report.
"""
from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from grader.bench.kernels import Kernel
    from grader.bench.runner import BenchReport


def kernel_plot(report: "BenchReport", kernel: "Kernel", crossovers: list[dict[str, Any]]) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.5, 4.6), dpi=100)
    try:
        colours = plt.rcParams["axes.prop_cycle"].by_key()["color"]
        keys = sorted({(r.method, r.impl, r.device) for r in report.rows if r.kernel == kernel.id},
                      key=lambda k: ([m.name for m in kernel.methods].index(k[0]), k[1], k[2]))
        plotted = False
        for method, impl, device in keys:
            rows = sorted((r for r in report.rows if r.kernel == kernel.id and r.method == method
                           and r.impl == impl and r.device == device), key=lambda r: r.n)
            colour = colours[[m.name for m in kernel.methods].index(method) % len(colours)]
            style = "--" if impl == "student" else (
                ":" if device == "cpu" and report.device.platform == "gpu"
                and kernel.method(method).uses_jax else "-")
            ok = [r for r in rows if r.ranked]
            if ok:
                ns = [r.n for r in ok]
                ax.plot(ns, [r.timing.median_s for r in ok], style, marker="o", ms=3.5,  # type: ignore[union-attr]
                        color=colour, label=f"{kernel.method(method).label} — {impl}, {device}")
                ax.fill_between(ns, [r.timing.q1_s for r in ok], [r.timing.q3_s for r in ok],  # type: ignore[union-attr]
                                color=colour, alpha=0.15, linewidth=0)
                plotted = True
            wrong = [r for r in rows if r.status == "wrong" and r.timing]
            if wrong:
                ax.plot([r.n for r in wrong], [r.timing.median_s for r in wrong], "x",  # type: ignore[union-attr]
                        color="red", ms=8, mew=2, label=f"{method} — {impl}: wrong result")
                plotted = True
        for c in crossovers:
            if c.get("estimate"):
                ax.axvline(c["estimate"], color="grey", lw=0.8, ls="-.")
                label = f"{c['faster']} overtakes {c['slower']}"
                ax.annotate(label, (c["estimate"], 1.0),
                            xycoords=("data", "axes fraction"), rotation=90, fontsize=7,
                            va="top", ha="right", color="grey")
        if plotted:
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.legend(fontsize=7, loc="upper left")
        else:
            ax.text(0.5, 0.5, "no correct timings to plot", ha="center", va="center",
                    transform=ax.transAxes)
        ax.set_xlabel(kernel.size_name)
        ax.set_ylabel("seconds per call (median)")
        ax.set_title(kernel.id, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
