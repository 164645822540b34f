"""The ``calcgrade`` command line: a thin Click layer over the Python API.

Heavy imports (NumPy, SymPy, JAX, matplotlib) happen inside commands, so ``calcgrade
--help`` and ``calcgrade list`` start instantly.
"""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from grader import __version__
from grader.bench.options import BenchTarget
from grader.bench.options import Sizes as BenchSizes


class ExerciseSlug(click.ParamType):
    """An exercise slug that exists in the course (a clean usage error otherwise)."""

    name = "SLUG"

    def convert(self, value, param, ctx):  # type: ignore[override]
        from grader.course.spec import all_slugs

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
    from grader.course.spec import load_exercises

    exercises = load_exercises()
    width = max(len(e.slug) for e in exercises)
    for ex in exercises:
        click.echo(f"{ex.slug:<{width}}  {ex.max_points:>4g} pts  {len(ex.checks):>2} checks  {ex.title}")
    click.echo(f"{'total':<{width}}  {sum(e.max_points for e in exercises):>4g} pts")


def _default_submission() -> Path:
    from grader.course.paths import exercises_dir

    here = Path.cwd() / "exercises"
    return here if here.is_dir() else exercises_dir()


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--submission", type=SubmissionDir(), default=None,
              help="Folder shaped like exercises/ (default: ./exercises).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "gradescope", "md"]),
              default="text", show_default=True,
              help="Output format on stdout: text, json (the results document), junit (JUnit "
                   "XML), gradescope (Gradescope results.json), md (Markdown summary).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write your feedback, with plots of your own functions, "
                                 "to this self-contained HTML file.")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, printed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Exercises graded at once (default: number of cores).")
@click.option("--verbose", "-v", is_flag=True, help="Also describe the passing checks.")
@click.option("--bench", "bench_sizes", type=BenchSizes(), is_flag=False, flag_value="tiny",
              default=None, metavar="[SIZES]",
              help="Also time your kernels beside the reference's (as `calcgrade bench`, "
                   "default sizes: tiny) and show the ratio in every output. Not graded.")
def check(slugs: tuple[str, ...], submission: Path | None, fmt: str, html_path: Path | None,
          seed: int | None, jobs: int | None, verbose: bool,
          bench_sizes: str | list[int] | None) -> None:
    """Check your solutions: exercises/<SLUG>/solution.py (all exercises by default).

    Exit code 0 when every check passes, 1 otherwise, 2 on a usage error.
    """
    from grader.cli.progress import Progress
    from grader.judge.engine import Submission, grade

    root = submission or _default_submission()
    with Progress() as progress:
        results = grade([Submission.from_dir(root, name=str(root))], list(slugs) or None,
                        seed=_seed(seed), jobs=jobs, figures=html_path is not None,
                        progress=progress if len(slugs) != 1 else None)[0]
        if bench_sizes is not None:
            from grader.bench.command import attach_kernel_times

            attach_kernel_times(results, root, bench_sizes, seed=results.seed)
        if html_path is not None:
            from grader.reports.html import write_student_report

            try:
                write_student_report(results, html_path, progress=progress)
            except OSError as exc:
                raise click.ClickException(f"cannot write {html_path}: {exc.strerror or exc}")
    if html_path is not None:
        click.echo(f"Feedback written to {html_path}", err=True)
    if fmt != "text":
        from grader.reports.formats import STUDENT_FORMATS

        text = STUDENT_FORMATS[fmt](results)
        click.echo(text, nl=not text.endswith("\n"))
    else:
        from grader.reports.text import render

        click.echo(render(results, color=sys.stdout.isatty(), verbose=verbose))
    sys.exit(0 if results.all_passed else 1)


@main.command()
@click.argument("results_path", metavar="RESULTS",
                type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created if needed).")
@click.option("--format", "formats", multiple=True, default=("html",), show_default=True,
              type=click.Choice(["html", "csv", "md", "junit"]),
              help="What to write (repeatable): html (student or class report), csv "
                   "(gradebook.csv, one row per student), md (summary.md), junit (junit.xml).")
@click.option("--title", default="Class report", show_default=True,
              help="Heading of the class report.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Student reports rendered at once (default: number of cores).")
