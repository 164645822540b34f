"""What a class run must grade: content hashes against the gradebook.

An exercise of a student is graded again only when its **content hash** changed: the
student's files for that exercise, the exercise's ``checks.py``, its reference solution,
the grader (its version and a digest of its source code), the seed, the isolation level
and whether figures are computed.
Anything else already in the gradebook is kept, so a run killed at any moment resumes
where it stopped, and editing one exercise's checks regrades just that exercise.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from grader import __version__
from grader.classrun.submission_files import SubmissionFiles, SubmissionSource
from grader.course.paths import exercises_dir, reference_dir


@functools.lru_cache(maxsize=None)
def grader_source_digest(root: Path | None = None) -> str:
    """SHA-256 of the grader's own code: every ``.py`` file under ``root`` (default: the
    installed ``grader`` package), as sorted relative paths and bytes.

    A grade depends on the code that judged it as much as on the checks, and a fix to a
    judge rarely comes with a version bump, so this goes into every content hash: after
    any change to the grader a resumed class run grades again instead of keeping grades
    the old code gave. Computed once per process and root (the code a process runs does
    not change under it; about 0.4 MB, read in a few hundredths of a second).
    """
    import grader

    base = Path(grader.__file__).parent if root is None else Path(root)
    h = hashlib.sha256()
    for path in sorted(base.rglob("*.py"), key=lambda p: p.relative_to(base).as_posix()):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def course_fingerprint(slug: str, grader_root: Path | None = None) -> str:
    """The course's side of an exercise: its checks, its reference, and the grader that
    judges them (its version and a digest of its source, see :func:`grader_source_digest`;
    ``grader_root``: hash that copy of the package instead, for tests).

    Read each time, not cached: which course is current (``--course``, ``CALCGRADE_ROOT``)
    and what its files say can change within one process (a notebook kernel, the tests),
    and four small files per student and exercise cost nothing beside grading them. (It
    was cached by slug alone: a second course's exercise of the same slug got the first
    course's fingerprint, and a class run resumed in that process graded everyone again.)"""
    h = hashlib.sha256(f"calcgrade {__version__}\0{slug}\0".encode())
    h.update(f"grader source {grader_source_digest(grader_root)}\0".encode())
    for path in (exercises_dir() / slug / "checks.py", reference_dir() / f"{slug}.py",
                 exercises_dir() / slug / "questions.toml",  # concept questions, their key
                 reference_dir() / "answers" / f"{slug}.toml"):
        h.update(path.read_bytes() if path.is_file() else b"<absent>")
        h.update(b"\0")
    from grader.course.variants import enabled_slugs  # turning variants on regrades

    h.update(b"variants" if slug in enabled_slugs() else b"lesson")
    return h.hexdigest()


def content_hash(files: SubmissionFiles, slug: str, *, seed: int, isolation: str,
                 figures: bool) -> str:
    """The fingerprint under which one exercise of one student is stored."""
    student_side = (f"unreadable:{files.error}" if files.error is not None
                    else files.digest(slug))
    text = "\0".join([course_fingerprint(slug), student_side, str(seed), isolation,
                      "figures" if figures else "no-figures"])
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class Task:
    """One student to (re)grade: which exercises, under which hashes."""

    source: SubmissionSource
    files: SubmissionFiles
    slugs: list[str]                       # the exercises to grade now
    hashes: dict[str, str] = field(default_factory=dict)  # of every selected exercise
    variants: dict[str, str] = field(default_factory=dict)  # slug → the student's code

    @property
    def student(self) -> str:
        return self.source.student


def plan_task(source: SubmissionSource, files: SubmissionFiles, slugs: list[str],
              stored: dict[tuple[str, str], str], *, seed: int, isolation: str,
              figures: bool, regrade: bool) -> Task:
    """The exercises of this student whose stored hash is missing or different."""
    hashes = {s: content_hash(files, s, seed=seed, isolation=isolation, figures=figures)
              for s in slugs}
    stale = [s for s in slugs if regrade or stored.get((source.student, s)) != hashes[s]]
    return Task(source, files, stale, hashes)
