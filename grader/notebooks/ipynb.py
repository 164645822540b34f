"""Jupyter notebooks as data: read one safely, take its code out, write one (nbformat v4).

Plain JSON and the standard library only: the core never needs Jupyter. A notebook is
untrusted (a student's upload): its size, nesting, cell count and code size are bounded
before anything is kept, malformed JSON is a :class:`NotebookError` with a message meant
for the student, and nothing in it is ever run here — :func:`code_of` only turns its code
cells into the text of a ``solution.py``, which runs in the sandbox like any other.
"""
from __future__ import annotations

import ast
import json
from typing import Any

MAX_NOTEBOOK_BYTES = 16 * 1024 * 1024  # outputs (plots) make notebooks large; code is small
MAX_CELLS = 2000
MAX_CODE_BYTES = 1024 * 1024           # the extracted solution.py
SOLUTION_TAG = "solution"
CHECK_TAG = "check"
VARIANT_TAG = "calcgrade-variant"  # the markdown cell with the student's own worked example
# the first line of a variant.toml made from a notebook's metadata (not a file of the upload)
NOTEBOOK_CLAIM = b"# calcgrade: the variant named in the notebook's metadata\n"


class NotebookError(ValueError):
    """The notebook cannot be read; the message is meant for the student."""


def read_notebook(data: bytes, where: str = "the notebook") -> dict[str, Any]:
    """The notebook in ``data`` as a dict (only its shape is checked: cells, sources)."""
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{where} is larger than {MAX_NOTEBOOK_BYTES // (1024 * 1024)} MiB; "
                            "clear its outputs (Edit > Clear All Outputs) and save it again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotebookError(f"{where} is not a notebook (not UTF-8 text); save it from "
                            "Jupyter as .ipynb") from None
    try:
        nb = json.loads(text)
    except (ValueError, RecursionError) as exc:  # json's decoder stops deep nesting
        raise NotebookError(f"{where} is not valid notebook JSON ({_short(exc)}); open it in "
                            "Jupyter and save it again, or submit solution.py") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{where} is not a Jupyter notebook (no list of cells); "
                            "nbformat 4 is expected")
    if len(nb["cells"]) > MAX_CELLS:
        raise NotebookError(f"{where} has more than {MAX_CELLS} cells")
    for k, cell in enumerate(nb["cells"], 1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"{where}: cell {k} is not a notebook cell")
        source = cell.get("source", "")
        if not (isinstance(source, str) or (isinstance(source, list)
                                            and all(isinstance(s, str) for s in source))):
            raise NotebookError(f"{where}: cell {k} has a source that is not text")
        meta = cell.get("metadata", {})
        if not isinstance(meta, dict):
            raise NotebookError(f"{where}: cell {k} has metadata that is not an object")
    return nb


def variant_claimed(nb: dict[str, Any], slug: str) -> str | None:
    """The variant code the notebook says it was written for (its metadata
    ``calcgrade.variant``, written by ``calcgrade variant --write``), unchecked: None when
    it names none for ``slug``."""
    meta = nb.get("metadata")
    calcgrade = meta.get("calcgrade") if isinstance(meta, dict) else None
    variant = calcgrade.get("variant") if isinstance(calcgrade, dict) else None
    if not isinstance(variant, dict) or variant.get("slug") != slug or "code" not in variant:
        return None
    return str(variant["code"])[:64]


def claim_bytes(code: str) -> bytes:
    """A claimed code as the text of a ``variant.toml``, so it is read (and a malformed
    one refused) exactly as that file is (:func:`grader.course.variants.read_claim_text`)."""
    return NOTEBOOK_CLAIM + f"code = {json.dumps(code)}\n".encode("utf-8")


def _short(exc: BaseException) -> str:
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)[:120]


def source_of(cell: dict[str, Any]) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def tags_of(cell: dict[str, Any]) -> list[str]:
    tags = cell.get("metadata", {}).get("tags", [])
    return [t for t in tags if isinstance(t, str)] if isinstance(tags, list) else []


def code_cells(nb: dict[str, Any]) -> tuple[list[str], bool]:
    """The code cells graded: those tagged ``solution`` when any is (True), else every
    code cell but those tagged ``check`` (False)."""
    code = [c for c in nb["cells"] if c.get("cell_type") == "code"]
    tagged = [c for c in code if SOLUTION_TAG in tags_of(c)]
    if tagged:
        return [source_of(c) for c in tagged], True
    return [source_of(c) for c in code if CHECK_TAG not in tags_of(c)], False


