"""``calcgrade grade``: the terminal side of grading a class (progress, summary, errors).

The Click command in :mod:`grader.cli.main` only declares options; this module turns them
into a :func:`grader.classrun.grade.grade_class` call, draws the progress bar on stderr
(only at a terminal), prints the summary and maps failures to clean messages and exit
codes: 0 when every submission is graded, 1 when some could not be (rerun to retry),
2 for usage errors, 130 when interrupted.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Sequence

import click

BAR_WIDTH = 30


class _Bar:
    """``[#####.....] 12/200 grading (last: alice)``, redrawn in place on a terminal."""

    def __init__(self) -> None:
        from grader.cli.progress import Progress

        self.line = Progress()

    def __call__(self, done: int, total: int, student: str) -> None:
        filled = int(BAR_WIDTH * done / total) if total else BAR_WIDTH
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        last = f" (last: {student})" if student else ""
        self.line(f"[{bar}] grading{last[:40]}", done, total)

    def close(self) -> None:
        self.line.close()


def run_grade_command(submissions: Path, out_dir: Path, *, jobs: int | None, regrade: bool,
                      exercises: Sequence[str], seed: int | None, isolation: str,
                      scheduler: str | None, figures: bool, reports: Sequence[str],
                      roster_path: Path | None = None) -> None:
    from grader.classrun.class_seed import SeedMismatch
    from grader.classrun.cluster import ClusterError
    from grader.classrun.grade import REPORT_FORMATS, grade_class
    from grader.classrun.submission_files import SubmissionError
    from grader.cli.where import course_root
    from grader.sandbox.isolation import IsolationUnavailable

    if not submissions.exists():
        raise click.BadParameter(f"{submissions} does not exist", param_hint="SUBMISSIONS")
    if not submissions.is_dir():
        raise click.BadParameter(f"{submissions} is not a folder (one folder or .zip per "
                                 "student goes inside it)", param_hint="SUBMISSIONS")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise click.BadParameter(f"{scheduler!r} is not a scheduler address like "
                                 "tcp://HOST:PORT", param_hint="--scheduler")
    if "none" in reports and len(set(reports)) > 1:
        raise click.BadParameter("none means no reports: it cannot be combined with "
                                 f"{', '.join(sorted(set(reports) - {'none'}))}",
                                 param_hint="--format")
    chosen_reports = [] if "none" in reports else list(reports or REPORT_FORMATS)
    roster = roster_for(chosen_reports, roster_path)  # before grading: a typo costs nothing
    click.echo(f"course: {course_root(say=False)} · submissions: {submissions.resolve()}",
               err=True)
    bar = _Bar()
    try:
        summary = grade_class(submissions, out_dir, slugs=list(exercises) or None,
                              seed=seed, jobs=jobs,
                              regrade=regrade, isolation=isolation, figures=figures,
                              scheduler=scheduler, reports=chosen_reports, progress=bar,
                              roster=roster)
    except SeedMismatch as exc:
        bar.close()
        raise click.BadParameter(str(exc), param_hint="--seed") from None
    except (SubmissionError, IsolationUnavailable, ClusterError) as exc:
        bar.close()
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        bar.close()
        click.echo(f"interrupted: every submission graded so far is stored in {out_dir}; "
                   f"resume with: {_resume_command()}", err=True)
        sys.exit(130)
    except OSError as exc:
        bar.close()
        raise click.ClickException(_os_error_message(exc, out_dir)) from None
    bar.close()
    for line in summary.lines():
        click.echo(line)
    sys.exit(0 if summary.ok else 1)


def _resume_command() -> str:
    """The command line that was run (it resumes: graded work is skipped), shell-quoted."""
    import shlex

    return shlex.join(["calcgrade", *sys.argv[1:]])


def roster_for(formats: Sequence[str], roster_path: Path | None):
    """The roster the chosen formats need, loaded now; clean usage errors otherwise."""
    from grader.reports.lms_csv import RosterError, load_roster
    from grader.reports.render import ROSTER_FORMATS, check_formats

    needy = [f for f in formats if f in ROSTER_FORMATS]
    if roster_path is not None and not needy:
        raise click.BadParameter("a roster is only used by csv:canvas and csv:moodle; add "
                                 "--format csv:canvas or --format csv:moodle",
                                 param_hint="--roster")
    roster = None
    if roster_path is not None:
        try:
            roster = load_roster(roster_path)
        except RosterError as exc:
            raise click.BadParameter(str(exc), param_hint="--roster") from None
    try:
        check_formats(formats, roster)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    return roster


def _os_error_message(exc: OSError, out_dir: Path) -> str:
    """Name the file that failed: the results folder, or whatever else it was (a
    program that could not be started, a folder that vanished), so nobody hunts a
    permission problem in the wrong place."""
    what = exc.strerror or str(exc)
    name = exc.filename
    if name is None or Path(name).resolve().is_relative_to(out_dir.resolve()):
        return f"cannot write to {out_dir}: {what}"
    return f"grading stopped: {what}: {name}"
