"""Where the course lives on disk, found the way git finds ``.git``.

A course root is a folder holding ``exercises/``; one found by walking up from the
current folder must also hold the marker :data:`MARKER` (``calcgrade.toml``), so a
student's own folder that happens to contain an ``exercises/`` is never taken for it.
The first that applies wins:

1. ``calcgrade --course DIR`` (the CLI resolves it once and sets ``CALCGRADE_ROOT``, so
   every process it starts — sandbox servers, judges — grades the same course);
2. ``CALCGRADE_ROOT``;
3. the current folder and its parents (the first with the marker and ``exercises/``);
4. the checkout beside the ``grader`` package (an editable install, or running from the
   source tree).

Nothing found raises :class:`CourseNotFound`, whose message says where it looked.
:func:`project_root` is what everything else calls; it never reads the course, only
finds it. Report templates are not part of the course: they ship inside the package.
"""
from __future__ import annotations

import os
from pathlib import Path

MARKER = "calcgrade.toml"
ENV = "CALCGRADE_ROOT"


class CourseNotFound(LookupError):
    """No course folder; the message says where calcgrade looked and how to point at one."""


def is_course(path: Path, *, marker: bool = True) -> bool:
    """Whether ``path`` is a course root (``exercises/``, and the marker when asked)."""
    return (path / "exercises").is_dir() and (not marker or (path / MARKER).is_file())


def grader_parent() -> Path:
    """The folder above the ``grader`` package: the working folder of the processes the
    grader starts with ``python -m grader…``, where ``-m`` finds this grader and nothing
    that the caller's folder holds."""
    return Path(__file__).resolve().parents[2]


def _checkout() -> Path:
    """The folder above the ``grader`` package (a course only in a source checkout)."""
    return grader_parent()


def find_course(explicit: str | os.PathLike[str] | None = None,
                cwd: Path | None = None) -> tuple[Path, str]:
    """The course root and how it was found (``--course``, ``CALCGRADE_ROOT``, …).

    ``explicit``: a ``--course`` value. An explicit or ``CALCGRADE_ROOT`` folder needs only
    ``exercises/`` (a private course copy may lack the marker); one that is not a course
    is an error, never silently replaced by another course.
    """
    if explicit is not None:
        return _explicit(Path(explicit), "--course"), "--course"
    env = os.environ.get(ENV)
    if env:
        return _explicit(Path(env), ENV), ENV
    start = (cwd or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if is_course(folder):
            return folder, "the current folder" if folder == start else f"a parent of {start}"
    checkout = _checkout()
    if is_course(checkout):
        return checkout, "the checkout beside the grader package"
    raise CourseNotFound(
        f"no calcgrade course found: looked in {start} and each folder above it for a "
        f"folder with {MARKER} and exercises/, then beside the installed grader package "
        f"({checkout}). Run calcgrade inside the course folder, or point at it with "
        f"--course DIR or {ENV}=DIR.")


def _explicit(path: Path, how: str) -> Path:
    root = path.expanduser().resolve()
    if not root.is_dir():
        raise CourseNotFound(f"the course folder given by {how} ({path}) does not exist")
    if not is_course(root, marker=False):
        raise CourseNotFound(f"the course folder given by {how} ({root}) has no exercises/ "
                             "folder, so it is not a calcgrade course")
    return root


def project_root() -> Path:
    """The course root (see the module doc); raises :class:`CourseNotFound`.

    ``CALCGRADE_ROOT`` is taken as it is, unchecked: the CLI checks it once
    (:func:`find_course`), and inside the sandbox, which is told the course this way, the
    course folder may be hidden on purpose."""
    env = os.environ.get(ENV)
    if env:
        return Path(env).resolve()
    return find_course()[0]


def exercises_dir() -> Path:
    return project_root() / "exercises"


def reference_dir() -> Path:
    return project_root() / "reference"


def templates_dir() -> Path:
    """Report templates ship inside the package (``grader/reports/templates/``)."""
    return Path(__file__).resolve().parents[1] / "reports" / "templates"


RUNTIME_ENV = "CALCGRADE_RUNTIME_DIR"


def runtime_dir() -> Path:
    """This user's private folder for calcgrade's check server (its socket, lock, log):
    ``CALCGRADE_RUNTIME_DIR`` (tests), else ``$XDG_RUNTIME_DIR/calcgrade`` when that folder
    is ours, else ``/tmp/calcgrade-<uid>``. Only the path: the check server creates and
    verifies it (:mod:`grader.cli.check_server_wire`); the sandbox hides it from every
    student's process, so student code can never reach the server."""
    env = os.environ.get(RUNTIME_ENV)
    if env:
        return Path(env).absolute()
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isabs(xdg):
        try:
            st = os.lstat(xdg)
        except OSError:
            st = None
        if st is not None and st.st_uid == os.geteuid() and os.path.isdir(xdg) \
                and not os.path.islink(xdg):
            return Path(xdg) / "calcgrade"
    return Path("/tmp") / f"calcgrade-{os.geteuid()}"
