"""Grading a whole class: the Python API behind ``calcgrade grade``.

::

    summary = grade_class(Path("submissions"), Path("results"), jobs=2)

One folder or zip per student (see :mod:`grader.classrun.submission_files`). Every student is
graded in a worker of their own, N at a time, on this machine (:mod:`grader.classrun.pool`)
or on a Dask cluster (:mod:`grader.classrun.cluster`). As each student finishes, the batch parent
stores the results in the gradebook (one transaction, :mod:`grader.classrun.gradebook`) and
writes ``RESULTS/<student>/results.json`` (write-to-temp + rename), so a run killed at
any moment keeps everything graded so far; the next run grades only what is missing or
changed (:mod:`grader.classrun.plan`). Reports and exports are then written from the
gradebook.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Sequence

from grader.classrun.class_seed import ClassSeed, resolve_class_seed
from grader.classrun.gradebook import Gradebook, results_json_path, write_json_atomic
from grader.classrun.plan import Task, plan_task
from grader.classrun.student_steps import read_safely, step_failure
from grader.classrun.submission_files import SubmissionError, discover
from grader.course.spec import load_exercises
from grader.judge.engine import default_jobs, describe_checks, expected_source
from grader.judge.results import Results

if TYPE_CHECKING:
    from grader.reports.lms_csv import Roster

SCRATCH_PREFIX = "calcgrade-class-"  # + the batch parent's pid: stale ones are removed
REPORT_FORMATS = ("html", "csv", "md")

Progress = Callable[[int, int, str], None]  # (done, total, student just finished)


@dataclass
class ClassSummary:
    """What a class run did, for the final summary and for tests."""

    out_dir: Path
    isolation: str
    slugs: list[str]
    seed: int
    students: list[str] = field(default_factory=list)     # everyone in SUBMISSIONS
    graded: list[str] = field(default_factory=list)       # graded in this run
    unchanged: list[str] = field(default_factory=list)    # skipped: stored and unchanged
    failed: dict[str, str] = field(default_factory=dict)  # not graded: why (rerun retries)
    problems: dict[str, str] = field(default_factory=dict)  # graded, an output not written
    unreadable: list[str] = field(default_factory=list)   # graded as unreadable (bad zip …)
    results: list[Results] = field(default_factory=list)  # from the gradebook, by student
    reports: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)   # e.g. students not in the roster
    seconds: float = 0.0
    class_seed: ClassSeed | None = None  # where the seed came from (secret: see class_seed)
    layouts: dict[str, str] = field(default_factory=dict)  # student → where their work was found

    @property
    def ok(self) -> bool:
        return not self.failed and not self.problems

    def lines(self) -> list[str]:
        rate = 60.0 * len(self.graded) / self.seconds if self.seconds and self.graded else 0.0
        pts = [r.points / r.max_points for r in self.results if r.max_points]
        mean = f"{100 * sum(pts) / len(pts):.0f}%" if pts else "n/a"
        out = [f"{len(self.students)} submissions: {len(self.graded)} graded, "
               f"{len(self.unchanged)} unchanged (kept), {len(self.failed)} not graded"
               + (f", {len(self.unreadable)} unreadable" if self.unreadable else ""),
               f"isolation {self.isolation}, exercises {', '.join(self.slugs)}",
               *self._layout_lines(),
               f"{self.seconds:.1f} s" + (f", {rate:.1f} submissions/minute" if rate else "")
               + f"; class mean {mean}"]
        for student, why in sorted(self.failed.items()):
            out.append(f"NOT GRADED {student}: {why}")
        for student, why in sorted(self.problems.items()):
            out.append(f"PROBLEM {student}: graded and stored, but {why}")
        for student in self.unreadable:
            out.append(f"unreadable {student}: graded 0 (see its results.json)")
        book = self.out_dir / "gradebook.sqlite"
        out.append(self.class_seed.describe(str(book)) if self.class_seed
                   else f"class seed {self.seed}")
        out.append(f"gradebook: {book}")
        out += [f"wrote {p}" for p in self.reports]
        out += [f"warning: {w}" for w in self.warnings]
        return out

    def _layout_lines(self) -> list[str]:
        """How many submissions came in each layout (grader.classrun.layouts)."""
        counts: dict[str, int] = {}
        for layout in self.layouts.values():
            counts[layout] = counts.get(layout, 0) + 1
        if not counts:
            return []
        return ["layouts: " + "; ".join(f"{n} as {layout}" for layout, n in
                                        sorted(counts.items(), key=lambda kv: -kv[1]))]


def grade_class(submissions_dir: Path, out_dir: Path, *, slugs: Sequence[str] | None = None,
                seed: int | None = None, jobs: int | None = None, regrade: bool = False,
                isolation: str = "auto", figures: bool = False, scheduler: str | None = None,
                reports: Sequence[str] = REPORT_FORMATS, progress: Progress | None = None,
                roster: "Roster | None" = None) -> ClassSummary:
    """Grade every submission in ``submissions_dir`` into ``out_dir`` (see module doc).

    ``seed``: None grades with the seed stored with ``out_dir``'s gradebook, or a new
    secret one stored there (:mod:`grader.classrun.class_seed`); a number sets it.
    ``roster`` (folder → LMS ids) serves the ``csv:canvas``/``csv:moodle`` reports.

    Raises :class:`SubmissionError` (bad SUBMISSIONS folder),
    :class:`grader.classrun.class_seed.SeedMismatch` (``seed`` differs from the stored one
    and ``regrade`` is off) and :class:`grader.sandbox.isolation.IsolationUnavailable`
    (``isolation="bwrap"`` impossible).
    """
    from grader.course.paths import project_root
    from grader.course.spec import all_slugs
    from grader.sandbox.isolation import resolve

    started = time.perf_counter()
    chosen = list(slugs) if slugs else all_slugs()
    if not chosen:
        raise SubmissionError("the course has no exercises with checks yet")
    submissions_dir, out_dir = Path(submissions_dir).resolve(), Path(out_dir).resolve()
    if out_dir == submissions_dir or submissions_dir in out_dir.parents:
        raise SubmissionError("the results folder must not be inside the submissions folder")
    sources = discover(submissions_dir)
    level = _cluster_isolation(scheduler, isolation) if scheduler else resolve(isolation)
    with Gradebook.in_folder(out_dir) as book:
        class_seed = resolve_class_seed(book, seed, regrade=regrade)
        seed = class_seed.value
        summary = ClassSummary(out_dir, level, chosen, seed, [s.student for s in sources],
                               class_seed=class_seed)
        stored = book.stored_hashes()
        tasks: list[Task] = []
        origins: dict[str, dict[str, str]] = {}
        course = str(project_root())
        for source in sources:  # each step costs only its student when it fails
            files = read_safely(source, chosen)
            if files.layout:
                summary.layouts[source.student] = files.layout
            origins[source.student] = {"course": course, "submission": str(source.path),
                                       "layout": files.layout or "unreadable"}
            try:
                task = plan_task(source, files, chosen, stored, seed=seed, isolation=level,
                                 figures=figures, regrade=regrade)
            except Exception as exc:  # noqa: BLE001 - this student is not graded, says why
                summary.failed[source.student] = step_failure("planning the grading", exc)
                continue
            if files.error is not None:
                summary.unreadable.append(source.student)
            task.variants = _variant_codes(book, source.student, chosen)
            if task.slugs:
                tasks.append(task)
            else:
                summary.unchanged.append(source.student)
        total = len(tasks)

        def on_result(task: Task, doc: dict) -> None:
            try:
                results = Results.from_dict(doc)
                _record_variants(results, task)  # first: questions read the variant graded
                _add_questions(results, task)
                book.store(task.student, str(task.source.path), results,
                           {s: task.hashes[s] for s in task.slugs}, error=task.files.error)
            except Exception as exc:  # noqa: BLE001 - not stored (one transaction): retried
                summary.failed[task.student] = step_failure("storing the results", exc)
            else:
                summary.graded.append(task.student)
                _write_student_json(book, out_dir, task.student, chosen, summary.problems,
                                    origin=origins.get(task.student))
            if progress:
                progress(len(summary.graded) + len(summary.failed), total, task.student)

        def on_failure(task: Task, why: str) -> None:
            summary.failed[task.student] = why
            if progress:
                progress(len(summary.graded) + len(summary.failed), total, task.student)

        if progress:
            progress(0, total, "")
        if tasks:
            _run(tasks, scheduler=scheduler, jobs=jobs, seed=seed, isolation=level,
                 figures=figures, on_result=on_result, on_failure=on_failure,
                 hide=[submissions_dir, out_dir])
        for student in summary.students:  # results.json of everyone, from the gradebook
            _write_student_json(book, out_dir, student, chosen, summary.problems,
                                only_if_changed=True, origin=origins.get(student))
        summary.results = [r for r in (_stored(book, s, chosen, summary.problems)
                                       for s in summary.students) if r is not None]
    if reports and summary.results:
        from grader.judge.overrides import OverridesError, apply_overrides

        try:
            summary.warnings.extend(apply_overrides(summary.results, out_dir))
        except OverridesError as exc:  # reports without them, and the summary says why
            summary.warnings.append(f"{exc}; the reports leave out the instructor's points")
        summary.reports = write_class_outputs(summary.results, out_dir, reports,
                                              problems=summary.problems, roster=roster,
                                              warnings=summary.warnings)
    summary.seconds = time.perf_counter() - started
    return summary


def _add_questions(results: Results, task: Task) -> None:
    """The student's answers to the concept questions, judged here (the trusted parent:
    the answer key never leaves it) beside the code (:mod:`grader.judge.questions`), with
    the variant :func:`_record_variants` recorded for each exercise (its own numbers)."""
    from grader.course.questions import ANSWERS_FILE
    from grader.judge.questions import add_question_results

    add_question_results(results, {s: task.files.files.get(s, {}).get(ANSWERS_FILE)
                                   for s in task.slugs
                                   if ANSWERS_FILE in task.files.files.get(s, {})})


def _variant_codes(book: Gradebook, student: str, slugs: list[str]) -> dict[str, str]:
    """The student's variant codes of the exercises the instructor turned variants on
    for (``[variants]`` in calcgrade.toml), from the class key in the gradebook."""
    from grader.course.variants import enabled_slugs

    on = [s for s in enabled_slugs() if s in slugs]
    if not on:
        return {}
    from grader.classrun.variant_key import codes_for

    return codes_for(book, student, on)


def _record_variants(results: Results, task: Task) -> None:
    """The variant each exercise was graded with; a ``variant.toml`` in the submission
    naming another code is refused (graded with the student's own, and said so), and so
    is a notebook's (:mod:`grader.notebooks.submission` turns it into one)."""
    from grader.course.variants import VARIANT_FILE, read_claim_text

    for ex in results.exercises:
        code = task.variants.get(ex.slug)
        if code is None:
            continue
        slug = ex.slug
        entry: dict[str, object] = {"code": code}
        data = task.files.files.get(slug, {}).get(VARIANT_FILE)
        claim = read_claim_text(data) if data is not None else None
        if claim is not None and claim.code != code:
            from grader.notebooks.ipynb import NOTEBOOK_CLAIM

            named = f"{slug}'s notebook" if data.startswith(NOTEBOOK_CLAIM) else VARIANT_FILE
            entry["claimed"] = claim.code
            entry["problem"] = claim.problem or (
                f"{named} names variant {claim.code}, which is not yours: graded with "
                f"your own, {code} (run `calcgrade variant {slug} --code {code} --write`)")
        ex.variant = entry


def _cluster_isolation(scheduler: str, isolation: str) -> str:
    from grader.classrun.cluster import resolve_isolation

    return resolve_isolation(scheduler, isolation)


def _run(tasks: list[Task], *, scheduler: str | None, jobs: int | None, seed: int,
         isolation: str, figures: bool, on_result: Callable, on_failure: Callable,
         hide: list[Path]) -> None:
    if scheduler:
        from grader.classrun.cluster import run_on_cluster

        run_on_cluster(tasks, scheduler, seed=seed, isolation=isolation, figures=figures,
                       on_result=on_result, on_failure=on_failure)
        return
    from grader.classrun.pool import LocalPool

    _remove_stale_scratch()
    scratch_root = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
    scratch_root.chmod(0o755)  # students may run as nobody; each sees only its own folder
    try:
        pool = LocalPool(jobs=jobs or default_jobs(), seed=seed, isolation=isolation,
                         figures=figures, scratch_root=scratch_root, on_result=on_result,
                         on_failure=on_failure, hidden=hide)
        pool.run(tasks)
    finally:
        shutil.rmtree(scratch_root, ignore_errors=True)


def _remove_stale_scratch() -> None:
    """Scratch folders (students' copies) and cgroups left by runs that were killed."""
    from grader.sandbox.harden import process_alive, remove_stale_cgroups

    remove_stale_cgroups()
    for path in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = path.name[len(SCRATCH_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _stored(book: Gradebook, student: str, slugs: list[str],
            problems: dict[str, str]) -> Results | None:
    """The student's stored results; a row that cannot be read back costs them alone."""
    try:
        return book.results_for(student, slugs)
    except Exception as exc:  # noqa: BLE001 - left out of the reports, says why
        problems[student] = step_failure("reading the results back from the gradebook", exc)
        return None


def _write_student_json(book: Gradebook, out_dir: Path, student: str, slugs: list[str],
                        problems: dict[str, str], only_if_changed: bool = False,
                        origin: dict[str, str] | None = None) -> None:
    """``RESULTS/<student>/results.json`` from the gradebook, with where it was graded
    from (``origin``: course, submission, layout); a failure is ``problems``'."""
    try:
        results = book.results_for(student, slugs)
        if results is None:
            return
        results.origin = origin
        # what check says of its checks (the gradebook stores exercises, not this); stored
        # grades of another spec are regraded, so the current spec is the one they ran
        describe_checks(results, load_exercises(slugs), expected_source())
        doc = results.to_dict()
        path = results_json_path(out_dir, student)
        if only_if_changed and path.is_file():
            try:
                if json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(doc)):
                    return
            except (OSError, ValueError):
                pass
        write_json_atomic(path, doc)
    except Exception as exc:  # noqa: BLE001 - this student's file only; a rerun rewrites it
        problems[student] = step_failure(f"writing {student}/results.json", exc)


def write_class_outputs(results_list: Sequence[Results], out_dir: Path,
                        formats: Sequence[str] = REPORT_FORMATS,
                        problems: dict[str, str] | None = None, roster: "Roster | None" = None,
                        warnings: list[str] | None = None) -> list[Path]:
    """Class report and exports from the gradebook's results (the reports module's API).

    ``index.html`` (class report) with ``students/<name>.html``, ``gradebook.csv`` and
    ``summary.md`` in ``out_dir``. A student whose report cannot be rendered is left out
    and named in ``problems`` (see :func:`grader.classrun.student_steps.write_class_reports`).
    """
    from grader.classrun.student_steps import write_class_reports
    from grader.reports.render import write_reports

    notes: list[str] = []

    def write(*args, **kwargs) -> list[Path]:
        notes.clear()  # only the last call's (probes render one student at a time)
        return write_reports(*args, roster=roster, warnings=notes, **kwargs)

    written = write_class_reports(results_list, out_dir, formats,
                                  problems if problems is not None else {}, write=write)
    if warnings is not None:
        warnings.extend(notes)
    return written
