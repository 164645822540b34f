"""A per-user warm server for ``calcgrade check`` (started as ``python -m grader
serve-checks``, a hidden command, by :mod:`grader.cli.check_server_client`).

A cold ``calcgrade check`` spends most of its time importing (NumPy, SymPy, JAX, on both
sides of the sandbox). This process imports the trusted side once and serves the checks
of its clients (:mod:`grader.cli.check_server_client`) one at a time, in-process, through
the same Click command as ever (:func:`grader.cli.main.exit_code`), with ``sys.stdout``
and ``sys.stderr`` sent to the client as they are written: the same bytes and exit code.
Its sandbox servers are kept ready between checks (:mod:`grader.sandbox.keeper`); every
check still runs the student's code in a fresh isolated fork of one, as a cold check does.

It serves only its own user (``SO_PEERCRED``), over a socket in a private folder that
every student's process has hidden (:func:`grader.course.paths.runtime_dir`), only
clients of its own identity (:func:`grader.cli.check_server_wire.identity`), and only
``check``. Each check gets its own folder, its own per-run variables (set, then put
back), a fresh copy of the context variables and of the warning filters. It ends after
``CALCGRADE_CHECK_SERVER_IDLE`` seconds (default 900) without a request, on
``calcgrade check-server stop``, or on SIGTERM.
"""
from __future__ import annotations

import contextlib
import contextvars
import fcntl
import io
import json
import os
import queue
import signal
import socket
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

from grader.cli import check_server_wire as wire

IDLE_ENV = "CALCGRADE_CHECK_SERVER_IDLE"
DEFAULT_IDLE = 900.0


def idle_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get(IDLE_ENV, DEFAULT_IDLE)))
    except ValueError:
        return DEFAULT_IDLE


class _Sink(io.RawIOBase):
    """Bytes written here go to the client as frames of one kind (``O`` or ``E``)."""

    def __init__(self, conn: socket.socket, kind: bytes, lock: threading.Lock) -> None:
        self.conn, self.kind, self.lock, self.gone = conn, kind, lock, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        data = bytes(data)
        if data and not self.gone:
            with self.lock:
                try:
                    wire.send_frame(self.conn, self.kind, data)
                except OSError:
                    self.gone = True  # the client left: the watcher cancels the check
        return len(data)


class _Stream(io.TextIOWrapper):
    """A text stream to the client that is a terminal exactly when the client's is."""

    def __init__(self, sink: _Sink, tty: bool, like: Any) -> None:
        # the encoding the client's stream has: the locale's, and the locale is identity
        super().__init__(sink, encoding=getattr(like, "encoding", None) or "utf-8",
                         errors=getattr(like, "errors", None) or "strict", write_through=True)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


@contextlib.contextmanager
def _request_state(doc: dict[str, Any], out: Any, err: Any) -> Iterator[None]:
    """The client's folder, per-run variables and streams for one check; all put back."""
    saved_env = {k: v for k, v in os.environ.items() if wire.is_request_var(k)}
    saved_cwd = os.getcwd()
    saved_streams = sys.stdout, sys.stderr
    env = dict(doc["env"])
    if "COLUMNS" not in env and doc["columns"] > 0:
        env["COLUMNS"] = str(doc["columns"])  # what the client's terminal says
    try:
        os.chdir(doc["cwd"])
        for key in saved_env:
            if key not in env:
                del os.environ[key]
        os.environ.update(env)
        sys.stdout, sys.stderr = out, err
        with warnings.catch_warnings():
            yield
    finally:
        sys.stdout, sys.stderr = saved_streams
        for key in [k for k in os.environ if wire.is_request_var(k)]:
            del os.environ[key]
        os.environ.update(saved_env)
        os.chdir(saved_cwd)


class Server:
    def __init__(self, sock: socket.socket, ident: str, root: Path, idle: float) -> None:
        self.sock, self.ident, self.root, self.idle = sock, ident, root, idle
        self.requests: queue.Queue = queue.Queue()
        self.lock = threading.Lock()
        self.busy = False
        self.served = 0
        self.started = time.time()
        self.last = time.monotonic()

    # -- the door (a thread): who may ask, and what -----------------------------------

    def accept_forever(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._greet, args=(conn,), daemon=True).start()

    def _greet(self, conn: socket.socket) -> None:
        try:
            if wire.peer_uid(conn) != os.geteuid():
                conn.close()  # another user: not a word
                return
            conn.settimeout(5)
            doc = wire.recv_json(conn)
            op = doc.get("op") if isinstance(doc, dict) else None
            if op in ("status", "stop") and set(doc) == {"op"}:
                wire.send_frame(conn, b"S", json.dumps(self.status()).encode())
                if op == "stop":
                    self.requests.put(("stop", None))
                conn.close()
                return
            wire.validate_check(doc)
            if doc["identity"] != self.ident:
                raise ValueError("this server has another identity")
            with self.lock:
                if self.busy:
                    raise ValueError("busy with another check")
                self.busy = True
            conn.settimeout(None)
            self.requests.put(("check", (conn, doc)))
        except Exception as exc:  # noqa: BLE001 - any bad request is refused, then closed
            with contextlib.suppress(OSError):
                wire.send_frame(conn, b"R", str(exc)[:500].encode())
            conn.close()

    def status(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "identity": self.ident, "course": str(self.root),
                "python": sys.executable, "served": self.served, "busy": self.busy,
                "idle_s": round(time.monotonic() - self.last, 1), "idle_limit_s": self.idle,
                "started": self.started}

    # -- the main thread: one check at a time -----------------------------------------

    def serve(self) -> None:
        while True:
            try:
                left = self.idle - (time.monotonic() - self.last)
                if left <= 0:
                    return
                op, item = self.requests.get(timeout=left)
            except queue.Empty:
                continue
            except KeyboardInterrupt:  # a cancel that came too late
                continue
            if op == "stop":
                return
            conn, doc = item
            self.served += 1
            try:
                serve_check(conn, doc, self._free)
            except KeyboardInterrupt:
                pass
            finally:
                self._free()

    def _free(self) -> None:
        """Ready for the next check (before the client hears this one's exit code)."""
        self.last = time.monotonic()
        with self.lock:
            self.busy = False


