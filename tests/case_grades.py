"""Gradings of the case folders (``tests/cases/<slug>/<case>/``), shared by every test of
one process: test_cases.py grades all of an exercise's cases on its seed, the
discriminating sweeps grade some of them on that seed and two more. A (slug, seed) batch
is graded once, with what has not been graded yet, and the tests that share it run on one
pytest-xdist worker (:func:`same_worker`, the group of test_cases.py's batch)."""
from __future__ import annotations

from pathlib import Path

import pytest
from case_data import CASES
from conftest import ROOT, overlay

from grader.judge.engine import Submission, grade

CASE_SEED = 77           # test_cases.py's seed; the sweeps' first seed, so they share it
REFERENCE = "(reference)"  # not a case name: case names are folder names
_done: dict[tuple[str, int], dict] = {}


def same_worker(slug: str) -> pytest.MarkDecorator:
    """One worker grades an exercise's batches: every test that reads them goes there."""
    return pytest.mark.xdist_group(f"cases-{slug}")


def case_results(slug: str, seed: int, names: list[str], scratch: Path) -> dict:
    """{case name: Results} of ``names`` (case folder names, or REFERENCE) graded on
    ``seed``; the ones not graded yet in this process in one batch, under ``scratch``."""
    have = _done.setdefault((slug, seed), {})
    missing = [n for n in dict.fromkeys(names) if n not in have]
    if missing:
        subs = []
        for n in missing:
            if n == REFERENCE:
                path = ROOT / "reference" / f"{slug}.py"
            else:
                path = overlay(slug, CASES / slug / n / "solution.py",
                               scratch / f"{slug}-{seed}" / n) / slug / "solution.py"
            subs.append(Submission(n, {slug: path}, [slug]))
        have.update({r.submission: r for r in grade(subs, [slug], seed=seed)})
    return {n: have[n] for n in names}
