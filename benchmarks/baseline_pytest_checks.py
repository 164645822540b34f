"""The baseline for ``bench_class.py``: one student graded the GitHub Classroom way.

One ``pytest`` run per submission, student code imported straight into the test process
(no sandbox), one test per check of every exercise, each calling the student's function
on the same seeded inputs and comparing with the reference through the same answer
kinds and tolerances calcgrade uses (catalogued-mistake feedback is skipped, which only
favours the baseline). ``SUBMISSION`` names the student's folder, ``SEED`` the seed.
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("JAX_ENABLE_X64", "1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

from grader.course.spec import load_exercises  # noqa: E402
from grader.judge.engine import load_reference  # noqa: E402
from grader.sandbox import plain  # noqa: E402

SUBMISSION = Path(os.environ.get("SUBMISSION", "exercises"))
SEED = int(os.environ.get("SEED", "20250901"))
SLUGS = os.environ.get("SLUGS", "").split(",") if os.environ.get("SLUGS") else None
CHECKS = [c for ex in load_exercises(SLUGS) for c in ex.checks]
_modules: dict[str, object] = {}


def student_module(slug: str):
    if slug not in _modules:
        path = SUBMISSION / slug / "solution.py"
        spec = importlib.util.spec_from_file_location(f"student_{slug}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        _modules[slug] = module
    return _modules[slug]


@pytest.mark.parametrize("check", CHECKS, ids=[c.id for c in CHECKS])
def test_check(check):
    module = student_module(check.slug)
    inputs = check.make_inputs(SEED)
    got = plain.decode(plain.encode(check.run(module, inputs)))
    expected = check.expect(load_reference(check.slug), inputs)
    rng = np.random.default_rng([SEED, 7, *map(ord, check.id[-8:])])
    assert check.answer.compare(got, expected, inputs, rng).passed
