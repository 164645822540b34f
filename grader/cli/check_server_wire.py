"""What the check server and its client share: identity, the private folder, the frames.

Standard library only: the client side of ``calcgrade check`` imports this before
anything heavy. A server serves only its own identity (:func:`identity`): the same user,
interpreter, grader code and course files, and the same import-time environment; the
socket's name carries it, so a client whose grader or course changed finds no server of
its identity and starts a new one (the old one ends when idle). The socket lives in
:func:`private_dir`, which must be a real folder of ours with mode 0700.

Frames: a request is one JSON object (:func:`send_json` / :func:`recv_json`, 4-byte
length first, capped at :data:`MAX_REQUEST`); the server answers with typed frames
(one byte, a 4-byte length, the payload): ``A`` accepted, ``R`` refused (a reason),
``O``/``E`` stdout/stderr bytes, ``X`` the exit code, ``S`` a status (JSON); the client
sends one ``C`` byte to cancel.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import struct
import sys
from pathlib import Path
from typing import Any

PROTOCOL = "calcgrade-check-server/1"
MAX_REQUEST = 256 * 1024
MAX_FRAME = 16 * 1024 * 1024
SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes
# variables read at import time (JAX, NumPy's threads, the interpreter …): part of identity
IDENTITY_PREFIXES = ("JAX_", "XLA_", "TF_", "PYTHON", "OMP_", "MKL_", "OPENBLAS_", "NUMPY_",
                     "SYMPY", "CUDA", "NVIDIA", "LD_", "TMPDIR", "PATH", "HOME", "LANG",
                     "LC_", "VIRTUAL_ENV", "CONDA")
# variables a check reads per run: sent with each request, set (or unset) for its duration
REQUEST_VARS = ("NO_COLOR", "TERM", "COLUMNS", "LINES", "FORCE_COLOR", "CLICOLOR",
                "CLICOLOR_FORCE")
SERVER_OWNED = ("CALCGRADE_CHECK_SERVER", "CALCGRADE_CHECK_SERVER_IDLE",
                "CALCGRADE_RUNTIME_DIR", "CALCGRADE_KEEP_SERVERS")
# files of an exercise folder the student writes (read afresh by every check anyway)
STUDENT_FILES = ("solution.py", "answers.toml", "variant.toml")


class NotPrivate(OSError):
    """The runtime folder is not ours alone: never used."""


def request_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The variables ``check`` reads per run, as this process has them."""
    environ = dict(os.environ if environ is None else environ)
    return {k: v for k, v in environ.items()
            if k in REQUEST_VARS or (k.startswith("CALCGRADE_") and k not in SERVER_OWNED)}


def is_request_var(name: str) -> bool:
    return name in REQUEST_VARS or (name.startswith("CALCGRADE_") and name not in SERVER_OWNED)


def private_dir(base: Path | None = None, *, create: bool = True) -> Path:
    """The runtime folder, created 0700 if missing; :class:`NotPrivate` unless it is a
    folder (not a link) owned by us with mode 0700."""
    from grader.course.paths import runtime_dir

    path = Path(base) if base is not None else runtime_dir()
    if create:
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
    st = os.lstat(path)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise NotPrivate(f"{path} is not a folder (a link?)")
    if st.st_uid != os.geteuid():
        raise NotPrivate(f"{path} belongs to uid {st.st_uid}, not to us ({os.geteuid()})")
    if stat.S_IMODE(st.st_mode) != 0o700:
        raise NotPrivate(f"{path} has mode {stat.S_IMODE(st.st_mode):o}, not 700")
    return path


def _files(folder: Path, *, recursive: bool, skip: tuple[str, ...] = ()) -> list[tuple]:
    out: list[tuple] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return out
    for entry in entries:
        if entry.name == "__pycache__" or entry.name in skip:
            continue
        try:
            st = entry.stat(follow_symlinks=True)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode):
            if recursive:
                out += [(entry.name + "/" + t[0], *t[1:]) for t in _files(Path(entry.path),
                                                                          recursive=True)]
        else:
            out.append((entry.name, st.st_size, st.st_mtime_ns))
    return out


def code_stamp() -> list[tuple]:
    """Every file of the installed grader package (path, size, mtime): cheap, and any
    edit changes it (a stale server is never asked)."""
    import grader

    return _files(Path(grader.__file__).parent, recursive=True)


