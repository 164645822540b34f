"""``calcgrade release --gradescope OUT.zip``: a Gradescope autograder, and what it runs.

The zip is what Gradescope's "Configure Autograder" page takes (its documented layout:
``setup.sh`` and ``run_autograder`` at the top, unpacked to ``/autograder/source``)::

    setup.sh          once, building the image: Python (apt, as needed), a virtualenv,
                      ``pip install`` of the grader from the zip's own copy (PyPI only
                      for its dependencies)
    run_autograder    for every submission: grade it, write /autograder/results/results.json
    calcgrade/        the grader package with its pyproject.toml (what setup.sh installs)
    course/           the course: calcgrade.toml, exercises/ (checks), reference/
    autograder.json   the pinned seed, the exercises, the grader version (for the record)
    variants.json     only with per-student variants and a class key: the key, the id field

The course is instructor-side: the autograder never reaches students. The seed is pinned
when the zip is written, so a regrade draws the same hidden inputs; it is printed to the
autograder's stdout (instructors only), never in the feedback. ``run_autograder`` calls
:func:`autograde`, which runs ``calcgrade check`` on the upload in any layout of
:mod:`grader.classrun.layouts` (read into a private copy, run in the sandbox), every
check (hidden ones included), and turns the results into Gradescope's ``results.json``
(:func:`grader.reports.formats.to_gradescope`) with each test's visibility and a first
line naming the layout it found. Anything that stops grading still writes a results.json
that says why, never a silent 0. ``CALCGRADE_AUTOGRADER_ROOT`` (default ``/autograder``)
and ``CALCGRADE_AUTOGRADER_PYTHON`` move both for a local rehearsal (the tests).

Per-student variants (``[variants]`` in calcgrade.toml, docs/QUESTIONS.md): given the
results folder of ``calcgrade grade`` (``results=``), the zip carries that class's secret
variant key (``variants.json``, beside the references, as private as they are). For each
upload the autograder reads Gradescope's ``/autograder/submission_metadata.json``, takes
the submitter's id (``users[0]``'s ``email``, lower-cased, by default; or ``id``: the
field named at build time), computes their code exactly as ``calcgrade grade`` and
``calcgrade variant --student ID --results RESULTS`` do for that id, and grades with it
(:data:`grader.judge.with_questions.ASSIGNED_ENV`): a ``variant.toml`` (or notebook)
naming another code is refused, as in a class run. Without a key the build says so
loudly, and each upload's claimed code is graded but marked unverified in the feedback
and in ``extra_data``.
"""
from __future__ import annotations

import json
import os
import secrets
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euxo pipefail
SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV=/opt/calcgrade-venv
if ! python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi
python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
"$VENV/bin/python" -m pip install "$SOURCE/calcgrade"
# import the heavy dependencies once, and prove the installed grader finds the course
"$VENV/bin/python" -m grader --course "$SOURCE/course" list
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Gradescope runs this for every submission: the upload is in /autograder/submission,
# the results go to /autograder/results/results.json (always written, even on failure).
set -uo pipefail
AUTOGRADER="${{CALCGRADE_AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{CALCGRADE_AUTOGRADER_PYTHON:-/opt/calcgrade-venv/bin/python}}"
SEED={seed}  # pinned when this autograder was written: a regrade draws the same inputs
# -I: the grader comes from the venv alone, never from the working folder or PYTHON* variables
exec "$PYTHON" -I -c 'import sys; from grader.release.gradescope import main; sys.exit(main(sys.argv[1:]))' \\
    "$AUTOGRADER" "$SEED"{slugs}
