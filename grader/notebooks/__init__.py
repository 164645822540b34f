"""Notebooks: each exercise as a Jupyter notebook, its check cell, ``.ipynb`` submissions.

* :mod:`grader.notebooks.ipynb` — read a notebook safely, extract its code, write one;
* :mod:`grader.notebooks.generate` — one notebook per exercise from its own files;
* :mod:`grader.notebooks.cell` — ``check(slug)``: the check cell (grades in the sandbox);
* :mod:`grader.notebooks.submission` — ``.ipynb`` files of an upload as ``solution.py``.

``from grader.notebooks import check`` is all a check cell imports; grading modules are
imported only when it runs.
"""
from __future__ import annotations

from typing import Any


def check(slug: str, notebook: Any = None, *, seed: int | None = None) -> Any:
    """Grade exercise ``slug`` from this notebook (:func:`grader.notebooks.cell.check`)."""
    from grader.notebooks.cell import check as _check

    return _check(slug, notebook, seed=seed)


__all__ = ["check"]