def serve_check(conn: socket.socket, doc: dict[str, Any],
                done: Any = lambda: None) -> int:
    """Run one check for the client at ``conn``; Ctrl-C there (a ``C`` or the connection
    closed) interrupts it here as Ctrl-C interrupts a cold check."""
    lock = threading.Lock()
    state = {"done": False}
    main = threading.main_thread().ident
    assert main is not None

    def watch() -> None:
        try:
            conn.recv(1)
        except OSError:
            pass
        with lock:
            if not state["done"]:
                state["done"] = True
                signal.pthread_kill(main, signal.SIGINT)

    code = 1
    try:
        wire.send_frame(conn, b"A")
        threading.Thread(target=watch, daemon=True).start()
        out = _Stream(_Sink(conn, b"O", lock), doc["stdout_tty"], sys.__stdout__)
        err = _Stream(_Sink(conn, b"E", lock), doc["stderr_tty"], sys.__stderr__)
        try:
            code = run_request(doc, out, err)
        except KeyboardInterrupt:
            err.write("\nAborted!\n")  # what Click says when it is the one interrupted
            code = 1
        with lock:
            state["done"] = True
        done()
        with contextlib.suppress(OSError):
            wire.send_frame(conn, b"X", str(code).encode())
    finally:
        with lock:
            state["done"] = True
        with contextlib.suppress(OSError):
            conn.shutdown(socket.SHUT_RDWR)
        conn.close()
    return code


def run_request(doc: dict[str, Any], out: Any, err: Any) -> int:
    """``calcgrade <argv>`` as :func:`grader.cli.main.entry` runs it, in the request's
    folder, variables and streams."""
    from grader.cli.main import exit_code

    with _request_state(doc, out, err):
        return contextvars.copy_context().run(exit_code, list(doc["argv"]))


def _warm(doc: dict[str, Any] | None) -> None:
    """Import the trusted side; with the first client's check (no ``--html``), run it
    once unseen, so that its sandbox server is kept ready for the next one."""
    import grader.cli.check  # noqa: F401
    import grader.judge.engine  # noqa: F401
    import grader.reports.formats  # noqa: F401
    import grader.reports.text  # noqa: F401

    if doc is None or any(a == "--html" or a.startswith("--html=") for a in doc["argv"]):
        return
    sink = _Stream(_Sink(_NullSocket(), b"O", threading.Lock()), False,  # type: ignore[arg-type]
                   sys.__stderr__)
    with contextlib.suppress(Exception):
        run_request(doc, sink, sink)


def _wait_for_parent(pid: int, limit: float = 600.0) -> None:
    """Wait until the client that started this server (its parent) has ended: its own
    check runs cold in its process, and on a 2-core machine this server's imports and
    warm-up run would otherwise take half the CPU from it (measured: 2.9 s instead of
    1.9 s for the first check). When the parent ends, this process is re-parented."""
    deadline = time.monotonic() + limit
    while pid and os.getppid() == pid and time.monotonic() < deadline:
        time.sleep(0.02)


class _NullSocket:
    def sendall(self, data: bytes) -> None:
        pass


def serve(warm_json: str | None, after: int) -> int:
    """Warm up on ``warm_json`` (the first client's check, as JSON) once the starting
    client (pid ``after``) has ended, then serve until idle; the exit status."""
    from grader.course.paths import project_root

    folder = wire.private_dir()
    root = project_root()
    environ = dict(os.environ)  # as the client saw it: imports may set JAX's variables
    ident = wire.identity(root, environ)
    stamps = wire.code_stamp() + wire.course_stamp(root)
    path = wire.socket_path(folder, ident)
    lock = open(str(path) + ".lock", "a")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"check server {os.getpid()}: another one serves {path}", flush=True)
        return 0  # another server of this identity is starting or serving
    os.environ[wire.SERVER_OWNED[0]] = "0"         # never a client of itself
    os.environ["CALCGRADE_KEEP_SERVERS"] = "1"     # sandbox servers kept between checks
    warm = None
    if warm_json:
        with contextlib.suppress(ValueError):
            warm = wire.validate_check(json.loads(warm_json))
    _wait_for_parent(after)
    _warm(warm)
    if wire.identity(root, environ) != ident:
        changed = sorted({t[0] for t in set(stamps) ^ set(wire.code_stamp() +
                                                           wire.course_stamp(root))})
        print(f"check server {os.getpid()}: the grader or course changed while it started "
              f"({', '.join(changed[:5]) or 'the environment'})", flush=True)
        return 0  # the grader or the course changed while it started: let a new one start
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    umask = os.umask(0o177)
    try:
        sock.bind(str(path))
    finally:
        os.umask(umask)
    sock.listen(16)
    inode = path.stat().st_ino
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server = Server(sock, ident, root, idle_seconds())
    print(f"check server {os.getpid()} serving {path} for {root}", flush=True)
    threading.Thread(target=server.accept_forever, daemon=True).start()
    try:
        server.serve()
    finally:
        with contextlib.suppress(OSError):
            if path.stat().st_ino == inode:
                path.unlink()
        sock.close()
        print(f"check server {os.getpid()} ended after {server.served} checks", flush=True)
    return 0
