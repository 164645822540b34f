"""``calcgrade selftest``: the course proves itself sound.

* every reference scores full marks;
* every untouched stub scores zero, each check reporting "not implemented";
* every catalogued mistake, committed by its example, is recognised with its own
  message by every check that declares it.

A mistake's example is a file under ``reference/mistakes/<slug>/`` (the reference with
the slip appended), graded like a submission; a mistake declared by the value it
produces (``Mistake(equals=…)``, or ``sample=`` beside a matcher) is also proved on a
*generated* example: that value, sent through the wire format, is judged by every check
that declares the mistake (a value of None: these inputs cannot show it, e.g. flipped
labels when every expected label is 0; that check is skipped for the seed). A mistake
needs at least one of the two. All submissions are
graded in one batch (one sandbox pass, then judging).
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.course.paths import exercises_dir, reference_dir
from grader.course.spec import Exercise, Mistake, load_exercises
from grader.judge.engine import Submission, grade, judge_value, mistake_value
from grader.judge.results import Results


@dataclass
class SelftestReport:
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, ok: bool, text: str, problems: list[str] | None = None) -> None:
        self.lines.append(f"{'ok  ' if ok else 'FAIL'}  {text}")
        for p in problems or []:
            self.lines.append(f"        {p}")
            self.problems.append(p)


def mistake_source(exercise: Exercise, mistake: Mistake) -> str | None:
    """Reference source with the mistake's example appended (later defs override)."""
    example = reference_dir() / "mistakes" / exercise.slug / mistake.example_file
    if not example.is_file():
        return None
    base = (reference_dir() / f"{exercise.slug}.py").read_text()
    return f"{base}\n\n# --- catalogued mistake: {mistake.id} ---\n{example.read_text()}\n"


def run_selftest(slugs: list[str] | None = None, *, seed: int, jobs: int | None = None
                 ) -> SelftestReport:
    exercises = load_exercises(slugs)
    report = SelftestReport()
    tmp = Path(tempfile.mkdtemp(prefix="calcgrade-selftest-"))
    try:
        subs: list[tuple[str, Exercise, Mistake | None, Submission]] = []
        generated: list[tuple[Exercise, Mistake]] = []
        for ex in exercises:
            ref = tmp / "reference" / ex.slug / "solution.py"  # the checkout is hidden
            ref.parent.mkdir(parents=True)
            shutil.copyfile(reference_dir() / f"{ex.slug}.py", ref)
            subs.append(("reference", ex, None, Submission(f"reference/{ex.slug}", {ex.slug: ref},
                                                           [ex.slug])))
            subs.append(("stub", ex, None, Submission(
                f"stub/{ex.slug}", {ex.slug: exercises_dir() / ex.slug / "solution.py"}, [ex.slug])))
            seen: set[str] = set()
            for check in ex.checks:
                for m in check.mistakes:
                    if m.id in seen:
                        continue
                    seen.add(m.id)
                    source = mistake_source(ex, m)
                    if m.generated is not None:
                        generated.append((ex, m))
                    if source is None:
                        if m.generated is None:
                            report.add(False, f"mistake {ex.slug}:{m.id}", [
                                f"{ex.slug}: mistake {m.id!r} has no example at "
                                f"reference/mistakes/{ex.slug}/{m.example_file} and no "
                                "equals= or sample= value"])
                        continue
                    path = tmp / ex.slug / m.id / "solution.py"
                    path.parent.mkdir(parents=True)
                    path.write_text(source)
                    subs.append(("mistake", ex, m, Submission(f"mistake/{ex.slug}/{m.id}",
                                                              {ex.slug: path}, [ex.slug])))
        results = grade([s for *_, s in subs], [e.slug for e in exercises], seed=seed, jobs=jobs)
        for (kind, ex, mistake, _), res in zip(subs, results):
            if kind == "reference":
                _expect_full_marks(report, ex, res)
            elif kind == "stub":
                _expect_zero(report, ex, res)
            else:
                assert mistake is not None
                _expect_mistake(report, ex, mistake, res)
        for ex, mistake in generated:
            _expect_generated(report, ex, mistake, seed)
        for ex in exercises:
            _expect_questions(report, ex, seed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.lines.append("")
    report.lines.append(f"selftest {'passed' if report.ok else 'FAILED'}: "
                        f"{len(exercises)} exercises, seed {seed}"
                        + ("" if report.ok else f", {len(report.problems)} problem(s)"))
    return report


def _expect_full_marks(report: SelftestReport, ex: Exercise, res: Results) -> None:
    bad = [f"{c.id}: {c.status}: {c.message}" for c in res.checks if not c.passed]
    report.add(not bad, f"reference {ex.slug} scores {res.points:g}/{res.max_points:g}", bad)


def _expect_zero(report: SelftestReport, ex: Exercise, res: Results) -> None:
    bad = [f"{c.id}: {c.status} ({c.points:g} points): {c.message}" for c in res.checks
           if c.status != "not_implemented" or c.points]
    report.add(not bad, f"stub {ex.slug} scores {res.points:g} with every check not implemented", bad)


def _expect_mistake(report: SelftestReport, ex: Exercise, mistake: Mistake, res: Results) -> None:
    declaring = {c.id for c in ex.checks if mistake in c.mistakes}
    bad = []
    for c in res.checks:
        if c.id in declaring and (c.mistake != mistake.id or (
                "{" not in mistake.message and c.message != mistake.message)):
            bad.append(f"{c.id}: expected mistake {mistake.id!r}, got {c.status} "
                       f"mistake={c.mistake!r}: {c.message}")
    report.add(not bad, f"mistake {ex.slug}:{mistake.id} recognised by {len(declaring)} check(s)", bad)


def _expect_generated(report: SelftestReport, ex: Exercise, mistake: Mistake, seed: int) -> None:
    """The mistake's own value (``equals``/``sample``) is recognised by every check that
    declares it, and is not a right answer there."""
    bad = []
    skipped = 0
    checks = [c for c in ex.checks if mistake in c.mistakes]
    for check in checks:
        try:
            value = mistake_value(check, mistake, seed)
        except Exception as exc:  # noqa: BLE001 - a broken declaration is a problem, not a crash
            bad.append(f"{check.id}: the value of mistake {mistake.id!r} could not be computed "
                       f"({type(exc).__name__}: {exc})")
            continue
        if value is None:  # these inputs cannot show the mistake (the declaration says so)
            skipped += 1
            continue
        c = judge_value(check, value, seed)
        if c.passed or c.mistake != mistake.id or (
                "{" not in mistake.message and c.message != mistake.message):
            bad.append(f"{c.id}: expected mistake {mistake.id!r} on its generated value, got "
                       f"{c.status} mistake={c.mistake!r}: {c.message}")
    note = f" ({skipped} without an example for this seed)" if skipped else ""
    report.add(not bad, f"mistake {ex.slug}:{mistake.id} (generated) recognised by "
               f"{len(checks) - skipped} check(s){note}", bad)


def _expect_questions(report: SelftestReport, ex: Exercise, seed: int) -> None:
    """Concept questions: reference answers full marks, catalogued wrong answers
    recognised, the stub answers none (:mod:`grader.judge.questions_selftest`); and a
    variant exercise's variants are all fair (:mod:`grader.course.variants`)."""
    from grader.course.variants import spec_for
    from grader.judge.questions_selftest import question_problems, variant_problems

    line, problems = question_problems(ex.slug, seed)
    if line:
        report.add(not problems, line, problems)
    if spec_for(ex.slug) is not None:
        line, problems = variant_problems(ex.slug, seed)
        report.add(not problems, line, problems)
