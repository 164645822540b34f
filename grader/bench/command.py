"""The body of ``calcgrade bench`` (``grader/cli.py`` only declares its options).

Progress goes to stderr, the report to stdout or ``--output``. Exit status: 0 when
every timed result was correct, 1 when any was wrong or failed (or no GPU for
``--device gpu``), 2 for a usage error (Click).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from grader.judge.results import Results


def run_command(*, targets: tuple[str, ...], submission: Path | None, device: str,
                sizes: str | list[int], repeats: int, warmup: int, budget: float, dtype: str,
                fmt: str, output: Path | None, seed: int) -> None:
    from grader.bench.device import NoGPU
    from grader.bench.measure import Settings
    from grader.bench.report import render_html, render_json, render_text
    from grader.bench.runner import run_bench

    preset = sizes if isinstance(sizes, str) else "default"
    explicit = sizes if isinstance(sizes, list) else None
    settings = Settings(dtype=dtype, repeats=repeats, warmup=warmup, budget_s=budget, seed=seed)
    try:
        report = run_bench(list(targets) or None,
                           submission=submission.resolve() if submission else None,
                           device=device, preset=preset, sizes=explicit, settings=settings,
                           progress=lambda text: click.echo(text, err=True))
    except NoGPU as exc:
        raise click.ClickException(str(exc)) from None
    renderer = {"text": render_text, "json": render_json, "html": render_html}[fmt]
    text = renderer(report)
    if output is not None:
        try:
            output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"bench report written to {output}", err=True)
    else:
        click.echo(text)
    failed = [r for r in report.rows if r.status in ("wrong", "error", "timeout")]
    sys.exit(1 if failed else 0)


def attach_kernel_times(results: "Results", submission: Path, sizes: str | list[int], *,
                        seed: int = 0) -> None:
    """``check --bench``: time the graded exercises' kernels, the student's beside the
    reference's, and store the comparison in each exercise's results (never graded)."""
    from grader.bench.analysis import student_kernels
    from grader.bench.device import NoGPU
    from grader.bench.kernels import KERNELS
    from grader.bench.measure import Settings
    from grader.bench.runner import run_bench

    slugs = {ex.slug for ex in results.exercises} & {k.slug for k in KERNELS}
    if not slugs:
        click.echo("--bench: none of these exercises has a kernel to time", err=True)
        return
    try:
        report = run_bench(sorted(slugs), submission=submission.resolve(), device="auto",
                           preset=sizes if isinstance(sizes, str) else "default",
                           sizes=sizes if isinstance(sizes, list) else None,
                           settings=Settings(seed=seed), bandwidth=False,
                           progress=lambda text: click.echo(text, err=True))
    except NoGPU as exc:  # pragma: no cover - "auto" falls back to the CPU
        raise click.ClickException(str(exc)) from None
    timed = student_kernels(report)
    for ex in results.exercises:
        if ex.slug in timed:
            ex.kernels = timed[ex.slug]