"""

PACKAGE_README = "The calcgrade grader, packaged for a Gradescope autograder.\n"
COURSE_PARTS = ("exercises", "reference")
_SKIPPED = ("__pycache__", ".pytest_cache")
CHECK_TIMEOUT = 3600.0  # seconds for one submission; Gradescope's own limit usually comes first
VARIANTS_FILE = "variants.json"  # in the zip: the class variant key (instructors' only)
ID_FIELDS = ("email", "id")  # what of Gradescope's user a student id is made from
METADATA_FILE = "submission_metadata.json"


class GradescopeError(RuntimeError):
    """The autograder zip cannot be written; the message says why."""


def write_gradescope_zip(zip_path: Path, seed: int | None = None, *,
                         slugs: list[str] | None = None, results: Path | None = None,
                         student_id: str = "email",
                         warn: Callable[[str], None] | None = None) -> Path:
    """Write the autograder zip of the course calcgrade found at ``zip_path`` (see the
    module doc); return its path.

    ``seed``: pinned into ``run_autograder`` (default: a fresh secret one — never one of
    the bundle's public seeds, whose inputs students can see); it is recorded in the zip's
    ``autograder.json``. ``slugs``: the exercises this assignment grades (default: all;
    exactly one lets students upload a single ``solution.py``). ``results``: a results
    folder of ``calcgrade grade`` whose gradebook keeps the class variant key, put in the
    zip when variants are on; ``student_id``: the Gradescope user field codes are made
    from (``email`` or ``id``, :data:`ID_FIELDS`). ``warn``: where a warning goes
    (default: stderr), e.g. variants on and no key given.
    """
    import grader
    from grader.course.paths import MARKER, project_root
    from grader.course.spec import all_slugs

    root = project_root()
    seed = secrets.randbelow(2**31) if seed is None else int(seed)
    if not (root / "reference").is_dir():
        raise GradescopeError(f"{root} has no reference/: the autograder judges against the "
                              "references, so write it from the instructor's course")
    known = all_slugs()
    chosen = list(slugs) if slugs else known
    unknown = [s for s in chosen if s not in known]
    if unknown or not chosen:
        raise GradescopeError(f"unknown exercise(s) {', '.join(unknown)}" if unknown
                              else f"the course at {root} has no exercises")
    missing = [s for s in chosen if not (root / "reference" / f"{s}.py").is_file()]
    if missing:
        raise GradescopeError(f"no reference for {', '.join(missing)} in {root / 'reference'}")
    zip_path = Path(zip_path)
    if root in zip_path.resolve().parents:
        raise GradescopeError(f"{zip_path} is inside the course ({root}); write it elsewhere")
    manifest: dict[str, Any] = {"seed": int(seed), "exercises": chosen,
                                "grader_version": grader.__version__, "course": str(root)}
    variants = _variant_config(chosen, results, student_id, warn or _stderr)
    if variants is not None:
        manifest["variants"] = {k: v for k, v in variants.items() if k != "key"}
        manifest["variants"]["verified"] = "key" in variants
    package = Path(grader.__file__).resolve().parent
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = zip_path.with_name(f".{zip_path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as archive:
            _script(archive, "setup.sh", SETUP_SH)
            extra = "".join(f" {shlex.quote(s)}" for s in (chosen if slugs else []))
            _script(archive, "run_autograder", RUN_AUTOGRADER.format(seed=int(seed), slugs=extra))
            for path in _files(package):
                archive.write(path, f"calcgrade/grader/{path.relative_to(package).as_posix()}")
            archive.writestr("calcgrade/pyproject.toml", _pyproject(root))
            archive.writestr("calcgrade/README.md", PACKAGE_README)
            marker = root / MARKER
            archive.writestr(f"course/{MARKER}", marker.read_bytes() if marker.is_file()
                             else b"[course]\n")
            for part in COURSE_PARTS:
                for path in _files(root / part):
                    rel = path.relative_to(root)
                    if rel.parts[1:2] == ("mistakes",):  # self-test examples: not for grading
                        continue
                    archive.write(path, f"course/{rel.as_posix()}")
            archive.writestr("autograder.json", json.dumps(manifest, indent=2) + "\n")
            if variants is not None and "key" in variants:
                archive.writestr(VARIANTS_FILE, json.dumps(variants, indent=2) + "\n")
        os.replace(tmp, zip_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return zip_path


def _stderr(text: str) -> None:
    sys.stderr.write(text + "\n")


def _variant_config(chosen: list[str], results: Path | None, student_id: str,
                    warn: Callable[[str], None]) -> dict[str, Any] | None:
    """What the autograder needs to grade variants: the exercises, the id field and, from
    ``results``'s gradebook, the class key (hex); None when no exercise has variants on."""
    from grader.course.variants import enabled_slugs

    if student_id not in ID_FIELDS:
        raise GradescopeError(f"student id field {student_id!r}: choose one of "
                              f"{', '.join(ID_FIELDS)} (Gradescope's users[0] fields)")
    on = [s for s in enabled_slugs() if s in chosen]
    if not on:
        if results is not None:
            warn(f"note: no exercise of this autograder has per-student variants on; the class "
                 f"key in {results} is not used")
        return None
    config: dict[str, Any] = {"exercises": on, "student_id": student_id}
    if results is None:
        warn(f"WARNING: per-student variants are on for {', '.join(on)}, but no class key was "
             "given (the results folder of `calcgrade grade`): this autograder cannot tell "
             "whose variant is whose. It grades each upload's variant.toml as claimed, and "
             "the feedback marks it unverified. Build it with the results folder to enforce "
             "each student's own variant.")
        return config
    book_path = Path(results) / "gradebook.sqlite"
    if not book_path.is_file():
        raise GradescopeError(f"{results} holds no gradebook.sqlite: give the results folder "
                              "of `calcgrade grade`, whose gradebook keeps the class variant key")
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import variant_key

    with Gradebook.in_folder(Path(results)) as book:
        config["key"] = variant_key(book).hex()
    return config


def _script(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o100755 << 16  # executable: Gradescope runs them directly
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text)


def _files(folder: Path) -> Iterable[Path]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).parts
        if any(p in _SKIPPED or p.startswith(".") for p in rel) or path.suffix in (".pyc", ".pyo"):
            continue
        if path.is_file() and not path.is_symlink():
            yield path


