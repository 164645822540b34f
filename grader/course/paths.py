"""Where the course lives on disk.

The package is installed in editable mode from the project checkout, so the course
(``exercises/``, ``reference/``, ``templates/``) sits beside the ``grader`` package.
``CALCGRADE_ROOT`` overrides that, e.g. for an instructor's private course copy.
"""
from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    env = os.environ.get("CALCGRADE_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def exercises_dir() -> Path:
    return project_root() / "exercises"


def reference_dir() -> Path:
    return project_root() / "reference"


def templates_dir() -> Path:
    return project_root() / "templates"
