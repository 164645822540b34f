"""Concept questions: what an exercise asks besides code (declarations and their key).

Two files per exercise, both TOML read with :mod:`tomllib` (data, never executed):

* ``exercises/<slug>/questions.toml`` (public, ships to students): one ``[[question]]``
  table per question, with ``name``, ``kind`` (:data:`KINDS`), ``points``, ``prompt``
  and per kind ``choices`` (a table name → text) and ``multiple``, ``rtol``/``atol``,
  ``symbols``/``domain``. It holds no answers.
* ``reference/answers/<slug>.toml`` (instructor side, never in the student bundle): per
  question name a table with ``answer`` and the catalogued wrong answers
  ``[[name.wrong]]`` (``id``, ``answer``, ``message``), like an exercise's mistakes;
  for a free-text question ``answer`` is the model answer the instructor reads. A number
  or expression question of an exercise with per-student variants may give, beside the
  lesson's ``answer``, ``from_variant``: a formula in the variant's parameters (e.g.
  ``"12*a + 4*b"``), and so may each wrong answer. It is data, read by the safe parser
  when judging (:func:`grader.judge.questions.key_for_variant`), never executed.

See docs/QUESTIONS.md for the students' ``answers.toml``.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomllib

from grader.course.paths import exercises_dir, reference_dir

KINDS = ("choice", "number", "expression", "text")
QUESTIONS_FILE = "questions.toml"
ANSWERS_FILE = "answers.toml"  # the student's, in their exercise folder
KEY_DIR = "answers"  # reference/answers/<slug>.toml
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class QuestionsError(ValueError):
    """A course author's questions or key file is malformed (the message says where)."""


@dataclass(frozen=True)
class WrongAnswer:
    """A catalogued wrong answer of one question, with its own feedback."""

    id: str
    answer: Any
    message: str
    from_variant: str | None = None  # a formula in the variant's parameters (see above)


@dataclass(frozen=True)
class Question:
    slug: str
    name: str
    kind: str
    prompt: str
    points: float
    choices: dict[str, str] = field(default_factory=dict)
    multiple: bool = False
    rtol: float = 0.0
    atol: float = 1e-9
    symbols: tuple[str, ...] = ("x",)
    domain: tuple[float, float] = (-3.0, 3.0)

    @property
    def id(self) -> str:
        return f"{self.slug}/q/{self.name}"

    @property
    def title(self) -> str:
        text = " ".join(self.prompt.split())
        return text if len(text) <= 90 else text[:87] + "…"


@dataclass(frozen=True)
class Key:
    """The reference answer of one question and its catalogued wrong answers."""

    answer: Any  # the lesson's (no variant active): the self-test's reference answer
    wrong: tuple[WrongAnswer, ...] = ()
    from_variant: str | None = None  # the answer under a variant, from its parameters

    @property
    def varies(self) -> bool:
        """Whether the answer or a wrong answer is computed from a variant's parameters."""
        return self.from_variant is not None or any(w.from_variant for w in self.wrong)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise QuestionsError(f"{path}: cannot be read: {exc}") from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise QuestionsError(f"{what} must be a finite number, not {value!r}")
    return float(value)


