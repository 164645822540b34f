"""Machine-readable exports of results: JSON, JUnit XML, Gradescope, Markdown, CSV.

Each writer is a pure function of :class:`~grader.judge.results.Results` (or a list of them, for
a class) returning text, so ``calcgrade check``, ``grade`` and ``report`` share them and the
golden-file tests pin them down. Nothing here imports NumPy or matplotlib.

* ``json`` — the results document itself (schema v1, see ``results.py``), strict JSON:
  NaN and infinities are the strings "NaN", "Infinity", "-Infinity" (``strict_json``).
* ``junit`` — one ``<testsuite>`` per exercise, one ``<testcase>`` per check, following
  the structure of Jenkins' ``junit-10.xsd`` that CI servers read.
* ``gradescope`` — ``results.json`` of Gradescope's autograder specification.
* ``md`` — a Markdown summary for a CI job summary (``$GITHUB_STEP_SUMMARY``).
* ``csv`` — the class gradebook: one row per student, one column per exercise, the total.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from typing import Any, Sequence

from grader.course.spec import GRADESCOPE_VISIBILITY
from grader.judge import strict_json
from grader.judge.results import CheckResult, Results
from grader.reports.stats import ClassSummary, student_name, summarise

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # all but tab, newline, CR
STATUS_MARK = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️", "missing": "❔",
               "not_implemented": "🚧"}
OUTPUT_LIMIT = 2000  # characters of a check's captured output copied into an export


def pts(value: float) -> str:
    """Points as people write them: 2, 2.5, 0.333333; "—" for a value that is not a
    number (a corrupt results file), never "nan"."""
    if not math.isfinite(value):
        return "—"
    return f"{round(value, 6):g}"


def csv_pts(value: float) -> str:
    """Points in a CSV cell an LMS imports: as :func:`pts`, empty when not a number."""
    return pts(value) if math.isfinite(value) else ""


def _pct1(value: float) -> str:
    return f"{value:.1f}%" if math.isfinite(value) else "—"


# -- shared text ----------------------------------------------------------------------

def absent(value: Any) -> bool:
    """A detail recorded without a value (None: JSON null). An expected or got value
    that is absent is shown as "—"; any other absent detail is left out."""
    return value is None


def show(value: Any) -> str:
    """A detail value (expected, got, counter-example …) as one readable text block;
    an absent value (None) is "—", never "null" or "None"."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, list) and value and all(isinstance(r, list) for r in value):
        return "\n".join(json.dumps(r, ensure_ascii=False) for r in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={show(v)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False)


def detail_lines(check: CheckResult) -> list[str]:
    """Expected/got and the other recorded details of a check that did not pass."""
    if check.passed or not check.detail:
        return []
    lines = []
    for key in ("expected", "got"):
        if key in check.detail and not absent(check.detail[key]):
            text = show(check.detail[key])
            lines.append(f"{key}:" + ("\n" + text if "\n" in text else " " + text))
    for key, value in check.detail.items():
        if key not in ("expected", "got") and not absent(value):
            lines.append(f"{key.replace('_', ' ')}: {show(value)}")
    return lines


def printed(output: str) -> str:
    """What a student's code printed, cut to size, control characters made visible-safe."""
    cut = output[:OUTPUT_LIMIT] + (" … (cut)" if len(output) > OUTPUT_LIMIT else "")
    return _CONTROL.sub("\ufffd", cut).rstrip("\n")


def check_text(check: CheckResult) -> str:
    """Everything a reader of a plain-text export needs about one check."""
    parts = [check.message or check.title, *detail_lines(check)]
    if check.output and not check.passed:
        parts.append("your code printed:\n" + printed(check.output))
    return "\n".join(parts)


# -- JSON -------------------------------------------------------------------------------

def to_json(results: Results) -> str:
    """The results document, strict JSON (NaN/infinities as strings, see strict_json)."""
    return strict_json.dumps(results.to_dict(), indent=2)


# -- JUnit XML --------------------------------------------------------------------------

_XML_BAD = re.compile("[^\x09\x0a\x0d\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_JUNIT_KIND = {"failed": "failure", "missing": "failure", "not_implemented": "failure",
               "error": "error", "timeout": "error"}


def _x(text: str) -> str:
    """Text XML 1.0 can carry: control characters a student printed become U+FFFD."""
    return _XML_BAD.sub("\ufffd", text)


def _timestamp(created: str) -> str:
    """ISO 8601 without a zone (JUnit's xs:dateTime pattern), in UTC."""
    try:
        moment = _dt.datetime.fromisoformat(created)
    except ValueError:
        return created[:19]
    if moment.tzinfo is not None:
        moment = moment.astimezone(_dt.timezone.utc).replace(tzinfo=None)
    return moment.isoformat(timespec="seconds")


def to_junit(results: Results | Sequence[Results]) -> str:
    """JUnit XML: a testsuite per exercise (per student and exercise for a class)."""
    many = not isinstance(results, Results)
    batch = list(results) if many else [results]  # type: ignore[arg-type]
    root = ET.Element("testsuites", name="calcgrade")
    n_tests = n_fail = n_err = 0
    total_time = 0.0
    suite_id = 0
    for res in batch:
        who = student_name(res)
        for ex in res.exercises:
            suite_name = f"{who}/{ex.slug}" if many else ex.slug
            fails = sum(_JUNIT_KIND.get(c.status) == "failure" for c in ex.checks)
            errors = sum(_JUNIT_KIND.get(c.status) == "error" for c in ex.checks)
            time = sum(c.duration for c in ex.checks)
            suite = ET.SubElement(root, "testsuite", name=_x(suite_name), tests=str(len(ex.checks)),
                                  failures=str(fails), errors=str(errors), skipped="0",
                                  time=f"{time:.3f}", timestamp=_timestamp(res.created),
                                  hostname="calcgrade", id=str(suite_id),
                                  package=_x(f"{who}.{ex.slug}" if many else ex.slug))
            props = ET.SubElement(suite, "properties")
            for name, value in (("title", ex.title), ("submission", res.submission),
                                ("seed", res.seed), ("points", pts(ex.points)),
                                ("max_points", pts(ex.max_points)),
                                ("grader_version", res.grader_version)):
                ET.SubElement(props, "property", name=name, value=_x(str(value)))
            for c in ex.checks:
                case = ET.SubElement(suite, "testcase", name=_x(_case_name(c)),
                                     classname=_x(suite_name.replace("/", ".")),
                                     time=f"{c.duration:.3f}")
                kind = _JUNIT_KIND.get(c.status)
                if kind:
                    bad = ET.SubElement(case, kind, message=_x(c.message or c.status), type=c.status)
                    bad.text = _x(f"{pts(c.points)}/{pts(c.max_points)} points\n{check_text(c)}")
                if c.output:
                    ET.SubElement(case, "system-out").text = _x(c.output[:OUTPUT_LIMIT])
            out = ET.SubElement(suite, "system-out")
            out.text = _x(ex.output[:OUTPUT_LIMIT]) if ex.output else None
            ET.SubElement(suite, "system-err")
            suite_id += 1
            n_tests += len(ex.checks)
            n_fail += fails
            n_err += errors
            total_time += time
    root.set("tests", str(n_tests))
    root.set("failures", str(n_fail))
    root.set("errors", str(n_err))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _case_name(check: CheckResult) -> str:
    rest = check.id.split("/", 1)[-1]
    return f"{rest}: {check.title}"


# -- Gradescope -------------------------------------------------------------------------

def to_gradescope(results: Results) -> dict[str, Any]:
    """Gradescope's ``results.json``: one test per check, statuses passed/failed.

    Gradescope knows only ``passed``/``failed``; calcgrade's own status (error, timeout,
    missing …) is kept in the test's tags and at the head of its output.
    """
    tests = []
    for k_ex, ex in enumerate(results.exercises, 1):
        major = _number_prefix(ex.slug, k_ex)
        for k, c in enumerate(ex.checks, 1):
            output = check_text(c) if c.status in ("passed", "failed") else f"[{c.status}] {check_text(c)}"
            tests.append({"name": f"{c.id}: {c.title}", "number": f"{major}.{k}",
                          "score": round(c.points, 6), "max_score": round(c.max_points, 6),
                          "status": "passed" if c.passed else "failed", "output": output,
                          "tags": [ex.slug, c.status],
                          "visibility": GRADESCOPE_VISIBILITY.get(c.visibility, "hidden")})
    return {
        "score": round(results.points, 6),
        "execution_time": round(results.duration),
        "output": (f"calcgrade {results.grader_version}: {pts(results.points)}/"
                   f"{pts(results.max_points)} points. Reproduce with --seed {results.seed}."),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"max_score": round(results.max_points, 6), "seed": results.seed,
                       "grader_version": results.grader_version,
                       "isolation": results.isolation, "created": results.created},
    }


