"""Student ids that are safe as folder names in RESULTS, whatever a submission is called.

A submission's name (the folder's, or the zip's without ``.zip``) is its student id, and
the id is a folder of the results: ``RESULTS/<id>/results.json``. A name is chosen by
whoever made the submission, so it may be anything a file system allows: the name of a
run-level output (``index.html``, ``gradebook.sqlite``, ``students``, …: writing that
output then fails for the whole class), characters that are path separators elsewhere
or control characters, bytes that are not UTF-8 (the gradebook cannot store them), or the
same name as another student but for case (one folder on a case-insensitive file
system, as on macOS and Windows). :func:`assign_ids` gives every submission an id that
is none of these and is unique ignoring case; the rule depends only on the names in
SUBMISSIONS, so a rerun gives every student the same id.

* a clean name is its own id;
* a name that is reserved or not clean is refused (:attr:`StudentId.problem`: that
  student is graded 0 with the reason, and nobody else is affected) under the id
  ``<name with odd characters replaced by _>~<8 hex digits of its hash>``;
* of names equal but for case, the one in lower case (else the first in sorted order)
  keeps its name; each other is graded normally under ``<name>~<hash>``.

Ids that would still collide get ``-2``, ``-3``, … appended.
"""
from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

MAX_ID_BYTES = 200  # a folder name (255 bytes at most) with room for a temporary file's


@dataclass(frozen=True)
class StudentId:
    """The id a submission is graded under, and why its name was refused (if it was)."""

    name: str                   # as found in SUBMISSIONS
    id: str                     # what the gradebook and RESULTS use
    problem: str | None = None  # for the student: why the name cannot be used


@functools.lru_cache(maxsize=1)
def reserved_names() -> frozenset[str]:
    """Names of what a class run writes at the top of RESULTS (case-folded)."""
    from grader.classrun.gradebook import GRADEBOOK_NAME
    from grader.reports.html import STUDENTS_DIR
    from grader.reports.render import FILE_NAMES
    from grader.reports.results_io import RESULTS_FILE

    sqlite = [GRADEBOOK_NAME + suffix for suffix in ("", "-wal", "-shm", "-journal")]
    return frozenset(n.casefold() for n in [*sqlite, *FILE_NAMES.values(), STUDENTS_DIR,
                                            "index.html", "report.html", RESULTS_FILE])


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a student id (a sentence for the student), or None."""
    shown = ascii(name)[1:-1] if not _encodable(name) else name
    if name in ("", ".", "..") or name.startswith("."):
        return f"a submission cannot be named {shown!r}"
    if name.casefold() in reserved_names():
        return (f"the submission is named {shown!r}, the name of one of the files calcgrade "
                "writes in the results folder, so it cannot be a student id; rename it "
                "(e.g. to the student's login) and grade again")
    if not _encodable(name):
        return (f"the submission's name {shown!r} is not valid UTF-8; rename it and grade "
                "again")
    if any(c in "/\\" or unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in name):
        return (f"the submission's name {shown!r} contains a slash, a backslash or a control "
                "character; rename it and grade again")
    if len(name.encode("utf-8")) > MAX_ID_BYTES:
        return (f"the submission's name is longer than {MAX_ID_BYTES} bytes; rename it and "
                "grade again")
    return None


def assign_ids(names: Iterable[str]) -> dict[str, StudentId]:
    """A :class:`StudentId` for every submission name (see the module doc)."""
    names = sorted(set(names), key=lambda n: (n != n.lower(), n))  # see module doc
    taken = set(reserved_names())
    out: dict[str, StudentId] = {}
    later: list[tuple[str, str | None]] = []
    for name in names:  # clean names first: they keep themselves whenever they can
        problem = name_problem(name)
        if problem is None and name.casefold() not in taken:
            taken.add(name.casefold())
            out[name] = StudentId(name, name)
        else:
            later.append((name, problem))
    for name, problem in later:
        base = f"{_cleaned(name)}~{hashlib.sha256(_bytes(name)).hexdigest()[:8]}"
        candidate, k = base, 1
        while candidate.casefold() in taken:
            k += 1
            candidate = f"{base}-{k}"
        taken.add(candidate.casefold())
        out[name] = StudentId(name, candidate, problem)
    return out


def _encodable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # surrogate-escaped bytes from the file system
        return False
    return True


def _bytes(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape") if not _encodable(name) else name.encode()


def _cleaned(name: str) -> str:
    """``name`` with everything but letters, digits and ``._@+-`` as ``_`` (at most 80)."""
    text = "".join(c if _encodable(c) else "_" for c in name)
    text = re.sub(r"[^\w.@+-]", "_", text).lstrip(".")[:80]
    return text or "student"
