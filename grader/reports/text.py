"""Plain-text rendering of results for a terminal (what `calcgrade check` prints).

Three styles: ``full`` (every check; what failed, why), ``summary`` (only what is not
passing, each exercise's passes counted in its heading) and ``quiet`` (one line per
exercise, then the score). In every style an exercise whose file could not be imported
says so once, with the line of the file, functions not started yet share one line, and
every message names the student's own file (``exercises/01_derivative/solution.py``)
rather than the sandbox's copy.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Callable

from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.reports.source_excerpt import excerpt, line_number, name_file, tidy

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIME",
         "missing": "MISS", "not_implemented": "TODO", "recorded": "NOTE"}
STYLES = ("full", "summary", "quiet")
IMPORT_ERROR = "your solution.py could not be imported: "
NOT_FOUND = "solution.py not found"
WIDTH = 88

FileFor = Callable[[str], "tuple[str, Path | None]"]  # slug → (shown path, readable path)


def _pts(value: float) -> str:
    return f"{value:g}"


def render(results: Results, *, color: bool = False, verbose: bool = False,
           style: str = "full", files: FileFor | None = None,
           hints: dict[str, str] | None = None) -> str:
    """The terminal text of ``results``.

    ``files(slug) -> (shown, path)``: the student's file as they know it (shown in every
    message) and where to read it (for the offending line; None: not readable).
    ``hints``: check id → hint text, shown under each check that does not pass.
    """
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}")
    files = files or (lambda slug: ("solution.py", None))
    lines: list[str] = []
    if style == "quiet":
        width = max([len(ex.slug) for ex in results.exercises] or [0])
        for ex in results.exercises:
            lines.append(_quiet_line(ex, width, color, files))
    else:
        for ex in results.exercises:
            lines.extend(_exercise(ex, color=color, verbose=verbose, summary=style == "summary",
                                   files=files, hints=hints or {}))
            lines.append("")
    lines.extend(_totals(results, color, quiet=style == "quiet"))
    return "\n".join(lines)


# -- one exercise -------------------------------------------------------------------------

def _exercise(ex: ExerciseResult, *, color: bool, verbose: bool, summary: bool,
              files: FileFor, hints: dict[str, str]) -> list[str]:
    shown, path = files(ex.slug)
    passed = [c for c in ex.checks if c.passed]
    head = f"{ex.slug} — {ex.title}  [{_pts(ex.points)}/{_pts(ex.max_points)}]"
    if summary and ex.checks:
        head += f"  {len(passed)}/{len(ex.checks)} checks pass"
    lines = [head]
    if ex.variant:  # a per-student variant (grader.course.variants)
        code = ex.variant.get("code") or "none (the lesson's numbers)"
        lines.append(f"  your variant: {code}"
                     + (f" — {ex.variant['problem']}" if ex.variant.get("problem") else ""))
    whole = _whole_exercise(ex, shown, path, color)
    if whole is not None:
        lines += whole
        if all(c.kind == "code" for c in ex.checks):
            return lines
    todo = [c for c in ex.checks if c.status == "not_implemented" and c.kind == "code"
            and whole is None]
    unanswered = [c for c in ex.checks if c.status == "not_implemented" and c.kind != "code"]
    previous: dict[str, str] = {}  # function → last message shown (said once, not per case)
    shown_hints: set[str] = set()
    for c in ex.checks:
        if c.status == "not_implemented" or (summary and c.passed) or (
                whole is not None and c.kind == "code"):  # said once, above
            continue
        lines.append(_head(c, color))
        if c.passed and not verbose:
            continue
        text = c.title if c.passed else tidy(name_file(c.message, shown))
        if not c.passed and previous.get(c.function) == text:
            lines.append("        (the same as above)")
        else:
            lines.extend(_wrapped(text, "        "))
            if c.status == "error":
                lines.extend(printable(line) for line in
                             excerpt(path, line_number(c.message), indent="          "))
        if not c.passed:
            previous[c.function] = text
            lines.extend(_hint(hints.get(c.id, ""), text, shown_hints))
        if c.output and not c.passed:
            for line in c.output.strip().splitlines()[:3]:
                lines.append(f"        | {printable(line[:84])}")
    if todo:
        lines.extend(_not_started(todo, color, hints, shown_hints))
    if unanswered:  # concept questions (grader.judge.questions): one line, like the above
        names = ", ".join(c.function.removeprefix("q/") for c in unanswered)
        lines.extend(_wrapped(f"{len(unanswered)} question{'s' if len(unanswered) != 1 else ''} "
                              f"not answered yet in answers.toml: {names}  0/"
                              f"{_pts(sum(c.max_points for c in unanswered))}", "        "))
    for k in ex.kernels or []:  # check --bench: speed beside the reference, not graded
        text = f"speed  {k.get('kernel', '')} ({k.get('method', '')}): {k.get('summary', '')}"
        for n, line in enumerate(textwrap.wrap(text, width=WIDTH)):
            lines.append(("  " if n == 0 else "         ") + line)
    return lines


def _whole_exercise(ex: ExerciseResult, shown: str, path: Path | None,
                    color: bool) -> list[str] | None:
    """One entry for an exercise none of whose checks could run: no file, or a file that
    cannot be imported (the error and its line, once, not once per check)."""
    code = [c for c in ex.checks if c.kind == "code"]  # questions are judged apart
    if not code:
        return None
    messages = {c.message for c in code}
    statuses = {c.status for c in code}
    if len(messages) != 1:
        return None
    message = messages.pop()
    n = len(code)
    checks = f"{n} check{'s' if n != 1 else ''}"
    if statuses == {"missing"} and message == NOT_FOUND:
        return [f"  {_mark('missing', color)} {shown} not found, so none of its {checks} ran "
                f"(0/{_pts(sum(c.max_points for c in code))})"]
    if statuses == {"error"} and message.startswith(IMPORT_ERROR):
        error = tidy(message[len(IMPORT_ERROR):])
        lineno = line_number(error)
        lines = [f"  {_mark('error', color)} {shown} could not be imported, so none of its "
                 f"{checks} ran (0/{_pts(sum(c.max_points for c in code))}):"]
        lines.extend(_wrapped(_without_place(error), "        "))
        if lineno is not None:
            lines.append(f"        {shown}, line {lineno}:")
            syntax = error.startswith(("SyntaxError", "IndentationError", "TabError"))
            lines.extend(printable(line) for line in
                         excerpt(path, lineno, syntax=syntax, indent="          "))
        return lines
    return None


def _without_place(error: str) -> str:
    import re

    return re.sub(r"\s*\(solution\.py, line \d+(?:, in [^()\s]+)?\)", "", error).strip()


def _not_started(todo: list[CheckResult], color: bool, hints: dict[str, str],
                 shown_hints: set[str]) -> list[str]:
    functions = list(dict.fromkeys(c.function for c in todo))
    n = len(functions)
    points = sum(c.max_points for c in todo)
    lines = [f"  {_mark('not_implemented', color)} {n} function{'s' if n != 1 else ''} not "
             f"started: {', '.join(functions)}  0/{_pts(points)}"]
    for function in functions:
        hint = next((hints[c.id] for c in todo if c.function == function and hints.get(c.id)), "")
        if hint and hint not in shown_hints:
            shown_hints.add(hint)
            lines.extend(_wrapped(f"hint ({function}): {hint}", "        "))
    return lines


def _hint(hint: str, message: str, shown_hints: set[str]) -> list[str]:
    if not hint or hint in shown_hints or hint in message:
        return []
    shown_hints.add(hint)
    return _wrapped(f"hint: {hint}", "        ")


def _head(c: CheckResult, color: bool) -> str:
    return f"  {_mark(c.status, color)} {c.id}  {_pts(c.points)}/{_pts(c.max_points)}"


def _wrapped(text: str, indent: str) -> list[str]:
    return [indent + line for line in textwrap.wrap(printable(text), width=WIDTH)]


_CONTROL = dict.fromkeys([*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f, *range(0x80, 0xa0)],
                         "\N{REPLACEMENT CHARACTER}")


def printable(text: str) -> str:
    """``text`` without terminal control characters (a student's message or printed
    output could otherwise clear the screen or recolour what follows)."""
    return text.translate(_CONTROL)


# -- quiet and totals -----------------------------------------------------------------------

def _quiet_line(ex: ExerciseResult, width: int, color: bool, files: FileFor) -> str:
    shown, _ = files(ex.slug)
    counts: dict[str, int] = {}
    for c in ex.checks:
        counts[c.status] = counts.get(c.status, 0) + 1
    if _whole_exercise(ex, shown, None, False) is not None:
        status = "missing" if "missing" in counts else "error"
        lineno = line_number(ex.checks[0].message)
        state = f"{shown} not found" if status == "missing" else \
            f"{shown} could not be imported" + (f" (line {lineno})" if lineno else "")
    elif counts.get("passed") == len(ex.checks):
        status, state = "passed", f"all {len(ex.checks)} checks pass"
    else:
        status = next(s for s in ("failed", "error", "timeout", "missing", "not_implemented",
                                  "recorded") if counts.get(s))
        state = ", ".join(f"{counts[s]} {_WORDS[s]}" for s in MARKS if counts.get(s))
    pts = f"{_pts(ex.points)}/{_pts(ex.max_points)}"
    return f"{_mark(status, color)} {ex.slug:<{width}}  {pts:>7}  {state}"


_WORDS = {"passed": "pass", "failed": "fail", "error": "error", "timeout": "timed out",
          "missing": "missing", "not_implemented": "not started", "recorded": "recorded"}


def _totals(results: Results, color: bool, *, quiet: bool) -> list[str]:
    pct = 100.0 * results.points / results.max_points if results.max_points else 0.0
    score = f"Score: {_pts(results.points)}/{_pts(results.max_points)} ({pct:.0f}%)"
    if color:
        import click

        score = click.style(score, fg="green" if results.all_passed else None, bold=True)
    lines = [f"{score}  seed {results.seed}  isolation {results.isolation}  "
             f"{results.duration:.1f} s"]
    if not quiet:
        t = results.totals()
        summary = ", ".join(f"{t[s]} {s.replace('_', ' ')}" for s in MARKS if t.get(s))
        lines.append(f"Checks: {summary}")
    if not results.all_passed:
        lines.append(f"Reproduce with: --seed {results.seed}")
    return lines


def _mark(status: str, color: bool) -> str:
    mark = MARKS[status]
    return _paint(mark, status) if color else f"{mark:<5}"


def _paint(text: str, status: str) -> str:
    import click

    colour = {"passed": "green", "failed": "red", "error": "red", "timeout": "magenta",
              "missing": "yellow", "not_implemented": "yellow", "recorded": "cyan"}[status]
    return click.style(f"{text:<5}", fg=colour, bold=True)