def _pyproject(root: Path) -> str:
    """The course checkout's ``pyproject.toml``, or one made from the installed metadata
    (a non-editable install has no checkout)."""
    own = root / "pyproject.toml"
    if own.is_file() and "name = \"calcgrade\"" in own.read_text(encoding="utf-8"):
        return own.read_text(encoding="utf-8")
    from importlib import metadata

    import grader

    try:
        requires = [r for r in metadata.requires("calcgrade") or [] if "extra ==" not in r]
    except metadata.PackageNotFoundError:
        raise GradescopeError(f"{root} has no calcgrade pyproject.toml and calcgrade is not "
                              "installed, so its dependencies are unknown: run it from an "
                              "installed calcgrade (pip install .)") from None
    deps = "".join(f"    {json.dumps(r)},\n" for r in requires)
    return (f'[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
            f'[project]\nname = "calcgrade"\nversion = "{grader.__version__}"\n'
            f'readme = "README.md"\nrequires-python = ">=3.10"\ndependencies = [\n{deps}]\n\n'
            f'[project.scripts]\ncalcgrade = "grader.cli.main:entry"\n\n'
            f'[tool.setuptools.packages.find]\ninclude = ["grader*"]\n\n'
            f'[tool.setuptools.package-data]\n"grader.reports" = ["templates/*.j2"]\n')


# -- on Gradescope: one submission ----------------------------------------------------------

