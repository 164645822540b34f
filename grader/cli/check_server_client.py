"""The client side of the check server: ``calcgrade check`` asks a warm server first.

Imports only the standard library and Click (it runs before anything heavy). When the
check may be served (:func:`wanted`: a terminal or ``CALCGRADE_CHECK_SERVER=1``; never
with ``CALCGRADE_CHECK_SERVER=0``, ``--no-server``, ``CI`` or ``--bench``), it sends the
check to this user's server of the same identity (:mod:`grader.cli.check_server`, run as
``python -m grader serve-checks``) and copies what the server writes to its own stdout
and stderr as it comes, then exits with the server's status. No server yet: it starts one
(detached) and checks in this process as before, cold; later checks are served. A server
that cannot be reached, refuses, or fails before it wrote anything: checked here instead;
one that fails after: said on stderr, exit 1. Ctrl-C is passed on (the server interrupts
the check, and its sandbox run, as a cold check would be interrupted).
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from grader.cli import check_server_wire as wire

ENV = "CALCGRADE_CHECK_SERVER"
ACCEPT_TIMEOUT = 3.0
LOG_BYTES = 1 << 20


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def wanted() -> bool:
    """Whether this check should go to the server (see the module doc)."""
    setting = os.environ.get(ENV, "")
    if setting == "0" or os.environ.get("CI") or os.environ.get("CALCGRADE_IN_BWRAP"):
        return False
    if not sys.platform.startswith("linux"):
        return False
    # the server encodes as its own streams do: the locale's way, and the locale (LANG,
    # LC_*, PYTHONIOENCODING) is part of its identity
    return setting == "1" or _isatty(sys.stdout)


def _warn(text: str) -> None:
    click.echo(f"calcgrade: {text}", err=True)


def check_through_server(argv: list[str]) -> int | None:
    """The served check's exit status, or None: check in this process."""
    if not wanted() or wire.check_position(argv) is None:
        return None
    from grader.course.paths import CourseNotFound, project_root

    try:
        folder = wire.private_dir()
        root = project_root()
    except wire.NotPrivate as exc:
        _warn(f"not using the check server: {exc}")
        return None
    except (OSError, CourseNotFound):
        return None  # the in-process check says what is wrong
    ident = wire.identity(root)
    path = wire.socket_path(folder, ident)
    if len(os.fsencode(path)) > wire.SOCKET_PATH_MAX:
        return None
    try:
        columns = os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    doc = {"op": "check", "identity": ident, "argv": list(argv), "cwd": os.getcwd(),
           "env": wire.request_env(), "stdout_tty": _isatty(sys.stdout),
           "stderr_tty": _isatty(sys.stderr), "columns": columns}
    conn = _connect(path)
    if conn is None:
        start_server(folder, path, root, doc)
        return None
    with conn:
        return _served(conn, doc)


def _connect(path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(ACCEPT_TIMEOUT)
        conn.connect(str(path))
        if wire.peer_uid(conn) != os.geteuid():
            raise OSError("the check server is another user's")
        return conn
    except OSError:
        conn.close()
        return None


def _served(conn: socket.socket, doc: dict[str, Any]) -> int | None:
    try:
        wire.send_json(conn, doc)
        kind, _ = wire.recv_frame(conn)  # A: accepted; R: refused (busy, another identity)
    except (OSError, EOFError, ValueError):
        return None
    if kind != b"A":
        return None
    conn.settimeout(None)
    wrote = False
    cancelled = False
    while True:
        try:
            kind, payload = wire.recv_frame(conn)
            if kind in (b"O", b"E"):
                _write(sys.stdout if kind == b"O" else sys.stderr, payload)
                wrote = True
            elif kind == b"X":
                return int(payload.decode())
            else:
                raise ValueError(f"unexpected frame {kind!r}")
        except KeyboardInterrupt:
            if cancelled:
                return 130  # a second Ctrl-C: leave now
            cancelled = True
            with contextlib.suppress(OSError):
                conn.sendall(b"C")  # the server interrupts the check (and its sandbox run)
            conn.settimeout(10)
        except (OSError, EOFError, ValueError) as exc:
            if cancelled:
                return 130
            if not wrote:
                return None  # nothing shown yet: check here instead
            _warn(f"the check server stopped in the middle of this check ({exc}); run it "
                  "again, or with --no-server")
            return 1


def _write(stream: Any, data: bytes) -> None:
    try:
        stream.flush()
        stream.buffer.write(data)
        stream.buffer.flush()
    except (OSError, ValueError):
        pass  # a closed pipe: the check goes on, as it would in-process


def start_server(folder: Path, path: Path, root: Path, doc: dict[str, Any]) -> None:
    """Start this identity's server, detached (own session, no terminal, a log file in
    the runtime folder); it runs ``doc`` once unseen to warm up, then serves."""
    from grader.course.paths import grader_parent

    log_path = path.with_suffix(".log")
    try:
        lock = open(str(path) + ".lock", "a")
    except OSError:
        return
    with lock:
        try:  # a server holds this lock for its lifetime: one is starting or serving
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
        except OSError:
            return
    env = dict(os.environ)
    env["CALCGRADE_ROOT"] = str(root)
    try:
        if log_path.exists() and log_path.stat().st_size > LOG_BYTES:
            log_path.unlink()
        with open(log_path, "ab") as log:
            subprocess.Popen([sys.executable, "-m", "grader", "serve-checks",
                              "--warm", json.dumps(doc), "--after", str(os.getpid())],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=env,
                             cwd=str(grader_parent()),
                             close_fds=True, start_new_session=True)
    except OSError:
        pass


def _servers(folder: Path) -> list[Path]:
    return sorted(folder.glob("check-*.sock"))


def _ask(path: Path, op: str) -> dict[str, Any] | None:
    conn = _connect(path)
    if conn is None:
        return None
    with conn:
        try:
            wire.send_json(conn, {"op": op})
            kind, payload = wire.recv_frame(conn)
        except (OSError, EOFError, ValueError):
            return None
    return json.loads(payload) if kind == b"S" else None


def run_server_command(action: str) -> int:
    """``calcgrade check-server status|stop``: every server of this user."""
    try:
        folder = wire.private_dir(create=False)
    except FileNotFoundError:
        click.echo("no check server")
        return 0
    except OSError as exc:
        click.echo(f"calcgrade: the runtime folder is not private: {exc}", err=True)
        return 1
    found = 0
    for path in _servers(folder):
        info = _ask(path, action)
        if info is None:
            continue
        found += 1
        verb = "stopped" if action == "stop" else "running"
        click.echo(f"{verb}: pid {info['pid']}, course {info['course']}, {info['served']} "
                   f"checks served, idle {info['idle_s']:g} s of {info['idle_limit_s']:g} s "
                   f"({path.name})")
    if not found:
        click.echo("no check server")
    return 0
