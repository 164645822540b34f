"""Sandbox servers kept ready between the gradings of one process (opt-in).

Every grading starts its sandbox servers, and each spends about a second of CPU
importing NumPy, SymPy and JAX before it serves anyone. A process that grades again and
again (the test suite, a notebook kernel running check cells) can keep them instead:
with ``CALCGRADE_KEEP_SERVERS=1``, a server that ends a grading
ready, idle, unbroken and alive is put back here instead of being ended, and the next
grading that would start a server of the same kind takes it.

"The same kind" is everything the server was started with: its command line, its
environment, its configuration (course root, exercises, isolation settings) and the
size and time of each exercise's ``checks.py`` of its course (``client._whole_course``),
not which exercises it was started for: it loads another exercise the first time a
student of it comes (``server.load_exercises``), so one kind serves the gradings of any of
them: a test process or a check server that grades 01, then 02, then 03 keeps one
server, not three. What differs from one grading
to the next (the folders the student must not see: the class, the results, the scratch
folder) is sent with each student, never baked into the server, so a kept server hides
exactly what a fresh one would.

Why this is as clean as a fresh server: a server never runs student code itself; it
forks a fresh, isolated process per student from the state it reached after its imports,
and that state does not change between students (it is how one server already serves a
whole class). Only process-isolation servers are kept (a bubblewrap server binds the
grading's scratch folder into its namespace), only those started by the main thread
(a server dies with the thread that started it: ``PR_SET_PDEATHSIG``), at most
``MAX_IDLE`` at a time (the oldest is ended first), and all are ended at exit.

The same :class:`Keeper` keeps a class run's judges between runs, under the same switch
(:func:`grader.classrun.judge_server.ready_judges`; their kind is what a judge inherits).
"""
from __future__ import annotations

import atexit
import os
import threading
from typing import Any, Callable

ENV = "CALCGRADE_KEEP_SERVERS"
MAX_IDLE = 4


class Keeper:
    """Idle servers by kind. Thread-safe: two gradings never get the same server."""

    def __init__(self, stop: Callable[[Any], None]) -> None:
        self._stop = stop
        self._idle: list[tuple[Any, Any]] = []      # (kind, server), oldest first
        self._lock = threading.Lock()
        self._pid = os.getpid()

    def enabled(self) -> bool:
        if os.getpid() != self._pid:                # a forked child owns none of these
            return False
        return os.environ.get(ENV, "") not in ("", "0")

    def take(self, kind: Any) -> Any | None:
        """A ready server of this kind (None: start one)."""
        if not self.enabled():
            return None
        with self._lock:
            for n, (k, server) in enumerate(self._idle):
                if k == kind:
                    del self._idle[n]
                    if server.proc.poll() is None:
                        return server
                    self._stop(server)
                    return None
        return None

    def put(self, server: Any) -> bool:
        """Keep ``server`` for the next grading (False: end it as usual)."""
        kind = getattr(server, "kind", None)
        if kind is None or not self.enabled() or server.proc.poll() is not None:
            return False
        with self._lock:
            self._idle.append((kind, server))
            evicted = self._idle[:-MAX_IDLE] if len(self._idle) > MAX_IDLE else []
            del self._idle[:len(evicted)]
        for _, old in evicted:
            self._stop(old)
        return True

    def stop_all(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        if os.getpid() == self._pid:
            for _, server in idle:
                self._stop(server)

    def count(self) -> int:
        with self._lock:
            return len(self._idle)


_KEEPERS: dict[str, Keeper] = {}
_KEEPERS_LOCK = threading.Lock()


def shared_keeper(name: str, stop: Callable[[Any], None]) -> Keeper:
    """This process's keeper called ``name`` (made on first use with ``stop``, which
    ends what it still keeps at exit)."""
    with _KEEPERS_LOCK:
        if name not in _KEEPERS:
            _KEEPERS[name] = Keeper(stop)
            atexit.register(_KEEPERS[name].stop_all)
        return _KEEPERS[name]


def _stop_server(server: Any) -> None:
    from grader.sandbox.client import stop_servers

    stop_servers([server], keep=False)


def keeper() -> Keeper:
    """This process's keeper of sandbox servers (made on first use, ended at exit)."""
    return shared_keeper("servers", _stop_server)


def may_keep() -> bool:
    """Whether a server started now, from this thread, could be kept."""
    return keeper().enabled() and threading.current_thread() is threading.main_thread()

