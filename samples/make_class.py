"""Build the sample class: ``samples/class/<student>/<slug>/solution.py`` (and two zips).

Run it again whenever exercises land or change (``python samples/make_class.py``); the
output is deterministic, so it can be committed. It covers every exercise that has
checks (``grader.course.spec.all_slugs()``), built from the course itself:

* ``ada_perfect``      the reference solutions (full marks);
* ``ben_partial``      the reference with every second function left as the stub's
                       ``raise NotImplementedError``;
* ``cho_mistakes`` …   the reference with one catalogued mistake per exercise appended
  ``eva_mistakes``     (``reference/mistakes/<slug>/``), a different one per student;
* ``fin_alternative``  an equivalent-but-different correct answer (``tests/cases/``);
* ``gia_untouched``    the stubs as handed out (zero);
* ``hal_crash``        a segfault in one function; ``ian_timeout`` an infinite loop;
  ``jia_tamper``       reads reference/ and patches NumPy/SymPy/builtins (all in vain);
* ``kai_zipped.zip``   the reference, zipped inside a top folder, as LMSs deliver them;
* ``lea_corrupt.zip``  not a zip at all (graded 0 with a clear message, never a crash);
* ``max_missing``      only the first exercise handed in.

Hand-written bad code lives in ``samples/sources/<kind>_<slug>.py`` and is appended to
the reference (later definitions override earlier ones, as in ``selftest``).
"""
from __future__ import annotations

import ast
import shutil
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from grader.course.spec import all_slugs  # noqa: E402

REFERENCE = ROOT / "reference"
EXERCISES = ROOT / "exercises"
SOURCES = HERE / "sources"
ZIP_DATE = (2025, 9, 1, 12, 0, 0)  # fixed, so the zips are byte-for-byte reproducible


def reference(slug: str) -> str:
    return (REFERENCE / f"{slug}.py").read_text()


def with_appended(slug: str, extra: str, note: str) -> str:
    return f"{reference(slug)}\n\n# --- {note} ---\n{extra}\n"


def stub_functions(slug: str) -> list[str]:
    tree = ast.parse((EXERCISES / slug / "solution.py").read_text())
    return [node.name for node in tree.body if isinstance(node, ast.FunctionDef)
            and not node.name.startswith("_")]


def partial(slug: str) -> str:
    missing = stub_functions(slug)[1::2]
    stubs = "\n\n".join(f"def {name}(*args, **kwargs):\n    raise NotImplementedError"
                        for name in missing)
    return with_appended(slug, stubs, "not done yet") if missing else reference(slug)


def mistake(slug: str, k: int) -> str:
    files = sorted((REFERENCE / "mistakes" / slug).glob("*.py"))
    if not files:
        return reference(slug)
    chosen = files[k % len(files)]
    return with_appended(slug, chosen.read_text(), f"catalogued mistake: {chosen.stem}")


def alternative(slug: str) -> str:
    # the first equivalent answer under tests/cases/<slug>/<case>/ (outcome "full_marks")
    folders = [f.parent for f in sorted((ROOT / "tests" / "cases" / slug).glob("*/expected.toml"))
               if 'outcome = "full_marks"' in f.read_text()]
    if not folders:
        return reference(slug)
    return with_appended(slug, (folders[0] / "solution.py").read_text(),
                         f"alternative: {folders[0].name}")


def hand_written(kind: str, slug: str) -> str:
    path = SOURCES / f"{kind}_{slug}.py"
    return with_appended(slug, path.read_text(), f"hand-written: {kind}") if path.is_file() \
        else reference(slug)


def students(slugs: list[str]) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {
        "ada_perfect": {s: reference(s) for s in slugs},
        "ben_partial": {s: partial(s) for s in slugs},
        "fin_alternative": {s: alternative(s) for s in slugs},
        "gia_untouched": {s: (EXERCISES / s / "solution.py").read_text() for s in slugs},
        "hal_crash": {s: hand_written("crash", s) for s in slugs},
        "ian_timeout": {s: hand_written("timeout", s) for s in slugs},
        "jia_tamper": {s: hand_written("tamper", s) for s in slugs},
        "max_missing": {slugs[0]: reference(slugs[0])},
    }
    for k, name in enumerate(("cho_mistakes", "dan_mistakes", "eva_mistakes")):
        out[name] = {s: mistake(s, k) for s in slugs}
    return dict(sorted(out.items()))


def write_zip(path: Path, top: str, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for slug, text in sorted(files.items()):
            info = zipfile.ZipInfo(f"{top}/{slug}/solution.py", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text)


def build(out: Path, slugs: list[str] | None = None) -> list[str]:
    """Write the class into ``out`` (replacing it); the student ids written."""
    slugs = slugs or all_slugs()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    names = []
    for student, files in students(slugs).items():
        for slug, text in files.items():
            target = out / student / slug / "solution.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        names.append(student)
    write_zip(out / "kai_zipped.zip", "kai_zipped", {s: reference(s) for s in slugs})
    (out / "lea_corrupt.zip").write_bytes(b"PK\x03\x04 this upload was cut short")
    return sorted(names + ["kai_zipped", "lea_corrupt"])


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "class"
    written = build(target)
    print(f"{len(written)} submissions in {target}: {', '.join(written)}")
