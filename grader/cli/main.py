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
from grader.cli.check import COLOR_CHOICES
from grader.cli.where import CourseGroup, check_course_env, course_root, use_course


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


class SubmissionPath(click.ParamType):
    """An upload to check: a folder or a ``.zip`` in any layout of
    :mod:`grader.classrun.layouts` (slug folders, a repository, one wrapping folder, a
    single ``solution.py``)."""

    name = "PATH"

    def convert(self, value, param, ctx):  # type: ignore[override]
        path = Path(value)
        if not path.exists():
            self.fail(f"submission {value!r} does not exist", param, ctx)
        if not path.is_dir() and path.suffix.lower() not in (".zip", ".ipynb"):
            self.fail(f"{value!r} is neither a folder nor a .zip file (nor a .ipynb notebook)",
                      param, ctx)
        return path


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

# calcgrade report and calcgrade grade take the same roster
ROSTER_OPTION = click.option(
    "--roster", "roster_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    metavar="FILE", help="CSV mapping each submission's folder name (a 'folder' column) to "
                         "the LMS's ids, for csv:canvas and csv:moodle.")


@click.group(cls=CourseGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="calcgrade")
@click.option("--course", "course", type=click.Path(file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="The course folder (exercises/, reference/). Default: CALCGRADE_ROOT, "
                   "else the current folder or the first folder above it with "
                   "calcgrade.toml and exercises/.")
@click.pass_context
def main(ctx: click.Context, course: Path | None) -> None:
    """calcgrade: auto-graded exercises for calculus for machine learning."""
    if ctx.invoked_subcommand != "bench":  # bench times kernels with XLA's defaults
        from grader.sandbox.xla import use_grading_compiler

        use_grading_compiler()  # the judge compiles like the sandbox (grader/sandbox/xla.py)
    if course is not None:
        use_course(ctx, course)
    else:
        check_course_env()


@main.command("list")
def list_cmd() -> None:
    """List the exercises with their titles and points."""
    from grader.course.spec import load_exercises

    root = course_root()
    exercises = load_exercises()
    if not exercises:
        raise click.ClickException(f"the course at {root} has no exercises yet "
                                   "(no exercises/<slug>/checks.py)")
    width = max(len(e.slug) for e in exercises)
    for ex in exercises:
        click.echo(f"{ex.slug:<{width}}  {ex.max_points:>4g} pts  {len(ex.checks):>2} checks  {ex.title}")
    click.echo(f"{'total':<{width}}  {sum(e.max_points for e in exercises):>4g} pts")


def _seed(seed: int | None) -> int:
    return seed if seed is not None else secrets.randbelow(2**31)


def text_options(command):
    """The text output's options, shared by ``check`` and ``watch``."""
    for option in reversed([
        click.option("--function", "function", default=None, metavar="NAME",
                     help="Grade only this function's checks (e.g. rate_of_change)."),
        click.option("--quiet", "-q", "style", flag_value="quiet", default=None,
                     help="One line per exercise, then the score."),
        click.option("--summary", "-s", "style", flag_value="summary",
                     help="Only what does not pass yet (passing checks are counted, not listed)."),
        click.option("--hint", is_flag=True, help="Show the hint of every check that does not pass."),
        click.option("--color", type=click.Choice(COLOR_CHOICES), default="auto", show_default=True,
                     help="Colour the text output; auto: on a terminal unless NO_COLOR is set."),
    ]):
        command = option(command)
    return command


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--submission", type=SubmissionPath(), default=None,
              help="Your work: a folder or .zip with <slug>/solution.py, a repository "
                   "(exercises/<slug>/…), either inside one top folder, or a single "
                   "solution.py for one exercise (default: ./exercises).")
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
@text_options
@click.option("--bench", "bench_sizes", type=BenchSizes(), is_flag=False, flag_value="tiny",
              default=None, metavar="[SIZES]",
              help="Also time your kernels beside the reference's (as `calcgrade bench`, "
                   "default sizes: tiny) and show the ratio in every output. Not graded.")
