"""The check cell: grade the functions of the notebook it runs in, in the sandbox.

``check("01_derivative")`` never calls the student's functions in the kernel. It takes
the source of the notebook's ``solution``-tagged cells (every code cell but the check
cell when nothing is tagged), writes it as a ``solution.py`` into a private temporary
folder and grades that through :func:`grader.judge.engine.grade`, exactly as ``calcgrade
check`` grades a file: same sandbox, same seed rules, same messages. Where the source
comes from, in this order:

1. ``check(slug, notebook="path.ipynb")``;
2. the notebook file the kernel belongs to: ``__vsc_ipynb_file__`` (VS Code),
   ``JPY_SESSION_NAME`` (set by Jupyter Server), ``<slug>.ipynb`` in the current folder;
3. else the kernel's own history (``In``): the imports, functions, classes and
   assignments of the cells run so far.

The output says which it used, and warns when the saved file's functions differ from the
ones last run in the kernel (the notebook was not saved). It shows as HTML in Jupyter
(the student report's exercise section, with its plot) and as the terminal text
elsewhere.

Per-student variants: the check grades with the same ``variant.toml`` that ``calcgrade
check`` would, copied beside the graded ``solution.py``: the one beside the notebook, or
in ``exercises/<slug>/`` beside its ``notebooks/`` folder; else the code the notebook's
metadata names (``calcgrade variant --write`` puts it there); else the course's
``exercises/<slug>/variant.toml``. A notebook whose metadata names another code than the
``variant.toml`` used is said so.
"""
from __future__ import annotations

import ast
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.notebooks.ipynb import (
    NotebookError,
    claim_bytes,
    clean_cell,
    code_of,
    read_notebook,
    variant_claimed,
)

KEPT = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
        ast.Assign, ast.AnnAssign)  # what the history fallback keeps of a cell


class CheckProblem(Exception):
    """The check cannot run (the message is shown in the cell, not a traceback)."""


@dataclass
class CheckOutput:
    """What the check cell shows: rich HTML in Jupyter, text anywhere else."""

    slug: str
    text: str
    html: str = ""
    notes: list[str] = field(default_factory=list)
    results: Any = None  # grader.judge.results.Results, None when the check could not run

    @property
    def passed(self) -> bool:
        return bool(self.results is not None and self.results.all_passed)

    def _repr_html_(self) -> str:
        if self.html:
            return self.html
        from html import escape

        return f'<div class="calcgrade-check"><pre>{escape(self.__repr__())}</pre></div>'

    def __repr__(self) -> str:
        return "\n".join(self.notes + ([self.text] if self.text else []))


def check(slug: str, notebook: str | os.PathLike | None = None, *,
          seed: int | None = None) -> CheckOutput:
    """Grade exercise ``slug`` from this notebook's solution cells (see the module doc)."""
    try:
        return _check(slug, notebook, seed)
    except CheckProblem as exc:
        return CheckOutput(slug, f"calcgrade: {exc}")


def _check(slug: str, notebook: str | os.PathLike | None, seed: int | None) -> CheckOutput:
    exercise = _exercise(slug)
    shell = _shell()
    notes: list[str] = []
    path = Path(notebook) if notebook is not None else _notebook_path(slug, shell)
    claimed: str | None = None
    if path is not None:
        code, claimed = _code_from_file(path, slug)
        notes.append(f"Graded the solution cells of {path.name} as saved on disk.")
        stale = _unsaved(code, _history(shell), exercise.functions)
        if stale:
            notes.append(f"Warning: {', '.join(stale)} in the saved {path.name} differ from what "
                         "you last ran here. Save the notebook (Ctrl-S / Cmd-S) and run this "
                         "cell again to grade your latest code.")
        shown = f"{path.name} (solution cells)"
    else:
        cells = _history(shell)
        if not cells:
            raise CheckProblem(
                "no notebook found to grade: pass it explicitly, e.g. "
                f"check({slug!r}, notebook={slug + '.ipynb'!r})")
        code = _code_from_history(cells)
        notes.append("Could not tell which notebook file this is, so graded the functions, "
                     "imports and assignments of the cells run so far in this kernel "
                     f"(or pass check({slug!r}, notebook='….ipynb')).")
        shown = "the cells run in this kernel"
    variant = _variant_file(slug, path, claimed, notes)
    return grade_code(slug, code, seed=_seed(seed), shown=shown, notes=notes, variant=variant)


