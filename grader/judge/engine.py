"""Grading: run submissions in the sandbox, then judge every answer against the reference.

This is the Python API behind ``calcgrade check`` and ``selftest``::

    results = grade([Submission.from_dir(Path("exercises"))], slugs=["01_derivative"], seed=1)

All sandboxed runs happen first (the process must not have run JAX when it forks), then
the trusted side loads the references and judges.
"""
from __future__ import annotations

import contextvars
import importlib.util
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from grader.course.paths import project_root, reference_dir
from grader.course.spec import Check, Exercise, load_exercises
from grader.course.variants import cache_tag
from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.sandbox.client import ExerciseRaw, Policy, StudentRaw, collect, start_servers
from grader.sandbox.raw import RawResult


@dataclass
class Submission:
    """A student's files, by exercise slug (None: the file is absent)."""

    name: str
    files: dict[str, Path | None] = field(default_factory=dict)
    only: list[str] | None = None  # grade just these exercises (e.g. one mistake example)

    @property
    def root(self) -> Path | None:
        """The folder holding the student's files (what their sandbox may see)."""
        if isinstance(self.files, _SolutionFinder):
            return self.files.root
        dirs = [str(p.parent.parent) for p in self.files.values() if p is not None]
        return Path(os.path.commonpath(dirs)) if dirs else None

    @classmethod
    def from_dir(cls, root: Path, name: str | None = None) -> "Submission":
        """``root/<slug>/solution.py`` for every exercise (shaped like ``exercises/``)."""
        root = Path(root).resolve()  # the sandbox child runs in a scratch directory
        return cls(name or root.name, _SolutionFinder(root))  # type: ignore[arg-type]

    def file_for(self, slug: str) -> Path | None:
        path = self.files.get(slug)
        return path if path is not None and path.is_file() else None


class _SolutionFinder(dict):
    """A mapping slug → ``root/<slug>/solution.py`` computed on demand."""

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.root = root

    def get(self, slug: str, default: Any = None) -> Path | None:  # type: ignore[override]
        return self.root / slug / "solution.py"


def grade(submissions: list[Submission], slugs: list[str] | None = None, *, seed: int,
          **options: Any) -> list[Results]:
    """:func:`grade_code`, with each submission's per-student variant active while its
    checks are drawn and judged, then its concept questions (``answers.toml``) judged
    beside the code (:mod:`grader.judge.with_questions`)."""
    from grader.judge.with_questions import grade_with_questions

    return grade_with_questions(grade_code, submissions, slugs, seed=seed, **options)


def grade_code(submissions: list[Submission], slugs: list[str] | None = None, *, seed: int,
               jobs: int | None = None, figures: bool = False,
               progress: Callable[[str, int, int], None] | None = None,
               function: str | None = None, early: "Early | None" = None) -> list[Results]:
    """Grade each submission on the given exercises; one Results per submission.

    ``figures``: also run each exercise's report figure on the student's functions and
    store its data (plain lists) in the results, for the HTML report.
    ``progress(stage, done, total)``: called as each submission's exercises have run in
    the sandbox (stage "running") and have been judged (stage "judging"), counting
    exercises. Student code runs in sandbox servers (:func:`grader.sandbox.client.collect`,
    process isolation, ``jobs`` at a time); judging runs here.
    ``function``: grade only that function's checks (the exercises that have some;
    :class:`grader.judge.selection.UnknownFunction` when none has).
    ``early``: a sandbox server the caller started before (:func:`start_early`), used
    for a single submission; the caller closes it.
    """
    from grader.judge.requests import student_request

    exercises = load_exercises(slugs)
    only: dict[str, list[int]] = {}
    if function is not None:
        from grader.judge.selection import restrict

        exercises, only = restrict(exercises, function)
    source = expected_source()  # the reference, or a bundle's public key: what is on disk
    started = time.perf_counter()
    chosen = {i: [ex for ex in exercises if sub.only is None or ex.slug in sub.only]
              for i, sub in enumerate(submissions)}
    total = sum(len(c) for c in chosen.values())
    cache: dict = {}
    if early is not None and len(submissions) == 1:
        scratch, policy, servers = early.scratch, early.policy, early.servers
        early.servers = []  # handed to collect, which ends them
    else:
        scratch = _scratch()
        parallel = max(1, min(jobs or default_jobs(), len(submissions) or 1))
        policy = Policy(isolation="process", parallel=parallel, scratch_root=scratch)
        # the servers import NumPy, SymPy and JAX while this process draws the inputs
        servers = start_servers(policy, [ex.slug for ex in exercises],
                                parallel if submissions else 0)
    try:
        _skip_uncovered(exercises, seed, cache, source)  # a bundle runs its public checks only
        _draw_public_inputs(exercises, seed, cache)  # once: the request and the judge share them
        requests = []
        for i, sub in enumerate(submissions):
            root = scratch / f"s{i}"
            solutions = lay_out(sub, [ex.slug for ex in chosen[i]], root)
            requests.append(student_request(i, root, chosen[i], solutions, seed,
                                            figures=figures, cache=cache))
            for req in requests[-1].exercises:
                req.only = only.get(req.slug)
        # the expected answers (references, JAX) are computed while the sandbox runs, in
        # this context: under the same per-student variants (grader.course.variants)
        warm = threading.Thread(target=contextvars.copy_context().run,
                                args=(_precompute_expected, exercises, seed, source), daemon=True)
        warm.start()
        raws = _collect(requests, policy, servers, progress, total)
        warm.join()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    out = []
    judged = 0
    for i, sub in enumerate(submissions):
        out.append(judge_student(raws[i], chosen[i], name=sub.name, seed=seed,
                                 isolation="process", figures=figures, source=source))
        judged += len(chosen[i])
        if progress:
            progress("judging", judged, total)
    if submissions and len(submissions) == 1:
        out[0].duration = time.perf_counter() - started
    return out