def code_of(nb: dict[str, Any], where: str = "the notebook") -> str:
    """The text of a ``solution.py`` made of the notebook's graded code cells, in order:
    IPython magics (``%…``, ``!…``, a ``%%`` cell) commented out, and the check cell's
    own lines (``from grader.notebooks import check``, ``check(...)``) too, so grading a
    notebook never grades from inside the sandbox."""
    cells, _ = code_cells(nb)
    # the docstring as a literal: a notebook's file name (quotes, newlines) stays text
    parts = [repr(f"Code cells of {where}, extracted by calcgrade (never edited by hand).") + "\n"]
    future: list[str] = []  # `from __future__ import …` must come first: moved up
    for k, text in enumerate(cells, 1):
        cleaned = clean_cell(text)
        lines = cleaned.split("\n")
        if lines[-1] == "":
            lines.pop()  # the cell's final newline (added back below)
        for node in _future_imports(cleaned):
            span = range(node.lineno - 1, node.end_lineno or node.lineno)
            future.append("\n".join(lines[i] for i in span))
            for i in span:
                lines[i] = "# (moved to the top) " + lines[i]
        parts.append(f"\n# --- cell {k} ---\n" + "\n".join(lines) + "\n")
    parts[1:1] = [line + "\n" for line in dict.fromkeys(future)]
    code = "".join(parts)
    if len(code.encode("utf-8")) > MAX_CODE_BYTES:
        raise NotebookError(f"{where} holds more than {MAX_CODE_BYTES // 1024} KiB of code")
    return code


def clean_cell(text: str) -> str:
    """One cell as plain Python: magics and check-cell lines become comments.

    Lines are what Python counts as lines (``\\n``, ``\\r\\n``, ``\\r``), not what
    ``str.splitlines`` also splits on (``\\x0c``, ``\\x1c``, ``\\u2028``…, which may sit
    inside a string). A cell that is already valid Python has no magics: its lines
    starting with ``%`` or ``!`` (inside a string, a continued ``% b``) are kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].lstrip().startswith("%%"):
        return "\n".join("# " + line for line in lines)
    text = "\n".join(lines)
    tree = _parsed(text)
    if tree is None:
        lines = ["# " + line if line.lstrip().startswith(("%", "!")) else line for line in lines]
        text = "\n".join(lines)
        tree = _parsed(text)
    if tree is None:
        return text  # the sandbox reports the syntax error, with its line
    drop: set[int] = set()
    for node in tree.body:
        if _is_check_line(node):
            drop.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return "\n".join("# " + line if k in drop else line for k, line in enumerate(lines, 1))


def _parsed(text: str) -> ast.Module | None:
    try:
        return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _future_imports(code: str) -> list[ast.ImportFrom]:
    """The cell's real ``from __future__ import …`` statements (not text in a string)."""
    tree = _parsed(code)
    return [n for n in (tree.body if tree else ()) if isinstance(n, ast.ImportFrom)
            and n.module == "__future__" and n.col_offset == 0]


def _is_check_line(node: ast.stmt) -> bool:
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").startswith("grader")
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] == "grader" for a in node.names)
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return (isinstance(func, ast.Name) and func.id == "check") or \
            (isinstance(func, ast.Attribute) and func.attr == "check")
    return False


# -- writing --------------------------------------------------------------------------

def markdown_cell(text: str, cell_id: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": _lines(text)}


def code_cell(text: str, cell_id: str, tags: list[str] | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"tags": list(tags)} if tags else {}
    return {"cell_type": "code", "execution_count": None, "id": cell_id, "metadata": meta,
            "outputs": [], "source": _lines(text)}


def _lines(text: str) -> list[str]:
    lines = text.strip("\n").splitlines(keepends=True)
    return lines


def notebook(cells: list[dict[str, Any]], title: str) -> dict[str, Any]:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "calcgrade": {"generated": True, "title": title},
        },
        "nbformat": 4, "nbformat_minor": 5,
    }


def dumps(nb: dict[str, Any]) -> str:
    """As Jupyter writes it (indent 1, keys sorted, a final newline): stable text, so a
    regenerated notebook is byte-identical when its sources did not change."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
