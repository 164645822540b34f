"""Where in a student's file an error is, and that line of it with a caret under the spot.

The sandbox reports an error's place as text (``(solution.py, line 44)``, see
:func:`grader.sandbox.child.describe_exception`). The terminal output of ``check`` turns
that into the student's own path and shows the line itself. The file is only read (and,
for a syntax error's column, parsed to an AST: nothing of it runs); anything unreadable
shows no excerpt.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

# "(solution.py, line 44)" or "(solution.py, line 12, in rate_of_change)"
PLACE = re.compile(r"\(solution\.py, line (\d+)((?:, in [^()\s]+)?)\)")
PARSE_LIMIT_BYTES = 1 << 20  # larger files are not parsed for a caret


def tidy(message: str) -> str:
    """The message without a place said twice in a row (``SyntaxError`` puts its own
    ``(solution.py, line N)`` in its text, and the sandbox adds the same again)."""
    return re.sub(r"(\s*\(solution\.py, line \d+(?:, in [^()\s]+)?\))(?:\1)+", r"\1", message)


def name_file(message: str, shown: str) -> str:
    """``solution.py`` in the sandbox's words → the student's own path (``shown``)."""
    if not shown or shown == "solution.py":
        return message
    return re.sub(r"(?<![\w/.\\-])solution\.py\b", lambda m: shown, message)


def line_number(message: str) -> int | None:
    """The line of ``solution.py`` the message points at (the last place named)."""
    found = PLACE.findall(message)
    return int(found[-1][0]) if found else None


def excerpt(path: Path | None, lineno: int | None, *, syntax: bool = False,
            indent: str = "") -> list[str]:
    """Line ``lineno`` of ``path`` as ``  44 | code``, and for a syntax error a caret
    under the column Python's parser names (when it names one on that line)."""
    if path is None or lineno is None or lineno < 1:
        return []
    try:
        data = path.read_bytes()
    except OSError:
        return []
    text = data.decode("utf-8-sig", "replace")  # a BOM is not part of line 1
    lines = text.splitlines()
    if lineno > len(lines):
        return []
    raw = lines[lineno - 1].rstrip()
    source = raw.expandtabs(4)
    if len(source) > 100:
        source = source[:100] + "…"
    number = str(lineno)
    out = [f"{indent}{number} | {source}"]
    span = _syntax_span(text, lineno) if syntax and len(data) <= PARSE_LIMIT_BYTES else None
    if span is not None and 0 < span[0] <= len(raw) + 1:
        at = len(raw[:span[0] - 1].expandtabs(4))
        end = len(raw[:max(span[1], span[0] + 1) - 1].expandtabs(4))
        if at <= len(source):
            width = max(1, min(end, len(source)) - at)
            out.append(f"{indent}{' ' * len(number)} | {' ' * at}{'^' * width}")
    return out


def _syntax_span(text: str, lineno: int) -> tuple[int, int] | None:
    """The 1-based columns (start, end) Python's parser marks for the file's syntax
    error, when it is on ``lineno`` (parsing only, nothing runs)."""
    try:
        ast.parse(text, filename="solution.py")
    except SyntaxError as exc:
        if exc.lineno == lineno and exc.offset:
            same_line = exc.end_lineno in (None, lineno) and exc.end_offset
            return int(exc.offset), int(exc.end_offset) if same_line else int(exc.offset) + 1
        return None
    except (ValueError, RecursionError, MemoryError):
        return None
    return None
