"""Submission layouts: where in an upload the exercises are, found and named.

Students hand in their work in many shapes. Each is recognised from the names in the
upload (a folder or a zip; nothing is run or extracted); two at once (``<slug>/`` beside
``exercises/<slug>/`` or ``<slug>.ipynb``) are refused by name rather than half graded:

* **slug folders** — ``<slug>/solution.py`` (the shape of ``exercises/``): a folder at
  the top named after one of the course's exercises;
* **repository** — ``exercises/<slug>/solution.py`` (the whole course repository);
* **single file** — ``solution.py`` (and helper files beside it), only when exactly one
  exercise is graded;
* any of these inside **one wrapping folder** (``alice/…``, GitHub's "Download ZIP"
  ``repo-main/…``), possibly several deep;
* a **zip** of any of these, given directly or as the only file of a folder (an upload
  that was not unpacked).

Nothing gradable raises :class:`NoLayout` (a :class:`SubmissionError`), whose message
names the place searched and the layouts accepted; a class run grades that student as
unreadable with that message, ``calcgrade check`` prints it. Reading stays with
:mod:`grader.classrun.submission_files` and :mod:`grader.classrun.submission_zip`
(bounded, no link leads out); this module only decides where to read.
"""
from __future__ import annotations

import itertools
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from grader.classrun.submission_files import MAX_DEPTH, MAX_ENTRIES, SKIPPED_PARTS, SubmissionError

ACCEPTED = ("<slug>/solution.py (folders named like exercises/)",
            "exercises/<slug>/solution.py (the whole course repository)",
            "either of these inside one top folder (e.g. GitHub's Download ZIP, repo-main/)",
            "a .zip of any of these",
            "a single solution.py (with its helper files) when exactly one exercise is graded",
            "Jupyter notebooks: <slug>.ipynb, or <slug>/solution.ipynb (or <slug>/<slug>.ipynb) "
            "instead of solution.py")


class NoLayout(SubmissionError):
    """Nothing gradable in the upload; the message says where it looked and what fits."""


@dataclass(frozen=True)
class Layout:
    """Where the exercises are: ``kind`` (``slugs``, ``repository``, ``single``), inside
    ``wrapper`` (``""`` or ``"repo-main/"``…), in a zip or not."""

    kind: str
    wrapper: str = ""
    zipped: bool = False

    @property
    def base(self) -> str:
        """The folder holding ``<slug>/`` (or, single file, the files themselves)."""
        return self.wrapper + ("exercises/" if self.kind == "repository" else "")

    def locate(self, rel: str, slug: str | None = None) -> tuple[str, str] | None:
        """``(slug, path inside the exercise)`` of an upload's file, or None if not graded.

        ``slug``: the one exercise graded (single-file layout)."""
        if self.kind == "repository" and rel.startswith(self.wrapper + "notebooks/"):
            name = rel[len(self.wrapper) + len("notebooks/"):]  # the bundle's notebooks/<slug>.ipynb
            return (name[:-6], name) if "/" not in name and name.endswith(".ipynb") else None
        if not rel.startswith(self.base):
            return None
        inner = rel[len(self.base):]
        if self.kind == "single":
            return (slug, inner) if slug is not None and inner else None
        if self.kind == "notebooks":  # <slug>.ipynb (grader.notebooks.submission)
            return (inner[:-6], inner) if "/" not in inner and inner.endswith(".ipynb") else None
        parts = PurePosixPath(inner).parts
        if len(parts) < 2:
            return None
        return parts[0], "/".join(parts[1:])

    def describe(self) -> str:
        what = {"slugs": "slug folders (<slug>/solution.py)",
                "repository": "a repository (exercises/<slug>/solution.py)",
                "single": "a single solution.py",
                "notebooks": "notebooks (<slug>.ipynb)"}[self.kind]
        if self.wrapper:
            what += f" inside the top folder {self.wrapper}"
        return f"a zip of {what}" if self.zipped else what


class _Names:
    """The upload as a set of relative file paths (a zip's table of contents)."""

    def __init__(self, files: Iterable[str]) -> None:
        self.entries: set[str] = set()
        self.children: dict[str, set[str]] = {}
        for name in files:
            parts = PurePosixPath(name).parts
            if not parts or any(_skipped(p) for p in parts):
                continue
            for k in range(1, len(parts) + 1):
                parent = "".join(p + "/" for p in parts[:k - 1])
                self.children.setdefault(parent, set()).add(parts[k - 1] + ("/" if k < len(parts) else ""))
                self.entries.add("/".join(parts[:k]))

    def exists(self, rel: str) -> bool:
        return rel in self.entries

    def folders(self, rel: str) -> list[str]:
        return sorted(c[:-1] for c in self.children.get(rel, ()) if c.endswith("/"))

    def zips(self, rel: str) -> list[str]:
        return sorted(c for c in self.children.get(rel, ()) if c.lower().endswith(".zip"))