def _question(slug: str, table: Any, where: str) -> Question:
    if not isinstance(table, dict):
        raise QuestionsError(f"{where}: each [[question]] must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise QuestionsError(f"{where}: name {name!r} must be lower-case letters, digits, _")
    where = f"{where} question {name!r}"
    kind = table.get("kind")
    if kind not in KINDS:
        raise QuestionsError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    prompt = table.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise QuestionsError(f"{where}: prompt must be non-empty text")
    points = _number(table.get("points", 1), f"{where}: points")
    if points < 0:
        raise QuestionsError(f"{where}: points must not be negative")
    known = {"name", "kind", "prompt", "points", "choices", "multiple", "rtol", "atol",
             "symbols", "domain"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise QuestionsError(f"{where}: unknown field(s) {', '.join(unknown)}")
    extra: dict[str, Any] = {}
    if kind == "choice":
        choices = table.get("choices")
        if not isinstance(choices, dict) or len(choices) < 2 or not all(
                isinstance(k, str) and _NAME.match(k) and isinstance(v, str) and v.strip()
                for k, v in choices.items()):
            raise QuestionsError(f"{where}: choices must be a table of at least two "
                                 "name = \"text\" entries")
        extra["choices"] = dict(choices)
        extra["multiple"] = bool(table.get("multiple", False))
    elif kind == "number":
        extra["rtol"] = _number(table.get("rtol", 0.0), f"{where}: rtol")
        extra["atol"] = _number(table.get("atol", 1e-9), f"{where}: atol")
    elif kind == "expression":
        symbols = table.get("symbols", ["x"])
        if not isinstance(symbols, list) or not all(isinstance(s, str) and s.isidentifier()
                                                    for s in symbols):
            raise QuestionsError(f"{where}: symbols must be a list of names")
        domain = table.get("domain", [-3.0, 3.0])
        if not isinstance(domain, list) or len(domain) != 2:
            raise QuestionsError(f"{where}: domain must be [low, high]")
        lo, hi = (_number(d, f"{where}: domain") for d in domain)
        if not lo < hi:
            raise QuestionsError(f"{where}: domain must be [low, high] with low < high")
        extra["symbols"], extra["domain"] = tuple(symbols), (lo, hi)
    return Question(slug, name, kind, prompt.strip(), points, **extra)


_QUESTIONS: dict[tuple[str, float], list[Question]] = {}


def questions_path(slug: str) -> Path:
    return exercises_dir() / slug / QUESTIONS_FILE


def load_questions(slug: str) -> list[Question]:
    """The exercise's questions, in file order ([] when it declares none)."""
    path = questions_path(slug)
    if not path.is_file():
        return []
    stamp = (str(path.resolve()), path.stat().st_mtime)
    if stamp not in _QUESTIONS:
        data = _read_toml(path)
        tables = data.get("question", [])
        if set(data) - {"question"} or not isinstance(tables, list):
            raise QuestionsError(f"{path}: expected only [[question]] tables")
        out = [_question(slug, t, str(path)) for t in tables]
        names = [q.name for q in out]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise QuestionsError(f"{path}: duplicate question names {dupes}")
        _QUESTIONS.clear() if len(_QUESTIONS) > 64 else None
        _QUESTIONS[stamp] = out
    return list(_QUESTIONS[stamp])


def key_path(slug: str) -> Path:
    return reference_dir() / KEY_DIR / f"{slug}.toml"


def load_key(slug: str) -> dict[str, Key] | None:
    """The reference answers of the exercise's questions; None where the key is absent
    (the student bundle). Every question must have an answer that fits its kind."""
    path = key_path(slug)
    if not path.is_file():
        return None
    data = _read_toml(path)
    questions = {q.name: q for q in load_questions(slug)}
    missing = sorted(set(questions) - set(data))
    unknown = sorted(set(data) - set(questions))
    if missing or unknown:
        raise QuestionsError(f"{path}: " + "; ".join(
            ([f"no answer for {', '.join(missing)}"] if missing else [])
            + ([f"answers for undeclared questions {', '.join(unknown)}"] if unknown else [])))
    out = {}
    for name, table in data.items():
        where = f"{path} [{name}]"
        if not isinstance(table, dict) or "answer" not in table:
            raise QuestionsError(f"{where}: needs answer = …")
        kind = questions[name].kind
        wrong = []
        for w in table.get("wrong", []):
            if not (isinstance(w, dict) and isinstance(w.get("id"), str) and "answer" in w
                    and isinstance(w.get("message"), str) and w["message"].strip()):
                raise QuestionsError(f"{where}: each [[{name}.wrong]] needs id, answer, message")
            wrong.append(WrongAnswer(w["id"], w["answer"], w["message"].strip(),
                                     _formula(w, kind, f"{where} wrong {w['id']!r}")))
        ids = [w.id for w in wrong]
        if len(set(ids)) != len(ids):
            raise QuestionsError(f"{where}: duplicate wrong-answer ids")
        out[name] = Key(table["answer"], tuple(wrong), _formula(table, kind, where))
    return out


def _formula(table: dict, kind: str, where: str) -> str | None:
    """A key entry's ``from_variant`` (None: absent), checked for form only here; the
    judge parses it (grader.judge.questions)."""
    formula = table.get("from_variant")
    if formula is None:
        return None
    if kind not in ("number", "expression"):
        raise QuestionsError(f"{where}: from_variant is for number and expression questions, "
                             f"not {kind}")
    if not isinstance(formula, str) or not formula.strip() or len(formula) > 500:
        raise QuestionsError(f"{where}: from_variant must be a formula in the variant's "
                             "parameters, as text (e.g. \"12*a + 4*b\")")
    return formula.strip()
