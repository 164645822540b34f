"""Shared fixtures: paths into the project and a way to grade folders in one batch."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def overlay(slug: str, extra: Path, dest: Path) -> Path:
    """A submission folder whose <slug>/solution.py is the reference plus ``extra``."""
    target = dest / slug / "solution.py"
    target.parent.mkdir(parents=True, exist_ok=True)
    base = (ROOT / "reference" / f"{slug}.py").read_text()
    target.write_text(f"{base}\n\n# --- override ---\n{extra.read_text()}\n")
    return dest
