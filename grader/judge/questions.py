"""Judging a student's answers to an exercise's concept questions (trusted side).

The student writes ``exercises/<slug>/answers.toml`` (``name = answer`` per question).
It is read with :mod:`tomllib`, bounded in size; expression text goes through the
safe parser (:mod:`grader.judge.parse`, via :class:`grader.judge.answers.Expr`), never
``eval``/``sympify``. Each question becomes a check-like result with id
``<slug>/q/<name>`` and ``kind = "question"``, so reports and exports show it like any
check. Free text is ``recorded`` (0 points until the instructor sets them in
``RESULTS/overrides.toml``, :mod:`grader.judge.overrides`). See docs/QUESTIONS.md.

Per-student variants: a key entry's ``from_variant`` formula gives the answer (and a
wrong answer's value) from the parameters of the variant the exercise was graded with
(the code recorded in its result, ``exercise.variant``): :func:`key_for_variant`. With no
variant the lesson's ``answer`` stands, and the formula must give it there too.
"""
from __future__ import annotations

import math
import zlib
from typing import Any

import tomllib

from grader.course.questions import (
    ANSWERS_FILE,
    Key,
    Question,
    QuestionsError,
    WrongAnswer,
    key_path,
    load_key,
    load_questions,
)
from grader.judge.results import CheckResult, Results

MAX_BYTES = 64 * 1024  # an answers file bigger than this is not read
MAX_TEXT = 4000  # characters of one answer kept (free text beyond is cut, with a note)
NOT_ANSWERED = f"not answered yet: write your answer in {ANSWERS_FILE}"
NO_KEY = "answer recorded; it is judged at grading (the answer key is not in this bundle)"


class AnswerError(ValueError):
    """An answer that cannot be read as its question's kind (message for the student)."""


