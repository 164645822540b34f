"""Does a folder give away a reference? The release's last step, and the tests' check.

Every function body of every ``reference/*.py`` (nested functions and methods included,
docstrings left out) is looked for, whitespace-insensitively, in every text file of the
folder. Skipped, as they give nothing away: a body identical to the stub's body of the
same function (``raise NotImplementedError``) or written out in the exercise's statement
(its README or stub, e.g. a sigmoid helper the task gives); and a body of a reference
*helper* (a function the stub does not define) where an exercise's ``checks.py`` has the
same formula because the judge needs it (a test function, a loss). A body of a function
the student writes is a leak anywhere. Every Python module is also parsed for an import
of a module named ``reference``, and no ``reference/`` folder may be there at all.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

_SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def function_bodies(path: Path) -> dict[str, list[str]]:
    """Function name → the source of its bodies (without a leading docstring)."""
    source = path.read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            body = list(node.body)
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]
            if not body:
                continue
            lines = source.splitlines()[body[0].lineno - 1:body[-1].end_lineno]
            text = "\n".join(lines)
            out.setdefault(node.name, []).append(_normal(text))
    return out


def reference_bodies(reference: Path, exercises: Path) -> list[tuple[str, str, bool]]:
    """(where, normalised body, whether the student writes that function) of every
    reference function body that the exercise's statement does not already give."""
    found = []
    for ref in sorted(reference.glob("*.py")):
        stub = exercises / ref.stem / "solution.py"
        stub_bodies = function_bodies(stub) if stub.is_file() else {}
        statement = " ".join(_normal(p.read_text(encoding="utf-8"))
                             for p in (stub, exercises / ref.stem / "README.md") if p.is_file())
        for name, bodies in function_bodies(ref).items():
            for body in bodies:
                if body in stub_bodies.get(name, []) or body in statement:
                    continue
                found.append((f"{ref.name}:{name}", body, name in stub_bodies))
    return found


def imports_reference(path: Path) -> bool:
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (SyntaxError, UnicodeDecodeError, ValueError):
        return False
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
        if any(part == "reference" for n in names for part in n.split(".")):
            return True
    return False


def find_leaks(folder: Path, reference: Path, exercises: Path) -> list[str]:
    """What in ``folder`` gives a reference away (empty: nothing)."""
    leaks = [f"{p.relative_to(folder)}: a reference folder" for p in folder.rglob("reference")
             if p.is_dir()]
    bodies = reference_bodies(reference, exercises)
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.stat().st_size > 4_000_000:
            continue
        try:
            text = _normal(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, OSError):
            continue
        rel = path.relative_to(folder)
        in_checks = rel.parts[:1] == ("exercises",) and rel.name == "checks.py"
        for where, body, api in bodies:
            if body in text and (api or not in_checks):
                leaks.append(f"{rel}: contains the body of {where}")
        if path.suffix == ".py" and imports_reference(path):
            leaks.append(f"{rel}: imports a module named reference")
    return leaks