class _Folder:
    """The upload as a folder: names are looked at, never followed out of it.

    A link counts as present (the reader then refuses it if it leads out, with that
    message); wrapping folders are descended only when they are real folders.
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    def exists(self, rel: str) -> bool:
        return os.path.lexists(self.root / rel)

    def folders(self, rel: str) -> list[str]:
        """The real folders at ``rel``; looking stops at two (no single wrapper then) or
        after ``MAX_ENTRIES`` entries (a folder that large wraps nothing)."""
        found: list[str] = []
        try:
            with os.scandir(self.root / rel if rel else self.root) as it:
                for n, entry in enumerate(it):
                    if n >= MAX_ENTRIES or len(found) > 1:
                        return []
                    if not _skipped(entry.name) and entry.is_dir(follow_symlinks=False):
                        found.append(entry.name)
        except OSError:
            return []
        return found if len(found) == 1 else []

    def zips(self, rel: str) -> list[str]:
        """Some ``.zip`` files at ``rel`` (for the message only; looking is bounded)."""
        try:
            with os.scandir(self.root / rel if rel else self.root) as it:
                return sorted(e.name for e in itertools.islice(it, MAX_ENTRIES)
                              if e.name.lower().endswith(".zip"))[:3]
        except OSError:
            return []


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_PARTS


def detect(tree: _Names | _Folder, slugs: list[str], course_slugs: list[str], where: str,
           *, zipped: bool = False) -> Layout:
    """The layout of ``tree`` (see the module doc); :class:`NoLayout` when none fits.

    ``slugs``: the exercises graded; ``course_slugs``: every exercise of the course (a
    folder named after any of them marks the slug-folder layout, so a student who did
    only some exercises is told the others are missing, not that nothing was found).
    """
    names = sorted(set(course_slugs) | set(slugs))
    wrapper = ""
    for _ in range(MAX_DEPTH + 1):
        kinds = {kind: found for kind, pattern in (("slugs", "{}"), ("repository", "exercises/{}"),
                                                   ("notebooks", "{}.ipynb"))
                 if (found := next((wrapper + pattern.format(s) for s in names
                                    if tree.exists(wrapper + pattern.format(s))), None))}
        if len(kinds) > 1:  # which one the student meant is a guess: say so, grade neither
            raise NoLayout(f"{where} holds exercises in more than one layout ("
                           + " and ".join(f"{Layout(k, wrapper).describe()}: {found}"
                                          for k, found in kinds.items())
                           + "), so it is unclear which to grade: keep one layout and hand "
                           "it in again")
        if kinds:
            return Layout(next(iter(kinds)), wrapper, zipped)
        if tree.exists(wrapper + "solution.py"):
            if len(slugs) == 1:
                return Layout("single", wrapper, zipped)
            raise NoLayout(
                f"{where} holds a single {wrapper}solution.py but {len(slugs)} exercises are "
                "graded: name the one exercise it solves (calcgrade check SLUG), or put each "
                "exercise's solution.py in a folder named after it (<slug>/solution.py)")
        folders = tree.folders(wrapper)
        if len(folders) != 1:
            break
        wrapper += folders[0] + "/"
    inner = tree.zips(wrapper)
    nested = (f" It holds {', '.join(wrapper + z for z in inner)}: a zip inside the upload is "
              "not opened when other files are beside it, nor a zip inside a zip; hand in "
              "the folder itself, or that zip alone." if inner else "")
    raise NoLayout(f"nothing to grade in {where}: no exercise folder was found there "
                   f"(looked for {', '.join(names[:3])}{', …' if len(names) > 3 else ''}).{nested} "
                   "Accepted layouts: " + "; ".join(ACCEPTED) + ".")


def folder_layout(root: Path, slugs: list[str], course_slugs: list[str], where: str) -> Layout:
    return detect(_Folder(root), slugs, course_slugs, where)


def names_layout(files: Iterable[str], slugs: list[str], course_slugs: list[str],
                 where: str) -> Layout:
    return detect(_Names(files), slugs, course_slugs, where, zipped=True)


def lone_zip(folder: Path) -> Path | None:
    """The only entry of ``folder`` when it is a regular ``.zip`` file (an upload that
    was not unpacked), else None. A link is never taken (its target may be anything)."""
    entries: list[os.DirEntry] = []
    try:
        with os.scandir(folder) as it:
            for entry in it:  # a second entry settles it: no need to list a huge folder
                if not _skipped(entry.name):
                    entries.append(entry)
                    if len(entries) > 1:
                        return None
    except OSError:
        return None
    if len(entries) != 1 or not entries[0].name.lower().endswith(".zip"):
        return None
    try:
        mode = os.lstat(entries[0].path).st_mode
    except OSError:
        return None
    return Path(entries[0].path) if stat.S_ISREG(mode) else None


def read_upload(path: Path, slugs: list[str], course_slugs: list[str],
                where: str) -> tuple[dict[str, dict[str, bytes]], Layout]:
    """``({slug: {relative path: bytes}}, layout)`` of an upload: a folder or a ``.zip``
    (``where``: how messages name it). Raises :class:`SubmissionError` (:class:`NoLayout`
    when nothing gradable is there)."""
    from grader.classrun.submission_files import _read_folder
    from grader.classrun.submission_zip import read_zip

    archive = path if path.suffix.lower() == ".zip" and not path.is_dir() else None
    if archive is None and path.is_dir():
        archive = lone_zip(path)
        if archive is not None:
            where = f"{where}/{archive.name}"
    if archive is not None:
        found: list[Layout] = []

        def layout_of(files: list[str]) -> Layout:
            found.append(names_layout(files, slugs, course_slugs, where))
            return found[0]

        files = read_zip(archive, slugs, layout_of)
        return _notebooks(files, where), found[0]
    if path.suffix.lower() == ".ipynb" and path.is_file():
        return _notebooks(_lone_notebook(path, slugs, where), where), Layout("notebooks")
    if not path.is_dir():
        raise SubmissionError(f"{where} is neither a folder nor a .zip file")
    layout = folder_layout(path, slugs, course_slugs, where)
    if layout.kind == "notebooks":
        return _notebooks(_read_notebooks(path, slugs, layout.base), where), layout
    single = slugs[0] if layout.kind == "single" else None
    files = _read_folder(path, slugs, layout.base, single)
    if layout.kind == "repository":  # the bundle's notebooks/<slug>.ipynb
        for slug, found in _read_notebooks(path, slugs, layout.wrapper + "notebooks/").items():
            files[slug].update(found)
    return _notebooks(files, where), layout


def _notebooks(files: dict[str, dict[str, bytes]], where: str) -> dict[str, dict[str, bytes]]:
    """An exercise's notebook as its solution.py (:mod:`grader.notebooks.submission`)."""
    from grader.classrun.submission_zip import _no_file_as_folder
    from grader.notebooks.ipynb import NotebookError
    from grader.notebooks.submission import use_notebooks

    try:
        changed = use_notebooks(files, where)
    except NotebookError as exc:
        raise SubmissionError(str(exc)) from None
    for slug in changed:  # solution.py added: it may clash with a folder of that name
        _no_file_as_folder(where, slug, list(files[slug]))
    return files


