"""Per-student variants: each student's own worked-example numbers.

An exercise offers variants by declaring ``VARIANTS = VariantSpec(...)`` in its
``checks.py``: ``default`` (the lesson's numbers, used whenever no variant is active:
the self-test, a student without a variant), ``draw(rng) -> dict`` (one variant's
parameters, plain numbers), ``valid(params) -> str | None`` (why a variant would be
unfair: None when it is solvable and as hard as the lesson's) and ``statement(params)``
(the student's worked example, in Markdown). Its checks read :meth:`VariantSpec.params`
when they draw their inputs and compute the expected answer.

Keys. A variant **code** (10 characters of base32) fixes the parameters publicly
(:func:`params_from_code`: a generator seeded by SHA-256 of slug and code). An
instructor who turns variants on (``[variants] exercises = […]`` in ``calcgrade.toml``)
gives each student the code ``student_code(key, student, slug)``: HMAC-SHA256 of the
class's secret variant key (kept in the gradebook like the class seed) and the student
id, so nobody without the key can tell which code belongs to whom, and grading
recomputes it and refuses a code that is not the student's (see docs/QUESTIONS.md).

The active variants live in a :class:`contextvars.ContextVar`, not in a module-level
setting (issue 9): two gradings in one process, in two threads, each see their own
codes. A new thread starts with none active (the lesson's numbers); code that hands
work to a thread runs it in :func:`contextvars.copy_context` (the engine's warm-up
does), or activates the codes in the thread itself (the class run's judges and Dask
tasks receive them with the task). Caches of drawn inputs and expected answers are
keyed by :func:`cache_tag` as well as check and seed, so nothing computed under one
variant is reused under another.
"""
from __future__ import annotations

import base64
import contextlib
import contextvars
import hashlib
import hmac
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping

import tomllib

CODE = re.compile(r"^[A-Z2-7]{10}$")
VARIANT_FILE = "variant.toml"  # in a student's exercise folder: code = "…"
STATEMENT_FILE = "VARIANT.md"  # the student's own worked example, beside README.md

# slug → code of each variant being graded, in this context (thread, task) only
_ACTIVE: contextvars.ContextVar[Mapping[str, str]] = contextvars.ContextVar(
    "calcgrade_active_variants", default=MappingProxyType({}))
# the exercises whose parameters were read, while a release probes a check (else None)
_READS: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar(
    "calcgrade_variant_reads", default=None)


class VariantError(ValueError):
    """A bad variant code or variant file (message for the user)."""


@dataclass
class VariantSpec:
    slug: str
    default: dict[str, Any]
    draw: Callable[[Any], dict[str, Any]]
    statement: Callable[[dict[str, Any]], str]
    valid: Callable[[dict[str, Any]], str | None] = lambda params: None

    def params(self) -> dict[str, Any]:
        """The parameters of the variant being graded, else the lesson's."""
        reads = _READS.get()
        if reads is not None:
            reads.add(self.slug)
        code = active_code(self.slug)
        return dict(self.default) if code is None else params_from_code(self, code)

    @property
    def active_code(self) -> str | None:
        return active_code(self.slug)


def active_code(slug: str) -> str | None:
    """The code of ``slug``'s variant being graded in this context (None: the lesson's)."""
    return _ACTIVE.get().get(slug)


def active_codes() -> dict[str, str]:
    """Every active variant in this context (slug → code), a copy."""
    return dict(_ACTIVE.get())


def cache_tag(slug: str) -> str:
    """What a per-process cache of ``slug``'s inputs or expected answers is keyed by
    besides check and seed: the active code, or "" for the lesson's numbers."""
    return _ACTIVE.get().get(slug) or ""


def params_from_code(spec: VariantSpec, code: str) -> dict[str, Any]:
    import numpy as np

    check_code(code)
    digest = hashlib.sha256(f"{spec.slug}\0{code}".encode()).digest()
    words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 32, 4)]
    rng = np.random.default_rng(words)
    for _ in range(100):  # drawn until fair (valid() says why a draw is not)
        params = spec.draw(rng)
        if spec.valid(params) is None:
            return params
    raise VariantError(f"{spec.slug}: no fair variant drawn for code {code}")  # pragma: no cover