def _number_prefix(slug: str, index: int) -> int:
    """``01_derivative`` → 1: Gradescope numbers follow the course's exercise numbers."""
    head = slug.split("_", 1)[0]
    return int(head) if head.isdigit() else index


def to_gradescope_json(results: Results) -> str:
    return strict_json.dumps(to_gradescope(results), indent=2, ensure_ascii=False)


# -- Markdown ---------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md(text: str) -> str:
    """Inline Markdown text: HTML and Markdown syntax a student wrote show literally."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"


def to_markdown(results: Results) -> str:
    """A student's results for a CI job summary: score, table of exercises, failures."""
    pct = 100.0 * results.points / results.max_points if results.max_points else 0.0
    lines = [f"## calcgrade: {pts(results.points)}/{pts(results.max_points)} points ({pct:.0f}%)",
             "",
             f"Submission `{md(student_name(results))}` · seed {results.seed} · calcgrade "
             f"{md(results.grader_version)} · {md(results.created)}",
             "",
             "| Exercise | Points | Checks passed |",
             "| --- | ---: | ---: |"]
    for ex in results.exercises:
        passed = sum(c.passed for c in ex.checks)
        mark = "✅" if passed == len(ex.checks) else "❌"
        lines.append(f"| {mark} {md(ex.slug)}: {md(ex.title)} | {pts(ex.points)}/"
                     f"{pts(ex.max_points)} | {passed}/{len(ex.checks)} |")
    failing = [c for c in results.checks if not c.passed]
    lines.append("")
    if not failing:
        lines.append("All checks passed.")
        return "\n".join(lines + _scope(results)) + "\n"
    lines += [f"### Checks to fix ({len(failing)})", ""]
    for c in failing:
        lines.append(f"- {STATUS_MARK.get(c.status, '❌')} **{md(c.id)}** "
                     f"({pts(c.points)}/{pts(c.max_points)}, {c.status.replace('_', ' ')}): "
                     f"{md(c.message or c.title)}")
        extra = detail_lines(c)
        if c.output:
            extra.append("your code printed:\n" + printed(c.output))
        if extra:
            body = _fence("\n".join(extra)).replace("\n", "\n  ")
            lines += ["", f"  {body}", ""]
    lines += ["", f"Reproduce with `calcgrade check --seed {results.seed}`."]
    return "\n".join(lines + _scope(results)) + "\n"