def _variant_file(slug: str, path: Path | None, claimed: str | None,
                  notes: list[str]) -> bytes | None:
    """The ``variant.toml`` to grade with (see the module doc), or None (none: the
    lesson's numbers, and the results say so where the course has variants)."""
    from grader.course.paths import CourseNotFound, exercises_dir
    from grader.course.variants import read_claim_text

    near: list[Path] = []
    if path is not None:
        here = path.resolve().parent
        near = [here] + ([here.parent / "exercises" / slug] if here.name == "notebooks" else [])
    try:
        course = [exercises_dir() / slug]
    except CourseNotFound:
        course = []
    found = _read_variant(near)
    if found is None and claimed is not None:
        notes.append(f"Graded with the variant named in {path.name if path else 'the notebook'} "
                     f"({claimed}).")
        return claim_bytes(claimed)
    found = found or _read_variant(course)
    if found is None:
        return None
    where, data = found
    notes.append(f"Graded with your variant from {where}.")
    if claimed is not None and read_claim_text(data).code != claimed:
        notes.append(f"Warning: the notebook was made for variant {claimed}, but {where} "
                     "names another: graded with that file. Run `calcgrade variant "
                     f"{slug} --code YOURCODE --write` again to bring both together.")
    return data


def _read_variant(folders: list[Path]) -> tuple[Path, bytes] | None:
    from grader.course.variants import VARIANT_FILE

    for folder in folders:
        file = folder / VARIANT_FILE
        if file.is_file() and not file.is_symlink():
            try:
                with open(file, "rb") as fh:
                    return file, fh.read(4096)
            except OSError:
                continue
    return None


def grade_code(slug: str, code: str, *, seed: int, shown: str = "solution.py",
               notes: list[str] | None = None, variant: bytes | None = None) -> CheckOutput:
    """Grade ``code`` as exercise ``slug``'s ``solution.py`` in the sandbox; ``variant``:
    a ``variant.toml``'s content to grade with (beside it, as ``calcgrade check`` reads it)."""
    from grader.judge.engine import Submission, grade
    from grader.reports.text import render

    notes = list(notes or [])
    with tempfile.TemporaryDirectory(prefix="calcgrade-notebook-") as tmp:
        solution = Path(tmp) / slug / "solution.py"
        solution.parent.mkdir()
        solution.write_text(code, encoding="utf-8")
        if variant is not None:
            from grader.course.variants import VARIANT_FILE

            (solution.parent / VARIANT_FILE).write_bytes(variant[:4096])
        results = grade([Submission("notebook", {slug: solution})], [slug], seed=seed,
                        figures=True)[0]
        text = render(results, color=False, style="full", files=lambda s: (shown, solution))
    return CheckOutput(slug, text, fragment(results, notes), notes, results)


def fragment(results: Any, notes: list[str]) -> str:
    """The check cell's HTML: each exercise as the student report shows it, plot included."""
    from grader.reports.html import environment, exercise_view

    exercises = [exercise_view(ex, plots=True) for ex in results.exercises]
    env = environment(str(Path(__file__).resolve().parent / "templates"))
    return env.get_template("check.html.j2").render(exercises=exercises, notes=notes,
                                                   seed=results.seed)


def _exercise(slug: str) -> Any:
    from grader.course.paths import CourseNotFound
    from grader.course.spec import all_slugs, load_exercises

    try:
        slugs = all_slugs()
    except CourseNotFound as exc:
        raise CheckProblem(f"{exc} (start Jupyter inside the course folder, or set "
                           "CALCGRADE_ROOT)") from None
    if slug not in slugs:
        raise CheckProblem(f"unknown exercise {slug!r}; choose from: {', '.join(slugs)}")
    return load_exercises([slug])[0]


