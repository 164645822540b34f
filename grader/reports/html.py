"""HTML reports: a student's feedback and a class overview, rendered with Jinja2.

Templates live in ``grader/reports/templates/`` (``student.html.j2``, ``class.html.j2`` on a shared
``base.html.j2``) and are rendered with autoescape on: a student's printed output or an
exception message containing HTML shows as text. Each page is one self-contained file —
inline CSS, images as data URIs, a Content-Security-Policy that forbids loading anything —
so it opens offline and can be mailed or uploaded to an LMS as is. A student's page has no
script; the class page has one, its table sorting (:mod:`grader.reports.sortable`), which
the policy allows by hash and nothing else.

Python API (what ``calcgrade check --html`` / ``report`` and the batch grader call)::

    write_student_report(results, Path("report.html"))
    write_class_report(list_of_results, Path("out/"))   # out/index.html + out/students/*.html
"""
from __future__ import annotations

import math
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from grader.course.paths import templates_dir
from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.reports.formats import absent, printed, pts, show
from grader.reports.stats import ClassSummary, percent, student_name, summarise
from grader.reports.text import MARKS
from grader.reports.visibility import for_students

if TYPE_CHECKING:
    import jinja2

STUDENTS_DIR = "students"
# what a status is called on a page (the terminal's short marks are in text.MARKS)
STATUS_WORDS = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timeout",
                "missing": "missing", "not_implemented": "not implemented",
                "recorded": "recorded"}
FLAGGED = ("error", "timeout", "missing", "not_implemented")  # named on an exercise's row
DASH = "—"  # a value that is absent, or not a number
ProgressFn = Callable[[str, int, int], None]


def environment(root: str | None = None) -> "jinja2.Environment":
    """The Jinja2 environment for ``grader/reports/templates/``: autoescape on, undefined names fail."""
    return _environment(root or str(templates_dir()))


@lru_cache(maxsize=4)
def _environment(root: str) -> "jinja2.Environment":
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(root),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["pts"] = lambda v: pts(v) if _finite(v) else DASH
    env.filters["pct"] = lambda v: f"{v:.0f}" if _finite(v) else DASH
    env.filters["barwidth"] = lambda v: f"{min(max(v, 0), 100):.0f}" if _finite(v) else "0"
    env.filters["fixed2"] = lambda v: f"{v:.2f}" if _finite(v) else DASH
    env.filters["fixed1"] = lambda v: f"{v:.1f}" if _finite(v) else DASH
    env.filters["sortkey"] = lambda v: f"{v:.6g}" if _finite(v) else ""
    env.filters["status_word"] = lambda st: STATUS_WORDS.get(st, str(st).replace("_", " "))
    return env


def _finite(value: Any) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


# -- views: what the templates show, computed once in Python ---------------------------

def check_view(c: CheckResult) -> dict[str, Any]:
    """One check as the student report shows it (expected/got only when it did not pass)."""
    extras = []
    if not c.passed:
        for key, value in c.detail.items():
            if key not in ("expected", "got") and not absent(value):
                extras.append((key.replace("_", " "), show(value)))
    return {
        "id": c.id, "title": c.title, "status": c.status, "label": MARKS.get(c.status, c.status),
        "points": c.points, "max_points": c.max_points, "message": c.message,
        "mistake": c.mistake,
        "expected": _shown(c, "expected"), "got": _shown(c, "got"),
        "extras": extras, "output": printed(c.output) if c.output else "",
    }


def _shown(c: CheckResult, key: str) -> str | None:
    """A failed check's expected/got as text; None (the page shows "—") when absent."""
    if c.passed or absent(c.detail.get(key)):
        return None
    return show(c.detail[key])