def main(argv: list[str]) -> int:
    """``run_autograder``'s body: ``AUTOGRADER_ROOT SEED [SLUG…]``. Always 0 once a
    results.json is written (Gradescope reads the score from it, not the exit code)."""
    root, seed, slugs = Path(argv[0]), int(argv[1]), argv[2:]
    results = root / "results" / "results.json"
    try:
        doc = autograde(root, seed, slugs)
    except Exception as exc:  # noqa: BLE001 - still a results.json that says why
        doc = failure(f"the autograder failed ({type(exc).__name__}: {exc})")
    results.parent.mkdir(parents=True, exist_ok=True)
    # written beside and renamed over: whatever stands at results.json (a link planted
    # there) is replaced, never followed
    tmp = results.with_name(f".results.{os.getpid()}.json")
    tmp.unlink(missing_ok=True)
    tmp.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, results)
    print(f"calcgrade autograder: seed {seed}; {doc.get('score', 0)} points; "
          f"results in {results}")
    return 0


def autograde(root: Path, seed: int, slugs: list[str] | None = None) -> dict[str, Any]:
    """Gradescope's results.json for the upload in ``root/submission``, graded against
    the course in ``root/source/course`` (see the module doc)."""
    course, upload = root / "source" / "course", root / "submission"
    _keep_private(root / "source")
    env = dict(os.environ)
    variants = _read_json(root / "source" / VARIANTS_FILE)
    manifest = _read_json(root / "source" / "autograder.json") or {}
    if variants is not None:
        from grader.judge.with_questions import ASSIGNED_ENV

        try:
            env[ASSIGNED_ENV] = json.dumps(student_codes(variants, root / METADATA_FILE))
        except GradescopeError as exc:
            return failure(str(exc))
    argv = [sys.executable, "-I", "-m", "grader", "--course", str(course), "check", *(slugs or []),
            "--submission", str(upload), "--seed", str(seed), "--format", "json"]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=CHECK_TIMEOUT,
                              cwd=str(root), env=env)
    except subprocess.TimeoutExpired:
        return failure(f"grading took longer than {CHECK_TIMEOUT / 60:.0f} minutes and was "
                       "stopped")
    sys.stdout.write(proc.stderr[-20_000:])  # the autograder's log (instructors only)
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        why = _last_error(proc.stderr) or f"calcgrade stopped with exit code {proc.returncode}"
        return failure(why)
    info = manifest.get("variants") if isinstance(manifest.get("variants"), dict) else None
    return gradescope_results(doc, course, variants=None if info is None else
                              {"verified": variants is not None,
                               "exercises": list(info.get("exercises") or [])})


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def student_id_of(metadata: Path, field: str) -> str:
    """The submitter's id from Gradescope's ``submission_metadata.json``: ``users[0]``'s
    ``field`` (an email lower-cased and stripped). A group submission is graded with its
    first member's variant."""
    data = _read_json(metadata)
    users = data.get("users") if data is not None else None
    if not isinstance(users, list) or not users or not isinstance(users[0], dict):
        raise GradescopeError(f"could not tell who submitted this: {metadata} is missing or "
                              "lists no users, so your own variant is unknown (ask your "
                              "instructor)")
    value = users[0].get(field)
    if value is None or isinstance(value, (dict, list, bool)) or not str(value).strip():
        raise GradescopeError(f"could not tell who submitted this: the submitter has no "
                              f"{field!r} in {metadata.name}, so your own variant is unknown "
                              "(ask your instructor)")
    text = str(value).strip()
    return text.lower() if field == "email" else text


def student_codes(variants: dict[str, Any], metadata: Path) -> dict[str, str]:
    """The submitter's variant code of each exercise with variants on, from the class key."""
    from grader.course.variants import student_code

    try:
        key = bytes.fromhex(str(variants["key"]))
        field = str(variants.get("student_id", "email"))
        exercises = [str(s) for s in variants["exercises"]]
    except (KeyError, TypeError, ValueError):
        raise GradescopeError(f"the autograder's {VARIANTS_FILE} is damaged: rebuild it") from None
    student = student_id_of(metadata, field)
    return {slug: student_code(key, student, slug) for slug in exercises}