def _seed(seed: int | None) -> int:
    """As ``calcgrade check``: a fresh seed with the reference; in a student bundle the
    public key's first seed (its answers are for its public seeds only)."""
    from grader.course.fingerprint import spec_fingerprint
    from grader.judge.engine import expected_source
    from grader.judge.public_key import PublicKeyError

    try:
        source = expected_source()
    except PublicKeyError as exc:
        raise CheckProblem(str(exc)) from None
    seeds = getattr(source, "seeds", None)
    if seeds is None:
        return seed if seed is not None else secrets.randbelow(2**31)
    if source.fingerprint and source.fingerprint != spec_fingerprint():
        raise CheckProblem("the checks in exercises/*/checks.py are not the ones the public "
                           "key was made for: restore them, e.g. from your template repository")
    if seed is not None and seed not in seeds:
        raise CheckProblem(f"seed {seed} is not a public seed (this bundle's key holds "
                           f"{', '.join(map(str, seeds))})")
    return seed if seed is not None else seeds[0]


def _shell() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def _notebook_path(slug: str, shell: Any) -> Path | None:
    candidates: list[Path] = []
    vsc = shell.user_ns.get("__vsc_ipynb_file__") if shell is not None else None
    if isinstance(vsc, str):
        candidates.append(Path(vsc))
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        candidates += [Path(session), Path.cwd() / Path(session).name]
    candidates.append(Path.cwd() / f"{slug}.ipynb")
    return next((p for p in candidates if p.is_file()), None)


def _code_from_file(path: Path, slug: str) -> tuple[str, str | None]:
    """The notebook's code as ``solution.py`` text, and the variant its metadata names."""
    try:
        size = path.stat().st_size
        from grader.notebooks.ipynb import MAX_NOTEBOOK_BYTES

        if size > MAX_NOTEBOOK_BYTES:
            raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB; "
                                "clear its outputs and save it again")
        nb = read_notebook(path.read_bytes(), path.name)
        return code_of(nb, path.name), variant_claimed(nb, slug)
    except NotebookError as exc:
        raise CheckProblem(str(exc)) from None
    except OSError as exc:
        raise CheckProblem(f"cannot read {path}: {exc.strerror or exc}") from None


def _history(shell: Any) -> list[str]:
    """The cells run in this kernel so far, this one (the last) left out."""
    if shell is None:
        return []
    cells = shell.user_ns.get("In")
    if not isinstance(cells, list):
        return []
    return [c for c in cells[1:-1] if isinstance(c, str) and c.strip()]


def _kept(cell: str) -> list[ast.stmt]:
    try:
        tree = ast.parse(clean_cell(cell))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [n for n in tree.body if isinstance(n, KEPT)]


def _code_from_history(cells: list[str]) -> str:
    parts = ['"""The cells run in the notebook\'s kernel, as calcgrade extracted them."""\n']
    for k, cell in enumerate(cells, 1):
        cleaned = clean_cell(cell)
        nodes = _kept(cell)
        if nodes:
            body = "\n".join(ast.get_source_segment(cleaned, n, padded=False) or "" for n in nodes)
            parts.append(f"\n# --- cell {k} run ---\n{body}\n")
    return "".join(parts)


def _defs(code: str) -> dict[str, str]:
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    return {n.name: ast.dump(n) for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def _unsaved(saved_code: str, history: list[str], functions: list[str]) -> list[str]:
    """The contract functions whose last definition run in the kernel is not the saved one."""
    saved = _defs(saved_code)
    ran: dict[str, str] = {}
    for cell in history:
        ran.update(_defs(clean_cell(cell)))
    return [f"{name}()" for name in functions if name in ran and ran[name] != saved.get(name)]