@click.option("--no-server", is_flag=True,
              help="Check in this process, not through the warm check server "
                   "(also: CALCGRADE_CHECK_SERVER=0).")
def check(slugs: tuple[str, ...], submission: Path | None, fmt: str, html_path: Path | None,
          seed: int | None, jobs: int | None, verbose: bool, function: str | None,
          style: str | None, hint: bool, color: str,
          bench_sizes: str | list[int] | None, no_server: bool) -> None:
    """Check your solutions: exercises/<SLUG>/solution.py (all exercises by default).

    Exit code 0 when every check passes, 1 otherwise, 2 on a usage error.
    """
    if _served_argv is not None and not no_server and bench_sizes is None:
        from grader.cli.check_server_client import check_through_server

        served = check_through_server(_served_argv)  # None: not served, check here
        if served is not None:
            sys.exit(served)
    from grader.cli.check import run_check_command

    run_check_command(slugs, submission, fmt, html_path, seed, jobs, verbose, bench_sizes,
                      function, style, hint, color)  # the seed: grader.cli.release.checking_seed


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--submission", type=SubmissionDir(), default=None,
              help="Folder shaped like exercises/ (default: ./exercises).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, kept while watching).")
@text_options
@click.option("--interval", type=click.FloatRange(0.01, 10), default=0.02, show_default=True,
              help="Seconds between looks at your files.")
def watch(slugs: tuple[str, ...], submission: Path | None, seed: int | None,
          function: str | None, style: str | None, hint: bool, color: str,
          interval: float) -> None:
    """Check again each time you save: exercises/<SLUG>/solution.py (all by default).

    Keeps a sandbox warm, so a save shows its new result in a fraction of a second.
    Ctrl-C stops.
    """
    from grader.cli.release import checking_seed
    from grader.cli.watch import run_watch_command

    run_watch_command(slugs, submission, checking_seed(seed), function, style, hint, color,
                      interval)


@main.command()
@click.argument("results_path", metavar="RESULTS",
                type=click.Path(exists=True, path_type=Path))
@click.option("--out", "out_dir", required=True,
              type=click.Path(file_okay=False, path_type=Path),
              help="Folder for the reports (created if needed).")
@click.option("--format", "formats", multiple=True, default=("html",), show_default=True,
              type=click.Choice(["html", "csv", "csv:canvas", "csv:moodle", "md", "junit"]),
              help="What to write (repeatable): html (student or class report), csv "
                   "(gradebook.csv, one row per student), csv:canvas / csv:moodle "
                   "(gradebook-canvas.csv / gradebook-moodle.csv for that LMS's grade "
                   "import; need --roster), md (summary.md), junit (junit.xml).")
@ROSTER_OPTION
@click.option("--title", default="Class report", show_default=True,
              help="Heading of the class report.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Student reports rendered at once (default: number of cores).")
@click.option("--show-hidden", is_flag=True,
              help="Students' reports show the feedback of hidden checks too (expected values).")
def report(results_path: Path, out_dir: Path, formats: tuple[str, ...], roster_path: Path | None,
           title: str, jobs: int | None, show_hidden: bool) -> None:
    """Render reports from stored results, without grading again.

    RESULTS is one results.json (a student: OUT/report.html) or a folder of
    <student>/results.json (a class: OUT/index.html and OUT/students/<name>.html).
    """
    from grader.cli.grade import roster_for
    from grader.cli.progress import Progress
    from grader.reports.render import report_from_path
    from grader.reports.results_io import ResultsError

    roster = roster_for(formats, roster_path)
    warnings: list[str] = []
    try:
        with Progress() as progress:
            written = report_from_path(results_path, out_dir, formats, title=title,
                                       jobs=jobs, progress=progress, roster=roster,
                                       warnings=warnings, show_hidden=show_hidden)
    except ResultsError as exc:
        raise click.ClickException(str(exc))
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror or exc}")
    for path in written:
        click.echo(str(path))
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