def _keep_private(source: Path) -> None:
    """As root (Gradescope), ``source/`` — the references, the seed — becomes root's
    alone: the student's code runs as nobody and must not read it even where the machine
    allows no namespaces to hide it (the grader and the checks are imported before)."""
    if os.geteuid() == 0:
        try:
            source.chmod(0o700)
        except OSError:
            pass


def gradescope_results(doc: dict[str, Any], course: Path,
                       variants: dict[str, Any] | None = None) -> dict[str, Any]:
    """A results document (``check --format json``) as Gradescope's results.json: each
    test with its check's visibility, the layout named first, the seed kept off it.
    ``variants``: ``{"verified": bool, "exercises": [...]}`` when variants are on: each
    exercise's variant is said in the output and kept in ``extra_data``."""
    from grader.course.paths import ENV
    from grader.judge.results import Results
    from grader.reports.formats import to_gradescope

    results = Results.from_dict(doc)
    out = to_gradescope(results)
    visibility = _visibilities(course, ENV)
    for test in out["tests"]:
        check_id = test["name"].split(":", 1)[0]
        wanted = visibility.get(check_id)
        if wanted is not None and test.get("visibility", "visible") == "visible":
            test["visibility"] = wanted
    layout = (results.origin or {}).get("layout", "")
    total = sum(c.max_points for c in results.checks)
    said = _variant_lines(results, variants)
    out["output"] = ((f"Your upload was read as {layout}.\n" if layout else "")
                     + "".join(line + "\n" for line in said[0])
                     + f"calcgrade {results.grader_version}: {results.points:g}/{total:g} points.")
    extra = out.get("extra_data")
    if isinstance(extra, dict) and variants is not None:
        extra["variants"] = said[1]
    if isinstance(extra, dict):
        extra.pop("seed", None)  # the pinned seed is the instructor's (printed to stdout)
        if results.origin:
            extra["layout"] = layout
    return out


def _variant_lines(results: Any, variants: dict[str, Any] | None
                   ) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The output's line per exercise with variants on, and what extra_data records."""
    if variants is None:
        return [], {}
    lines, record = [], {}
    for ex in results.exercises:
        if ex.slug not in variants["exercises"] or not ex.variant:
            continue
        entry = dict(ex.variant)
        code, problem = entry.get("code"), entry.get("problem")
        if variants["verified"]:
            line = f"{ex.slug}: graded with your own variant, {code}"
        elif code:
            entry["verified"] = False
            line = (f"{ex.slug}: graded with variant {code}, as your variant.toml says "
                    "(not checked against your id: this autograder has no class key)")
        else:
            line = f"{ex.slug}: graded with the lesson's numbers"
        lines.append(line + (f" — {problem}" if problem else ""))
        record[ex.slug] = entry
    return lines, record


def _visibilities(course: Path, env: str) -> dict[str, str]:
    """``{check id: Gradescope visibility}`` from the course's declarations (checks
    without one, or a course that cannot be read here, keep the default)."""
    before = os.environ.get(env)
    os.environ[env] = str(course)
    try:
        from grader.course.spec import GRADESCOPE_VISIBILITY, load_exercises

        return {c.id: GRADESCOPE_VISIBILITY.get(getattr(c, "visibility", "public"), "visible")
                for ex in load_exercises() for c in ex.checks}
    except Exception:  # noqa: BLE001 - no visibility is better than no results
        return {}
    finally:
        if before is None:
            os.environ.pop(env, None)
        else:
            os.environ[env] = before


def _last_error(stderr: str) -> str:
    """calcgrade's own message (``Error: …``), or the last line of a crash."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    return lines[-1][:500] if lines else ""


def failure(why: str) -> dict[str, Any]:
    """A results.json that gives 0 and says why (Gradescope shows ``output``)."""
    return {"score": 0, "output": f"Your submission could not be graded: {why}",
            "visibility": "visible", "stdout_visibility": "hidden", "tests": []}