def check_code(code: str) -> str:
    if not isinstance(code, str) or not CODE.match(code):
        raise VariantError(f"{code!r} is not a variant code (10 characters, A–Z and 2–7)")
    return code


def student_code(key: bytes, student: str, slug: str) -> str:
    """The variant code of ``student`` for ``slug`` under the class's secret ``key``."""
    mac = hmac.new(key, f"{slug}\0{student}".encode(), hashlib.sha256).digest()
    return base64.b32encode(mac[:10]).decode()[:10]


def spec_for(slug: str) -> VariantSpec | None:
    """The exercise's variants declaration (None: it has none)."""
    from grader.course.spec import UnknownExercise, load_exercise

    try:
        load_exercise(slug)
    except UnknownExercise:
        return None
    spec = getattr(sys.modules.get(f"calcgrade_checks_{slug}"), "VARIANTS", None)
    return spec if isinstance(spec, VariantSpec) else None


def enabled_slugs() -> list[str]:
    """The exercises the instructor turned variants on for (``calcgrade.toml``)."""
    from grader.course.paths import project_root

    path = project_root() / "calcgrade.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return []
    slugs = data.get("variants", {}).get("exercises", [])
    return [s for s in slugs if isinstance(s, str) and spec_for(s) is not None]


@contextlib.contextmanager
def activate(codes: Mapping[str, str]) -> Iterator[None]:
    """Grade with these variants (slug → code) in this context; the lesson's numbers for
    the others. Undone on exit; other threads and tasks are never affected."""
    for code in codes.values():
        check_code(code)
    token = _ACTIVE.set(MappingProxyType(dict(codes)))
    try:
        yield
    finally:
        _ACTIVE.reset(token)


@contextlib.contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The slugs whose variant parameters (:meth:`VariantSpec.params`) are read inside, in
    this context: the release asks which checks depend on the variant."""
    reads: set[str] = set()
    token = _READS.set(reads)
    try:
        yield reads
    finally:
        _READS.reset(token)


@dataclass(frozen=True)
class Claim:
    """The variant a submission says it was written for (its ``variant.toml``)."""

    code: str | None
    problem: str = ""

    def record(self) -> dict[str, Any]:
        return {"code": self.code, **({"problem": self.problem} if self.problem else {})}


def read_claim(folder: Path) -> Claim | None:
    """The exercise folder's ``variant.toml`` (None: absent). A malformed one is a claim
    with a problem and no code: graded with the lesson's numbers, and the results say why."""
    path = Path(folder) / VARIANT_FILE
    if path.is_symlink() or not path.is_file():
        return None
    try:
        with open(path, "rb") as fh:
            return read_claim_text(fh.read(4096))
    except OSError as exc:
        return Claim(None, f"{VARIANT_FILE} ignored: {exc}")


def read_claim_text(data: bytes) -> Claim:
    """A ``variant.toml``'s content as a claim (see :func:`read_claim`)."""
    try:
        parsed = tomllib.loads(data[:4096].decode("utf-8"))
        return Claim(check_code(parsed.get("code")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, VariantError) as exc:
        return Claim(None, f"{VARIANT_FILE} ignored: {exc}")
    except RecursionError:
        return Claim(None, f"{VARIANT_FILE} ignored: nested too deeply")


def render_statement(spec: VariantSpec, code: str) -> str:
    """The student's worked example for ``code`` (Markdown)."""
    params = params_from_code(spec, code)
    return (f"# Your variant of {spec.slug}\n\nVariant code: `{code}` (keep it in "
            f"`exercises/{spec.slug}/{VARIANT_FILE}` as `code = \"{code}\"`, which "
            "`calcgrade variant --write` does).\n\n" + spec.statement(params).strip() + "\n")
