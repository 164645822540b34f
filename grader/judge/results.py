"""The results document: what was graded, how, and with what outcome (versioned JSON).

:meth:`Results.to_dict` gives strict JSON data: a NaN or infinity anywhere (a student's
answer in the expected/got detail, say) is the string ``"NaN"``, ``"Infinity"`` or
``"-Infinity"`` (:mod:`grader.judge.strict_json`); :meth:`Results.from_dict` turns them
back into floats.
"""
from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass, field
from typing import Any

from grader import __version__
from grader.judge import strict_json

SCHEMA_VERSION = 1
# "recorded": an answer kept for the instructor, not auto-graded (a free-text question)
STATUSES = ("passed", "failed", "error", "timeout", "missing", "not_implemented", "recorded")


@dataclass
class CheckResult:
    id: str
    exercise: str
    function: str
    title: str
    status: str
    points: float
    max_points: float
    message: str = ""
    case: str | None = None
    mistake: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    duration: float = 0.0
    output: str = ""
    visibility: str = "public"  # the check's (grader.course.spec.VISIBILITIES)
    kind: str = "code"  # or "question" (grader.judge.questions: id <slug>/q/<name>)

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class ExerciseResult:
    slug: str
    title: str
    checks: list[CheckResult]
    output: str = ""  # what the student's module printed while being imported
    figure: dict[str, Any] | None = None  # report plot data (see grading.figure_data)
    # the student's kernel times beside the reference's (check --bench; see
    # grader.bench.analysis.student_kernels); never graded
    kernels: list[dict[str, Any]] | None = None
    # the per-student variant graded (grader.course.variants): {"code", maybe "claimed",
    # "problem"}; None: the lesson's numbers
    variant: dict[str, Any] | None = None

    @property
    def points(self) -> float:
        return sum(c.points for c in self.checks)

    @property
    def max_points(self) -> float:
        return sum(c.max_points for c in self.checks)


@dataclass
class Results:
    submission: str
    seed: int
    isolation: str
    exercises: list[ExerciseResult]
    grader_version: str = __version__
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc)
                         .isoformat(timespec="seconds"))
    duration: float = 0.0
    # where it was graded from: {"course": folder, "submission": path, "layout": in words}
    # (grader.classrun.layouts); absent from documents made before it existed
    origin: dict[str, str] | None = None
    # which checks these are: the check spec's hash (grader.course.fingerprint), where the
    # expected answers came from ("reference" or "public key"), and the checks of the graded
    # exercises that were not run here ({"checks": n, "points": p}: hidden, run at grading)
    spec_fingerprint: str = ""
    expected_from: str = ""
    hidden: dict[str, Any] | None = None

    @property
    def checks(self) -> list[CheckResult]:
        return [c for e in self.exercises for c in e.checks]

    @property
    def points(self) -> float:
        return sum(e.points for e in self.exercises)

    @property
    def max_points(self) -> float:
        return sum(e.max_points for e in self.exercises)

    @property
    def all_passed(self) -> bool:
        return all(c.passed or c.status == "recorded" for c in self.checks)

    def totals(self) -> dict[str, Any]:
        counts = {s: 0 for s in STATUSES}
        for c in self.checks:
            counts[c.status] += 1
        if not counts["recorded"]:  # documents without questions stay as they were
            del counts["recorded"]
        return {"points": round(self.points, 6), "max_points": round(self.max_points, 6),
                "checks": len(self.checks), **counts}

    def to_dict(self) -> dict[str, Any]:
        """The results document as strict-JSON data (non-finite numbers as strings)."""
        return strict_json.encode({
            "schema_version": SCHEMA_VERSION,
            "grader": {"name": "calcgrade", "version": self.grader_version},
            "submission": self.submission,
            **({"origin": dict(self.origin)} if self.origin is not None else {}),
            "seed": self.seed,
            "isolation": self.isolation,
            "created": self.created,
            "duration": round(self.duration, 3),
            "totals": self.totals(),
            **({"spec_fingerprint": self.spec_fingerprint} if self.spec_fingerprint else {}),
            **({"expected_from": self.expected_from} if self.expected_from else {}),
            **({"hidden": self.hidden} if self.hidden is not None else {}),
            "exercises": [
                {"slug": e.slug, "title": e.title, "points": round(e.points, 6),
                 "max_points": round(e.max_points, 6), "output": e.output,
                 **({"figure": e.figure} if e.figure is not None else {}),
                 **({"kernels": e.kernels} if e.kernels is not None else {}),
                 **({"variant": e.variant} if e.variant is not None else {}),
                 "checks": [_check_dict(c) for c in e.checks]}
                for e in self.exercises
            ],
        })

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Results":
        if data.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(f"unsupported results schema_version {data.get('schema_version')!r}")
        decode = strict_json.decode
        exercises = [
            ExerciseResult(e["slug"], e["title"], [_check_from(c) for c in e["checks"]],
                           e.get("output", ""), decode(e.get("figure")), decode(e.get("kernels")),
                           e.get("variant") if isinstance(e.get("variant"), dict) else None)
            for e in data["exercises"]
        ]
        return cls(submission=data["submission"], seed=data["seed"],
                   isolation=data["isolation"], exercises=exercises,
                   grader_version=data["grader"]["version"], created=data["created"],
                   duration=decode(data.get("duration", 0.0)),
                   origin=_origin(data.get("origin")),
                   spec_fingerprint=str(data.get("spec_fingerprint", "")),
                   expected_from=str(data.get("expected_from", "")),
                   hidden=decode(data.get("hidden")))


def _origin(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {str(k): str(v) for k, v in value.items()}


_FIELDS = set(CheckResult.__dataclass_fields__)
_NUMERIC = ("points", "max_points", "duration", "detail")  # may hold encoded NaN/infinity


def _check_from(c: dict[str, Any]) -> CheckResult:
    """A check of a results document; only its numbers and detail are decoded (a message
    or printed output that reads "NaN" stays text)."""
    fields = {k: (strict_json.decode(v) if k in _NUMERIC else v)
              for k, v in c.items() if k in _FIELDS}
    return CheckResult(**fields)


def _check_dict(c: CheckResult) -> dict[str, Any]:
    d = asdict(c)
    d["duration"] = round(c.duration, 4)
    if c.visibility == "public":  # the default is not written (older documents lack it)
        del d["visibility"]
    if c.kind == "code":  # likewise: only questions say what they are
        del d["kind"]
    return d