def exercise_view(ex: ExerciseResult, *, plots: bool) -> dict[str, Any]:
    """One exercise: its score, its checks and (drawn here, lazily) its plot."""
    plot = None
    if plots and ex.figure:
        from grader.reports.plots import exercise_plot

        plot = exercise_plot(ex.slug, ex.figure)
    return {
        "slug": ex.slug, "title": ex.title, "points": ex.points, "max_points": ex.max_points,
        "percent": percent(ex.points, ex.max_points),
        "passed": sum(c.passed for c in ex.checks), "n": len(ex.checks),
        "crashed": any(c.status in ("error", "timeout") for c in ex.checks),
        "flags": [(st, STATUS_WORDS[st], n) for st in FLAGGED
                  if (n := sum(c.status == st for c in ex.checks))],
        "checks": [check_view(c) for c in ex.checks],
        "output": printed(ex.output) if ex.output else "", "plot": plot,
        "kernels": [kernel_view(k) for k in ex.kernels or []],
    }


def kernel_view(k: dict[str, Any]) -> dict[str, Any]:
    """A timed kernel of the student's, beside the reference's (``check --bench``)."""
    from grader.bench.report import seconds

    def times(ratio: Any) -> str:
        return f"{ratio:.2g}×" if isinstance(ratio, (int, float)) else "–"

    return {
        "title": k.get("title", ""), "method": k.get("method", ""), "label": k.get("label", ""),
        "where": f"{k.get('device', '')} ({k.get('device_name', '')}), {k.get('dtype', '')}",
        "size_name": k.get("size_name", "n"), "wrong": bool(k.get("wrong")),
        "ratio": times(k.get("median_ratio")),
        "summary": k.get("summary", ""),
        "sizes": [{"n": f"{s.get('n', 0):,}", "student": seconds(s.get("student_s")),
                   "reference": seconds(s.get("reference_s")),
                   "ratio": times(s.get("ratio")),
                   "status": s.get("status", ""), "message": s.get("message", "")}
                  for s in k.get("sizes", [])],
    }


def student_html(results: Results, *, plots: bool = True, class_href: str | None = None,
                 progress: ProgressFn | None = None) -> str:
    """One student's report: score, every check with its feedback, each exercise's plot."""
    exercises = []
    for k, ex in enumerate(results.exercises, 1):
        exercises.append(exercise_view(ex, plots=plots))
        if progress:
            progress("drawing", k, len(results.exercises))
    totals = results.totals()
    return environment().get_template("student.html.j2").render(
        name=student_name(results), results=results, exercises=exercises, totals=totals,
        percent=percent(results.points, results.max_points), class_href=class_href,
        statuses=[(s, MARKS[s], totals[s]) for s in MARKS if totals.get(s)])


HARDEST = 10  # checks in the class report's "hardest checks" table
TOP_MISTAKES = 10  # catalogued mistakes shown before the rest is folded


def class_html(results: Sequence[Results], *, links: Sequence[str | None] | None = None,
               plots: bool = True, title: str = "Class report",
               summary: ClassSummary | None = None) -> str:
    """The class report, in the order an instructor reads it: the students (sortable,
    linked to their reports), the score distribution, the hardest checks (all of them
    folded below), the catalogued mistakes with the students who made them, then each
    exercise's outcomes with names.

    ``links[i]`` is the href of student i's own report (None: no link).
    """
    from grader.reports.sortable import SCRIPT, csp_source

    s = summary or summarise(results)
    links = list(links) if links is not None else [None] * len(s.students)
    hrefs: dict[str, str] = {}
    for row, href in zip(s.students, links):
        if href:
            hrefs.setdefault(row.name, href)
    histogram = None
    if plots and s.students:
        from grader.reports.plots import histogram_uri

        histogram = histogram_uri(s.percents)
    exercises = [{"stats": e, "names": {st: [r.name for r in s.students
                                             if st in r.flags.get(e.slug, [])]
                                        for st in FLAGGED}} for e in s.exercises]
    from grader.reports.questions_view import question_rows, variant_rows

    return environment().get_template("class.html.j2").render(
        questions=question_rows(results), variants=variant_rows(results),
        title=title, summary=s, stats=s.score_stats(), histogram=histogram,
        rows=list(zip(s.students, links)), hrefs=hrefs, hardest=s.hardest(HARDEST),
        top_mistakes=TOP_MISTAKES,
        exercises=exercises, flagged=FLAGGED, marks=MARKS, bands=score_bands(s.percents),
        full_marks=sum(1 for r in s.students if r.points >= r.max_points > 0),
        max_points=max((r.max_points for r in s.students), default=0),
        script=SCRIPT, script_csp=csp_source(SCRIPT),
        versions=sorted({r.grader_version for r in results}),
        isolations=sorted({r.isolation for r in results}))


