"""A class's submissions on disk: one folder or ``.zip`` per student, read safely.

``calcgrade grade SUBMISSIONS`` finds one submission per student (the folder's or the
zip's name is the student's name; :mod:`grader.classrun.student_ids` turns it into an id
that is safe as a folder of RESULTS), reads the files of the graded exercises into memory
(:class:`SubmissionFiles`) with caps on count, size and depth, and fingerprints them;
where in the upload they are (slug folders, a repository, a wrapping folder, a single
``solution.py``) is decided by :mod:`grader.classrun.layouts`.
Everything read must lie inside the student's own folder: a symbolic link (an exercise
folder, a file, or the submission itself) that leads anywhere else, e.g. to a classmate,
``reference/`` or the results, makes the submission unreadable, and so does any link in
a zip. Zips are never extracted as-is: members with absolute paths, ``..``, symlinks, a
nesting too deep, or more bytes than allowed make the submission unreadable. Unreadable
is that student's error (graded 0 with the reason), never the batch's. The trusted
worker later writes the files it read into a private scratch folder
(:meth:`SubmissionFiles.materialize`), which is the only copy student code ever sees.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILES = 200                   # files of one submission, all graded exercises together
MAX_BYTES = 20 * 1024 * 1024      # uncompressed bytes of one submission
MAX_ZIP_MEMBERS = 2000            # entries in a zip (folders and ignored files included)
MAX_ENTRIES = 2000                # entries looked at in a folder's graded exercise folders
MAX_DEPTH = 32                    # folders nested in a submission (zip or folder)
SKIPPED_PARTS = {"__pycache__", "__MACOSX"}


class SubmissionError(Exception):
    """The submission cannot be read; the message is meant for the student."""


@dataclass(frozen=True)
class SubmissionSource:
    """Where one student's submission lives: a folder or a zip.

    ``problem``: why it is refused before anything is read (its name cannot be an id, it
    is a symbolic link); it is then graded as unreadable with that message.
    """

    student: str
    path: Path
    problem: str | None = None

    @property
    def is_zip(self) -> bool:
        return self.path.suffix.lower() == ".zip"


@dataclass
class SubmissionFiles:
    """The files of the graded exercises, by slug: ``{slug: {relative path: bytes}}``.

    A slug whose folder is absent maps to ``{}``; the sandbox then reports "missing".
    """

    student: str
    files: dict[str, dict[str, bytes]] = field(default_factory=dict)
    error: str | None = None  # the whole submission is unreadable (e.g. a malformed zip)
    layout: str = ""  # where the exercises were found (grader.classrun.layouts), in words

    def materialize(self, root: Path) -> Path:
        """Write the files under ``root/<slug>/…`` (a private scratch copy); return root."""
        root.mkdir(parents=True, exist_ok=True)
        for slug, members in self.files.items():
            for rel, data in members.items():
                target = root / slug / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        return root

    def to_wire(self) -> dict:
        """For shipping to a cluster worker (hex keeps it JSON/msgpack-neutral)."""
        return {"student": self.student, "error": self.error,
                "files": {s: {r: d.hex() for r, d in m.items()} for s, m in self.files.items()}}

    @classmethod
    def from_wire(cls, data: dict) -> "SubmissionFiles":
        files = {s: {_safe_relpath(r): bytes.fromhex(d) for r, d in m.items()}
                 for s, m in data["files"].items()}
        return cls(str(data["student"]), files, data.get("error"))

    def digest(self, slug: str) -> str:
        """Fingerprint of one exercise's files (names and contents)."""
        h = hashlib.sha256()
        for rel in sorted(self.files.get(slug, {})):
            data = self.files[slug][rel]
            h.update(rel.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
        return h.hexdigest()


def discover(root: Path) -> list[SubmissionSource]:
    """Every student's submission in ``root`` (folders and ``.zip`` files), by name.

    Hidden entries are ignored; any other file is an error (a stray file usually means
    the wrong folder was given); two submissions for one name are an error. A symbolic
    link to a folder or a ``.zip`` is listed but refused (its target may be anything:
    a classmate's folder, the reference); names become ids by
    :func:`grader.classrun.student_ids.assign_ids`.
    """
    from grader.classrun.student_ids import assign_ids

    if not root.is_dir():
        raise SubmissionError(f"{root} is not a folder of submissions")
    found: dict[str, tuple[Path, str | None]] = {}
    strays: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        link = entry.is_symlink()
        if entry.suffix.lower() == ".zip" and (link or entry.is_file()):
            name = entry.name[:-4]
        elif entry.is_dir():
            name = entry.name
        else:
            strays.append(entry.name)
            continue
        if name in found:
            raise SubmissionError(f"two submissions for student {name!r}: "
                                  f"{found[name][0].name} and {entry.name}")
        found[name] = (entry, _LINKED if link else None)
    if strays and not found:
        raise SubmissionError(f"{root} holds no student folders or .zip files "
                              f"(found: {', '.join(strays[:5])})")
    ids = assign_ids(found)
    return [SubmissionSource(ids[name].id, path, ids[name].problem or problem)
            for name, (path, problem) in found.items()]


_LINKED = ("the submission is a symbolic link, not a folder or a zip: only what is "
           "inside SUBMISSIONS itself is graded (copy the submission in instead of linking it)")


def read_submission(source: SubmissionSource, slugs: list[str]) -> SubmissionFiles:
    """The graded exercises' files of one submission; an unreadable one carries ``error``."""
    try:
        if source.problem is not None:
            raise SubmissionError(source.problem)
        if source.path.is_symlink():
            raise SubmissionError(_LINKED)
        from grader.classrun.layouts import read_upload
        from grader.course.spec import all_slugs

        files, layout = read_upload(source.path, slugs, all_slugs(), source.path.name)
    except SubmissionError as exc:
        return SubmissionFiles(source.student, {s: {} for s in slugs}, str(exc))
    except OSError as exc:  # permissions, a file removed while reading: still the student's
        where = _shown(exc.filename, source.path)
        why = f"{exc.strerror or type(exc).__name__}" + (f": {where}" if where else "")
        return SubmissionFiles(source.student, {s: {} for s in slugs},
                               f"your submission could not be read ({why})")
    return SubmissionFiles(source.student, files, layout=layout.describe())


def _shown(filename: object, root: Path) -> str:
    """A file name relative to the submission (never the instructor's absolute paths)."""
    if not isinstance(filename, str):
        return ""
    try:
        return Path(filename).relative_to(root).as_posix()
    except ValueError:
        return Path(filename).name


def _read_folder(root: Path, slugs: list[str], base: str = "",
                 single: str | None = None) -> dict[str, dict[str, bytes]]:
    """Read ``root/<base><slug>/…`` without ever leaving ``root``'s real path (``single``:
    the one exercise whose files are ``root/<base>…`` itself, a single-file upload).

    A symbolic link (the exercise folder itself, a file or a folder in it) is followed
    only when its real target lies inside the submission; one that leads outside it
    (existing or not) makes the submission unreadable, one that leads nowhere inside it
    is ignored. Loops are followed once; only regular files are read; depth, entries,
    files and bytes are capped; file names must be UTF-8 (they are hashed and shipped).
    """
    home = os.path.realpath(root)
    out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
    budget = _Budget()
    for slug in slugs:
        if single is not None and slug != single:
            continue
        where = base if single is not None else f"{base}{slug}/"
        top = _inside(home, root / where, where.rstrip("/") or ".")
        if top is None or not os.path.isdir(top):
            continue
        seen: set[str] = set()
        stack: list[tuple[str, str]] = [(top, "")]
        while stack:
            folder, rel = stack.pop()
            if folder in seen:
                continue
            seen.add(folder)
            if rel.count("/") >= MAX_DEPTH:
                raise SubmissionError(f"{where}{rel} is nested more than {MAX_DEPTH} folders deep")
            with os.scandir(folder) as it:  # never more than the budget allows, listed
                left = MAX_ENTRIES - budget.entries + 1
                entries = sorted(itertools.islice(it, max(left, 1)), key=lambda e: e.name)
            for entry in entries:
                budget.look()
                if _skipped(entry.name):
                    continue
                name = f"{rel}{entry.name}"
                if not _utf8(name):
                    raise SubmissionError(f"{where}{ascii(name)[1:-1]} has a name that is not "
                                          "valid UTF-8; rename it")
                target = _inside(home, Path(entry.path), f"{where}{name}")
                if target is None:
                    continue
                mode = os.stat(target).st_mode
                if stat.S_ISDIR(mode):
                    stack.append((target, name + "/"))
                elif stat.S_ISREG(mode):
                    out[slug][name] = _read_file(target, f"{where}{name}", budget)
    return out


def _inside(home: str, path: Path, shown: str) -> str | None:
    """``path``'s real path if it exists inside ``home``; None if it does not exist (a
    dangling link inside); SubmissionError if it leads outside ``home``."""
    if not os.path.lexists(path):
        return None
    real = os.path.realpath(path)
    if os.path.commonpath([home, real]) != home:
        raise SubmissionError(f"{shown} is a symbolic link that leads outside your "
                              "submission; submit the files themselves, not links")
    return real if os.path.exists(real) else None


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes the file system decoded as surrogates
        return False
    return True


def _read_file(path: str, shown: str, budget: "_Budget") -> bytes:
    size = os.stat(path).st_size
    budget.take(size)
    with open(path, "rb") as fh:
        data = fh.read(size + 1)
    if len(data) != size:
        raise SubmissionError(f"{shown} changed while it was being read")
    return data


def _safe_relpath(name: str, where: str = "the submission") -> str:
    if "\0" in name or "\\" in name:
        raise SubmissionError(f"{where} contains a file name that is not allowed: {name!r}")
    p = PurePosixPath(name)
    if p.is_absolute() or name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise SubmissionError(f"{where} contains an absolute path ({name}); zip relative paths")
    if any(part == ".." for part in p.parts):
        raise SubmissionError(f"{where} contains a path that leaves its folder ({name})")
    return p.as_posix().rstrip("/")


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_PARTS or name.endswith(".pyc")


class _Budget:
    """What one submission may cost: files and bytes read, entries looked at."""

    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0
        self.entries = 0

    def look(self) -> None:
        self.entries += 1
        if self.entries > MAX_ENTRIES:
            raise SubmissionError(f"the graded exercise folders hold more than {MAX_ENTRIES} "
                                  "entries")

    def take(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES:
            raise SubmissionError(f"the submission has more than {MAX_FILES} files in the "
                                  "graded exercise folders")
        if self.bytes > MAX_BYTES:
            raise SubmissionError(f"the submission is larger than {MAX_BYTES // (1024 * 1024)} MiB "
                                  "(uncompressed)")