def course_stamp(root: Path) -> list[tuple]:
    """What a server caches of the course: calcgrade.toml, each exercise folder's own
    files but the student's, reference/ and key/ (size and mtime of each)."""
    stamp: list[tuple] = [("calcgrade.toml", *_stat(root / "calcgrade.toml"))]
    try:
        folders = sorted(e.name for e in os.scandir(root / "exercises") if e.is_dir())
    except OSError:
        folders = []
    for name in folders:
        stamp += [(f"exercises/{name}/{f}", s, m) for f, s, m in
                  _files(root / "exercises" / name, recursive=False, skip=STUDENT_FILES)
                  if f.endswith((".py", ".toml", ".json"))]
    for top in ("reference", "key"):
        stamp += [(f"{top}/{f}", s, m) for f, s, m in _files(root / top, recursive=True)]
    return stamp


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
        return st.st_size, st.st_mtime_ns
    except OSError:
        return -1, -1


def identity(root: Path, environ: dict[str, str] | None = None) -> str:
    """The hash a server and its clients must share (see the module doc)."""
    environ = dict(os.environ if environ is None else environ)
    env = sorted((k, v) for k, v in environ.items() if k.startswith(IDENTITY_PREFIXES))
    import grader

    doc = [PROTOCOL, os.geteuid(), sys.executable, sys.version, str(root), env,
           str(Path(grader.__file__).resolve().parent), code_stamp(), course_stamp(root)]
    return hashlib.sha256(json.dumps(doc).encode()).hexdigest()


def socket_path(folder: Path, ident: str) -> Path:
    return folder / f"check-{ident[:20]}.sock"


# -- frames --------------------------------------------------------------------------

def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = bytearray()
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("connection closed")
        data += chunk
    return bytes(data)


def send_json(sock: socket.socket, doc: Any) -> None:
    body = json.dumps(doc).encode()
    sock.sendall(struct.pack(">I", len(body)) + body)


def recv_json(sock: socket.socket, cap: int = MAX_REQUEST) -> Any:
    (size,) = struct.unpack(">I", recv_exact(sock, 4))
    if size > cap:
        raise ValueError(f"a request of {size} bytes (at most {cap})")
    return json.loads(recv_exact(sock, size).decode("utf-8"))


def send_frame(sock: socket.socket, kind: bytes, payload: bytes = b"") -> None:
    sock.sendall(kind + struct.pack(">I", len(payload)) + payload)


def recv_frame(sock: socket.socket) -> tuple[bytes, bytes]:
    head = recv_exact(sock, 5)
    (size,) = struct.unpack(">I", head[1:])
    if size > MAX_FRAME:
        raise ValueError(f"a frame of {size} bytes")
    return head[:1], recv_exact(sock, size)


def peer_uid(sock: socket.socket) -> int:
    """The uid of the process at the other end (SO_PEERCRED: pid, uid, gid)."""
    creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def validate_check(doc: Any) -> dict[str, Any]:
    """A check request, as data: argv (str list), cwd (str), env (str → str), two bools
    and an int; anything else is refused (ValueError)."""
    if not isinstance(doc, dict):
        raise ValueError("a request is a JSON object")
    want = {"op", "identity", "argv", "cwd", "env", "stdout_tty", "stderr_tty", "columns"}
    if set(doc) != want:
        raise ValueError(f"request fields {sorted(doc)}")
    argv, env = doc["argv"], doc["env"]
    if not (isinstance(argv, list) and len(argv) <= 256 and all(isinstance(a, str) for a in argv)):
        raise ValueError("argv must be a list of strings")
    if not isinstance(doc["cwd"], str) or not os.path.isabs(doc["cwd"]):
        raise ValueError("cwd must be an absolute path")
    if not (isinstance(env, dict) and all(isinstance(k, str) and isinstance(v, str)
                                          and is_request_var(k) for k, v in env.items())):
        raise ValueError("env must map request variables to strings")
    if any("\0" in s for s in [*argv, doc["cwd"], *env, *env.values()]):
        raise ValueError("NUL in a string")
    for key in ("stdout_tty", "stderr_tty"):
        if not isinstance(doc[key], bool):
            raise ValueError(f"{key} must be a bool")
    if type(doc["columns"]) is not int or not 0 <= doc["columns"] <= 10_000:
        raise ValueError("columns must be an int")
    if not isinstance(doc["identity"], str):
        raise ValueError("identity must be a string")
    if check_position(argv) is None:
        raise ValueError("only `calcgrade check` is served")
    return doc


GLOBAL_OPTIONS_WITH_VALUE = ("--course",)


def check_position(argv: list[str]) -> int | None:
    """Where ``check`` is in argv when the command is ``check`` (after global options
    only), else None: the server runs nothing else."""
    n = 0
    while n < len(argv):
        arg = argv[n]
        if arg == "check":
            return n
        if arg in GLOBAL_OPTIONS_WITH_VALUE:
            n += 2
        elif arg.startswith("--course="):
            n += 1
        else:
            return None
    return None