@main.command()
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed for every random input (default: a fresh one, printed).")
@click.option("--jobs", type=click.IntRange(1, 64), default=None)
@click.option("--mutants", is_flag=True,
              help="Mutation analysis instead: grade mutants of every reference function and "
                   "report the fraction the checks kill, with the survivors' diffs.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="With --mutants: also write the report as JSON here.")
@click.option("--min-kill", type=click.FloatRange(0, 1), default=0.9, show_default=True,
              help="With --mutants: fail when an exercise kills less than this fraction.")
@click.option("--max-per-function", type=click.IntRange(1, 10_000), default=None,
              help="With --mutants: grade at most N mutants per function (a fixed sample).")
@click.option("--operators", default=None, metavar="A,B",
              help="With --mutants: only these mutation operators (default: all).")
def selftest(slugs: tuple[str, ...], seed: int | None, jobs: int | None, mutants: bool,
             json_path: Path | None, min_kill: float, max_per_function: int | None,
             operators: str | None) -> None:
    """Prove the course sound: references full marks, stubs zero, mistakes recognised.

    With --mutants: how many plausible slips in the references the checks catch.
    """
    if mutants:
        from grader.cli.mutants import run_mutants_command

        course_root()
        run_mutants_command(list(slugs) or None, seed=_seed(seed), jobs=jobs,
                            json_path=json_path, min_kill=min_kill,
                            max_per_function=max_per_function, operators=operators)
        return
    if json_path or max_per_function or operators or min_kill != 0.9:
        raise click.UsageError("--json, --min-kill, --max-per-function and --operators "
                               "need --mutants")
    from grader.judge.selftest import run_selftest

    course_root()
    report = run_selftest(list(slugs) or None, seed=_seed(seed), jobs=jobs)
    for line in report.lines:
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("slug", type=SLUG)
@click.option("--code", default=None, metavar="CODE",
              help="Your variant code, as your instructor gave it to you.")
@click.option("--student", default=None, metavar="ID",
              help="Instructor: this student's variant, from the class key in --results.")
@click.option("--results", "results_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Instructor: the results folder (its gradebook keeps the key).")
@click.option("--write", is_flag=True,
              help="Also write VARIANT.md and variant.toml into the exercise folder.")
@click.option("--submission", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="With --write: the folder shaped like exercises/ to write into.")
def variant(slug: str, code: str | None, student: str | None, results_dir: Path | None,
            write: bool, submission: Path | None) -> None:
    """Render a student's own worked example (per-student variants)."""
    from grader.cli.variant import run_variant_command

    run_variant_command(slug, code, student, results_dir, write, submission)


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
@click.option("--format", "--report", "reports", multiple=True,
              type=click.Choice(["html", "csv", "csv:canvas", "csv:moodle", "md", "junit",
                                 "none"]),
              help="Reports and exports written into OUT from the gradebook, as `calcgrade "
                   "report --format` (repeatable; default: html, csv, md; none: only the "
                   "gradebook and results.json). csv:canvas and csv:moodle need --roster.")
@ROSTER_OPTION
def grade(submissions: Path, out_dir: Path, jobs: int | None, regrade: bool,
          exercises: tuple[str, ...], seed: int | None, isolation: str, scheduler: str | None,
          figures: bool, reports: tuple[str, ...], roster_path: Path | None) -> None:
    """Grade a class: SUBMISSIONS holds one folder or .zip per student (named by id).

    Each submission is graded in its own isolated process, N at a time; results go to
    OUT/gradebook.sqlite and OUT/<student>/results.json. Re-running grades only what is
    new or changed. Exit code 0 when every submission was graded, 1 otherwise.
    """
    from grader.cli.grade import run_grade_command
    from grader.cli.release import refuse_without_reference

    refuse_without_reference("grading a class")

    run_grade_command(submissions, out_dir, jobs=jobs, regrade=regrade, exercises=exercises,
                      seed=seed, isolation=isolation, scheduler=scheduler, figures=figures,
                      reports=reports, roster_path=roster_path)


@main.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--seed", "seeds", multiple=True, type=click.IntRange(0, 2**63 - 1),
              help="A public seed of the answer key (repeatable; default: 1, 2, 3). The "
                   "student's check uses the first.")
