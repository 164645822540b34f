"""A spinner on stderr for a wait of more than a second, erased when the wait is over.

``calcgrade check`` of one exercise used to be silent however long it took (an infinite
loop in a student's function meant over a minute of nothing). :class:`Activity` shows,
once a second has passed, what is being done and for how long (``\\ checking
01_derivative: running your code, 0/1 · 4 s``), updated ten times a second from a
thread, and erases its line before anything else is printed. When stderr is not a
terminal (pipes, CI logs, tests) it writes nothing at all.
"""
from __future__ import annotations

import os
import sys
import threading
import time
from typing import TextIO

FRAMES = "|/-\\"
STAGES = {"running": "running your code", "judging": "judging", "rendering": "drawing plots"}


class Activity:
    """Use as a context manager; callable as ``progress(stage, done, total)``."""

    def __init__(self, what: str, stream: TextIO | None = None, *,
                 enabled: bool | None = None, delay: float | None = None,
                 tick: float = 0.1) -> None:
        self.what = what
        if delay is None:  # CALCGRADE_SPINNER_DELAY: seconds before it shows (tests: 0)
            try:
                delay = max(0.0, float(os.environ.get("CALCGRADE_SPINNER_DELAY", "1")))
            except ValueError:
                delay = 1.0
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty())
        self.enabled = enabled
        self.delay, self.tick = delay, tick
        self.stage = ""
        self._width = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage = f"{STAGES.get(stage, stage)}, {done}/{total}"

    def __enter__(self) -> "Activity":
        self._started = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        with self._lock:
            if self._width:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
                self._width = 0

    def line(self, frame: int, elapsed: float) -> str:
        """The text shown ``elapsed`` seconds in (frame ``frame`` of the spinner)."""
        stage = f": {self.stage}" if self.stage else ""
        return f"{FRAMES[frame % len(FRAMES)]} {self.what}{stage} · {elapsed:.0f} s"

    def _spin(self) -> None:
        if self._stop.wait(self.delay):
            return
        frame = 0
        while not self._stop.is_set():
            text = self.line(frame, time.monotonic() - self._started)
            with self._lock:
                try:
                    self.stream.write("\r" + text.ljust(self._width))
                    self.stream.flush()
                except (OSError, ValueError):  # a closed terminal: stop quietly
                    return
                self._width = max(self._width, len(text))
            frame += 1
            self._stop.wait(self.tick)
