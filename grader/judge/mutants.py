"""``calcgrade selftest --mutants``: how many plausible slips do the checks catch?

For every exercise, :func:`run_mutants` derives the mutants of the reference functions
the checks call (and the helpers they use; :mod:`grader.judge.mutate`), grades each as a
student submission through :func:`grader.judge.engine.grade` (one batch per exercise,
the reference itself included as a baseline that must score full marks), and counts a
mutant *killed* when it does not score full marks (a failed check, an error, a timeout).
Authors mark survivors that cannot be told apart from the reference, with a reason, in
``exercises/<slug>/equivalent_mutants.toml`` (ids and reasons only: the folder ships to
students)::

    [[mutant]]
    id = "08_descent/clip_gradient/compare/1a2b3c4d"
    reason = "at norm == max_norm both branches return g"

The kill rate is killed / (mutants − equivalent). Runs use ``CALCGRADE_TIME_SCALE``
(default here :data:`DEFAULT_TIME_SCALE`) so a mutant that loops forever costs little.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import tomllib

from grader.course.paths import exercises_dir, reference_dir
from grader.course.spec import Exercise, load_exercises
from grader.judge.mutate import OPERATORS, Mutant, derive_mutants

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the tomli backport (a dependency there)
    import tomli as tomllib  # type: ignore[no-redef]

EQUIVALENT_FILE = "equivalent_mutants.toml"
DEFAULT_TIME_SCALE = 0.3  # 3 s per check: every reference check takes well under 1 s
DEFAULT_MIN_KILL = 0.9
_ID = re.compile(r"^[0-9A-Za-z_]+/[0-9A-Za-z_]+/[a-z_]+/[0-9a-f]{8}$")


class MutantsError(ValueError):
    """A problem the author must fix (a malformed equivalents file, a reference that does
    not score full marks); the message says what and where."""


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # "killed", "survived" or "equivalent"
    killed_by: list[str] = field(default_factory=list)  # "check id: status: message"
    reason: str = ""  # why equivalent (from the author's file)


@dataclass
class ExerciseMutants:
    slug: str
    functions: list[str]
    outcomes: list[Outcome] = field(default_factory=list)
    dropped: dict[str, int] = field(default_factory=dict)  # uncompilable, identical, duplicate
    sampled_out: int = 0  # derived but left out by --max-per-function
    warnings: list[str] = field(default_factory=list)
    error: str = ""  # why no mutant could be judged (the reference itself fails)

    def count(self, status: str, function: str | None = None) -> int:
        return sum(1 for o in self.outcomes if o.status == status
                   and (function is None or o.mutant.function == function))

    def total(self, function: str | None = None) -> int:
        return sum(1 for o in self.outcomes if function is None or o.mutant.function == function)

    def kill_rate(self, function: str | None = None) -> float | None:
        """killed / (total − equivalent); None when nothing is left to kill."""
        live = self.total(function) - self.count("equivalent", function)
        return self.count("killed", function) / live if live else None

    @property
    def survivors(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "survived"]


@dataclass
class MutationReport:
    seed: int
    min_kill: float
    time_scale: float
    exercises: list[ExerciseMutants] = field(default_factory=list)

    def below_target(self) -> list[str]:
        """Exercises under the target kill rate, or not judged at all (an error)."""
        return [e.slug for e in self.exercises if e.error
                or ((rate := e.kill_rate()) is not None and rate < self.min_kill)]

    @property
    def ok(self) -> bool:
        return not self.below_target()


# -- equivalent mutants ----------------------------------------------------------------

def read_equivalents(slug: str, path: Path | None = None) -> dict[str, str]:
    """``{mutant id: reason}`` from the exercise's :data:`EQUIVALENT_FILE` ({} without one).

    Raises :class:`MutantsError` naming the file and the entry for anything malformed:
    invalid TOML, keys other than ``mutant``, an entry without a well-formed ``id`` of
    this exercise or without a one-line ``reason``, or an id listed twice.
    """
    path = path or exercises_dir() / slug / EQUIVALENT_FILE
    if not path.is_file():
        return {}
    where = f"{path}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MutantsError(f"{where}: not valid TOML ({exc})") from None
    extra = set(data) - {"mutant"}
    if extra:
        raise MutantsError(f"{where}: unexpected key(s) {', '.join(sorted(extra))}; the file "
                           "holds only [[mutant]] entries, each with id and reason")
    entries = data.get("mutant", [])
    if not isinstance(entries, list):
        raise MutantsError(f"{where}: 'mutant' must be an array of tables ([[mutant]])")
    out: dict[str, str] = {}
    for n, entry in enumerate(entries, start=1):
        what = f"{where}: entry {n}"
        if not isinstance(entry, dict) or set(entry) != {"id", "reason"}:
            keys = sorted(entry) if isinstance(entry, dict) else type(entry).__name__
            raise MutantsError(f"{what} must have exactly the keys id and reason (has {keys})")
        mid, reason = entry["id"], entry["reason"]
        if not isinstance(mid, str) or not _ID.match(mid) or not mid.startswith(slug + "/"):
            raise MutantsError(f"{what}: id {mid!r} is not a mutant id of {slug} "
                               f"(like {slug}/<function>/<operator>/<8 hex digits>)")
        if not isinstance(reason, str) or not reason.strip() or "\n" in reason.strip():
            raise MutantsError(f"{what} ({mid}): reason must be one non-empty line of text")
        if mid in out:
            raise MutantsError(f"{what}: id {mid} is listed twice")
        out[mid] = reason.strip()
    return out


def stale_equivalents(equivalents: dict[str, str], ids: list[str]) -> list[str]:
    """A warning for each id marked equivalent that is no mutant of the reference now
    (the reference changed, or the id was mistyped)."""
    return [f"{EQUIVALENT_FILE}: {mid} is no mutant of the reference any more (stale, or "
            "mistyped: remove it)" for mid in sorted(set(equivalents) - set(ids))]


# -- running ---------------------------------------------------------------------------

@contextlib.contextmanager
def time_scale(scale: float | None) -> Iterator[float]:
    """``CALCGRADE_TIME_SCALE`` for the duration (an explicit ``scale`` wins, then the
    environment's, then :data:`DEFAULT_TIME_SCALE`), restored afterwards."""
    from grader.course.spec import time_scale as current

    old = os.environ.get("CALCGRADE_TIME_SCALE")
    if scale is None and old is None:
        scale = DEFAULT_TIME_SCALE
    if scale is not None:
        os.environ["CALCGRADE_TIME_SCALE"] = repr(float(scale))
    try:
        yield current()
    finally:
        if old is None:
            os.environ.pop("CALCGRADE_TIME_SCALE", None)
        else:
            os.environ["CALCGRADE_TIME_SCALE"] = old


def sample(mutants: list[Mutant], per_function: int | None) -> list[Mutant]:
    """At most ``per_function`` mutants of each function, deterministically: the
    operators taken in turn, each one's mutants in id order (the file order kept)."""
    if per_function is None:
        return mutants
    keep: set[str] = set()
    by_function: dict[str, dict[str, list[Mutant]]] = {}
    for m in mutants:
        by_function.setdefault(m.function, {}).setdefault(m.operator, []).append(m)
    for ops in by_function.values():
        queues = [sorted(ms, key=lambda m: m.id) for _, ms in sorted(ops.items())]
        taken = 0
        while taken < per_function and any(queues):
            for q in queues:
                if q and taken < per_function:
                    keep.add(q.pop(0).id)
                    taken += 1
    return [m for m in mutants if m.id in keep]


def run_mutants(slugs: list[str] | None = None, *, seed: int, jobs: int | None = None,
                max_per_function: int | None = None, operators: list[str] | None = None,
                min_kill: float = DEFAULT_MIN_KILL, scale: float | None = None,
                on_exercise: Callable[[ExerciseMutants], None] | None = None,
                progress: Callable[[str, int, int], None] | None = None) -> MutationReport:
    """Grade every mutant of every exercise (one :func:`grade` batch per exercise).

    ``on_exercise(result)`` is called as each exercise is done. Raises
    :class:`MutantsError` for an unknown operator, a malformed equivalents file or a
    missing reference; an exercise whose reference fails is reported (``error``)."""
    unknown = sorted(set(operators or ()) - set(OPERATORS))
    if unknown:
        raise MutantsError(f"unknown mutation operator(s) {', '.join(unknown)}; choose from: "
                           f"{', '.join(OPERATORS)}")
    exercises = load_exercises(slugs)
    equivalents = {ex.slug: read_equivalents(ex.slug) for ex in exercises}  # fail early
    with time_scale(scale) as used:
        report = MutationReport(seed=seed, min_kill=min_kill, time_scale=used)
        for ex in exercises:
            result = _run_exercise(ex, equivalents[ex.slug], seed=seed, jobs=jobs,
                                   max_per_function=max_per_function, operators=operators,
                                   progress=progress)
            report.exercises.append(result)
            if on_exercise:
                on_exercise(result)
    return report


def _run_exercise(ex: Exercise, equivalents: dict[str, str], *, seed: int, jobs: int | None,
                  max_per_function: int | None, operators: list[str] | None,
                  progress: Callable[[str, int, int], None] | None) -> ExerciseMutants:
    from grader.judge.engine import Submission, grade

    ref = reference_dir() / f"{ex.slug}.py"
    if not ref.is_file():
        raise MutantsError(f"{ex.slug}: no reference solution at {ref}: mutation analysis needs "
                           "the instructor's course (reference/), not a student bundle")
    source = ref.read_text(encoding="utf-8")
    try:
        derived = derive_mutants(source, ex.slug, ex.functions, operators=operators)
    except SyntaxError as exc:
        raise MutantsError(f"{ex.slug}: the reference {ref} does not parse (line {exc.lineno}: "
                           f"{exc.msg})") from None
    chosen = sample(derived.mutants, max_per_function)
    result = ExerciseMutants(ex.slug, derived.functions, dropped={
        "uncompilable": derived.uncompilable, "identical": derived.identical,
        "duplicate": derived.duplicate}, sampled_out=len(derived.mutants) - len(chosen))
    result.warnings.extend(stale_equivalents(equivalents, [m.id for m in derived.mutants]))
    tmp = Path(tempfile.mkdtemp(prefix="calcgrade-mutants-"))
    try:
        subs = []
        for i, source_text in enumerate([source] + [m.source for m in chosen]):
            path = tmp / f"m{i}" / ex.slug / "solution.py"
            path.parent.mkdir(parents=True)
            path.write_text(source_text, encoding="utf-8")
            name = "reference" if i == 0 else f"mutant/{chosen[i - 1].id}"
            subs.append(Submission(name, {ex.slug: path}, [ex.slug]))
        graded = grade(subs, [ex.slug], seed=seed, jobs=jobs, progress=progress)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    baseline = _failures(graded[0])
    if baseline:  # an overloaded machine at a small time scale, or a broken reference
        result.error = (f"the reference itself does not score full marks at seed {seed} (time "
                        f"scale {os.environ.get('CALCGRADE_TIME_SCALE')}), so no mutant can be "
                        "judged: " + "; ".join(baseline[:3]))
        return result
    for mutant, res in zip(chosen, graded[1:]):
        failures = _failures(res)
        if failures:
            result.outcomes.append(Outcome(mutant, "killed", failures))
        elif mutant.id in equivalents:
            result.outcomes.append(Outcome(mutant, "equivalent", reason=equivalents[mutant.id]))
        else:
            result.outcomes.append(Outcome(mutant, "survived"))
    infra = [o.mutant.id for o in result.outcomes if o.status == "killed"
             and all(": the sandbox failed" in k for k in o.killed_by)]
    if infra:  # a crash of the sandbox itself, not a check's verdict: worth a second run
        result.warnings.append(f"{len(infra)} mutant(s) killed only by sandbox failures, not "
                               f"by a check (re-run to confirm): {', '.join(infra[:5])}"
                               + (" …" if len(infra) > 5 else ""))
    for o in result.outcomes:
        if o.status == "killed" and o.mutant.id in equivalents:
            result.warnings.append(f"{EQUIVALENT_FILE}: {o.mutant.id} is marked equivalent but "
                                   f"the checks kill it ({o.killed_by[0]})")
    return result


def _failures(results) -> list[str]:
    bad = [f"{c.id}: {c.status}: {c.message}"[:300] for c in results.checks if not c.passed]
    if not bad and results.points < results.max_points:
        bad.append(f"{results.points:g}/{results.max_points:g} points")
    return bad
