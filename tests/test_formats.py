"""Exports of results (JSON, JUnit, Gradescope, Markdown, CSV): golden files and schemas.

The fixed class of ``report_fixtures`` (one passing, one failing, one crashed student) is
rendered in every format and compared with ``tests/golden/``; regenerate after an
intended change with ``CALCGRADE_UPDATE_GOLDEN=1 pytest tests/test_formats.py`` and read
the diff. JUnit output is checked against the structure of Jenkins' ``junit-10.xsd`` and
Gradescope output against the autograder specification, both written out below; each
validator is shown to reject broken documents.
"""
from __future__ import annotations

import copy
import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from report_fixtures import HTML_MESSAGE, HTML_OUTPUT, alice, bob, carol, fixed_class

from grader.judge.results import Results
from grader.reports import formats

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CALCGRADE_UPDATE_GOLDEN") == "1"
STUDENTS = {"alice": alice, "bob": bob, "carol": carol}


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; create it with CALCGRADE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


# -- golden files -------------------------------------------------------------------------

@pytest.mark.parametrize("student", STUDENTS)
@pytest.mark.parametrize("fmt, suffix", [("json", "json"), ("junit", "junit.xml"),
                                         ("gradescope", "gradescope.json"), ("md", "md")])
def test_student_export_matches_golden(student: str, fmt: str, suffix: str) -> None:
    assert_golden(f"{student}.{suffix}", formats.STUDENT_FORMATS[fmt](STUDENTS[student]()))


@pytest.mark.parametrize("fmt, name", [("csv", "class.csv"), ("md", "class.md"),
                                       ("junit", "class.junit.xml")])
def test_class_export_matches_golden(fmt: str, name: str) -> None:
    assert_golden(name, formats.CLASS_FORMATS[fmt](fixed_class()))


@pytest.mark.parametrize("student", STUDENTS)
def test_json_export_round_trips(student: str) -> None:
    results = STUDENTS[student]()
    again = Results.from_dict(json.loads(formats.to_json(results)))
    assert again.to_dict() == results.to_dict()


# -- JUnit XML: the structure of junit-10.xsd ------------------------------------------------

SUREFIRE_TIME = re.compile(r"(([0-9]{0,3},)*[0-9]{3}|[0-9]{0,3})*(\.[0-9]*)?")
JUNIT_ELEMENTS: dict[str, dict[str, Any]] = {
    # element: required attributes, allowed attributes, allowed children
    "testsuites": {"required": set(), "allowed": {"name", "time", "tests", "failures", "errors"},
                   "children": {"testsuite"}},
    "testsuite": {"required": {"name", "tests", "failures", "errors"},
                  "allowed": {"name", "tests", "failures", "errors", "group", "time", "skipped",
                              "timestamp", "hostname", "id", "package", "file", "log", "url"},
                  "children": {"testsuite", "properties", "testcase", "system-out", "system-err"}},
    "properties": {"required": set(), "allowed": set(), "children": {"property"}},
    "property": {"required": {"name", "value"}, "allowed": {"name", "value"}, "children": set()},
    "testcase": {"required": {"name"}, "allowed": {"name", "time", "classname", "group"},
                 "children": {"skipped", "error", "failure", "rerunFailure", "rerunError",
                              "flakyFailure", "flakyError", "system-out", "system-err"}},
    "failure": {"required": set(), "allowed": {"type", "message"}, "children": set()},
    "error": {"required": set(), "allowed": {"type", "message"}, "children": set()},
    "skipped": {"required": set(), "allowed": {"type", "message"}, "children": set()},
    "system-out": {"required": set(), "allowed": set(), "children": set()},
    "system-err": {"required": set(), "allowed": set(), "children": set()},
}


def junit_problems(text: str) -> list[str]:
    """What in ``text`` breaks junit-10.xsd (plus: counts agree with the test cases)."""
    try:
        root = ET.fromstring(text.encode("utf-8"))
    except ET.ParseError as exc:
        return [f"not well-formed XML: {exc}"]
    problems = []
    if root.tag != "testsuites":
        problems.append(f"root element is <{root.tag}>, expected <testsuites>")

    def visit(el: ET.Element) -> None:
        rule = JUNIT_ELEMENTS.get(el.tag)
        if rule is None:
            problems.append(f"unknown element <{el.tag}>")
            return
        for attr in rule["required"] - set(el.attrib):
            problems.append(f"<{el.tag}> lacks required attribute {attr!r}")
        for attr in set(el.attrib) - rule["allowed"]:
            problems.append(f"<{el.tag}> has attribute {attr!r} the schema does not allow")
        if "time" in el.attrib and not SUREFIRE_TIME.fullmatch(el.attrib["time"]):
            problems.append(f"<{el.tag}> time {el.attrib['time']!r} is not a SUREFIRE_TIME")
        for child in el:
            if child.tag not in rule["children"]:
                problems.append(f"<{child.tag}> is not allowed inside <{el.tag}>")
            visit(child)
        if el.tag == "testsuite":
            cases = el.findall("testcase")
            for attr, count in (("tests", len(cases)),
                                ("failures", sum(c.find("failure") is not None for c in cases)),
                                ("errors", sum(c.find("error") is not None for c in cases))):
                if el.get(attr, "").isdigit() and int(el.get(attr, "")) != count:
                    problems.append(f"testsuite {el.get('name')!r}: {attr}={el.get(attr)} but "
                                    f"{count} found")

    visit(root)
    return problems


