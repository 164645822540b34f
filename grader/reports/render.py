"""``calcgrade report``: re-render reports and exports from stored results.

One results file is one student: ``report.html`` (their feedback). A folder of
``<student>/results.json`` is a class: ``index.html`` (the class report) and
``students/<name>.html`` (each student's feedback, linked from the class table). Either
way the requested exports land beside them: ``gradebook.csv``, ``summary.md``,
``junit.xml``, and the LMS presets ``gradebook-canvas.csv`` / ``gradebook-moodle.csv``
(``csv:canvas``, ``csv:moodle``: they need a roster, see :mod:`grader.reports.lms_csv`).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from grader.judge.results import Results
from grader.reports.results_io import load_results

if TYPE_CHECKING:
    from grader.reports.lms_csv import Roster

REPORT_FORMATS = ("html", "csv", "csv:canvas", "csv:moodle", "md", "junit")
ROSTER_FORMATS = ("csv:canvas", "csv:moodle")  # need a roster (folder → LMS ids)
FILE_NAMES = {"csv": "gradebook.csv", "md": "summary.md", "junit": "junit.xml",
              "csv:canvas": "gradebook-canvas.csv", "csv:moodle": "gradebook-moodle.csv"}


def check_formats(formats: Sequence[str], roster: "Roster | None") -> None:
    """ValueError, in words, for a format that does not exist or lacks its roster."""
    unknown = sorted(set(formats) - set(REPORT_FORMATS))
    if unknown:
        raise ValueError(f"unknown report format(s) {', '.join(unknown)}; choose from "
                         f"{', '.join(REPORT_FORMATS)}")
    needy = [f for f in dict.fromkeys(formats) if f in ROSTER_FORMATS]
    if needy and roster is None:
        raise ValueError(f"{' and '.join(needy)} need(s) --roster FILE: a CSV with a 'folder' "
                         "column (the submission's name) and the LMS's id columns")


def write_reports(results: Sequence[Results], out_dir: Path, formats: Sequence[str] = ("html",),
                  *, is_class: bool, title: str = "Class report", jobs: int | None = 1,
                  progress: Callable[[str, int, int], None] | None = None,
                  roster: "Roster | None" = None,
                  warnings: list[str] | None = None, show_hidden: bool = False) -> list[Path]:
    """Write the chosen formats for one student or a class; the paths written, in order.

    ``show_hidden``: the students' HTML reports show hidden checks' feedback too.

    ``roster`` serves the LMS presets; who it cannot match is appended to ``warnings``.
    """
    from grader.reports import formats as fmt

    check_formats(formats, roster)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    results = list(results)
    for name in dict.fromkeys(formats):
        if name == "html":
            from grader.reports.html import write_class_report, write_student_report

            if is_class:
                written.append(write_class_report(results, out_dir, title=title, jobs=jobs,
                                                  progress=progress, show_hidden=show_hidden))
            else:
                written.append(write_student_report(results[0], out_dir / "report.html",
                                                    progress=progress))
            continue
        if name == "csv":
            text = fmt.to_csv(results)
        elif name in ROSTER_FORMATS:
            from grader.reports.lms_csv import preset_csv

            assert roster is not None  # check_formats
            text = preset_csv(name.split(":", 1)[1], results, roster, warnings)
        elif name == "md":
            text = fmt.class_markdown(results) if is_class else fmt.to_markdown(results[0])
        else:
            text = fmt.to_junit(results if is_class else results[0])
        path = out_dir / FILE_NAMES[name]
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def report_from_path(results_path: Path, out_dir: Path, formats: Sequence[str] = ("html",),
                     *, title: str = "Class report", jobs: int | None = 1,
                     progress: Callable[[str, int, int], None] | None = None,
                     roster: "Roster | None" = None,
                     warnings: list[str] | None = None, show_hidden: bool = False) -> list[Path]:
    """Load ``results_path`` (a results.json or a class folder) and write the reports.

    Raises :class:`grader.reports.results_io.ResultsError` for unreadable input.
    """
    check_formats(formats, roster)
    results, is_class = load_results(results_path)
    return write_reports(results, out_dir, formats, is_class=is_class, title=title, jobs=jobs,
                         progress=progress, roster=roster, warnings=warnings,
                         show_hidden=show_hidden)
