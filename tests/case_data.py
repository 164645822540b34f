"""The graded example answers of every exercise, as data: ``tests/cases/<slug>/<case>/``.

Each case folder holds ``solution.py`` (appended to the reference, so later definitions
override it; first line: a comment saying what the answer is) and ``expected.toml``,
the grader's verdict on it::

    outcome = "full_marks"          # or "fails": some check fails, each with a message
    content = false                 # optional: not an exercise-content variant (see below)
    passes = ["<check id>", …]      # optional: these checks pass even so …
    fails_every = "<check id prefix>"  # … and every other check under this prefix fails
    [messages]                      # optional: check id = text its failure message contains
    "08_descent/bfgs_minimum" = "OptimizeResult"

``tests/test_cases.py`` discovers and grades them all; the content tests
(``tests/test_content_*.py``) also run their own checks on the cases marked content
(the default). A new exercise or case needs no edit to any test file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pytest itself depends on tomli there
    import tomli as tomllib  # type: ignore[no-redef]

CASES = Path(__file__).parent / "cases"
OUTCOMES = ("full_marks", "fails")


@dataclass(frozen=True)
class Case:
    slug: str
    name: str
    path: Path  # the case's solution.py
    outcome: str
    messages: dict[str, str] = field(default_factory=dict)
    passes: tuple[str, ...] = ()
    fails_every: str | None = None
    content: bool = True

    @property
    def id(self) -> str:
        return f"{self.slug}/{self.name}"


def load_case(folder: Path) -> Case:
    data = tomllib.loads((folder / "expected.toml").read_text())
    unknown = set(data) - {"outcome", "messages", "passes", "fails_every", "content"}
    if unknown or data.get("outcome") not in OUTCOMES:
        raise ValueError(f"{folder}/expected.toml: outcome must be one of {OUTCOMES}"
                         + (f"; unknown keys {sorted(unknown)}" if unknown else ""))
    return Case(folder.parent.name, folder.name, folder / "solution.py", data["outcome"],
                dict(data.get("messages", {})), tuple(data.get("passes", ())),
                data.get("fails_every"), bool(data.get("content", True)))


def cases(slug: str | None = None, outcome: str | None = None,
          content: bool | None = None) -> list[Case]:
    """Every case (of ``slug``; with that ``outcome``; content variants only or not)."""
    folders = sorted(CASES.glob(f"{slug or '*'}/*/expected.toml"))
    found = [load_case(f.parent) for f in folders]
    return [c for c in found if (outcome is None or c.outcome == outcome)
            and (content is None or c.content == content)]


def variant_files(slug: str, outcome: str) -> list[Path]:
    """The solution.py of every content case of ``slug`` with ``outcome`` (sorted)."""
    return [c.path for c in cases(slug, outcome, content=True)]


def variant_name(path: Path) -> str:
    """A variant's name: its case folder's for a case's solution.py, else the file's stem
    (a catalogued mistake's example, ``reference/mistakes/<slug>/<id>.py``)."""
    return path.parent.name if path.name == "solution.py" else path.stem
