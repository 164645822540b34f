"""The public answer key, computed from the reference for the public seeds (instructor side).

For every public check and seed it stores what the judge in the bundle needs and no more
(:mod:`grader.judge.public_key` says what, per kind of value): nothing where the check's
own code computes its expected answer, the values of a symbolic answer at the points its
judging draws, the reference's values for the public inputs otherwise. Report figures get
the reference's plot data for the public seeds.

Per-student variants (:mod:`grader.course.variants`): the key holds the lesson's answers,
and the bundle's ``check`` draws a student's inputs under their own ``variant.toml``. So in
an exercise that declares ``VARIANTS`` every public check is probed under a few variants
(:data:`VARIANT_PROBES`; many more, :data:`READING_PROBES`, for a check whose answer
comes from the reference and whose inputs or ``expect`` read the parameters): one that
computes its answer in ``checks.py`` must still do so without the reference, and one
whose stored answer would differ under a variant (other public inputs, or another
reference answer) is refused with :class:`KeyBuildError`: its expected answer must come
from the parameters in ``checks.py``, or the check be hidden.
"""
from __future__ import annotations

import base64
import hashlib
import json
from typing import Any, Callable, Sequence

from grader import __version__
from grader.course.fingerprint import spec_fingerprint
from grader.course.spec import Check, Exercise, as_numpy
from grader.judge import engine
from grader.judge.answers import Expr, ExprArray, to_expr
from grader.judge.public_key import FORMAT, NO_REFERENCE, NeedsReference, Unstorable, encode_value

VARIANT_PROBES = 6  # variants each public check of an exercise with VARIANTS is tried under
READING_PROBES = 48  # … a stored one that reads VariantSpec.params() (misses one in 9: 0.4%)

class KeyBuildError(ValueError):
    """A public check the key cannot serve offline (the message names it and says why)."""


def key_meta(exercises: list[Exercise], seeds: list[int]) -> dict[str, Any]:
    return {"format": FORMAT, "grader_version": __version__, "seeds": list(seeds),
            "spec_fingerprint": spec_fingerprint(exercises)}


