"""What a class run must grade: content hashes against the gradebook.

An exercise of a student is graded again only when its **content hash** changed: the
student's files for that exercise, the exercise's ``checks.py``, its reference solution,
the grader version, the seed, the isolation level and whether figures are computed.
Anything else already in the gradebook is kept, so a run killed at any moment resumes
where it stopped, and editing one exercise's checks regrades just that exercise.
"""
from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field

from grader import __version__
from grader.classrun.submission_files import SubmissionFiles, SubmissionSource
from grader.course.paths import exercises_dir, reference_dir


@functools.lru_cache(maxsize=None)
def course_fingerprint(slug: str) -> str:
    """The course's side of an exercise: its checks, its reference, the grader version."""
    h = hashlib.sha256(f"calcgrade {__version__}\0{slug}\0".encode())
    for path in (exercises_dir() / slug / "checks.py", reference_dir() / f"{slug}.py"):
        h.update(path.read_bytes() if path.is_file() else b"<absent>")
        h.update(b"\0")
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
