"""Isolation levels for grading: "process" (the sandbox server on its own) or "bwrap".

``bwrap`` (Debian's ``bubblewrap``) runs the sandbox server of one submission in an
empty root filesystem that holds only, read-only: the system (``/usr`` and its links),
the Python installation and virtual environment, the ``grader`` package, the graded
exercises' ``checks.py`` — and the student's own scratch copy. ``/tmp`` is a private
tmpfs; there is no network, a new PID namespace (a fork bomb dies with the sandbox), no
capabilities and a clean environment. ``reference/``, other students, the submissions
folder and the results folder simply do not exist in there. The trusted judging stays
outside, in the batch worker.
"""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

from grader.course.paths import exercises_dir, project_root

LEVELS = ("process", "bwrap")
CHOICES = ("auto", *LEVELS)


class IsolationUnavailable(RuntimeError):
    """``--isolation bwrap`` was asked for and cannot be had here (the message says why)."""


def resolve(choice: str) -> str:
    """``auto`` → bwrap when it works here, else process; ``bwrap`` insists on it."""
    if choice == "process":
        return "process"
    problem = bwrap_problem()
    if problem is None:
        return "bwrap"
    if choice == "bwrap":
        raise IsolationUnavailable(problem)
    return "process"


@functools.lru_cache(maxsize=1)
def bwrap_problem() -> str | None:
    """Why bubblewrap cannot be used here, or None when a trial sandbox ran fine."""
    exe = shutil.which("bwrap")
    if exe is None:
        return ("bubblewrap is not installed (Debian/Ubuntu: apt-get install -y bubblewrap); "
                "use --isolation process or auto")
    argv = bwrap_argv([], slugs=[]) + [sys.executable, "-c", "import grader"]
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap ({exe}) could not start a sandbox: {exc}"
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        return (f"bubblewrap ({exe}) could not start a sandbox here: {err[0][:300]} "
                "(unprivileged user namespaces disabled, or a container without them?)")
    return None


def _system_binds() -> list[str]:
    """/usr read-only; /bin, /lib… as the symlinks they are on merged-/usr systems."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for name in ("/etc/ld.so.cache", "/etc/localtime"):
        if Path(name).exists():
            args += ["--ro-bind", name, name]
    return args


def _python_dirs() -> list[Path]:
    """Where the interpreter and installed packages live (never the project's own code)."""
    root = project_root()
    dirs = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(),
            Path(os.path.realpath(sys.executable)).parent.parent}
    for entry in sys.path:
        p = Path(entry).resolve() if entry else None
        if p is not None and p.is_dir() and root not in p.parents and p != root:
            dirs.add(p)
    # keep the outermost ones; /usr is bound already
    kept: list[Path] = []
    for d in sorted(dirs, key=lambda p: len(p.parts)):
        if d == Path("/usr") or Path("/usr") in d.parents or any(k in d.parents for k in kept):
            continue
        if d == Path("/") or d == root or d in root.parents:
            continue
        kept.append(d)
    return kept


def bwrap_argv(student_dirs: list[Path], *, slugs: list[str],
               user: tuple[int, int] | None = None, env: dict[str, str] | None = None) -> list[str]:
    """The ``bwrap …`` prefix that runs a command on one student's files only.

    ``user``: run as this (uid, gid) in a user namespace of the sandbox's own, so that
    the command may make nested namespaces (a shared server, :mod:`grader.sandbox.server`).
    ``env``: more of the sandbox's environment (a server gets JAX's settings this way).
    """
    import grader

    args = ["bwrap", "--die-with-parent", "--new-session", "--unshare-all",
            "--cap-drop", "ALL", "--clearenv"]
    if user is not None:
        args += ["--unshare-user", "--uid", str(user[0]), "--gid", str(user[1])]
    full = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),  # JAX's settings: grader.sandbox.client._jax_env, their one home
            "CALCGRADE_IN_BWRAP": "1"}  # grader.sandbox.harden: namespaces already made
    if "CALCGRADE_ROOT" in os.environ:
        full["CALCGRADE_ROOT"] = os.environ["CALCGRADE_ROOT"]
    for key, value in full.items():
        args += ["--setenv", key, value]
    args += _system_binds()
    # the private /tmp first: binds below may live under /tmp (a checkout or venv there)
    args += ["--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    for d in _python_dirs():
        args += ["--ro-bind", str(d), str(d)]
    venv = Path(sys.prefix).resolve()
    if venv != Path(sys.base_prefix).resolve():
        args += ["--ro-bind", str(venv), str(venv)]  # even where it lives in the project
    package = Path(grader.__file__).resolve().parent
    args += ["--ro-bind", str(package), str(package)]
    for slug in slugs:
        checks = exercises_dir() / slug / "checks.py"
        if checks.is_file():
            args += ["--ro-bind", str(checks), str(checks)]
    for d in student_dirs:
        args += ["--ro-bind", str(d), str(d)]
    args += ["--chdir", "/tmp", "--"]
    return args
