"""Results documents are strict JSON: a student's NaN and infinities never become bare tokens.

The submission is ``tests/hostile/nan_inf`` (its answers are NaN, +inf and −inf), so the
expected/got detail holds non-finite numbers. Every writer of a results document is read
back with a parser that, like JavaScript's ``JSON.parse``, rejects ``NaN``/``Infinity``.
"""
from __future__ import annotations

import json
import math
import sqlite3
import sys
from pathlib import Path
from typing import Any

import inprocess
import pytest

from grader.classrun.gradebook import Gradebook, write_json_atomic
from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.reports import formats

SLUG = "01_derivative"
NAN_INF = Path(__file__).parent / "hostile" / "nan_inf"
CALCGRADE = [sys.executable, "-m", "grader"]


def _refuse(token: str) -> Any:
    raise ValueError(f"not JSON: bare {token}")


def strict_loads(text: str) -> Any:
    """json.loads that rejects NaN, Infinity and -Infinity, as JSON.parse does."""
    return json.loads(text, parse_constant=_refuse)


def nonfinite_floats(tree: Any) -> list[float]:
    if isinstance(tree, float):
        return [] if math.isfinite(tree) else [tree]
    if isinstance(tree, dict):
        return [x for v in tree.values() for x in nonfinite_floats(v)]
    if isinstance(tree, (list, tuple)):
        return [x for v in tree for x in nonfinite_floats(v)]
    return []


def encoded_strings(tree: Any) -> set[str]:
    if isinstance(tree, str):
        return {tree} & {"NaN", "Infinity", "-Infinity"}
    if isinstance(tree, dict):
        return set().union(*map(encoded_strings, tree.values())) if tree else set()
    if isinstance(tree, list):
        return set().union(*map(encoded_strings, tree)) if tree else set()
    return set()


@pytest.fixture(scope="module")
def results() -> Results:
    from grader.judge.engine import Submission, grade

    graded = grade([Submission.from_dir(NAN_INF)], [SLUG], seed=1)[0]
    details = [c.detail for c in graded.checks]
    found = nonfinite_floats(details)
    assert any(math.isnan(x) for x in found) and any(math.isinf(x) for x in found), \
        "the fixture must carry NaN and infinities in its details"
    return graded


def test_the_strict_parser_rejects_what_python_writes_by_default():
    with pytest.raises(ValueError, match="bare NaN"):
        strict_loads(json.dumps({"got": float("nan")}))


def test_json_export_is_strict_and_reads_back(results):
    text = formats.to_json(results)
    doc = strict_loads(text)
    assert {"NaN", "Infinity"} <= encoded_strings(doc)
    back = Results.from_dict(doc)
    assert nonfinite_floats([c.detail for c in back.checks]) != []
    for before, after in zip(results.checks, back.checks):
        assert after.message == before.message
        assert repr(after.detail) == repr(before.detail)  # nan != nan, but reprs agree


def test_gradescope_export_is_strict(results):
    strict_loads(formats.to_gradescope_json(results))


def test_results_json_and_gradebook_are_strict(results, tmp_path):
    path = tmp_path / "nan_inf" / "results.json"
    write_json_atomic(path, results.to_dict())
    strict_loads(path.read_text())
    with Gradebook.in_folder(tmp_path) as book:
        book.store("nan_inf", str(NAN_INF), results, {SLUG: "h"})
        again = book.results_for("nan_inf")
    with sqlite3.connect(tmp_path / "gradebook.sqlite") as db:
        for (text,) in db.execute("SELECT result_json FROM exercise_results"):
            strict_loads(text)
    assert again is not None
    assert len(nonfinite_floats([c.detail for c in again.checks])) == \
        len(nonfinite_floats([c.detail for c in results.checks]))


def test_check_format_json_is_strict():
    proc = inprocess.calcgrade(["check", SLUG, "--submission", str(NAN_INF),
                                "--format", "json", "--seed", "1"])
    assert proc.returncode == 1, proc.stderr
    doc = strict_loads(proc.stdout)
    assert {"NaN", "Infinity"} <= encoded_strings(doc)


@pytest.mark.slow
def test_class_run_writes_strict_json(tmp_path):
    import shutil

    subs = tmp_path / "subs"
    shutil.copytree(NAN_INF, subs / "nan_inf")
    out = tmp_path / "out"
    proc = inprocess.calcgrade(["grade", str(subs), "--out", str(out), "--exercise",
                                SLUG, "--jobs", "1", "--isolation", "process", "--seed", "1",
                                "--report", "none"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = strict_loads((out / "nan_inf" / "results.json").read_text())
    assert {"NaN", "Infinity"} <= encoded_strings(doc)
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        for (text,) in db.execute("SELECT result_json FROM exercise_results"):
            strict_loads(text)


# -- the encoding itself ------------------------------------------------------------------

def test_encoding_round_trips_and_is_documented():
    from grader.judge import strict_json

    inf, nan = float("inf"), float("nan")
    tree = {"a": [1.0, inf, -inf, nan, (2, -inf)], "b": {"c": nan}, "d": "text", "e": None}
    encoded = strict_json.encode(tree)
    assert encoded == {"a": [1.0, "Infinity", "-Infinity", "NaN", [2, "-Infinity"]],
                       "b": {"c": "NaN"}, "d": "text", "e": None}
    assert strict_loads(strict_json.dumps(tree)) == encoded
    back = strict_json.decode(encoded)
    assert back["a"][1] == inf and back["a"][2] == -inf and math.isnan(back["a"][3])
    reports = (Path(__file__).parents[1] / "docs" / "reports.md").read_text()
    assert '"NaN"' in reports and '"-Infinity"' in reports


def test_only_numbers_and_details_are_decoded():
    """A message or printed output that reads "NaN" is text, not a number."""
    check = CheckResult(id=f"{SLUG}/f", exercise=SLUG, function="f", title="NaN",
                        status="failed", points=0.0, max_points=1.0, message="NaN",
                        output="Infinity", detail={"got": float("inf"), "expected": 1.0})
    res = Results(submission="NaN", seed=1, isolation="process",
                  exercises=[ExerciseResult(SLUG, "T", [check], output="-Infinity")])
    back = Results.from_dict(strict_loads(formats.to_json(res)))
    c = back.checks[0]
    assert (c.title, c.message, c.output) == ("NaN", "NaN", "Infinity")
    assert back.submission == "NaN" and back.exercises[0].output == "-Infinity"
    assert c.detail == {"got": float("inf"), "expected": 1.0}


def test_json_writers_refuse_bare_tokens_even_for_other_data(tmp_path):
    path = tmp_path / "x.json"
    write_json_atomic(path, {"v": float("-inf")})
    assert strict_loads(path.read_text()) == {"v": "-Infinity"}
