"""How an exercise declares its checks: one place for ids, points, limits and messages.

Each ``exercises/<slug>/checks.py`` builds one :class:`Exercise`. The CLI, the JSON
results, the self-test and the reports all read it from there. A :class:`Check` has
three parts that run in different places:

* ``inputs(rng)`` draws the seeded inputs (NumPy and SymPy, never a JAX operation). It
  runs on the trusted side only (:meth:`Check.make_inputs`). Keys starting with ``_``
  are judge-only (a hidden formula, held-out points, the parameters behind a data set);
  the others are public and must be plain data that
  :func:`grader.sandbox.inputs.encode_inputs` can send: numbers, strings, lists, tuples,
  dicts, NumPy arrays, SymPy expressions and course objects such as a hidden function
  (:class:`grader.course.hidden.Fn`, e.g. ``h.numpy()``), never a lambda.
* ``call(solution, inputs)`` runs in the sandboxed child, on the public inputs only (as
  :func:`grader.sandbox.inputs.decode_inputs` rebuilds them): it calls the student's
  code and returns what the student's function returned. It must never read a ``_``
  key. Only plain data leaves the child.
* ``judge`` runs in the trusted parent, with every input: ``expect(ref, inputs)``
  computes the expected answer from the reference solution and ``answer`` compares
  (symbolically or numerically); when it fails, catalogued :class:`Mistake` s are looked
  for. ``expect`` defaults to the check's own ``call`` made on the reference (with the
  public inputs only), so most checks declare only what they call.

The common case is declarative::

    Check(function="loss", points=1, title="mean binary cross-entropy",
          inputs=_loss_inputs, answer=Close(rtol=1e-9, scalar=True),
          mistakes=(Mistake("loss_sum_not_mean", "…take the mean…",
                            equals=lambda expected, inputs: inputs["y"].size * expected),))

A mistake declared by ``equals`` is the value the slip would produce; it is recognised
by the check's own comparison (or ``tolerance``), counted and reported like every
catalogued mistake, and the self-test judges that value (no example file needed).
"""
from __future__ import annotations

import importlib.util
import os
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from grader.course.paths import exercises_dir

if TYPE_CHECKING:
    from grader.judge.answers import Answer

DEFAULT_TIME_LIMIT = 10.0  # seconds of wall time for one check (a first JAX compile takes 1-2 s)
DEFAULT_MEMORY_MB = 2048  # address-space limit of the sandboxed process

# Who sees a check (Gradescope's test visibility, under calcgrade's own names):
# "public" checks ship in the student bundle with their answer key and run in the
# student's ``calcgrade check``; "hidden" and "after_due_date" ones run only at grading
# (with the reference), and reports for students keep their expected values to themselves.
VISIBILITIES = ("public", "hidden", "after_due_date")
GRADESCOPE_VISIBILITY = {"public": "visible", "hidden": "hidden", "after_due_date": "after_due_date"}


@dataclass(frozen=True)
class Mistake:
    """A catalogued wrong answer with a message of its own.

    Three ways to recognise it, tried in this order:

    * ``equals(expected, inputs) -> value``: the answer the slip produces, computed on the
      trusted side from the expected answer and every input (``2 * expected``, the path
      without x0 …). The student's answer is compared with it by the check's own answer
      kind (``Answer.same``) or, given ``tolerance=(rtol, atol)``, numerically. The
      self-test judges that value itself (a *generated* example), so such a mistake needs
      no file under ``reference/mistakes/``; one there is run as well. ``equals`` may
      return None where the inputs cannot show the mistake (never matched, not tested).
    * ``answers``: expression text, parsed by the safe parser and compared the way the
      check compares (symbolic mistakes).
    * ``match(got, expected, inputs) -> bool`` on the decoded student answer (code
      mistakes). ``sample(expected, inputs) -> value``, when given, is an answer that
      commits the mistake, judged by the self-test like an ``equals`` value.

    ``example`` names the file under ``reference/mistakes/<slug>/`` that commits the
    mistake, for the self-test (default ``<id>.py``). ``facts(expected, inputs) -> dict``
    fills ``{name}`` fields of the message (e.g. the number of points).
    """

    id: str
    message: str
    answers: tuple[str, ...] = ()
    match: Callable[[Any, Any, dict], bool] | None = None
    example: str | None = None
    equals: Callable[[Any, dict], Any] | None = None
    tolerance: tuple[float, float] | None = None
    sample: Callable[[Any, dict], Any] | None = None
    facts: Callable[[Any, dict], dict] | None = None

    @property
    def example_file(self) -> str:
        return self.example or f"{self.id}.py"

    @property
    def generated(self) -> Callable[[Any, dict], Any] | None:
        """The value the self-test judges for this mistake (None: only an example file)."""
        return self.equals or self.sample

    def render(self, expected: Any, inputs: dict) -> str:
        """The student-facing message for this check's expected answer and inputs."""
        if self.facts is None:
            return self.message
        return self.message.format_map(self.facts(expected, inputs))


