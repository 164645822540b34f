"""The terminal side of ``calcgrade check``: which checks, colour, progress, the output.

The grading itself is :func:`grader.judge.engine.grade`; this module picks what to grade
(``--function``), says where (the course and submission folders, on stderr), shows a
spinner when a run takes more than a second, and renders the text output
(:mod:`grader.reports.text`: ``--quiet``, ``--summary``, ``--hint``, ``--color``).
``calcgrade watch`` (:mod:`grader.cli.watch`) shares the option handling.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Callable

import click

COLOR_CHOICES = ("auto", "always", "never")


def use_color(choice: str, stream: Any = None) -> bool:
    """``--color``: always, never, or (auto) when the stream is a terminal and ``NO_COLOR``
    is unset or empty (https://no-color.org) and the terminal is not ``dumb``."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    stream = stream if stream is not None else sys.stdout
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return False
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def file_for(given: Path, root: Path | None) -> Callable[[str], tuple[str, Path | None]]:
    """slug → (the student's file as they would type it, a readable copy of it).

    ``given`` is what the student named (or the default ``exercises/``); ``root`` the
    private folder shaped like ``exercises/`` that was graded."""
    def shown(slug: str) -> tuple[str, Path | None]:
        if given.is_dir():
            candidates = [given / slug / "solution.py", given / "exercises" / slug / "solution.py",
                          given / "solution.py"]
            place = next((p for p in candidates if p.is_file()), candidates[0])
            text = _relative(place)
        else:  # a zip
            text = f"{_relative(given)}: {slug}/solution.py"
        return text, (root / slug / "solution.py") if root is not None else None
    return shown


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)


def hints_for(slugs: list[str] | None) -> dict[str, str]:
    """Every check's hint text by check id (``--hint``)."""
    from grader.course.spec import load_exercises

    return {c.id: c.hint for ex in load_exercises(slugs or None) for c in ex.checks if c.hint}


def what(slugs: tuple[str, ...] | list[str], function: str | None) -> str:
    """The spinner's words: ``checking 01_derivative`` (``rate_of_change()``)."""
    target = ", ".join(slugs) if 0 < len(slugs) <= 2 else \
        (f"{len(slugs)} exercises" if slugs else "every exercise")
    return f"checking {target}" + (f" ({function}())" if function else "")


def run_check_command(slugs: tuple[str, ...], submission: Path | None, fmt: str,
                      html_path: Path | None, seed: int | None, jobs: int | None,
                      verbose: bool, bench_sizes: Any, function: str | None,
                      style: str | None, hint: bool, color: str) -> None:
    from grader.course.spec import all_slugs
    from grader.judge.engine import start_early

    # the sandbox server first: its imports overlap everything up to the grading
    names = list(slugs) or all_slugs()
    early = start_early(names) if names else None  # no exercises: the check says so
    try:
        _check(slugs, submission, fmt, html_path, seed, jobs, verbose, bench_sizes, function,
               style, hint, color, early)
    finally:
        if early is not None:
            early.close()


def _check(slugs: tuple[str, ...], submission: Path | None, fmt: str, html_path: Path | None,
           seed: int | None, jobs: int | None, verbose: bool, bench_sizes: Any,
           function: str | None, style: str | None, hint: bool, color: str, early: Any) -> None:
    from grader.cli.activity import Activity
    from grader.cli.release import checking_seed
    from grader.cli.where import default_submission, say_origin, submission_for_check
    from grader.judge.engine import Submission, grade
    from grader.judge.selection import UnknownFunction

    seed = checking_seed(seed)
    given = submission or default_submission()
    with submission_for_check(given, list(slugs)) as (root, origin):
        if fmt == "text":
            say_origin(origin)
        with Activity(what(slugs, function)) as activity:
            try:
                results = grade([Submission.from_dir(root, name=str(given))],
                                list(slugs) or None, seed=seed, jobs=jobs,
                                figures=html_path is not None, progress=activity,
                                function=function, early=early)[0]
            except UnknownFunction as exc:
                raise click.UsageError(str(exc)) from None
            results.origin = origin
            if bench_sizes is not None:
                from grader.bench.command import attach_kernel_times

                attach_kernel_times(results, root, bench_sizes, seed=results.seed)
            if html_path is not None:
                from grader.reports.html import write_student_report

                try:
                    write_student_report(results, html_path, progress=activity)
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

            click.echo(render(results, color=use_color(color), verbose=verbose,
                              style=style or "full", files=file_for(given, root),
                              hints=hints_for(list(slugs)) if hint else None),
                       color=use_color(color))
            from grader.reports.scope import scope_lines  # bundle: public vs hidden checks

            for line in scope_lines(results):
                click.echo(line)
    sys.exit(0 if results.all_passed else 1)
