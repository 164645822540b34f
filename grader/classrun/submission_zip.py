"""Reading one student's ``.zip`` in memory, with every size bounded before it is paid.

Part of :mod:`grader.classrun.submission_files`. A zip is never extracted: its table of
contents is checked first (the file's size, the size of its central directory read from
the end record, so that a zip of millions of tiny entries is refused before ``zipfile``
parses them), then every member's name (relative, no ``..``, no link, at most
``MAX_DEPTH`` folders deep), and only the graded exercises' members are decompressed,
each at most the size its header declares, all together at most ``MAX_BYTES``. The top
folder many zips wrap everything in is found without recursion. Any violation raises
:class:`SubmissionError`, which makes that one submission unreadable.
"""
from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Callable

from grader.classrun.submission_files import (
    MAX_DEPTH,
    MAX_ZIP_MEMBERS,
    SubmissionError,
    _Budget,
    _safe_relpath,
    _skipped,
)

MAX_ZIP_BYTES = 100 * 1024 * 1024    # the zip file itself
MAX_DIRECTORY_BYTES = 4 * 1024 * 1024  # its central directory (names of all its entries)
MAX_NAME_CHARS = 1024                # one member's path
MAX_PART_BYTES = 255                 # one file or folder name in it (what file systems allow)


def read_zip(path: Path, slugs: list[str],
             layout_of: Callable[[list[str]], Any] | None = None) -> dict[str, dict[str, bytes]]:
    """``{slug: {relative path: bytes}}`` of the graded exercises in the zip at ``path``.

    ``layout_of(file names)``: where the exercises are, a
    :class:`grader.classrun.layouts.Layout` (default: ``<slug>/…`` under the
    :func:`common_prefix`)."""
    _check_size(path)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error) as exc:
        raise SubmissionError(f"{path.name} is not a readable zip file ({exc})") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_MEMBERS:
            raise SubmissionError(f"{path.name} has {len(infos)} entries (at most "
                                  f"{MAX_ZIP_MEMBERS} allowed)")
        names = [(_member_name(path.name, info), info) for info in infos]
        files = [r for r, i in names if not i.is_dir()]
        if layout_of is None:
            prefix = common_prefix(files, slugs)
            locate = _under(prefix)
        else:
            layout = layout_of(files)
            one = slugs[0] if len(slugs) == 1 else None
            locate = lambda rel: layout.locate(rel, one)  # noqa: E731
        out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
        budget = _Budget()
        for rel, info in names:
            hit = None if info.is_dir() else locate(rel)
            if hit is None:
                continue
            slug, inner = hit
            parts = PurePosixPath(inner).parts
            if slug not in out or not parts or any(_skipped(p) for p in parts):
                continue
            budget.take(info.file_size)
            try:
                data = _read_member(archive, info)
            except SubmissionError:
                raise
            except Exception as exc:  # noqa: BLE001 - zlib.error, CRC errors, bad headers
                raise SubmissionError(f"{path.name}: {info.filename} cannot be read ({exc})") from None
            out[slug][inner] = data
        for slug, members in out.items():
            _no_file_as_folder(path.name, slug, list(members))
        return out


def _under(prefix: str) -> Callable[[str], tuple[str, str] | None]:
    """``<prefix><slug>/<inner>`` → ``(slug, inner)``."""
    def locate(rel: str) -> tuple[str, str] | None:
        if not rel.startswith(prefix):
            return None
        parts = PurePosixPath(rel[len(prefix):]).parts
        return (parts[0], "/".join(parts[1:])) if len(parts) >= 2 else None
    return locate


