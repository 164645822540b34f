"""The mutation analysis report: text for authors, JSON (``calcgrade-mutants/1``) for machines.

Per exercise and per function: mutants, equivalent, killed, kill rate; every survivor
with its id, what changed and a unified diff of its function against the reference.
"""
from __future__ import annotations

import difflib
import json
from typing import Any

from grader.judge.mutants import ExerciseMutants, MutationReport, Outcome
from grader.judge.mutate import FD_HELPER

SCHEMA = "calcgrade-mutants/1"


def _pct(rate: float | None) -> str:
    return "   n/a" if rate is None else f"{100 * rate:5.1f}%"


def function_diff(outcome: Outcome, reference: str) -> str:
    """The unified diff of the mutant against the reference (file line numbers, two lines
    of context); the finite-difference helper a ``numdiff`` mutant appends is left out."""
    m = outcome.mutant
    source = m.source
    helper = source.find(f"\ndef {FD_HELPER}(")
    if helper >= 0:
        source = source[:helper].rstrip("\n") + "\n"
    lines = difflib.unified_diff(reference.splitlines(), source.splitlines(),
                                 f"reference/{m.slug}.py", f"mutant {m.id}", n=2, lineterm="")
    text = "\n".join(lines)
    if helper >= 0:
        text += f"\n(+ the finite-difference helper {FD_HELPER} appended to the file)"
    return text


def render_exercise(ex: ExerciseMutants, min_kill: float, reference: str) -> list[str]:
    if ex.error:
        return [f"{ex.slug}: ERROR: {ex.error}"]
    rate = ex.kill_rate()
    verdict = "ok" if rate is None or rate >= min_kill else f"BELOW {100 * min_kill:g}%"
    lines = [f"{ex.slug}: {ex.count('killed')}/{ex.total() - ex.count('equivalent')} killed "
             f"{_pct(rate).strip()} ({ex.total()} mutants, {ex.count('equivalent')} equivalent)"
             f"  {verdict}"]
    width = max([len(f) for f in ex.functions] + [8])
    for fn in ex.functions:
        if not ex.total(fn):
            continue
        live = ex.total(fn) - ex.count("equivalent", fn)
        eq = ex.count("equivalent", fn)
        lines.append(f"  {fn:<{width}}  {ex.count('killed', fn):>3}/{live:<3} {_pct(ex.kill_rate(fn))}"
                     + (f"  ({eq} equivalent)" if eq else ""))
    dropped = ", ".join(f"{n} {why}" for why, n in ex.dropped.items() if n)
    if dropped or ex.sampled_out:
        extra = [dropped] if dropped else []
        if ex.sampled_out:
            extra.append(f"{ex.sampled_out} left out by --max-per-function")
        lines.append(f"  not graded: {'; '.join(extra)}")
    for w in ex.warnings:
        lines.append(f"  warning: {w}")
    if ex.survivors:
        lines.append(f"  survivors ({len(ex.survivors)}):")
        for o in ex.survivors:
            lines.append(f"    {o.mutant.id}  line {o.mutant.line}: {o.mutant.description}")
            lines.extend("      " + d for d in function_diff(o, reference).splitlines())
    return lines


def summary_table(report: MutationReport) -> list[str]:
    """The per-exercise table (Markdown, as written into benchmarks/RESULTS.md)."""
    out = ["| exercise | mutants | equivalent | killed | kill rate |",
           "|---|---:|---:|---:|---:|"]
    for ex in report.exercises:
        out.append(f"| {ex.slug} | {ex.total()} | {ex.count('equivalent')} | "
                   f"{ex.count('killed')} | {_pct(ex.kill_rate()).strip()} |")
    total = sum(e.total() for e in report.exercises)
    eq = sum(e.count("equivalent") for e in report.exercises)
    killed = sum(e.count("killed") for e in report.exercises)
    rate = killed / (total - eq) if total - eq else None
    out.append(f"| **all** | {total} | {eq} | {killed} | {_pct(rate).strip()} |")
    return out


def to_json(report: MutationReport, references: dict[str, str]) -> str:
    doc: dict[str, Any] = {
        "schema": SCHEMA, "seed": report.seed, "min_kill": report.min_kill,
        "time_scale": report.time_scale, "ok": report.ok, "exercises": []}
    for ex in report.exercises:
        doc["exercises"].append({
            "slug": ex.slug, "mutants": ex.total(), "equivalent": ex.count("equivalent"),
            "killed": ex.count("killed"), "survived": ex.count("survived"),
            "kill_rate": ex.kill_rate(), "error": ex.error, "dropped": ex.dropped, "sampled_out": ex.sampled_out,
            "warnings": ex.warnings,
            "functions": {fn: {"mutants": ex.total(fn), "equivalent": ex.count("equivalent", fn),
                               "killed": ex.count("killed", fn), "kill_rate": ex.kill_rate(fn)}
                          for fn in ex.functions if ex.total(fn)},
            "results": [{"id": o.mutant.id, "function": o.mutant.function,
                         "operator": o.mutant.operator, "line": o.mutant.line,
                         "description": o.mutant.description, "status": o.status,
                         "killed_by": o.killed_by, "reason": o.reason,
                         **({"diff": function_diff(o, references[ex.slug])}
                            if o.status == "survived" else {})}
                        for o in ex.outcomes]})
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