def call_function(solution: Any, function: str, inputs: dict) -> Any:
    """Default child-side call: the student function with the public inputs as keywords.

    Keys starting with ``_`` are the grader's own (e.g. the hidden function's formula):
    they never reach the sandbox, and are not passed where they are still present.
    """
    return getattr(solution, function)(**{k: v for k, v in inputs.items() if not k.startswith("_")})


def no_inputs(rng: Any) -> dict:
    return {}


def public(inputs: dict) -> dict:
    """The inputs the sandbox gets: every key not starting with ``_``."""
    return {k: v for k, v in inputs.items() if not k.startswith("_")}


@dataclass
class Check:
    """One graded check of one student function (optionally one case of it)."""

    function: str
    points: float
    title: str
    answer: "Answer"
    expect: Callable[[Any, dict], Any] | None = None  # default: ``call`` on the reference
    case: str | None = None
    inputs: Callable[[Any], dict] = no_inputs
    call: Callable[[Any, dict], Any] | None = None
    mistakes: tuple[Mistake, ...] = ()
    hint: str = ""
    needs: tuple[str, ...] = ()
    time_limit: float | None = None
    slug: str = ""
    visibility: str = "public"  # one of VISIBILITIES

    @property
    def id(self) -> str:
        parts = [self.slug, self.function] + ([self.case] if self.case else [])
        return "/".join(parts)

    @property
    def is_public(self) -> bool:
        """Whether the check ships in the student bundle (and runs in its ``check``)."""
        return self.visibility == "public"

    def __post_init__(self) -> None:
        if self.visibility not in VISIBILITIES:
            raise ValueError(f"check {self.function}: visibility {self.visibility!r} is not one "
                             f"of {', '.join(VISIBILITIES)}")
        # an answer kind's own requirements (e.g. a Property's) are catalogued mistakes
        own = tuple(getattr(self.answer, "requirements", ()))
        self.mistakes = own + tuple(m for m in self.mistakes if m not in own)

    @property
    def required_functions(self) -> tuple[str, ...]:
        return (self.function,) + tuple(n for n in self.needs if n != self.function)

    def expected(self, ref: Any, inputs: dict) -> Any:
        """Trusted side: the expected answer. Without ``expect``: the check's own call made
        on the reference with the public inputs (JAX arrays as NumPy ones), or None when
        the answer kind needs no expected value (:class:`grader.judge.answers.Property`)."""
        if self.expect is not None:
            return self.expect(ref, inputs)
        if not getattr(self.answer, "needs_expected", True):
            return None
        return as_numpy(self.run(ref, public(inputs)))

    def rng(self, seed: int) -> Any:
        """The generator for this check's inputs: depends only on the seed and the id."""
        import numpy as np

        return np.random.default_rng([seed, zlib.crc32(self.id.encode())])

    def make_inputs(self, seed: int) -> dict:
        """Trusted side: every input of this check for ``seed``, judge-only ones included."""
        return self.inputs(self.rng(seed))

    def run(self, solution: Any, inputs: dict) -> Any:
        """Child side: call the student's code (on the public inputs)."""
        if self.call is None:
            return call_function(solution, self.function, inputs)
        return self.call(solution, inputs)


