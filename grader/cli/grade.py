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
                      scheduler: str | None, figures: bool, reports: Sequence[str]) -> None:
    from grader.classrun.class_seed import SeedMismatch
    from grader.classrun.cluster import ClusterError
    from grader.classrun.grade import REPORT_FORMATS, grade_class
    from grader.classrun.submission_files import SubmissionError
    from grader.sandbox.isolation import IsolationUnavailable

    if not submissions.exists():
        raise click.BadParameter(f"{submissions} does not exist", param_hint="SUBMISSIONS")
    if not submissions.is_dir():
        raise click.BadParameter(f"{submissions} is not a folder (one folder or .zip per "
                                 "student goes inside it)", param_hint="SUBMISSIONS")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://")):
        raise click.BadParameter(f"{scheduler!r} is not a scheduler address like "
                                 "tcp://HOST:PORT", param_hint="--scheduler")
    chosen_reports = [] if "none" in reports else list(reports or REPORT_FORMATS)
    bar = _Bar()
    try:
        summary = grade_class(submissions, out_dir, slugs=list(exercises) or None,
                              seed=seed, jobs=jobs,
                              regrade=regrade, isolation=isolation, figures=figures,
                              scheduler=scheduler, reports=chosen_reports, progress=bar)
    except SeedMismatch as exc:
        bar.close()
        raise click.BadParameter(str(exc), param_hint="--seed") from None
    except (SubmissionError, IsolationUnavailable, ClusterError) as exc:
        bar.close()
        raise click.ClickException(str(exc)) from None
    except KeyboardInterrupt:
        bar.close()
        click.echo("interrupted: every submission graded so far is stored; run the same "
                   "command again to resume", err=True)
        sys.exit(130)
    except OSError as exc:
        bar.close()
        raise click.ClickException(_os_error_message(exc, out_dir)) from None
    bar.close()
    for line in summary.lines():
        click.echo(line)
    sys.exit(0 if summary.ok else 1)


def _os_error_message(exc: OSError, out_dir: Path) -> str:
    """Name the file that failed: the results folder, or whatever else it was (a
    program that could not be started, a folder that vanished), so nobody hunts a
    permission problem in the wrong place."""
    what = exc.strerror or str(exc)
    name = exc.filename
    if name is None or Path(name).resolve().is_relative_to(out_dir.resolve()):
        return f"cannot write to {out_dir}: {what}"
    return f"grading stopped: {what}: {name}"
