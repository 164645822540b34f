"""The terminal side of ``calcgrade selftest --mutants``: each exercise's section printed
as soon as it is graded, the summary table, ``--json``, the exit status."""
from __future__ import annotations

import sys
from pathlib import Path

import click


def run_mutants_command(slugs: list[str] | None, *, seed: int, jobs: int | None,
                        json_path: Path | None, min_kill: float,
                        max_per_function: int | None, operators: str | None) -> None:
    from grader.cli.progress import Progress
    from grader.course.paths import reference_dir
    from grader.judge.mutants import MutantsError, run_mutants
    from grader.judge.mutants_report import render_exercise, summary_table, to_json

    chosen = [o.strip() for o in operators.split(",") if o.strip()] if operators else None
    references: dict[str, str] = {}

    def reference(slug: str) -> str:
        if slug not in references:
            references[slug] = (reference_dir() / f"{slug}.py").read_text(encoding="utf-8")
        return references[slug]

    with Progress() as progress:
        def show(ex) -> None:  # noqa: ANN001 - an ExerciseMutants
            progress.close()
            for line in render_exercise(ex, min_kill, reference(ex.slug)):
                click.echo(line)
            click.echo("")
            sys.stdout.flush()

        click.echo(f"mutation analysis: seed {seed}, target {100 * min_kill:g}% of "
                   "non-equivalent mutants killed")
        click.echo("")
        try:
            report = run_mutants(slugs, seed=seed, jobs=jobs, max_per_function=max_per_function,
                                 operators=chosen, min_kill=min_kill, on_exercise=show,
                                 progress=progress)
        except MutantsError as exc:
            raise click.ClickException(str(exc))
    for line in summary_table(report):
        click.echo(line)
    if json_path is not None:
        try:
            json_path.write_text(to_json(report, {e.slug: reference(e.slug)
                                                  for e in report.exercises}), encoding="utf-8")
        except OSError as exc:
            raise click.ClickException(f"cannot write {json_path}: {exc.strerror or exc}")
        click.echo(f"JSON report written to {json_path}", err=True)
    below = report.below_target()
    click.echo("")
    click.echo(f"mutation analysis passed (time scale {report.time_scale:g})" if not below else
               f"mutation analysis FAILED: below {100 * min_kill:g}% or not judged: "
               f"{', '.join(below)}")
    sys.exit(0 if not below else 1)
