"""The ``calcgrade`` command line: a thin Click layer over the Python API.

Heavy imports (NumPy, SymPy, JAX, matplotlib) happen inside commands, so ``calcgrade
--help`` and ``calcgrade list`` start instantly.
"""
from __future__ import annotations

import json
import secrets
import sys
from pathlib import Path

import click

from . import __version__


class ExerciseSlug(click.ParamType):
    """An exercise slug that exists in the course (a clean usage error otherwise)."""

    name = "SLUG"

    def convert(self, value, param, ctx):  # type: ignore[override]
        from .spec import all_slugs

        slugs = all_slugs()
        if value in slugs:
            return value
        matches = [s for s in slugs if s.split("_", 1)[-1] == value or s.startswith(value + "_")]
        if len(matches) == 1:
            return matches[0]
        self.fail(f"unknown exercise {value!r}; choose from: {', '.join(slugs)}", param, ctx)


class SubmissionDir(click.ParamType):
    """A folder shaped like ``exercises/`` (one ``<slug>/solution.py`` per exercise)."""

    name = "DIR"

    def convert(self, value, param, ctx):  # type: ignore[override]
        path = Path(value)
        if not path.exists():
            self.fail(f"submission folder {value!r} does not exist", param, ctx)
        if not path.is_dir():
            self.fail(f"{value!r} is not a folder (expected one shaped like exercises/)", param, ctx)
        return path


SLUG = ExerciseSlug()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calcgrade")
def main() -> None:
    """calcgrade: auto-graded exercises for calculus for machine learning."""


@main.command("list")
def list_cmd() -> None:
    """List the exercises with their titles and points."""
    from .spec import load_exercises

    exercises = load_exercises()
    width = max(len(e.slug) for e in exercises)
    for ex in exercises:
        click.echo(f"{ex.slug:<{width}}  {ex.max_points:>4g} pts  {len(ex.checks):>2} checks  {ex.title}")
    click.echo(f"{'total':<{width}}  {sum(e.max_points for e in exercises):>4g} pts")


def _default_submission() -> Path:
    from .paths import exercises_dir

    here = Path.cwd() / "exercises"
    return here if here.is_dir() else exercises_dir()


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--submission", type=SubmissionDir(), default=None,
              help="Folder shaped like exercises/ (default: ./exercises).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Output format on stdout.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, printed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Exercises graded at once (default: number of cores).")
@click.option("--verbose", "-v", is_flag=True, help="Also describe the passing checks.")
def check(slugs: tuple[str, ...], submission: Path | None, fmt: str, seed: int | None,
          jobs: int | None, verbose: bool) -> None:
    """Check your solutions: exercises/<SLUG>/solution.py (all exercises by default).

    Exit code 0 when every check passes, 1 otherwise, 2 on a usage error.
    """
    from .grading import Submission, grade

    root = submission or _default_submission()
    results = grade([Submission.from_dir(root, name=str(root))], list(slugs) or None,
                    seed=_seed(seed), jobs=jobs)[0]
    if fmt == "json":
        click.echo(json.dumps(results.to_dict(), indent=2))
    else:
        from .render_text import render

        click.echo(render(results, color=sys.stdout.isatty(), verbose=verbose))
    sys.exit(0 if results.all_passed else 1)


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, printed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None)
def selftest(slugs: tuple[str, ...], seed: int | None, jobs: int | None) -> None:
    """Prove the course sound: references full marks, stubs zero, mistakes recognised."""
    from .selftest import run_selftest

    report = run_selftest(list(slugs) or None, seed=_seed(seed), jobs=jobs)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)


if __name__ == "__main__":  # pragma: no cover
    main()
