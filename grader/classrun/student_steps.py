"""A class run's per-student steps, each guarded so that its failure costs one student.

:func:`grader.classrun.grade.grade_class` reads every submission, stores every result in
the gradebook, writes every ``results.json`` and renders every report. Each of these can
fail because of one student's data (a file that cannot be read, a result the gradebook
refuses, a report that cannot be rendered) or of the run (the results folder is not
writable). The first kind must never stop the class: here it becomes that student's
outcome, with the reason, and the run goes on; the second kind still stops the run with
its reason (``cannot write to OUT``). The judging and collecting steps are guarded where
they run (:mod:`grader.classrun.pool`, :mod:`grader.classrun.cluster`).
"""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable, Sequence

from grader.classrun.submission_files import SubmissionFiles, SubmissionSource, read_submission
from grader.judge.results import Results


def step_failure(step: str, exc: BaseException) -> str:
    """One line for the summary and the student's record: which step, and why."""
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{step} failed ({type(exc).__name__}{': ' + text if text else ''})"


def read_safely(source: SubmissionSource, slugs: list[str]) -> SubmissionFiles:
    """:func:`read_submission`, which reports a bad submission as ``error`` itself; any
    other failure (a grader bug on an odd submission) is reported the same way."""
    try:
        return read_submission(source, slugs)
    except Exception as exc:  # noqa: BLE001 - costs this student only
        why = step_failure("reading your submission", exc)
        return SubmissionFiles(source.student, {s: {} for s in slugs}, why)


def write_class_reports(results: Sequence[Results], out_dir: Path, formats: Sequence[str],
                        problems: dict[str, str],
                        write: Callable[..., list[Path]] | None = None) -> list[Path]:
    """The class's reports and exports; a student whose report cannot be rendered is
    left out of them (``problems[student]`` says why) and the others are written.

    Rendering everyone at once is tried first. Only when it fails is each student
    rendered alone into a scratch folder to find who makes it fail; when nobody does
    alone (or everybody of several does: the run's problem, such as an unwritable
    folder) the original error is raised.
    """
    if write is None:
        from grader.reports.render import write_reports as write
    results = list(results)
    try:
        return write(results, out_dir, list(formats), is_class=True, title="Class report")
    except Exception as exc:  # noqa: BLE001 - maybe one student's doing: find out below
        original = exc
    bad: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="calcgrade-report-probe-") as scratch:
        for k, one in enumerate(results):
            try:
                write([one], Path(scratch) / str(k), list(formats), is_class=True,
                      title="Class report")
            except Exception as exc:  # noqa: BLE001 - this student's report
                bad[k] = step_failure("writing the report", exc)
    if not bad or len(bad) == len(results) > 1:
        raise original
    for k, why in bad.items():
        problems[results[k].submission] = why
    if len(bad) == len(results):
        return []
    return write([r for k, r in enumerate(results) if k not in bad], out_dir, list(formats),
                 is_class=True, title="Class report")
