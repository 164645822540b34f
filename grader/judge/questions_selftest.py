"""The self-test's part for concept questions (:mod:`grader.judge.selftest`).

For each exercise that declares questions: the key loads and fits the declarations;
each reference answer, written as a student would, scores full marks (free text:
recorded); each catalogued wrong answer is recognised with its own message and is not
a right answer; the stub ``answers.toml`` names every question and answers none.
"""
from __future__ import annotations

from grader.course.paths import exercises_dir
from grader.course.questions import ANSWERS_FILE, QuestionsError, load_key, load_questions
from grader.judge.questions import judge_answers, judge_question


def question_problems(slug: str, seed: int) -> tuple[str, list[str]]:
    """(one line saying what was proved, the problems found)."""
    try:
        questions = load_questions(slug)
        if not questions:
            return "", []
        key = load_key(slug)
    except QuestionsError as exc:
        return f"questions {slug}", [str(exc)]
    if key is None:
        return f"questions {slug}", [f"{slug}: no reference/answers/{slug}.toml"]
    problems: list[str] = []
    wrongs = _judge_key(questions, key, seed, "", problems)
    varied = _variant_keys(slug, questions, key, seed, problems)
    for code, vkey in varied:
        _judge_key(questions, vkey, seed, f" (variant {code})", problems)
    stub = exercises_dir() / slug / ANSWERS_FILE
    if not stub.is_file():
        problems.append(f"{slug}: no stub {ANSWERS_FILE} for students to fill in")
    else:
        for r in judge_answers(slug, stub.read_bytes(), seed=seed, key=key):
            if r.status != "not_implemented":
                problems.append(f"{r.id}: the stub {ANSWERS_FILE} gives {r.status}: {r.message}")
    under = f", and so under {len(varied)} drawn variants" if varied else ""
    return (f"questions {slug}: {len(questions)} reference answers full marks, "
            f"{wrongs} catalogued wrong answers recognised{under}, stub answers none"), problems


def _judge_key(questions: list, key: dict, seed: int, tag: str, problems: list[str]) -> int:
    """Each question's key answer must score (free text: be recorded) and each catalogued
    wrong answer be recognised as itself; the number of wrong answers judged."""
    wrongs = 0
    for q in questions:
        k = key[q.name]
        right = judge_question(q, k.answer, k, seed)
        want = "recorded" if q.kind == "text" else "passed"
        if right.status != want:
            problems.append(f"{q.id}{tag}: the reference answer is {right.status}: {right.message}")
        for w in k.wrong:
            wrongs += 1
            got = judge_question(q, w.answer, k, seed)
            if got.mistake != w.id or got.message != w.message or got.passed:
                problems.append(f"{q.id}{tag}: wrong answer {w.id!r} came out {got.status} "
                                f"mistake={got.mistake!r}: {got.message}")
    return wrongs


def _variant_keys(slug: str, questions: list, key: dict, seed: int,
                  problems: list[str]) -> list[tuple[str, dict]]:
    """The key under each of the self-test's drawn variants, where some answer depends on
    the variant (``from_variant``): the answers a student of that variant must give."""
    from grader.course.questions import QuestionsError as KeyProblem
    from grader.course.variants import spec_for
    from grader.judge.questions import key_for_variant

    if spec_for(slug) is None or not any(k.varies for k in key.values()):
        return []
    out = []
    for code in _codes(seed):
        try:
            out.append((code, key_for_variant(slug, questions, key, code, seed)))
        except KeyProblem as exc:
            problems.append(f"{slug} variant {code}: {exc}")
    return out


def _codes(seed: int) -> list[str]:
    """The self-test's variant codes for ``seed`` (the same ones for code and questions)."""
    import base64
    import hashlib

    return [base64.b32encode(hashlib.sha256(f"{seed}:{n}".encode()).digest()).decode()[:10]
            for n in range(VARIANT_CODES)]


VARIANT_CODES = 8  # variants drawn per exercise by the self-test


def variant_problems(slug: str, seed: int) -> tuple[str, list[str]]:
    """Every drawn variant is fair (``valid``), and under each, every check that reads
    the parameters (``_params`` among its inputs) has an expected answer and recognises
    each catalogued mistake's generated value as that mistake, not as a right answer."""
    from grader.course.spec import load_exercise
    from grader.course.variants import activate, params_from_code, spec_for
    from grader.judge.engine import judge_value, mistake_value

    spec = spec_for(slug)
    assert spec is not None
    exercise = load_exercise(slug)
    problems: list[str] = []
    judged = 0
    for code in _codes(seed):
        why = spec.valid(params_from_code(spec, code))
        if why is not None:
            problems.append(f"{slug}: variant {code} is unfair: {why}")
            continue
        with activate({slug: code}):
            for check in exercise.checks:
                if "_params" not in check.make_inputs(seed):
                    continue
                from grader.judge.engine import REFERENCE, _expected

                right = judge_value(check, _as_answer(_expected(check, seed, REFERENCE)[1]), seed)
                judged += 1
                if not right.passed:
                    problems.append(f"{check.id} variant {code}: its own expected answer is "
                                    f"{right.status}: {right.message}")
                for m in check.mistakes:
                    if m.generated is None:
                        continue
                    try:
                        value = mistake_value(check, m, seed)
                        if value is None:
                            continue
                        got = judge_value(check, value, seed)
                    except Exception as exc:  # noqa: BLE001 - a problem, not a crash
                        problems.append(f"{check.id} variant {code}: {type(exc).__name__}: {exc}")
                        continue
                    judged += 1
                    if got.passed or got.mistake != m.id:
                        problems.append(f"{check.id} variant {code}: mistake {m.id!r} came out "
                                        f"{got.status} mistake={got.mistake!r}")
    return (f"variants {slug}: {VARIANT_CODES} drawn, all fair; {judged} expected answers "
            "and mistake values judged as such under them"), problems


def _as_answer(value):
    """An expected answer as a student would send it (SymPy objects as text)."""
    import sympy

    return str(value) if isinstance(value, sympy.Basic) else value
