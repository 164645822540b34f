"""The body of ``calcgrade bench`` (``grader/cli.py`` only declares its options).

Progress goes to stderr, the report to stdout or ``--output``. Exit status: 0 when
every timed result was correct, 1 when any was wrong or failed (or no GPU for
``--device gpu``), 2 for a usage error (Click).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click


def run_command(*, targets: tuple[str, ...], submission: Path | None, device: str,
                sizes: str | list[int], repeats: int, warmup: int, budget: float, dtype: str,
                fmt: str, output: Path | None, seed: int) -> None:
    from .device import NoGPU
    from .measure import Settings
    from .report import render_html, render_json, render_text
    from .runner import run_bench

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