def default_jobs() -> int:
    """Sandbox servers at a time when the caller does not say: ``CALCGRADE_JOBS`` (e.g. 1
    under a test runner that already keeps every core busy, where a second server's
    imports would be pure overhead), else one per core."""
    try:
        return max(1, int(os.environ.get("CALCGRADE_JOBS", "")))
    except ValueError:
        return os.cpu_count() or 1


def _scratch() -> Path:
    scratch = Path(tempfile.mkdtemp(prefix="calcgrade-check-"))
    scratch.chmod(0o755)  # the student's process may run as nobody (hidden but its own)
    return scratch


@dataclass
class Early:
    """A sandbox server started before :func:`grade` is called (:func:`start_early`)."""

    scratch: Path
    policy: Policy
    servers: list

    def close(self) -> None:
        """End the server if grade() never took it, and remove the scratch folder."""
        from grader.sandbox.client import stop_servers

        stop_servers(self.servers)
        shutil.rmtree(self.scratch, ignore_errors=True)


def start_early(slugs: list[str]) -> Early:
    """Start one sandbox server for ``slugs`` now, before anything else (``calcgrade
    check``): its ~1 s of imports then overlaps reading the submission, loading the
    exercises and drawing the inputs, which all come before a server is started in
    :func:`grade` otherwise. Pass it as ``grade(..., early=)``; close it after."""
    scratch = _scratch()
    policy = Policy(isolation="process", parallel=1, scratch_root=scratch)
    return Early(scratch, policy, start_servers(policy, slugs, 1))


def lay_out(sub: Submission, slugs: list[str], root: Path) -> dict[str, Path | None]:
    """Copy the student's files for ``slugs`` under ``root/<slug>/`` (what their sandbox
    sees: never the original folder, which may sit in the hidden checkout). A folder
    submission brings each exercise folder's regular files (helpers, data; no links);
    a single file becomes ``solution.py``."""
    out: dict[str, Path | None] = {}
    for slug in slugs:
        src = sub.file_for(slug)
        if src is None:
            out[slug] = None
            continue
        target = root / slug
        target.mkdir(parents=True, exist_ok=True)
        if isinstance(sub.files, _SolutionFinder):
            for item in src.parent.iterdir():
                try:
                    if item.is_file() and not item.is_symlink() and item.stat().st_size < LAYOUT_FILE_BYTES:
                        shutil.copyfile(item, target / item.name)
                except FileNotFoundError:  # removed meanwhile (an editor's temporary file)
                    continue
        else:
            shutil.copyfile(src, target / "solution.py")
        # gone meanwhile, or a link (never copied): missing, as if it was never there
        out[slug] = target / "solution.py" if (target / "solution.py").is_file() else None
    if root.exists():
        open_to_sandbox(root)
    return out