def report(results_path: Path, out_dir: Path, formats: tuple[str, ...], title: str,
           jobs: int | None) -> None:
    """Render reports from stored results, without grading again.

    RESULTS is one results.json (a student: OUT/report.html) or a folder of
    <student>/results.json (a class: OUT/index.html and OUT/students/<name>.html).
    """
    from grader.cli.progress import Progress
    from grader.reports.render import report_from_path
    from grader.reports.results_io import ResultsError

    try:
        with Progress() as progress:
            written = report_from_path(results_path, out_dir, formats, title=title,
                                       jobs=jobs, progress=progress)
    except ResultsError as exc:
        raise click.ClickException(str(exc))
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror or exc}")
    for path in written:
        click.echo(str(path))


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, printed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None)
def selftest(slugs: tuple[str, ...], seed: int | None, jobs: int | None) -> None:
    """Prove the course sound: references full marks, stubs zero, mistakes recognised."""
    from grader.judge.selftest import run_selftest

    report = run_selftest(list(slugs) or None, seed=_seed(seed), jobs=jobs)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("targets", nargs=-1, type=BenchTarget())
@click.option("--submission", type=SubmissionDir(), default=None,
              help="Also time this folder's kernels (shaped like exercises/), in the sandbox.")
@click.option("--device", type=click.Choice(["cpu", "gpu", "auto"]), default="auto",
              show_default=True, help="JAX device; auto: the GPU when JAX sees one.")
@click.option("--sizes", type=BenchSizes(), default="default", show_default=True,
              help="tiny, default, large, or sizes like 1000,1e4,1e5.")
@click.option("--repeats", type=click.IntRange(1, 1000), default=7, show_default=True)
@click.option("--warmup", type=click.IntRange(0, 100), default=2, show_default=True)
@click.option("--budget", type=click.FloatRange(0.01, 600), default=1.0, show_default=True,
              help="Seconds of timing per kernel, method and size (fewer repeats past it).")
@click.option("--dtype", type=click.Choice(["float64", "float32"]), default="float64",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html"]), default="text",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the report here instead of stdout.")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=0, show_default=True)
def bench(targets: tuple[str, ...], submission: Path | None, device: str, sizes: str | list[int],
          repeats: int, warmup: int, budget: float, dtype: str, fmt: str,
          output: Path | None, seed: int) -> None:
    """Time the kernels (symbolic vs numerical vs automatic differentiation …) on CPU/GPU."""
    from grader.bench.command import run_command

    run_command(targets=targets, submission=submission, device=device, sizes=sizes,
                repeats=repeats, warmup=warmup, budget=budget, dtype=dtype, fmt=fmt,
                output=output, seed=seed)

@main.command()
@click.argument("submissions", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Results folder: gradebook.sqlite, <student>/results.json, reports.")
@click.option("--jobs", type=click.IntRange(1, 256), default=None,
              help="Submissions graded at once (default: number of cores).")
@click.option("--regrade", is_flag=True, help="Grade again even what is stored and unchanged.")
@click.option("--exercise", "exercises", multiple=True, type=SLUG,
              help="Grade only this exercise (repeatable; default: all).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every hidden input (default: the one stored in "
                   "OUT/gradebook.sqlite, or a new secret one; a different one needs --regrade).")
@click.option("--isolation", type=click.Choice(["auto", "process", "bwrap"]), default="auto",
              show_default=True, help="bwrap: insist on bubblewrap; auto: bwrap when available.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Grade on this Dask distributed cluster instead of this machine.")
@click.option("--figures", is_flag=True, help="Also plot each student's functions (reports).")
@click.option("--report", "reports", multiple=True,
              type=click.Choice(["html", "csv", "md", "none"]),
              help="Reports written from the gradebook (repeatable; default: html, csv, md).")
def grade(submissions: Path, out_dir: Path, jobs: int | None, regrade: bool,
          exercises: tuple[str, ...], seed: int | None, isolation: str, scheduler: str | None,
          figures: bool, reports: tuple[str, ...]) -> None:
    """Grade a class: SUBMISSIONS holds one folder or .zip per student (named by id).

    Each submission is graded in its own isolated process, N at a time; results go to
    OUT/gradebook.sqlite and OUT/<student>/results.json. Re-running grades only what is
    new or changed. Exit code 0 when every submission was graded, 1 otherwise.
    """
    from grader.cli.grade import run_grade_command

    run_grade_command(submissions, out_dir, jobs=jobs, regrade=regrade, exercises=exercises,
                      seed=seed, isolation=isolation, scheduler=scheduler, figures=figures,
                      reports=reports)


def entry() -> None:
    """The console script: run the CLI, then leave without interpreter teardown.

    Everything has been written and flushed by then; tearing down JAX and XLA's thread
    pools at exit costs about half a second, which a student would wait for on every
    ``calcgrade check``.
    """
    try:
        main.main(prog_name="calcgrade")
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (e.g. `| head`)
            pass
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


if __name__ == "__main__":  # pragma: no cover
    entry()