@pytest.mark.parametrize("which", ["alice", "bob", "carol", "class"])
def test_junit_is_valid(which: str) -> None:
    results = fixed_class() if which == "class" else STUDENTS[which]()
    assert junit_problems(formats.to_junit(results)) == []


def _break_junit(text: str, how: str) -> str:
    root = ET.fromstring(text.encode())
    suite = root.find("testsuite")
    case = suite.find("testcase")
    if how == "testcase without name":
        del case.attrib["name"]
    elif how == "wrong failure count":
        suite.set("failures", "99")
    elif how == "attribute not in schema":
        case.set("status", "failed")
    elif how == "bad time":
        suite.set("time", "1.5s")
    elif how == "unknown element":
        ET.SubElement(case, "stdout")
    return ET.tostring(root, encoding="unicode")


@pytest.mark.parametrize("how", ["testcase without name", "wrong failure count",
                                 "attribute not in schema", "bad time", "unknown element"])
def test_junit_checker_rejects_broken_documents(how: str) -> None:
    assert junit_problems(_break_junit(formats.to_junit(bob()), how))
    assert junit_problems("<testsuites><testsuite") != []


def test_junit_reports_statuses_as_failures_and_errors() -> None:
    root = ET.fromstring(formats.to_junit(carol()).encode())
    kinds = {c.get("name"): [k.tag for k in c if k.tag in ("failure", "error")]
             for c in root.iter("testcase")}
    assert kinds["rate_of_change/polynomial: numerical derivative of a hidden polynomial "
                 "function"] == ["error"]  # crashed
    assert kinds["rate_of_change/trig: numerical derivative of a hidden trig function"] == ["error"]
    assert kinds["antiderivative: an antiderivative of 3x² − 4x"] == ["failure"]  # missing


def test_junit_replaces_control_characters_a_student_printed() -> None:
    text = formats.to_junit(carol())
    ET.fromstring(text.encode())  # \x00 and \x1b would make it unreadable
    assert "\x00" not in text and "\x1b" not in text and "\ufffd[31mloading" in text


# -- Gradescope: the autograder specification ----------------------------------------------

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}
FORMATS = {"text", "html", "simple_format", "md", "ansi"}
GS_TOP = {"score": (int, float), "execution_time": (int, float), "output": str,
          "output_format": str, "test_output_format": str, "test_name_format": str,
          "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list,
          "leaderboard": list}
GS_TEST = {"score": (int, float), "max_score": (int, float), "status": str, "name": str,
           "name_format": str, "number": str, "output": str, "output_format": str,
           "tags": list, "visibility": str, "extra_data": dict}


def gradescope_problems(doc: Any) -> list[str]:
    """What in ``doc`` breaks Gradescope's results.json specification."""
    if not isinstance(doc, dict):
        return ["results.json must be an object"]
    problems = [f"unknown top-level key {k!r}" for k in doc if k not in GS_TOP]
    problems += [f"{k!r} should be {GS_TOP[k]}" for k, v in doc.items()
                 if k in GS_TOP and (not isinstance(v, GS_TOP[k]) or isinstance(v, bool))]
    for key in ("visibility", "stdout_visibility"):
        if key in doc and doc[key] not in VISIBILITY:
            problems.append(f"{key} {doc[key]!r} is not one of {sorted(VISIBILITY)}")
    for key in ("output_format", "test_output_format", "test_name_format"):
        if key in doc and doc[key] not in FORMATS:
            problems.append(f"{key} {doc[key]!r} is not one of {sorted(FORMATS)}")
    tests = doc.get("tests", [])
    if "score" not in doc and (not tests or any("score" not in t for t in tests if isinstance(t, dict))):
        problems.append("a score is required at the top level or on every test")
    for i, t in enumerate(tests if isinstance(tests, list) else []):
        if not isinstance(t, dict):
            problems.append(f"tests[{i}] must be an object")
            continue
        problems += [f"tests[{i}]: unknown key {k!r}" for k in t if k not in GS_TEST]
        problems += [f"tests[{i}].{k} should be {GS_TEST[k]}" for k, v in t.items()
                     if k in GS_TEST and (not isinstance(v, GS_TEST[k]) or isinstance(v, bool))]
        if "status" in t and t["status"] not in ("passed", "failed"):
            problems.append(f"tests[{i}].status {t['status']!r} is not passed/failed")
        if t.get("visibility", "visible") not in VISIBILITY:
            problems.append(f"tests[{i}].visibility {t['visibility']!r} is not allowed")
        if not all(isinstance(tag, str) for tag in t.get("tags", [])):
            problems.append(f"tests[{i}].tags must be strings")
    return problems