LAYOUT_FILE_BYTES = 8 * 1024 * 1024  # bigger files in an exercise folder are not copied


def open_to_sandbox(root: Path) -> None:
    """Folders 0755, files 0644 under ``root`` (made whatever the umask): a student's
    process may run as nobody, and must read its own copy (the rest stays hidden)."""
    root.chmod(0o755)
    for path in root.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() else 0o644)


def _collect(requests: list, policy: Policy, servers: list,
             progress: Callable[[str, int, int], None] | None, total: int) -> dict:
    ran = [0]

    def on_done(raw: StudentRaw) -> None:
        ran[0] += len(raw.exercises)
        if progress:
            progress("running", ran[0], total)

    return collect(requests, policy, on_done=on_done, servers=servers)


def _draw_public_inputs(exercises: list[Exercise], seed: int, cache: dict) -> None:
    """Fill the request builder's cache (``(check id, seed)`` → encoded public inputs)
    from :func:`drawn_inputs`, so each check's inputs are drawn once, not once for the
    request and again for the expected answer. A check whose inputs cannot be drawn is
    left to the request builder, which reports it for that check."""
    from grader.sandbox.inputs import encode_inputs

    for exercise in exercises:
        for check in exercise.checks:
            key = (check.id, seed)
            if key not in cache:
                try:
                    cache[key] = encode_inputs(drawn_inputs(check, seed))
                except Exception:  # noqa: BLE001 - exercise_request records the error
                    pass


_INPUTS: dict[tuple[str, str, int, str], dict] = {}


def _course_tag() -> str:
    """The course in use, part of every per-process cache key here: two courses in one
    process (a notebook, the test suite) may both have a ``01_tiny`` with other inputs,
    answers and reference."""
    return str(project_root())


def drawn_inputs(check: Check, seed: int) -> dict:
    """Every input of ``check`` for ``seed`` (judge-only ones included), drawn once per
    process and variant: drawing (hidden functions, lambdify) is most of the trusted side's
    work. Arrays are frozen; the dict is a copy."""
    key = (_course_tag(), check.id, seed, cache_tag(check.slug))
    if key not in _INPUTS:
        with quiet_numpy():
            inputs = check.make_inputs(seed)
        if len(_INPUTS) >= _EXPECTED_MAX:
            _INPUTS.clear()
        _INPUTS[key] = _freeze(inputs)
    return dict(_INPUTS[key])


def _skip_uncovered(exercises: list[Exercise], seed: int, cache: dict, source: Any) -> None:
    """Checks the source has no answer for (a bundle's hidden ones) get no inputs: the
    sandbox then never calls the student's code for them, and they are not judged."""
    for exercise in exercises:
        for check in exercise.checks:
            if not source.covers(check):
                cache[(check.id, seed)] = {"__input_error__": "not a public check: runs at grading"}


def _precompute_expected(exercises: list[Exercise], seed: int, source: Any = None) -> None:
    source = source or expected_source()
    for exercise in exercises:
        for check in exercise.checks:
            if not source.covers(check):
                continue
            try:
                _expected(check, seed, source)
            except Exception:  # noqa: BLE001 - judge_check reports it, for that check
                pass


_references: dict[str, ModuleType] = {}


def load_reference(slug: str) -> ModuleType:
    """The reference solution of the course in use, loaded on the trusted side only (never
    before forking), once per file."""
    path = reference_dir() / f"{slug}.py"
    if str(path) not in _references:
        name = f"calcgrade_reference_{slug}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise FileNotFoundError(path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        _references[str(path)] = module
    return _references[str(path)]


_RAW_STATUS = {"not_implemented": "not_implemented", "missing": "missing", "exception": "error",
               "crashed": "error", "error": "error", "timeout": "timeout",
               "unsupported": "failed"}