def parse_answers(data: bytes | str) -> dict[str, Any]:
    """The student's answers file as a table; :class:`AnswerError` with a clear message."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise AnswerError(f"{ANSWERS_FILE} is larger than {MAX_BYTES // 1024} KiB")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError:
            raise AnswerError(f"{ANSWERS_FILE} is not UTF-8 text") from None
    if len(data) > MAX_BYTES:
        raise AnswerError(f"{ANSWERS_FILE} is larger than {MAX_BYTES // 1024} KiB")
    try:
        return tomllib.loads(data)
    except RecursionError:
        raise AnswerError(f"{ANSWERS_FILE} nests lists too deeply to be read") from None
    except tomllib.TOMLDecodeError as exc:
        raise AnswerError(f"{ANSWERS_FILE} could not be read: {exc}. Each answer is one line "
                          'name = "text", name = 2.5 or name = ["a", "c"]; text in quotes '
                          '(three quotes """…""" for several lines)') from None


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _choices(q: Question, value: Any) -> frozenset[str]:
    if isinstance(value, str):
        items = [v for v in value.replace(";", ",").split(",")] if q.multiple else [value]
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = value
    else:
        raise AnswerError(f"answer with the name of a choice in quotes, e.g. {q.name} = "
                          f"\"{next(iter(q.choices))}\"" + (" (or a list of names)" if q.multiple else ""))
    names = frozenset(v.strip().lower() for v in items if v.strip())
    unknown = sorted(names - set(q.choices))
    if unknown:
        raise AnswerError(f"{', '.join(repr(u) for u in unknown)} is not one of the choices "
                          f"{', '.join(q.choices)}")
    if not q.multiple and len(names) != 1:
        raise AnswerError(f"choose exactly one of {', '.join(q.choices)}")
    return names


def _number(q: Question, value: Any) -> float:
    if isinstance(value, bool):
        raise AnswerError("answer with a number, not true/false")
    if isinstance(value, (int, float)):
        number = float(value)
    elif isinstance(value, str):
        number = _constant(value)
    else:
        raise AnswerError(f"answer with a number, e.g. {q.name} = 0.5")
    if not math.isfinite(number):
        raise AnswerError("answer with a finite number")
    return number


def _constant(text: str) -> float:
    """A number written as text ("2/3", "1e-3", "sqrt(2)"), through the safe parser."""
    from grader.judge.parse import ParseError, parse_expression

    try:
        expr = parse_expression(text, ())
    except ParseError as exc:
        raise AnswerError(f"your number could not be read: {exc}") from None
    if expr.free_symbols:
        raise AnswerError("answer with a number, not an expression with symbols")
    try:
        return float(expr.evalf())
    except (TypeError, ValueError):
        raise AnswerError("answer with a real number") from None


def _expr_answer(q: Question) -> Any:
    from grader.judge.answers import Expr

    return Expr(symbols=q.symbols, domain={s: q.domain for s in q.symbols})


def _rng(q: Question, seed: int) -> Any:
    import numpy as np

    return np.random.default_rng([seed, 11, zlib.crc32(q.id.encode())])


def _normal(q: Question, value: Any) -> Any:
    """The answer in the form it is compared in (choices: a set; number: a float;
    expression: its text, which the safe parser reads; text: stripped)."""
    if q.kind == "choice":
        return _choices(q, value)
    if q.kind == "number":
        return _number(q, value)
    if not isinstance(value, str):
        raise AnswerError(f"answer with text in quotes, e.g. {q.name} = \"…\"")
    if q.kind == "expression":
        from grader.judge.answers import WrongType

        try:
            return _expr_answer(q).convert(value)
        except WrongType as exc:
            raise AnswerError(str(exc)) from None
    return value.strip()


def _same(q: Question, got: Any, expected: Any, seed: int) -> bool:
    if q.kind == "choice":
        return got == _choices(q, expected)
    if q.kind == "number":
        want = _number(q, expected)
        return abs(got - want) <= q.atol + q.rtol * abs(want)
    return _expr_answer(q).compare(got, expected, {}, _rng(q, seed)).passed


def _result(q: Question, status: str, message: str, **kw: Any) -> CheckResult:
    return CheckResult(id=q.id, exercise=q.slug, function=f"q/{q.name}", title=q.title,
                       status=status, points=q.points if status == "passed" else 0.0,
                       max_points=q.points, message=message, kind="question", **kw)


def judge_question(q: Question, value: Any, key: Key | None, seed: int) -> CheckResult:
    """One question's result for the student's ``value`` (None: not answered)."""
    if _empty(value):
        return _result(q, "not_implemented", NOT_ANSWERED)
    shown = value if isinstance(value, str) else repr(value)
    detail: dict[str, Any] = {"answer": shown[:MAX_TEXT], "question": q.kind}
    if len(shown) > MAX_TEXT:
        detail["cut"] = f"answer cut at {MAX_TEXT} characters"
    from grader.judge.limits import JudgeTimeout, judge_seconds, time_limit

    try:
        with time_limit(judge_seconds()):  # CPU time, as for a code check
            got = _normal(q, value)
    except JudgeTimeout as exc:
        return _result(q, "error", str(exc), detail=detail)
    except AnswerError as exc:
        return _result(q, "failed", str(exc), detail=detail)
    except Exception as exc:  # noqa: BLE001 - an answer the parser chokes on: this question only
        return _result(q, "error", f"your answer could not be read ({type(exc).__name__})",
                       detail=detail)
    if q.kind == "text":
        return _result(q, "recorded", "answer recorded for the instructor (not auto-graded)",
                       detail=detail)
    if key is None:
        return _result(q, "recorded", NO_KEY, detail=detail)
    try:
        with time_limit(judge_seconds()):
            if _same(q, got, key.answer, seed):
                return _result(q, "passed", "correct", detail=detail)
            for wrong in key.wrong:
                if _same(q, got, wrong.answer, seed):
                    return _result(q, "failed", wrong.message, mistake=wrong.id, detail=detail)
    except JudgeTimeout as exc:
        return _result(q, "error", str(exc), detail=detail)
    except Exception as exc:  # noqa: BLE001 - a broken key or odd answer costs this question
        return _result(q, "error", f"your answer could not be judged ({type(exc).__name__})",
                       detail=detail)
    return _result(q, "failed", "not the right answer: reread the lesson's section on this",
                   detail=detail)


def judge_answers(slug: str, data: bytes | str | None, *, seed: int,
                  key: dict[str, Key] | None | str = "load",
                  code: str | None = None) -> list[CheckResult]:
    """Every question of ``slug`` judged on the answers file's content (``data``; None:
    no file, no results). ``key``: the reference answers ("load": from the course; None:
    none available, answers are only checked for form). ``code``: the per-student
    variant the exercise was graded with (None: the lesson's numbers)."""
    try:
        questions = load_questions(slug)
        if key == "load":
            key = load_key(slug)
        if key:
            key = key_for_variant(slug, questions, key, code, seed)
    except QuestionsError as exc:  # the course's bug: says so, costs no traceback
        return [CheckResult(id=f"{slug}/q", exercise=slug, function="q", title="questions",
                            status="error", points=0.0, max_points=0.0, kind="question",
                            message=f"internal grader error: {exc}")]
    if not questions or data is None:
        return []
    try:
        answers = parse_answers(data)
    except AnswerError as exc:
        return [_result(q, "error", str(exc)) for q in questions]
    return [judge_question(q, answers.get(q.name), key.get(q.name) if key else None, seed)
            for q in questions]


def add_question_results(results: Results, answers: dict[str, bytes | str | None]) -> None:
    """Append the question results of each exercise (``answers``: slug → file content,
    None where the student has no answers file) to ``results``."""
    for ex in results.exercises:
        if ex.slug in answers:
            ex.checks = [c for c in ex.checks if c.kind != "question"]
            code = (ex.variant or {}).get("code")  # the variant its code was graded with
            ex.checks.extend(judge_answers(ex.slug, answers[ex.slug], seed=results.seed,
                                           code=code if isinstance(code, str) else None))


# -- answers computed from a variant's parameters ----------------------------------------


def key_for_variant(slug: str, questions: list[Question], key: dict[str, Key],
                    code: str | None, seed: int) -> dict[str, Key]:
    """``key`` with every ``from_variant`` formula evaluated for variant ``code``'s
    parameters; a wrong answer that comes out right under this variant is dropped (it
    cannot show the slip), and so is one that comes out as an earlier one (01's f(2) and
    f′(2) without the x when c = 4a − 2b: the first is named). With no code the lesson's literal answers stay, and each
    formula must give them at the lesson's parameters (else :class:`QuestionsError`, so a
    formula that disagrees with the lesson is the author's error, caught by the self-test).
    """
    if not any(k.varies for k in key.values()):
        return key
    from grader.course.variants import VariantError, params_from_code, spec_for

    where = str(key_path(slug))
    spec = spec_for(slug)
    if spec is None:
        raise QuestionsError(f"{where}: from_variant needs the exercise to declare VARIANTS")
    try:
        params = params_from_code(spec, code) if code else dict(spec.default)
    except VariantError as exc:
        raise QuestionsError(f"{where}: {exc}") from None
    by_name = {q.name: q for q in questions}
    out = {}
    for name, k in key.items():
        q = by_name[name]
        if not k.varies:
            out[name] = k
            continue
        here = f"{where} [{name}]"
        answer = _evaluate(q, k.from_variant, params, here) if k.from_variant else k.answer
        if code is None:
            _agrees(q, k.answer, answer, seed, f"{here}: from_variant")
        wrong = []
        for w in k.wrong:
            value = w.answer
            if w.from_variant:
                value = _evaluate(q, w.from_variant, params, f"{here} wrong {w.id!r}")
                if code is None:
                    _agrees(q, w.answer, value, seed, f"{here} wrong {w.id!r}: from_variant")
            if code is not None and _same(q, _normal(q, value), answer, seed):
                continue  # right under this variant: not a slip here
            if code is not None and any(_same(q, _normal(q, value), _normal(q, o.answer), seed)
                                        for o in wrong):
                continue  # the same number as an earlier slip here: that one is named
            wrong.append(WrongAnswer(w.id, value, w.message))
        out[name] = Key(k.answer if code is None else answer, tuple(wrong))
    return out


def _evaluate(q: Question, formula: str | None, params: dict[str, Any], where: str) -> Any:
    """``formula`` at ``params``: a float (number questions) or an expression in the
    question's symbols (expression questions, as text the safe parser reads back)."""
    import sympy

    from grader.judge.parse import ParseError, parse_expression

    assert formula is not None
    symbols = q.symbols if q.kind == "expression" else ()
    clash = sorted(set(params) & set(symbols))
    if clash:
        raise QuestionsError(f"{where}: the variant's parameters {clash} are also the "
                             "question's symbols")
    try:
        expr = parse_expression(formula, (*params, *symbols))
    except ParseError as exc:
        raise QuestionsError(f"{where}: from_variant {formula!r} cannot be read: {exc}") from None
    values = {}
    for sym in expr.free_symbols:
        if sym.name in params:
            v = params[sym.name]
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise QuestionsError(f"{where}: the variant's parameter {sym.name} is not a number")
            values[sym] = sympy.Integer(v) if isinstance(v, int) else sympy.Float(v)
    value = expr.subs(values)
    if q.kind == "expression":
        return sympy.sstr(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise QuestionsError(f"{where}: from_variant {formula!r} is not a number at the "
                             f"variant's parameters ({value})") from None
    if not math.isfinite(number):
        raise QuestionsError(f"{where}: from_variant {formula!r} is not finite at {params}")
    return number


def _agrees(q: Question, literal: Any, computed: Any, seed: int, where: str) -> None:
    try:
        same = _same(q, _normal(q, literal), computed, seed)
    except AnswerError as exc:
        raise QuestionsError(f"{where}: the lesson's answer cannot be read: {exc}") from None
    if not same:
        raise QuestionsError(f"{where} gives {computed} at the lesson's parameters, but the "
                             f"lesson's answer is {literal!r}")


def read_answers_file(folder: Any) -> bytes | None:
    """The answers file in an exercise folder, bounded (None when absent or not a file)."""
    from pathlib import Path

    path = Path(folder) / ANSWERS_FILE
    if path.is_symlink() or not path.is_file():
        return None
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)