def exercise_key(exercise: Exercise, seeds: list[int],
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``key/<slug>.json``: each public check's entry per seed, and the figure's data."""
    from grader.course.variants import spec_for

    checks: dict[str, dict[str, Any]] = {}
    probe = fresh_exercise(exercise)
    probes = {c.id: c for c in probe.checks}
    codes = probe_codes(exercise.slug) if spec_for(exercise.slug) is not None else []
    for check in exercise.checks:
        if not check.is_public:
            continue
        if progress:
            progress(check.id)
        checks[check.id] = {str(seed): check_entry(check, seed, probes[check.id], codes)
                            for seed in seeds}
    out: dict[str, Any] = {"slug": exercise.slug, "checks": checks}
    if exercise.figure is not None:
        out["figure"] = {str(seed): figure_entry(exercise, seed, probe) for seed in seeds}
    return out


def fresh_exercise(exercise: Exercise) -> Exercise:
    """``checks.py`` imported anew, under a name of its own: its module-level caches are
    empty, so a check that caches what the reference computed (06 remembers critical points
    per function) cannot pass for one that needs no reference. Only ever given
    :data:`NO_REFERENCE`, so nothing of the reference gets into it."""
    import importlib.util

    path = exercise.path / "checks.py"
    spec = importlib.util.spec_from_file_location(f"calcgrade_release_probe_{exercise.slug}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EXERCISE


def check_entry(check: Check, seed: int, probe: Check | None = None,
                variants: Sequence[str] = ()) -> dict[str, Any]:
    """``probe``: the same check from :func:`fresh_exercise` (default: ``check`` itself);
    ``variants``: codes to probe it under (its exercise declares VARIANTS)."""
    from grader.course.variants import recording_reads

    probe = probe or check
    with engine.quiet_numpy(), recording_reads() as reads:
        try:
            inputs = check.make_inputs(seed)
        except Exception as exc:  # noqa: BLE001 - the check errors for this seed everywhere
            # (the sandbox gets no inputs, so no answer is judged): nothing to store
            return {"inputs_failed": f"{type(exc).__name__}: {exc}"[:300]}
        try:
            probe.expected(NO_REFERENCE, probe.make_inputs(seed))
            entry: dict[str, Any] = {"from_checks": True}  # checks.py computes it: nothing stored
            expected = None
        except NeedsReference:
            expected = check.expected(engine.load_reference(check.slug), inputs)
            try:
                entry = {"expected": encode_value(key_form(check, expected, seed))}
            except (Unstorable, ValueError) as exc:
                raise KeyBuildError(f"{check.id} (seed {seed}): the public key cannot hold its "
                                    f"expected answer ({exc}); mark the check "
                                    "visibility=\"hidden\" or change what it expects") from None
    if variants and expected is not None and check.slug in reads:
        variants = probe_codes(check.slug, READING_PROBES)  # it may depend on them: look hard
    with engine.quiet_numpy():
        for code in variants:
            _same_under_variant(check, seed, probe, code, inputs, expected)
        return entry


def probe_codes(slug: str, n: int = VARIANT_PROBES) -> list[str]:
    """Fixed variant codes the release probes an exercise's checks under."""
    return [base64.b32encode(hashlib.sha256(f"calcgrade release\0{slug}\0{i}".encode())
                             .digest()).decode()[:10] for i in range(n)]


def _same_under_variant(check: Check, seed: int, probe: Check, code: str, inputs: dict,
                        expected: Any) -> None:
    """Refuse ``check`` if the bundle would judge variant ``code`` wrongly: it needs the
    reference there while computing its answer itself for the lesson (``expected`` None),
    or its public inputs or its reference answer differ from the lesson's, which is all
    the key can hold."""
    from grader.course.variants import activate
    from grader.sandbox.inputs import encode_inputs

    def refuse(why: str) -> KeyBuildError:
        return KeyBuildError(
            f"{check.id} (seed {seed}): under per-student variants {why}, but the public key "
            "holds the lesson's answer only, so a student with a variant would be judged "
            "wrongly in the bundle. Compute its expected answer in checks.py from "
            "inputs[\"_params\"] (as 01_derivative's symbolic_derivative does), or mark it "
            "visibility=\"hidden\"")

    with activate({check.slug: code}):
        try:
            theirs = check.make_inputs(seed)
        except Exception as exc:  # noqa: BLE001 - the author's bug: said, not a traceback
            raise refuse(f"its inputs cannot be drawn (variant {code}: {type(exc).__name__}: "
                         f"{exc})") from None
        if expected is None:
            try:
                probe.expected(NO_REFERENCE, probe.make_inputs(seed))
            except NeedsReference:
                raise refuse(f"its expected answer needs the reference (variant {code})") from None
            return
        if not _same_value(encode_inputs(theirs), encode_inputs(inputs)):
            raise refuse(f"its public inputs differ (variant {code}) while its expected "
                         "answer comes from the reference")
        if not _same_value(check.expected(engine.load_reference(check.slug), theirs), expected):
            raise refuse(f"the reference gives another expected answer (variant {code})")


def _same_value(a: Any, b: Any) -> bool:
    """Bit for bit (as the key would store them), or structurally (SymPy expressions)."""
    try:
        return (json.dumps(encode_value(as_numpy(a)), sort_keys=True)
                == json.dumps(encode_value(as_numpy(b)), sort_keys=True))
    except (Unstorable, ValueError, TypeError):
        pass
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 - cannot be compared: taken as different
        return False


def key_form(check: Check, expected: Any, seed: int) -> Any:
    """The expected answer as the key stores it: symbolic answers sampled (never their
    text), everything else as computed."""
    from grader.judge.symbolic import by_name, prepared_expected, sample_expected

    answer = check.answer
    if isinstance(answer, (Expr, ExprArray)):
        symbolic_mistakes = [m.id for m in check.mistakes if m.equals is not None or m.facts is not None]
        if symbolic_mistakes:
            raise Unstorable(f"mistakes {', '.join(symbolic_mistakes)} compute from the expected "
                             "expression (equals/facts); use answers= or match=")
    rng = engine.judge_rng(check, seed)
    if isinstance(answer, Expr):
        expr = to_expr(expected, answer.symbols, answer.up_to_constant is not None) \
            if not hasattr(expected, "free_symbols") else expected
        if not prepared_expected(expr, answer.up_to_constant).free_symbols:
            if answer.up_to_constant:
                raise Unstorable("an antiderivative whose derivative is a constant")
            return by_name(expr)
        return sample_expected(expr, answer.domain, rng, up_to_constant=answer.up_to_constant)
    if isinstance(answer, ExprArray):
        import sympy

        rows = answer.convert(expected.tolist() if isinstance(expected, sympy.MatrixBase) else expected)

        def entry(e: Any) -> Any:
            e = by_name(e)
            return e if not e.free_symbols else sample_expected(e, answer.domain, rng)

        return _map(rows, entry)
    return as_numpy(expected)  # a JAX array from an explicit expect: the same numbers


def _map(rows: Any, f: Callable[[Any], Any]) -> Any:
    if isinstance(rows, (list, tuple)):
        return [_map(r, f) for r in rows]
    return f(rows)


def figure_entry(exercise: Exercise, seed: int, probe: Exercise | None = None) -> dict[str, Any]:
    figure = exercise.figure
    assert figure is not None
    with engine.quiet_numpy():
        inputs = figure.make_inputs(seed)
        try:
            fresh = (probe or exercise).figure
            assert fresh is not None
            fresh.reference(NO_REFERENCE, fresh.make_inputs(seed))
            return {"from_checks": True}
        except NeedsReference:
            pass
        data = figure.reference(engine.load_reference(exercise.slug), inputs)
        return {"data": encode_value(engine.to_lists(data))}
