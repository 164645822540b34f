"""``.ipynb`` in an upload: a notebook's code cells become the exercise's ``solution.py``.

Called by :func:`grader.classrun.layouts.read_upload` (``grade``, ``check --submission``)
on the files already read, bounded, from the upload. For each exercise, the notebook is
``<slug>/solution.ipynb`` or ``<slug>/<slug>.ipynb``, ``notebooks/<slug>.ipynb`` beside
``exercises/`` (the student bundle's), or ``<slug>.ipynb`` at the top of the upload (the
``notebooks`` layout). It is
graded instead of ``solution.py`` when there is no ``solution.py`` or that file is still
the course's stub, byte for byte (a student who worked in the released notebook hands in
the untouched stub beside it). Its code is extracted (:func:`grader.notebooks.ipynb.code_of`:
``solution``-tagged cells when any is tagged, magics commented out), never run here. The variant its metadata
names (``calcgrade variant --write`` puts it there) becomes the exercise's
``variant.toml`` where the upload has none, marked as coming from the notebook
(:data:`grader.notebooks.ipynb.NOTEBOOK_CLAIM`): ``check`` grades with it, and ``grade``
refuses it like any ``variant.toml`` when it is not the student's own code.
"""
from __future__ import annotations

from pathlib import Path

from grader.notebooks.ipynb import claim_bytes, code_of, read_notebook, variant_claimed

SOLUTION = "solution.py"
VARIANT = "variant.toml"  # grader.course.variants.VARIANT_FILE


def notebook_names(slug: str) -> tuple[str, str]:
    return ("solution.ipynb", f"{slug}.ipynb")


def stub_bytes(slug: str) -> bytes | None:
    """The course's stub ``exercises/<slug>/solution.py`` (None: none, or no course)."""
    from grader.course.paths import CourseNotFound, exercises_dir

    try:
        path = exercises_dir() / slug / SOLUTION
        return path.read_bytes() if path.is_file() else None
    except (CourseNotFound, OSError):
        return None


def use_notebooks(files: dict[str, dict[str, bytes]], where: str) -> list[str]:
    """Replace each exercise's ``solution.py`` by its notebook's code where the notebook
    is what the student worked in (see the module doc); the slugs changed.
    :class:`grader.notebooks.ipynb.NotebookError` for a notebook that cannot be read."""
    changed = []
    for slug, members in files.items():
        name = next((n for n in notebook_names(slug) if n in members), None)
        if name is None:
            continue
        current = members.get(SOLUTION)
        if current is not None and current != stub_bytes(slug):
            continue  # the student's own solution.py wins
        shown = f"{where}: {slug}/{name}" if name == "solution.ipynb" else f"{where}: {name}"
        nb = read_notebook(members[name], shown)
        members[SOLUTION] = code_of(nb, Path(name).name).encode("utf-8")
        claimed = variant_claimed(nb, slug)
        if claimed is not None and VARIANT not in members:
            members[VARIANT] = claim_bytes(claimed)
        changed.append(slug)
    return changed
