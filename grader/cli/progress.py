"""A one-line progress counter on stderr, shown only to a person at a terminal.

Long runs (several exercises, a class report) report ``stage done/total``; when stderr is
not a terminal (CI logs, pipes, tests) nothing is written, so machine-readable output on
stdout and log files stay clean.
"""
from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """Callable as ``progress(stage, done, total)``; rewrites one line in place."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self._width = 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        text = f"{stage} {done}/{total}"
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = max(self._width, len(text))

    def close(self) -> None:
        """Erase the line, so what follows starts clean."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
