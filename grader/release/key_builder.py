"""The public answer key, computed from the reference for the public seeds (instructor side).

For every public check and seed it stores what the judge in the bundle needs and no more
(:mod:`grader.judge.public_key` says what, per kind of value): nothing where the check's
own code computes its expected answer, the values of a symbolic answer at the points its
judging draws, the reference's values for the public inputs otherwise. Report figures get
the reference's plot data for the public seeds.
"""
from __future__ import annotations

from typing import Any, Callable

from grader import __version__
from grader.course.fingerprint import spec_fingerprint
from grader.course.spec import Check, Exercise, as_numpy
from grader.judge import engine
from grader.judge.answers import Expr, ExprArray, to_expr
from grader.judge.public_key import FORMAT, NO_REFERENCE, NeedsReference, Unstorable, encode_value


class KeyBuildError(ValueError):
    """A public check the key cannot serve offline (the message names it and says why)."""


def key_meta(exercises: list[Exercise], seeds: list[int]) -> dict[str, Any]:
    return {"format": FORMAT, "grader_version": __version__, "seeds": list(seeds),
            "spec_fingerprint": spec_fingerprint(exercises)}


def exercise_key(exercise: Exercise, seeds: list[int],
                 progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """``key/<slug>.json``: each public check's entry per seed, and the figure's data."""
    checks: dict[str, dict[str, Any]] = {}
    probe = fresh_exercise(exercise)
    probes = {c.id: c for c in probe.checks}
    for check in exercise.checks:
        if not check.is_public:
            continue
        if progress:
            progress(check.id)
        checks[check.id] = {str(seed): check_entry(check, seed, probes[check.id]) for seed in seeds}
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


def check_entry(check: Check, seed: int, probe: Check | None = None) -> dict[str, Any]:
    """``probe``: the same check from :func:`fresh_exercise` (default: ``check`` itself)."""
    with engine.quiet_numpy():
        try:
            inputs = check.make_inputs(seed)
        except Exception as exc:  # noqa: BLE001 - the check errors for this seed everywhere
            # (the sandbox gets no inputs, so no answer is judged): nothing to store
            return {"inputs_failed": f"{type(exc).__name__}: {exc}"[:300]}
        try:
            (probe or check).expected(NO_REFERENCE, (probe or check).make_inputs(seed))
            return {"from_checks": True}  # checks.py computes it: nothing to store
        except NeedsReference:
            pass
        expected = check.expected(engine.load_reference(check.slug), inputs)
        try:
            return {"expected": encode_value(key_form(check, expected, seed))}
        except (Unstorable, ValueError) as exc:
            raise KeyBuildError(f"{check.id} (seed {seed}): the public key cannot hold its "
                                f"expected answer ({exc}); mark the check "
                                "visibility=\"hidden\" or change what it expects") from None


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
