"""Which course and which submission a command uses: found, checked, and said.

``calcgrade --course DIR`` resolves the course once (:func:`use_course`) and sets
``CALCGRADE_ROOT`` for the command's lifetime, so every process it starts (sandbox
servers, judges) grades the same course; without it the course is found as
:mod:`grader.course.paths` describes. A missing course is one clean message naming
where calcgrade looked (:class:`CourseGroup`), never a traceback. Text commands say on
stderr which course folder and which submission folder they used; ``check`` records
them, with the submission's layout, in the results document (``origin``).
"""
from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

import click

from grader.course.paths import ENV, CourseNotFound, find_course


class CourseGroup(click.Group):
    """The command group: a course that cannot be found is a clean error, exit 1."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except CourseNotFound as exc:
            raise click.ClickException(str(exc)) from None


def use_course(ctx: click.Context, path: Path) -> None:
    """``--course DIR``: this course for the whole command (and the processes it starts)."""
    try:
        root, _ = find_course(path)
    except CourseNotFound as exc:
        raise click.BadParameter(str(exc), param_hint="--course") from None
    before = os.environ.get(ENV)
    os.environ[ENV] = str(root)

    def restore() -> None:  # a command run in-process (tests) leaves no trace behind
        if before is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = before

    ctx.call_on_close(restore)


def check_course_env() -> None:
    """A ``CALCGRADE_ROOT`` that is not a course is an error, whatever the command."""
    if os.environ.get(ENV):
        try:
            find_course()
        except CourseNotFound as exc:
            raise click.ClickException(str(exc)) from None


def course_root(*, say: bool = True) -> Path:
    """The course folder; ``say``: one line on stderr naming it and how it was found."""
    root, how = find_course()
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.find_root().params.get("course") is not None:
        how = "--course"  # use_course passed it on as CALCGRADE_ROOT
    if say:
        click.echo(f"course: {root} (from {how})", err=True)
    return root


def default_submission() -> Path:
    """``./exercises`` when there is one, else the course's own ``exercises/``."""
    here = Path.cwd() / "exercises"
    return here if here.is_dir() else course_root(say=False) / "exercises"


@contextlib.contextmanager
def submission_for_check(path: Path, slugs: list[str]) -> Iterator[tuple[Path, dict[str, str]]]:
    """The upload at ``path`` (any layout of :mod:`grader.classrun.layouts`, folder or
    zip) read safely into a private folder shaped like ``exercises/``; yields that folder
    and the origin (course, submission, layout). Nothing gradable: a clean error."""
    from grader.classrun.layouts import read_upload
    from grader.classrun.submission_files import SubmissionError, SubmissionFiles
    from grader.course.spec import all_slugs

    course = course_root(say=False)
    everything = all_slugs()
    asked = slugs or everything
    if not asked:
        raise click.ClickException(f"the course at {course} has no exercises yet "
                                   "(no exercises/<slug>/checks.py)")
    shown = str(path)
    try:
        files, layout = read_upload(path.resolve(), asked, everything, shown)
    except SubmissionError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot read {shown}: {exc.strerror or exc}") from None
    scratch = Path(tempfile.mkdtemp(prefix="calcgrade-upload-"))
    try:
        SubmissionFiles(shown, files).materialize(scratch)
        yield scratch, {"course": str(course), "submission": str(path.resolve()),
                        "layout": layout.describe()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def say_origin(origin: dict[str, str]) -> None:
    click.echo(f"course: {origin['course']} · submission: {origin['submission']}, read as "
               f"{origin['layout']}", err=True)