def _scope(results: Results) -> list[str]:
    """Public and hidden checks and the spec fingerprint (student bundle only)."""
    from grader.reports.scope import scope_lines

    scope = scope_lines(results)
    return ["", *(md(line) for line in scope)] if scope else []


def class_markdown(results: Sequence[Results], summary: ClassSummary | None = None,
                   top: int = 10) -> str:
    """A class's results in Markdown: score statistics, pass rates, common mistakes."""
    s = summary or summarise(results)
    st = s.score_stats()
    lines = [f"## calcgrade class summary: {len(s.students)} students", "",
             f"Mean {_pct1(st['mean'])} · median {_pct1(st['median'])} · lowest "
             f"{_pct1(st['min'])} · highest {_pct1(st['max'])}", "",
             "Students per exercise with at least one check in each outcome:", "",
             "| Exercise | Mean points | Full marks | Error | Timeout | Missing | Not implemented |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for e in s.exercises:
        n = e.students_with
        mean = f"{e.mean_points:.2f}" if math.isfinite(e.mean_points) else "—"
        lines.append(f"| {md(e.slug)}: {md(e.title)} | {mean}/{pts(e.max_points)}"
                     f" | {e.full_marks} | {n.get('error', 0)} | {n.get('timeout', 0)}"
                     f" | {n.get('missing', 0)} | {n.get('not_implemented', 0)} |")
    lines += ["", "### Pass rate per check", "", "| Check | Passed | Rate |",
              "| --- | ---: | ---: |"]
    for r in s.checks:
        lines.append(f"| {md(r.id)} | {r.passed}/{r.graded} | {r.rate:.0f}% |")
    if s.mistakes:
        lines += ["", "### Most frequent catalogued mistakes", "",
                  "| Students | Exercise | Mistake | Message |", "| ---: | --- | --- | --- |"]
        for m in s.mistakes[:top]:
            lines.append(f"| {m.students} | {md(m.exercise)} | {md(m.mistake)} | {md(m.message)} |")
    lines += ["", "### Students", "", "| Student | " + " | ".join(md(x) for x in s.slugs) + " | Total |",
              "| --- | " + " | ".join("---:" for _ in s.slugs) + " | ---: |"]
    for row in s.students:
        cells = [pts(row.by_exercise[x][0]) if x in row.by_exercise else "–" for x in s.slugs]
        lines.append(f"| {md(row.name)} | " + " | ".join(cells)
                     + f" | {pts(row.points)}/{pts(row.max_points)} |")
    return "\n".join(lines) + "\n"


# -- CSV gradebook ----------------------------------------------------------------------

def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in a name (=, +, -, @ at the start, also after
    spaces: a spreadsheet that trims cells on import would read `` =1+1`` as a formula)."""
    first = text.lstrip(" \u00a0")[:1]
    return "'" + text if first in ("=", "+", "-", "@", "\t", "\r", "\n") else text


def to_csv(results: Sequence[Results], summary: ClassSummary | None = None) -> str:
    """The gradebook an LMS imports: ``student,<slug>…,total``, one row per student.

    An exercise a student was not graded on is an empty cell (not a zero). When some
    exercise was graded with per-student variants, a ``variant <slug>`` column after the
    total gives each student's code (empty: the lesson's numbers).
    """
    s = summary or summarise(results)
    codes = {r.submission: {ex.slug: str(ex.variant.get("code") or "")
                            for ex in r.exercises if ex.variant} for r in results}
    varied = [x for x in s.slugs if any(c.get(x) for c in codes.values())]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["student", *s.slugs, "total", *[f"variant {x}" for x in varied]])
    for row in s.students:
        mine = codes.get(row.name, {})
        writer.writerow([_cell(row.name),
                         *[csv_pts(row.by_exercise[x][0]) if x in row.by_exercise else ""
                           for x in s.slugs],
                         csv_pts(row.points), *[mine.get(x, "") for x in varied]])
    return buf.getvalue()


STUDENT_FORMATS = {"json": to_json, "junit": to_junit, "gradescope": to_gradescope_json,
                   "md": to_markdown}
CLASS_FORMATS = {"csv": to_csv, "md": class_markdown, "junit": to_junit}
