"""Reading stored results back: one ``results.json`` or a class folder of them.

``calcgrade report RESULTS`` accepts either a results file (one student) or a folder
holding ``<student>/results.json`` (what ``calcgrade grade --out`` writes), so reports can
be re-rendered without grading again. Bad input raises :class:`ResultsError` with a
message fit for the user.
"""
from __future__ import annotations

import json
from pathlib import Path

from grader.judge.results import Results

RESULTS_FILE = "results.json"


class ResultsError(ValueError):
    """A results path that cannot be read; the message says why, for the user."""


def load_results_file(path: Path) -> Results:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResultsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsError(f"{path} is not a calcgrade results file (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or "schema_version" not in data:
        raise ResultsError(f"{path} is not a calcgrade results file (no schema_version)")
    try:
        return Results.from_dict(data)
    except ValueError as exc:
        raise ResultsError(f"{path}: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise ResultsError(f"{path} is not a valid calcgrade results file "
                           f"(missing or malformed {exc})") from None


def find_results(path: Path) -> tuple[list[Path], bool]:
    """The results files under ``path`` and whether it is a class (a folder of students).

    A file is one student; a folder with ``results.json`` in it is one student; otherwise
    every ``<student>/results.json`` one level down is the class, sorted by folder name.
    """
    path = Path(path)
    if path.is_file():
        return [path], False
    if not path.is_dir():
        raise ResultsError(f"{path} does not exist")
    if (path / RESULTS_FILE).is_file():
        return [path / RESULTS_FILE], False
    files = sorted(p for p in path.glob(f"*/{RESULTS_FILE}") if p.is_file())
    if not files:
        raise ResultsError(f"no results in {path}: expected {RESULTS_FILE} or "
                           f"<student>/{RESULTS_FILE} folders")
    return files, True


def load_results(path: Path) -> tuple[list[Results], bool]:
    """Every Results under ``path`` (see :func:`find_results`) and whether it is a class."""
    files, is_class = find_results(path)
    results = [load_results_file(f) for f in files]
    if is_class:  # the instructor's points for free-text answers (grader.judge.overrides)
        from grader.judge.overrides import OverridesError, apply_overrides

        try:
            apply_overrides(results, Path(path))
        except OverridesError as exc:
            raise ResultsError(str(exc)) from None
    return results, is_class