def _member_name(where: str, info: zipfile.ZipInfo) -> str:
    """The member's safe relative path; refuses links, deep nesting and long names."""
    name = info.filename
    if name.strip("/").count("/") > MAX_DEPTH:
        raise SubmissionError(f"{where} contains a path nested more than {MAX_DEPTH} folders "
                              f"deep ({name[:40]}…)")
    if len(name) > MAX_NAME_CHARS:
        raise SubmissionError(f"{where} contains a path longer than {MAX_NAME_CHARS} "
                              f"characters ({name[:40]}…)")
    rel = _safe_relpath(name, where)
    if not PurePosixPath(rel).parts:
        raise SubmissionError(f"{where} contains an entry without a name ({name!r})")
    if any(len(part.encode("utf-8", "surrogateescape")) > MAX_PART_BYTES
           for part in PurePosixPath(rel).parts):
        raise SubmissionError(f"{where} contains a file or folder name longer than "
                              f"{MAX_PART_BYTES} bytes ({name[:40]}…); shorten it")
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SubmissionError(f"{where} contains a symbolic link ({name}); "
                              "zip your files, not links")
    return rel


def _no_file_as_folder(where: str, slug: str, files: list[str]) -> None:
    """Refuse an exercise read from a zip where one name is both a file and a folder
    (``x`` and ``x/y``): it cannot be laid out as files, so it is the student's clear
    error here, not a crash when the files are written out for the sandbox."""
    known = set(files)
    for rel in files:
        parts = PurePosixPath(rel).parts
        for k in range(1, len(parts)):
            folder = "/".join(parts[:k])
            if folder in known:
                raise SubmissionError(f"{where} holds {slug}/{folder} both as a file and as a "
                                      f"folder (of {slug}/{rel}); zip your folder again")


def _check_size(path: Path) -> None:
    """Refuse a zip too large on disk, or whose central directory is, before parsing it."""
    size = path.stat().st_size
    if size > MAX_ZIP_BYTES:
        raise SubmissionError(f"{path.name} is larger than {MAX_ZIP_BYTES // (1024 * 1024)} MiB")
    directory = _directory_size(path, size)
    if directory is not None and directory > MAX_DIRECTORY_BYTES:
        raise SubmissionError(f"{path.name} lists too many or too long names (its table of "
                              f"contents is larger than {MAX_DIRECTORY_BYTES // (1024 * 1024)} MiB)")


def _directory_size(path: Path, size: int) -> int | None:
    """The central directory's size from the end record (zip64 too); None if not found
    (then ``zipfile`` reports the broken zip itself)."""
    tail = min(size, 22 + 65535 + 20)
    with open(path, "rb") as fh:
        fh.seek(size - tail)
        data = fh.read(tail)
        at = data.rfind(b"PK\x05\x06")
        if at < 0 or len(data) - at < 22:
            return None
        directory = struct.unpack("<I", data[at + 12:at + 16])[0]
        locator = data[at - 20:at] if at >= 20 else b""
        if directory != 0xFFFFFFFF or not locator.startswith(b"PK\x06\x07"):
            return directory
        offset = struct.unpack("<Q", locator[8:16])[0]
        if offset + 56 > size:
            return None
        fh.seek(offset)
        record = fh.read(56)
    if not record.startswith(b"PK\x06\x06"):
        return None
    return struct.unpack("<Q", record[40:48])[0]


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """Read at most the declared size (+1 byte to catch a header that lies)."""
    with archive.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise SubmissionError(f"{info.filename} is larger than its zip header says")
    return data


def common_prefix(files: list[str], slugs: list[str]) -> str:
    """Zips often hold one top folder (``alice/01_…`` or ``exercises/01_…``): skip it.

    While no file starts with a graded exercise's folder and every nested file shares
    one top folder, that folder is part of the prefix. A loop, not recursion: a zip's
    nesting is the student's choice (and at most ``MAX_DEPTH`` here).
    """
    prefix: list[str] = []
    current = [PurePosixPath(f).parts for f in files]
    while current and not any(p[0] in slugs for p in current):
        tops = {p[0] for p in current if len(p) > 1}
        if len(tops) != 1:
            break
        top = tops.pop()
        inner = [p[1:] for p in current if len(p) > 1 and p[0] == top]
        prefix.append(top)
        current = inner
    return "".join(part + "/" for part in prefix)
