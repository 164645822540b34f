"""What the sandbox reports for one check before judging, and its validation.

Both sides use :class:`RawResult`: the server fills it from its children's frames, and
the trusted side rebuilds it from the server's frames with :meth:`RawResult.from_wire`,
which re-validates everything (status, sizes, numbers, the answer's plain tree): the
trusted side accepts only raw values from a sandbox and judges them itself.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from grader.sandbox import plain

OUTPUT_SHOWN = 2000  # characters of a check's captured output kept in the results
CHILD_STATUSES = {"ok", "not_implemented", "missing", "exception", "unsupported"}
STATUSES = CHILD_STATUSES | {"timeout", "crashed", "error"}


@dataclass
class RawResult:
    """What the sandbox reported for one check, before judging."""

    status: str  # ok | not_implemented | missing | exception | unsupported | timeout | crashed | error
    message: str = ""
    value: Any = None
    duration: float = 0.0
    output: str = ""
    encoded: Any = None  # the plain tree the child sent (``value`` decoded from it)

    def to_wire(self) -> dict:
        return {"status": self.status, "message": self.message, "duration": self.duration,
                "output": self.output, "value": self.encoded}

    @classmethod
    def from_wire(cls, d: Any) -> "RawResult":
        if not isinstance(d, dict):
            return cls("crashed", "the sandbox sent a malformed result")
        raw = cls(str(d.get("status")), str(d.get("message", ""))[:2000],
                  duration=finite_duration(d.get("duration")),
                  output=str(d.get("output", ""))[:OUTPUT_SHOWN + 200])
        if raw.status not in STATUSES:
            raw.status, raw.message = "crashed", "the sandbox reported an unknown status"
        if raw.status == "ok":
            raw.decode(d.get("value"))
        return raw

    def decode(self, tree: Any) -> None:
        self.encoded = tree
        try:
            self.value = plain.decode(tree)
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            self.status, self.message = "unsupported", f"the answer could not be read: {exc}"
            self.encoded = None


def finite_duration(value: Any) -> float:
    """A duration from the sandbox: a finite, non-negative float, or 0."""
    try:
        d = float(value or 0.0)
    except (TypeError, ValueError, OverflowError):
        return 0.0
    return d if math.isfinite(d) and 0.0 <= d < 1e7 else 0.0


def cut_output(text: str, more_bytes: int = 0) -> str:
    """Keep the first OUTPUT_SHOWN characters and say what was cut."""
    if len(text) > OUTPUT_SHOWN or more_bytes:
        extra = len(text) - OUTPUT_SHOWN if len(text) > OUTPUT_SHOWN else 0
        return text[:OUTPUT_SHOWN] + f"\n… [output cut: {extra + more_bytes} more characters]"
    return text


def read_output(path: Path | None, start: int) -> str:
    """What a check printed: the output file from ``start``, cut to OUTPUT_SHOWN."""
    if path is None:
        return ""
    try:
        with open(path, "rb") as fh:
            fh.seek(start)
            data = fh.read(OUTPUT_SHOWN * 4 + 1)
            rest = max(0, path.stat().st_size - start - len(data))
    except OSError:
        return ""
    return cut_output(data.decode("utf-8", "replace"), rest)