def score_bands(percents: Sequence[float]) -> list[tuple[str, int]]:
    """Students per score band, as the distribution's table beside the histogram."""
    bands = [("100%", lambda p: p >= 100), ("75–99%", lambda p: 75 <= p < 100),
             ("50–74%", lambda p: 50 <= p < 75), ("25–49%", lambda p: 25 <= p < 50),
             ("below 25%", lambda p: p < 25)]
    finite = [p for p in percents if math.isfinite(p)]
    return [(label, sum(1 for p in finite if test(p))) for label, test in bands]


# -- files ------------------------------------------------------------------------------

def write_student_report(results: Results, path: Path, *, plots: bool = True,
                         class_href: str | None = None,
                         progress: ProgressFn | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(student_html(results, plots=plots, class_href=class_href,
                                 progress=progress), encoding="utf-8")
    return path


def report_file_names(names: Sequence[str]) -> list[str]:
    """Safe, unique file names for the students' reports (``alice.html``, ``alice-2.html``)."""
    used: set[str] = set()
    out = []
    for name in names:
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._-")[:80] or "student"
        candidate, k = base, 1
        while candidate.lower() in used:
            k += 1
            candidate = f"{base}-{k}"
        used.add(candidate.lower())
        out.append(candidate + ".html")
    return out


def write_class_report(results: Sequence[Results], out_dir: Path, *, plots: bool = True,
                       title: str = "Class report", progress: ProgressFn | None = None,
                       jobs: int | None = 1, show_hidden: bool = False) -> Path:
    """``out_dir/index.html`` (the class) and ``out_dir/students/<name>.html`` (each student).

    Returns the path of ``index.html``. Progress is reported per student. ``jobs`` > 1
    renders the students' reports in that many fresh processes (plots cost ~0.2 s each);
    None means one per core.
    """
    out_dir = Path(out_dir)
    (out_dir / STUDENTS_DIR).mkdir(parents=True, exist_ok=True)
    summary = summarise(results)
    files = report_file_names([row.name for row in summary.students])
    # the students' own reports keep hidden checks' expected values back unless asked
    shown = results if show_hidden else [for_students(r) for r in results]
    tasks = [(res, out_dir / STUDENTS_DIR / name, plots) for res, name in zip(shown, files)]
    for k, _ in enumerate(_render_all(tasks, jobs), 1):
        if progress:
            progress("student reports", k, len(files))
    index = out_dir / "index.html"
    index.write_text(class_html(results, links=[f"{STUDENTS_DIR}/{f}" for f in files],
                                plots=plots, title=title, summary=summary), encoding="utf-8")
    return index


def _render_one(task: tuple[Results, Path, bool]) -> Path:
    results, path, plots = task
    return write_student_report(results, path, plots=plots, class_href="../index.html")


PARALLEL_FROM = 8  # fewer students than this: starting processes costs more than it saves


def _render_all(tasks: list[tuple[Results, Path, bool]], jobs: int | None) -> Iterator[Path]:
    """Render each task, in this process or in a pool of fresh ("spawn") processes.

    Fresh processes, not forks: the caller may have run JAX, and a fork of it can hang.
    """
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1 or len(tasks) < PARALLEL_FROM:
        for task in tasks:
            yield _render_one(task)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_ignore_ctrl_c)
    try:
        for future in as_completed([pool.submit(_render_one, t) for t in tasks]):
            yield future.result()
    except BaseException:  # Ctrl-C: no waiting for the reports still queued
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _ignore_ctrl_c() -> None:
    """In a renderer process: Ctrl-C is the parent's to handle (no traceback from here)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