@pytest.mark.parametrize("student", STUDENTS)
def test_gradescope_is_valid(student: str) -> None:
    results = STUDENTS[student]()
    doc = formats.to_gradescope(results)
    assert gradescope_problems(doc) == []
    assert doc["score"] == sum(t["score"] for t in doc["tests"]) == results.points
    assert sum(t["max_score"] for t in doc["tests"]) == results.max_points
    assert len({t["number"] for t in doc["tests"]}) == len(doc["tests"])


@pytest.mark.parametrize("breakage", [
    lambda d: d["tests"][0].update(status="error"),
    lambda d: d.update(visibility="public"),
    lambda d: d.update(max_score=10),
    lambda d: d["tests"][0].update(number=1.1),
    lambda d: d["tests"][0].update(points=1),
    lambda d: [d.pop("score"), d["tests"][0].pop("score")],
    lambda d: d.update(tests="all"),
])
def test_gradescope_checker_rejects_broken_documents(breakage) -> None:
    doc = copy.deepcopy(formats.to_gradescope(bob()))
    breakage(doc)
    assert gradescope_problems(doc)


def test_gradescope_keeps_calcgrade_status_in_tags_and_output() -> None:
    tests = formats.to_gradescope(carol())["tests"]
    crashed = tests[1]
    assert crashed["status"] == "failed" and crashed["tags"] == ["01_derivative", "error"]
    assert crashed["output"].startswith("[error] your code crashed")
    assert [t["number"] for t in tests[:2]] == ["1.1", "1.2"]
    assert tests[4]["number"] == "2.1"


# -- Markdown and CSV -------------------------------------------------------------------------

def test_markdown_shows_student_html_as_text() -> None:
    text = formats.to_markdown(bob())
    outside_fences = re.sub(r"```text\n.*?\n  ```", "", text, flags=re.S)
    assert "<" not in outside_fences and ">" not in outside_fences.replace("> ", "")
    assert "&lt;img src=x onerror=\"alert(1)\"&gt;" in text  # message: escaped inline
    assert "```text\n  expected: [1.0, 2.0, 4.0, 8.0]" in text
    assert "  <script>alert('printed')</script>\n  ```" in text  # output: literal, fenced


def test_markdown_fence_outgrows_backticks_in_the_output() -> None:
    results = bob()
    results.exercises[0].checks[1].output = "```\nnot the end\n"
    text = formats.to_markdown(results)
    assert "````text" in text


def test_markdown_says_when_everything_passed() -> None:
    assert "All checks passed." in formats.to_markdown(alice())
    assert "All checks passed." not in formats.to_markdown(bob())


def test_csv_leaves_ungraded_exercise_empty_and_neutralises_formulas() -> None:
    odd = alice()
    odd.submission = "=HYPERLINK(\"http://x\")"
    odd.exercises = odd.exercises[:1]
    lines = formats.to_csv([bob(), odd]).splitlines()
    assert lines[0] == "student,01_derivative,02_antiderivative,total"
    assert lines[1] == "bob,1,0,1"
    assert lines[2] == '"\'=HYPERLINK(""http://x"")",5,,5'


def test_messages_with_html_survive_every_export() -> None:
    for fmt in ("json", "junit", "gradescope"):
        text = formats.STUDENT_FORMATS[fmt](bob())
        decoded = (json.loads(text) if fmt != "junit"
                   else [el.get("message") for el in ET.fromstring(text.encode()).iter("error")])
        assert HTML_MESSAGE in json.dumps(decoded, ensure_ascii=False).replace('\\"', '"'), fmt
    assert HTML_OUTPUT.strip() in json.loads(formats.to_gradescope_json(bob()))["tests"][1]["output"]


def test_csv_gives_each_students_variant_code_when_an_exercise_has_variants() -> None:
    ada, lesson = alice(), bob()
    ada.exercises[0].variant = {"code": "ADAADAADA2"}
    lesson.exercises[0].variant = {"code": None, "problem": "no variant.toml"}
    lines = formats.to_csv([ada, lesson]).splitlines()
    assert lines[0] == "student,01_derivative,02_antiderivative,total,variant 01_derivative"
    assert lines[1].endswith(",ADAADAADA2") and lines[2].endswith(",1,") and "None" not in lines[2]
    assert "variant" not in formats.to_csv([bob()]).splitlines()[0]  # none: no column
