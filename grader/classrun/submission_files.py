"""A class's submissions on disk: one folder or ``.zip`` per student, read safely.

``calcgrade grade SUBMISSIONS`` finds one submission per student (the folder's or the
zip's name is the student id), reads the files of the graded exercises into memory
(:class:`SubmissionFiles`) with caps on count and size, and fingerprints them. Zips are
never extracted as-is: members with absolute paths, ``..``, symlinks, or more bytes than
allowed make the submission unreadable (that student's error, never the batch's). The
trusted worker later writes the files it read into a private scratch folder
(:meth:`SubmissionFiles.materialize`), which is the only copy student code ever sees.
"""
from __future__ import annotations

import hashlib
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

MAX_FILES = 200                   # files of one submission, all graded exercises together
MAX_BYTES = 20 * 1024 * 1024      # uncompressed bytes of one submission
MAX_ZIP_MEMBERS = 2000            # entries in a zip (folders and ignored files included)
SKIPPED_PARTS = {"__pycache__", "__MACOSX"}


class SubmissionError(Exception):
    """The submission cannot be read; the message is meant for the student."""


@dataclass(frozen=True)
class SubmissionSource:
    """Where one student's submission lives: a folder or a zip."""

    student: str
    path: Path

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
    the wrong folder was given); two submissions for one student are an error.
    """
    if not root.is_dir():
        raise SubmissionError(f"{root} is not a folder of submissions")
    found: dict[str, SubmissionSource] = {}
    strays: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            student = entry.name
        elif entry.is_file() and entry.suffix.lower() == ".zip":
            student = entry.stem
        else:
            strays.append(entry.name)
            continue
        if student in found:
            raise SubmissionError(f"two submissions for student {student!r}: "
                                  f"{found[student].path.name} and {entry.name}")
        found[student] = SubmissionSource(student, entry)
    if strays and not found:
        raise SubmissionError(f"{root} holds no student folders or .zip files "
                              f"(found: {', '.join(strays[:5])})")
    return list(found.values())


def read_submission(source: SubmissionSource, slugs: list[str]) -> SubmissionFiles:
    """The graded exercises' files of one submission; an unreadable one carries ``error``."""
    try:
        if source.is_zip:
            files = _read_zip(source.path, slugs)
        else:
            files = _read_folder(source.path, slugs)
    except SubmissionError as exc:
        return SubmissionFiles(source.student, {s: {} for s in slugs}, str(exc))
    return SubmissionFiles(source.student, files)


def _read_folder(root: Path, slugs: list[str]) -> dict[str, dict[str, bytes]]:
    out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
    budget = _Budget()
    for slug in slugs:
        base = root / slug
        if not base.is_dir():
            continue
        for dirpath, dirnames, filenames in os.walk(base):  # never follows symlinks
            dirnames[:] = sorted(d for d in dirnames if not _skipped(d))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if _skipped(name) or path.is_symlink() or not path.is_file():
                    continue
                size = path.stat().st_size
                budget.take(size)
                out[slug][path.relative_to(base).as_posix()] = path.read_bytes()
    return out


def _read_zip(path: Path, slugs: list[str]) -> dict[str, dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SubmissionError(f"{path.name} is not a readable zip file ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionError(f"{path.name} has {len(infos)} entries (at most "
                                  f"{MAX_ZIP_MEMBERS} allowed)")
        names = []
        for info in infos:
            rel = _safe_relpath(info.filename, path.name)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise SubmissionError(f"{path.name} contains a symbolic link ({info.filename}); "
                                      "zip your files, not links")
            names.append((rel, info))
        prefix = _common_prefix([r for r, i in names if not i.is_dir()], slugs)
        out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
        budget = _Budget()
        for rel, info in names:
            if info.is_dir() or not rel.startswith(prefix):
                continue
            parts = PurePosixPath(rel[len(prefix):]).parts
            if len(parts) < 2 or parts[0] not in out or any(_skipped(p) for p in parts):
                continue
            budget.take(info.file_size)
            try:
                data = _read_member(archive, info)
            except SubmissionError:
                raise
            except Exception as exc:  # noqa: BLE001 - zlib.error, CRC errors, bad headers
                raise SubmissionError(f"{path.name}: {info.filename} cannot be read ({exc})") from None
            out[parts[0]]["/".join(parts[1:])] = data
        return out


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read at most the declared size (+1 byte to catch a header that lies)."""
    with archive.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise SubmissionError(f"{info.filename} is larger than its zip header says")
    return data


def _common_prefix(files: list[str], slugs: list[str]) -> str:
    """Zips often hold one top folder (``alice/01_…`` or ``exercises/01_…``): skip it."""
    if any(PurePosixPath(f).parts[0] in slugs for f in files):
        return ""
    tops = {PurePosixPath(f).parts[0] for f in files if len(PurePosixPath(f).parts) > 1}
    if len(tops) == 1:
        top = tops.pop()
        inner = [f[len(top) + 1:] for f in files if f.startswith(top + "/")]
        return top + "/" + _common_prefix(inner, slugs) if inner else ""
    return ""


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
    def __init__(self) -> None:
        self.files = 0
        self.bytes = 0

    def take(self, size: int) -> None:
        self.files += 1
        self.bytes += size
        if self.files > MAX_FILES:
            raise SubmissionError(f"the submission has more than {MAX_FILES} files in the "
                                  "graded exercise folders")
        if self.bytes > MAX_BYTES:
            raise SubmissionError(f"the submission is larger than {MAX_BYTES // (1024 * 1024)} MiB "
                                  "(uncompressed)")
