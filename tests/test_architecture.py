"""docs/ARCHITECTURE.md is a complete map: every module of the package is named in it."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_module_is_in_the_map():
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    missing = []
    for path in sorted((ROOT / "grader").rglob("*.py")):
        if path.name == "__init__.py" and path.parent.name != "grader":
            continue  # package markers
        rel = path.relative_to(ROOT / "grader")
        folder = f"  {rel.parent.as_posix()}/" if rel.parent != Path(".") else None
        if f" {path.name} " not in text or (folder and folder not in text):
            missing.append(rel.as_posix())
    assert missing == [], f"not in docs/ARCHITECTURE.md: {missing}"
