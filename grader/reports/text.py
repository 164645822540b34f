"""Plain-text rendering of results for a terminal (what `calcgrade check` prints)."""
from __future__ import annotations

import textwrap

from grader.judge.results import Results

MARKS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "timeout": "TIME",
         "missing": "MISS", "not_implemented": "TODO"}


def _pts(value: float) -> str:
    return f"{value:g}"


def render(results: Results, *, color: bool = False, verbose: bool = False) -> str:
    lines: list[str] = []
    for ex in results.exercises:
        lines.append(f"{ex.slug} — {ex.title}  [{_pts(ex.points)}/{_pts(ex.max_points)}]")
        for c in ex.checks:
            mark = MARKS[c.status]
            if color:
                mark = _paint(mark, c.status)
            head = f"  {mark:<5} {c.id}  {_pts(c.points)}/{_pts(c.max_points)}"
            lines.append(head)
            if c.status != "passed" or verbose:
                text = c.message if c.status != "passed" else c.title
                for line in textwrap.wrap(text, width=88) or []:
                    lines.append(f"        {line}")
                if c.output and c.status != "passed":
                    first = c.output.strip().splitlines()[:3]
                    for line in first:
                        lines.append(f"        | {line[:84]}")
        for k in ex.kernels or []:  # check --bench: speed beside the reference, not graded
            text = f"speed  {k.get('kernel', '')} ({k.get('method', '')}): {k.get('summary', '')}"
            for n, line in enumerate(textwrap.wrap(text, width=88)):
                lines.append(("  " if n == 0 else "         ") + line)
        lines.append("")
    pct = 100.0 * results.points / results.max_points if results.max_points else 0.0
    lines.append(f"Score: {_pts(results.points)}/{_pts(results.max_points)} ({pct:.0f}%)  "
                 f"seed {results.seed}  isolation {results.isolation}  "
                 f"{results.duration:.1f} s")
    t = results.totals()
    summary = ", ".join(f"{t[s]} {s.replace('_', ' ')}" for s in MARKS if t[s])
    lines.append(f"Checks: {summary}")
    if not results.all_passed:
        lines.append(f"Reproduce with: --seed {results.seed}")
    return "\n".join(lines)


def _paint(text: str, status: str) -> str:
    import click

    colour = {"passed": "green", "failed": "red", "error": "red", "timeout": "magenta",
              "missing": "yellow", "not_implemented": "yellow"}[status]
    return click.style(f"{text:<5}", fg=colour, bold=True)