def judge_exercise(raw: ExerciseRaw, exercise: Exercise, seed: int, *, figure: bool = False,
                   failure: str = "", source: Any = None) -> ExerciseResult:
    """Judge one exercise's raw results (``failure``: why some never came back).

    ``source`` of the expected answers (default: what is on disk, :func:`expected_source`);
    checks it does not cover (a bundle's hidden ones) are left out of the results."""
    source = source or expected_source()
    missing = failure or "this check did not run"
    checks = []
    for index, check in enumerate(exercise.checks):
        if source.covers(check):
            checks.append(judge_check(check, raw.results.get(index) or RawResult("error", missing),
                                      seed, source))
    result = ExerciseResult(exercise.slug, exercise.title, checks, raw.import_output)
    if figure and exercise.figure is not None:
        result.figure = figure_data(exercise, raw.results.get(len(exercise.checks)), seed, source)
    return result


def judge_student(raw: StudentRaw, exercises: list[Exercise], *, name: str, seed: int,
                  isolation: str, figures: bool = False, source: Any = None) -> Results:
    """The results document of one student, from their raw results (trusted side)."""
    t0 = time.perf_counter()
    source = source or expected_source()
    ex_results = [judge_exercise(r, ex, seed, figure=figures, failure=raw.failure, source=source)
                  for ex, r in zip(exercises, raw.exercises)]
    results = Results(submission=name, seed=seed, isolation=isolation, exercises=ex_results)
    describe_checks(results, exercises, source)
    results.duration = sum(c.duration for c in results.checks) + time.perf_counter() - t0
    return results


def describe_checks(results: Results, exercises: list[Exercise], source: Any) -> None:
    """Which checks ``results`` ran: the check spec's fingerprint, where the expected
    answers came from, and the checks of these exercises left for grading (hidden)."""
    from grader.course.fingerprint import spec_fingerprint

    try:
        results.spec_fingerprint = spec_fingerprint()
    except Exception:  # noqa: BLE001 - a broken checks.py elsewhere must not cost this grade
        results.spec_fingerprint = ""
    results.expected_from = source.kind
    not_run = [c for ex in exercises for c in ex.checks if not source.covers(c)]
    results.hidden = {"checks": len(not_run), "points": float(sum(c.points for c in not_run))}


def figure_data(exercise: Exercise, raw: RawResult | None, seed: int,
                source: Any = None) -> dict[str, Any]:
    """The report figure's data: the reference's and, when it ran, the student's."""
    figure = exercise.figure
    assert figure is not None
    out: dict[str, Any] = {"title": figure.title, "reference": None, "student": None,
                           "message": ""}
    try:
        out["reference"] = to_lists((source or expected_source()).figure(
            exercise, seed, figure.make_inputs(seed)))
    except Exception as exc:  # noqa: BLE001 - a figure never costs a grade
        out["message"] = f"the reference figure failed: {type(exc).__name__}: {exc}"
    if raw is not None and raw.status == "ok":
        out["student"] = to_lists(raw.value)
    else:
        why = raw.message if raw is not None else "not run"
        out["message"] = out["message"] or f"your functions could not be plotted ({why}); showing the reference alone"
    return out


