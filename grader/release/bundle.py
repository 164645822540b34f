"""``calcgrade release OUT/``: the student bundle, written from the one course source.

The bundle is a ready GitHub Classroom template: the exercises (statement, stub,
checks), the grader package, ``pyproject.toml``, the public answer key (``key/``), a
README for students, a Makefile and a workflow that runs the public checks on every push.
Never ``reference/``, its mistakes, or anything that rebuilds a reference: the finished
bundle is scanned for every reference function body and for imports of the reference
(:mod:`grader.release.leaks`), and a bundle that fails is deleted, not shipped.

Per-student variants: ``calcgrade.toml`` travels as it is, ``[variants]`` included (each
exercise it names must declare ``VARIANTS``, or the release is refused), and so does
``calcgrade variant SLUG --code CODE`` (it needs no key). A student's ``variant.toml``
selects their parameters in the bundle's ``check``; the key's checks are probed under
variants so that what it stores holds for every one (:mod:`grader.release.key_builder`).
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import tomllib

import grader
from grader.course.paths import MARKER, project_root
from grader.course.spec import Exercise, load_exercises
from grader.judge.public_key import KEY_DIR, META
from grader.release import templates
from grader.release.key_builder import exercise_key, key_meta
from grader.release.leaks import find_leaks

DEFAULT_SEEDS = (1, 2, 3)
# per exercise, nothing else: the statement, the stub, the checks, the concept questions
# (no answers: their key is reference/answers/) and the stub of the student's answers
EXERCISE_FILES = ("README.md", "solution.py", "checks.py", "questions.toml", "answers.toml")
_SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo", ".pytest_cache")


class ReleaseError(RuntimeError):
    """The bundle cannot be written (the message says why)."""


@dataclass
class Bundle:
    folder: Path
    seeds: list[int]
    fingerprint: str
    public: int = 0
    hidden: int = 0
    hidden_points: float = 0.0
    files: list[Path] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)  # exercises with per-student variants on


def write_bundle(out: Path, seeds: list[int] | None = None, *,
                 progress: Callable[[str], None] | None = None) -> Bundle:
    """Write the student bundle into ``out`` (which must not exist or be empty)."""
    root = project_root()
    seeds = sorted(set(seeds or DEFAULT_SEEDS))
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out} exists and is not an empty folder; choose a new one")
    out_resolved = out.resolve()
    if out_resolved == root or root in out_resolved.parents:
        raise ReleaseError(f"{out} is inside the course ({root}); write the bundle elsewhere")
    if not (root / "reference").is_dir():
        raise ReleaseError(f"{root} has no reference/: the public key is computed from the "
                           "references, so release from the instructor's course")
    exercises = load_exercises()
    variants = variants_on(root)
    out.mkdir(parents=True, exist_ok=True)
    try:
        bundle = _write(out, root, exercises, seeds, progress, variants)
        leaks = find_leaks(out, root / "reference", root / "exercises")
        if leaks:
            raise ReleaseError("the bundle would leak reference code, so it was not written:\n  "
                               + "\n  ".join(leaks[:20]))
    except BaseException:
        shutil.rmtree(out, ignore_errors=True)
        raise
    return bundle


def variants_on(root: Path) -> list[str]:
    """The exercises ``calcgrade.toml``'s ``[variants]`` turns on; :class:`ReleaseError`
    when the file cannot be read or names an exercise that declares no ``VARIANTS`` (the
    bundle would otherwise grade its students with the lesson's numbers, silently)."""
    from grader.course.variants import spec_for

    marker = root / MARKER
    if not marker.is_file():
        return []
    try:
        data = tomllib.loads(marker.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ReleaseError(f"{marker} cannot be read: {exc}") from None
    slugs = data.get("variants", {}).get("exercises", [])
    if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
        raise ReleaseError(f"{marker}: [variants] exercises must be a list of exercise names")
    without = [s for s in slugs if spec_for(s) is None]
    if without:
        raise ReleaseError(f"{marker}: [variants] names {', '.join(without)}, which declares "
                           "no VARIANTS in its checks.py (docs/QUESTIONS.md, \"Per-student "
                           "variants\"): declare them or take it off the list")
    return list(slugs)


def _write(out: Path, root: Path, exercises: list[Exercise], seeds: list[int],
           progress: Callable[[str], None] | None, variants: list[str]) -> Bundle:
    meta = key_meta(exercises, seeds)
    bundle = Bundle(out, seeds, meta["spec_fingerprint"], variants=variants)
    for ex in exercises:
        target = out / "exercises" / ex.slug
        target.mkdir(parents=True)
        for name in EXERCISE_FILES:
            if (ex.path / name).is_file():
                shutil.copyfile(ex.path / name, target / name)
        for c in ex.checks:
            if c.is_public:
                bundle.public += 1
            else:
                bundle.hidden += 1
                bundle.hidden_points += c.points
    from grader.notebooks.generate import write_notebooks  # notebooks/<slug>.ipynb

    write_notebooks(out / "notebooks", [ex.slug for ex in exercises])
    package = Path(grader.__file__).resolve().parent
    shutil.copytree(package, out / "grader", ignore=_SKIP)
    shutil.copyfile(root / "pyproject.toml", out / "pyproject.toml")
    marker = root / MARKER
    if marker.is_file():
        shutil.copyfile(marker, out / MARKER)
    else:
        (out / MARKER).write_text("[course]\n", encoding="utf-8")
    key = out / KEY_DIR
    key.mkdir()
    (key / META).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    for ex in exercises:
        data = exercise_key(ex, seeds, progress)
        (key / f"{ex.slug}.json").write_text(json.dumps(data, separators=(",", ":")) + "\n",
                                             encoding="utf-8")
    (out / "README.md").write_text(templates.student_readme(exercises, bundle), encoding="utf-8")
    (out / "Makefile").write_text(templates.MAKEFILE, encoding="utf-8")
    (out / ".gitignore").write_text(templates.GITIGNORE, encoding="utf-8")
    workflow = out / ".github" / "workflows"
    workflow.mkdir(parents=True)
    (workflow / "classroom.yml").write_text(templates.WORKFLOW, encoding="utf-8")
    bundle.files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    return bundle