@click.option("--gradescope", "gradescope_zip", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Also write a Gradescope autograder zip here.")
@click.option("--results", "results_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="With --gradescope and variants on: the results folder whose "
                                 "gradebook holds the class's variant key (put into the zip, "
                                 "so each upload is graded with its student's own variant).")
@click.option("--gradescope-id", "gradescope_id", type=click.Choice(["email", "id"]),
              default="email", show_default=True,
              help="Which Gradescope user field is the student id the variant codes are for.")
def release(out: Path, seeds: tuple[int, ...], gradescope_zip: Path | None,
            results_dir: Path | None, gradescope_id: str) -> None:
    """Write the student bundle to OUT (a new folder): exercises, stubs, checks, the grader,
    the public answer key and a GitHub Classroom workflow; never reference/.

    The key holds the expected results of the public checks for the public seeds only;
    hidden checks run only at grading. See docs/RELEASE.md.
    """
    from grader.cli.release import run_release_command

    if results_dir is not None and gradescope_zip is None:
        raise click.UsageError("--results is for the Gradescope zip: give --gradescope too")
    run_release_command(out, seeds, gradescope_zip, results=results_dir,
                        student_id=gradescope_id)


@main.command("notebooks")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.argument("slugs", nargs=-1, type=SLUG)
@click.option("--variant-code", "variant_codes", multiple=True, metavar="SLUG=CODE",
              help="Make that exercise's notebook for a student's variant (repeatable).")
def notebooks_cmd(out: Path, slugs: tuple[str, ...], variant_codes: tuple[str, ...]) -> None:
    """Write one Jupyter notebook per exercise to OUT/<slug>.ipynb (all by default), made
    from its README.md and solution.py, with a check cell that grades it in the sandbox."""
    from grader.course.variants import VariantError, check_code, spec_for
    from grader.notebooks.generate import write_notebooks

    course_root()
    variants: dict[str, str] = {}
    for item in variant_codes:
        slug, _, code = item.partition("=")
        try:
            if spec_for(slug) is None:
                raise click.UsageError(f"--variant-code {item}: {slug} has no per-student variants")
            variants[slug] = check_code(code.strip())
        except VariantError as exc:
            raise click.UsageError(f"--variant-code {item}: {exc}") from None
    try:
        written = write_notebooks(out, list(slugs) or None, variants=variants or None)
    except OSError as exc:
        raise click.ClickException(f"cannot write to {out}: {exc.strerror or exc}") from None
    for path in written:
        click.echo(str(path))


@main.command("check-server")
@click.argument("action", type=click.Choice(["status", "stop"]))
def check_server_cmd(action: str) -> None:
    """The warm check server that serves your repeated `calcgrade check` runs: its
    status, or stop it (every server of yours)."""
    from grader.cli.check_server_client import run_server_command

    sys.exit(run_server_command(action))


@main.command("serve-checks", hidden=True)
@click.option("--warm", default=None, help="the first client's check, as JSON")
@click.option("--after", type=int, default=0,
              help="the starting client's pid: warm up once it has ended")
def serve_checks(warm: str | None, after: int) -> None:
    """The warm check server itself, started by `check` (grader/cli/check_server.py)."""
    global _served_argv
    _served_argv = None  # the checks this process serves run here, never through a server
    from grader.cli.check_server import serve

    sys.exit(serve(warm, after))


_served_argv: list[str] | None = None  # the console's argv, once entry() runs the CLI


def exit_code(args: list[str]) -> int:
    """Run ``calcgrade ARGS`` as the console script does, return its exit status (the
    check server runs its clients' checks through this too)."""
    try:
        main.main(args=args, prog_name="calcgrade")
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
    return code if isinstance(code, int) else (0 if code is None else 1)


def entry() -> None:
    """The console script: run the CLI, then leave without interpreter teardown.

    Everything has been written and flushed by then; tearing down JAX and XLA's thread
    pools at exit costs about half a second, which a student would wait for on every
    ``calcgrade check``.
    """
    global _served_argv
    _served_argv = sys.argv[1:]  # only the console's checks may go to the check server
    os._exit(exit_code(sys.argv[1:]))