def to_lists(value: Any) -> Any:
    """Arrays to nested lists (JSON-able), recursively; non-finite floats to None."""
    import math

    import numpy as np

    if isinstance(value, np.ndarray):
        return to_lists(value.tolist())
    if isinstance(value, dict):
        return {str(k): to_lists(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_lists(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, np.integer):
        return int(value)
    return value if isinstance(value, (int, str, bool)) or value is None else str(value)


def judge_check(check: Check, raw: RawResult, seed: int, source: Any = None) -> CheckResult:
    result = CheckResult(id=check.id, exercise=check.slug, function=check.function,
                         case=check.case, title=check.title, status="error", points=0.0,
                         max_points=check.points, duration=raw.duration, output=raw.output,
                         visibility=check.visibility)
    if raw.status != "ok":
        result.status = _RAW_STATUS.get(raw.status, "error")
        result.message = raw.message
        return result
    from grader.judge.answers import Verdict, WrongType
    from grader.judge.limits import JudgeTimeout, judge_seconds, time_limit
    from grader.judge.public_key import PublicKeyError
    from grader.judge.symbolic import OutsidePublicKey

    try:
        with quiet_numpy():
            inputs, expected = _expected(check, seed, source)
    except PublicKeyError as exc:  # a bundle's key without this seed or check: say so
        result.message = f"cannot judge this check offline: {exc}"
        return result
    except Exception as exc:  # noqa: BLE001 - a grader bug must not cost other checks
        result.message = f"internal grader error computing the expected answer ({type(exc).__name__}: {exc})"
        return result
    rng = judge_rng(check, seed)
    try:
        # a huge expression costs this check only; an overflowing or NaN answer is judged,
        # never turned into a NumPy warning (no judge needs to silence them itself)
        with time_limit(judge_seconds()), quiet_numpy():
            try:
                verdict = check.answer.compare(raw.value, expected, inputs, rng)
            except WrongType as exc:
                verdict = Verdict(False, str(exc))
            if verdict.mistake is not None:  # an answer kind's requirement (Property)
                verdict = _mistake_verdict(check, verdict.mistake, raw.value, expected,
                                           inputs, verdict)
            elif not verdict.passed:  # a right answer is never reported as a mistake
                verdict = _find_mistake(check, raw.value, expected, inputs, rng) or verdict
    except JudgeTimeout as exc:
        result.message = str(exc)
        return result
    except OutsidePublicKey as exc:  # the bundle's key lacks a point this answer needs
        result.message = f"cannot judge this answer offline: {exc}"
        return result
    except Exception as exc:  # noqa: BLE001 - judging odd answers must not crash grading
        result.message = f"your answer could not be judged ({type(exc).__name__}: {str(exc)[:200]})"
        return result
    result.status = "passed" if verdict.passed else "failed"
    result.points = check.points if verdict.passed else 0.0
    result.mistake = verdict.mistake
    result.detail = verdict.detail
    if verdict.passed:
        result.message = verdict.message or "correct"
    else:
        result.message = with_hint(verdict.message, "" if verdict.mistake else check.hint)
    return result


def with_hint(message: str, hint: str) -> str:
    """The failure message, then the check's hint as a sentence of its own ("… Hint: …")."""
    message, hint = message.strip(), hint.strip()
    if not hint:
        return message
    if not message:
        return f"Hint: {hint}"
    end = "" if message.endswith((".", "!", "?", ":")) else "."
    return f"{message}{end} Hint: {hint}"


_EXPECTED: dict[tuple[str, str, str, int, str], tuple[dict, Any]] = {}
_EXPECTED_MAX = 4096


def judge_rng(check: Check, seed: int) -> Any:
    """The generator a check's judging draws from (evaluation points, …): fixed by the check
    and the seed, so the public key can hold the expected values at exactly those points."""
    import numpy as np

    return np.random.default_rng([seed, 7, *map(ord, check.id[-8:])])


class ReferenceSource:
    """Expected answers computed from ``reference/`` (the instructor's side)."""

    kind = "reference"
    name = "reference"

    def covers(self, check: Check) -> bool:
        return True

    def expected(self, check: Check, seed: int, inputs: dict) -> Any:
        return check.expected(load_reference(check.slug), inputs)

    def figure(self, exercise: Exercise, seed: int, inputs: dict) -> Any:
        assert exercise.figure is not None
        return exercise.figure.reference(load_reference(exercise.slug), inputs)


REFERENCE = ReferenceSource()
_KEYS: dict[tuple[str, float], Any] = {}


def expected_source(root: Path | None = None) -> Any:
    """Where the expected answers come from, decided by what is on disk: the course's
    ``reference/`` (instructor), else its ``key/`` (the student bundle). Not a setting:
    two gradings of two courses in one process each get their own source."""
    from grader.judge.public_key import KEY_DIR, META, KeySource

    root = root or project_root()
    if (root / "reference").is_dir():
        return REFERENCE
    meta = root / KEY_DIR / META
    if not meta.is_file():
        return REFERENCE  # neither: each check says the reference is missing
    stamp = (str(meta.resolve()), meta.stat().st_mtime)
    if stamp not in _KEYS:
        _KEYS.clear()
        _KEYS[stamp] = KeySource(meta.parent)
    return _KEYS[stamp]


def _expected(check: Check, seed: int, source: Any = None) -> tuple[dict, Any]:
    """The check's hidden inputs and the reference's answer, computed once per process.

    They depend only on the check, the seed and the active variant, and building them
    (drawing hidden functions, lambdify, running the reference) was half of judging a
    student, repeated for every student of a class. Arrays are frozen so no comparison
    can alter them for the next student; the dict is copied for the same reason.
    """
    source = source or expected_source()
    key = (source.name, _course_tag(), check.id, seed, cache_tag(check.slug))  # per variant too
    if key not in _EXPECTED:
        with quiet_numpy():  # whoever asks (judging, precomputing), no NumPy warnings
            inputs = drawn_inputs(check, seed)
            expected = source.expected(check, seed, inputs)
        if len(_EXPECTED) >= _EXPECTED_MAX:
            _EXPECTED.clear()
        _EXPECTED[key] = (_freeze(inputs), _freeze(expected))
    inputs, expected = _EXPECTED[key]
    return dict(inputs), expected


def _freeze(value: Any) -> Any:
    import numpy as np

    if isinstance(value, np.ndarray):
        value.flags.writeable = False
    elif isinstance(value, dict):
        for item in value.values():
            _freeze(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _freeze(item)
    return value


def quiet_numpy() -> Any:
    """NumPy's floating-point errors and every warning off, for computing expected answers,
    comparing and matching mistakes: a student's overflow or NaN is judged, not warned of."""
    import contextlib
    import warnings

    import numpy as np

    stack = contextlib.ExitStack()
    stack.enter_context(np.errstate(all="ignore"))
    stack.enter_context(warnings.catch_warnings())
    warnings.simplefilter("ignore")
    return stack


def mistake_matches(check: Check, mistake: Any, got: Any, expected: Any, inputs: dict,
                    rng: Any) -> bool:
    """Whether ``got`` commits ``mistake`` (a matcher that cannot read the answer: no)."""
    from grader.judge.answers import compare_arrays, to_array

    try:
        if mistake.equals is not None:
            value = mistake.equals(expected, inputs)
            if value is None:  # these inputs cannot show the mistake
                return False
            if mistake.tolerance is not None:
                g, v = to_array(got), to_array(value)
                return g.shape == v.shape and compare_arrays(g, v, *mistake.tolerance).passed
            return bool(check.answer.same(got, value, inputs, rng))
        if mistake.match is not None:
            return bool(mistake.match(got, expected, inputs))
        return any(check.answer.same(got, text, inputs, rng) for text in mistake.answers)
    except Exception:  # noqa: BLE001 - a matcher that cannot read the answer: no match
        return False


def _mistake_verdict(check: Check, mistake_id: str, got: Any, expected: Any, inputs: dict,
                     fallback: Any) -> Any:
    from grader.judge.answers import Verdict, fmt

    mistake = next((m for m in check.mistakes if m.id == mistake_id), None)
    if mistake is None:
        return fallback
    if fallback is not None and fallback.mistake == mistake_id and fallback.message:
        return fallback  # the answer kind rendered it already (Property)
    try:
        message = mistake.render(expected, inputs)
    except Exception:  # noqa: BLE001 - a broken message template still names the mistake
        message = mistake.message
    detail = dict(fallback.detail) if fallback is not None and fallback.detail else {}
    detail.setdefault("got", fmt(got))
    if expected is not None:
        detail.setdefault("expected", fmt(expected))
    return Verdict(False, message, detail, mistake=mistake.id)


def _find_mistake(check: Check, got: Any, expected: Any, inputs: dict, rng: Any) -> Any:
    own = tuple(getattr(check.answer, "requirements", ()))  # tried by the answer itself
    for mistake in check.mistakes:
        if mistake not in own and mistake_matches(check, mistake, got, expected, inputs, rng):
            return _mistake_verdict(check, mistake.id, got, expected, inputs, None)
    return None


def judge_value(check: Check, value: Any, seed: int) -> CheckResult:
    """Judge ``value`` as if the student's code had returned it (it goes through the wire
    format first, as a real answer does): the self-test's generated mistake examples."""
    from grader.sandbox import plain

    return judge_check(check, RawResult("ok", value=plain.decode(plain.encode(value))), seed)


def mistake_value(check: Check, mistake: Any, seed: int, source: Any = None) -> Any:
    """The answer that commits ``mistake`` in ``check`` for ``seed`` (its ``equals`` or
    ``sample``), computed on the trusted side."""
    with quiet_numpy():
        inputs, expected = _expected(check, seed, source)
        return mistake.generated(expected, inputs)