def _read_notebooks(root: Path, slugs: list[str], base: str) -> dict[str, dict[str, bytes]]:
    """``root/<base><slug>.ipynb`` of each graded exercise, bounded, never leaving root."""
    from grader.classrun.submission_files import _Budget, _inside, _read_file

    home, budget = os.path.realpath(root), _Budget()
    out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
    for slug in slugs:
        real = _inside(home, root / f"{base}{slug}.ipynb", f"{base}{slug}.ipynb")
        if real is not None and os.path.isfile(real):
            out[slug][f"{slug}.ipynb"] = _read_file(real, f"{base}{slug}.ipynb", budget)
    return out


def _lone_notebook(path: Path, slugs: list[str], where: str) -> dict[str, dict[str, bytes]]:
    """One ``.ipynb`` given as the submission: the one exercise graded, or the one it is
    named for."""
    from grader.classrun.submission_files import _Budget, _read_file

    slug = slugs[0] if len(slugs) == 1 else (path.stem if path.stem in slugs else None)
    if slug is None:
        raise NoLayout(f"{where} is one notebook but {len(slugs)} exercises are graded: name "
                       "the exercise it solves (calcgrade check SLUG), or name the notebook "
                       "<slug>.ipynb")
    out: dict[str, dict[str, bytes]] = {s: {} for s in slugs}
    out[slug][f"{slug}.ipynb"] = _read_file(str(path), where, _Budget())
    return out