@dataclass
class Figure:
    """The report's plot for an exercise, drawn from the student's own functions.

    ``student(solution, inputs) -> dict`` runs in the sandbox like a check (on the public
    inputs only) and returns plain arrays (e.g. the student's f′ on a grid);
    ``reference(ref, inputs) -> dict`` computes the same from the reference on the trusted
    side, with every input; ``draw(ax, ref_data, student_data_or_None)`` draws both with
    matplotlib. Figures are never graded.
    """

    title: str
    functions: tuple[str, ...]
    student: Callable[[Any, dict], Any]
    reference: Callable[[Any, dict], Any]
    draw: Callable[[Any, Any, Any], None]
    inputs: Callable[[Any], dict] = no_inputs
    time_limit: float | None = None
    slug: str = ""

    # the sandbox treats a figure like a check
    @property
    def function(self) -> str:
        return self.functions[0]

    @property
    def id(self) -> str:
        return f"{self.slug}/figure"

    @property
    def required_functions(self) -> tuple[str, ...]:
        return self.functions

    rng = Check.rng
    make_inputs = Check.make_inputs

    def run(self, solution: Any, inputs: dict) -> Any:
        return self.student(solution, inputs)


@dataclass
class Exercise:
    slug: str
    title: str
    checks: list[Check]
    time_limit: float = DEFAULT_TIME_LIMIT
    memory_mb: int = DEFAULT_MEMORY_MB
    plot: str = ""  # the report's figure, in the catalogue's words
    preload: tuple[str, ...] = ("numpy", "sympy", "jax.numpy")  # imported before forking
    figure: Figure | None = None
    path: Path = field(default_factory=Path)

    def __post_init__(self) -> None:
        for check in self.checks:
            check.slug = self.slug
        if self.figure is not None:
            self.figure.slug = self.slug
        ids = [c.id for c in self.checks]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"{self.slug}: duplicate check ids {sorted(dupes)}")

    @property
    def max_points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def functions(self) -> list[str]:
        seen: dict[str, None] = {}
        for c in self.checks:
            for f in c.required_functions:
                seen.setdefault(f, None)
        return list(seen)

    def runnables(self, with_figure: bool = False) -> list[Any]:
        """What the sandbox runs, in order: the checks, then the figure if asked for."""
        extra = [self.figure] if with_figure and self.figure is not None else []
        return [*self.checks, *extra]

    def time_limit_for(self, check: Any) -> float:
        """The check's wall-time limit, scaled by ``CALCGRADE_TIME_SCALE`` (slow machines)."""
        limit = check.time_limit if check.time_limit is not None else self.time_limit
        return limit * time_scale()

    def mistake(self, mistake_id: str) -> Mistake | None:
        for c in self.checks:
            for m in c.mistakes:
                if m.id == mistake_id:
                    return m
        return None


def as_numpy(value: Any) -> Any:
    """A reference's return value with JAX arrays (anything with ``__array__`` that is not
    already NumPy or SymPy) turned into NumPy arrays, recursively."""
    if isinstance(value, dict):
        return {k: as_numpy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(as_numpy(v) for v in value)
    if hasattr(value, "__array__") and type(value).__module__.startswith(("jax", "jaxlib")):
        import numpy as np

        return np.asarray(value)
    return value


def time_scale() -> float:
    try:
        return max(0.05, float(os.environ.get("CALCGRADE_TIME_SCALE", "1")))
    except ValueError:
        return 1.0


class UnknownExercise(LookupError):
    pass


def all_slugs() -> list[str]:
    root = exercises_dir()
    return sorted(p.parent.name for p in root.glob("*/checks.py"))


# (checks.py's path, slug) → the exercise and its module: one process may load two courses
# with the same slug (a notebook kernel moved to another course, tests with tiny courses)
_cache: dict[tuple[str, str], tuple[Exercise, Any]] = {}


def load_exercise(slug: str) -> Exercise:
    """Import ``exercises/<slug>/checks.py`` of the course in use and return its
    ``EXERCISE`` (once per course and slug; its module is ``calcgrade_checks_<slug>`` in
    ``sys.modules``, the one of the course last asked for)."""
    path = exercises_dir() / slug / "checks.py"
    name = f"calcgrade_checks_{slug}"
    key = (str(path), slug)
    if key in _cache:
        exercise, module = _cache[key]
        sys.modules[name] = module
        return exercise
    if "/" in slug or slug.startswith(".") or not path.is_file():
        raise UnknownExercise(slug)
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    exercise: Exercise = module.EXERCISE
    exercise.path = path.parent
    if exercise.slug != slug:
        raise ValueError(f"{path}: EXERCISE.slug is {exercise.slug!r}, expected {slug!r}")
    _cache[key] = (exercise, module)
    return exercise


def load_exercises(slugs: list[str] | None = None) -> list[Exercise]:
    return [load_exercise(s) for s in (slugs or all_slugs())]
