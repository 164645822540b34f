"""A two-exercise course that grades in about a second (layouts, Gradescope, discovery).

``01_tiny`` has a public and a hidden check of ``double`` (3 points), ``02_half`` one
check of ``half`` (2 points). :func:`make_course` writes it (with ``calcgrade.toml``,
stubs and references) into a folder; :func:`upload` writes a student's upload in one of
the layouts calcgrade accepts.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

SLUGS = ("01_tiny", "02_half")
POINTS = {"01_tiny": 3.0, "02_half": 2.0}
CHECKS = {
    "01_tiny": '''
from grader.course.spec import Check, Exercise
from grader.judge.answers import Close

EXERCISE = Exercise(
    slug="01_tiny", title="Doubling", preload=("numpy",),
    checks=[Check(function="double", case="three", points=1, title="double(3)",
                  answer=Close(rtol=1e-9, what="value"),
                  call=lambda sol, inputs: sol.double(3.0)),
            Check(function="double", case="hidden", points=2, title="double(x), x drawn",
                  answer=Close(rtol=1e-9, what="value"), visibility="hidden",
                  inputs=lambda rng: {"x": float(rng.uniform(1, 2))},
                  call=lambda sol, inputs: sol.double(inputs["x"]))])
''',
    "02_half": '''
from grader.course.spec import Check, Exercise
from grader.judge.answers import Close

EXERCISE = Exercise(
    slug="02_half", title="Halving", preload=("numpy",),
    checks=[Check(function="half", points=2, title="half(x), x drawn",
                  answer=Close(rtol=1e-9, what="value"),
                  inputs=lambda rng: {"x": float(rng.uniform(1, 2))},
                  call=lambda sol, inputs: sol.half(inputs["x"]))])
''',
}
REFERENCE = {"01_tiny": "def double(x):\n    return 2 * x\n",
             "02_half": "from helper import HALF\n\n\ndef half(x):\n    return HALF * x\n"}
HELPER = "HALF = 0.5\n"  # the reference of 02_half imports it: a helper file must travel
STUB = {"01_tiny": "def double(x):\n    raise NotImplementedError\n",
        "02_half": "def half(x):\n    raise NotImplementedError\n"}


def make_course(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "calcgrade.toml").write_text('[course]\ntitle = "Tiny"\n')
    (root / "reference").mkdir(parents=True)
    for slug in SLUGS:
        (root / "exercises" / slug).mkdir(parents=True)
        (root / "exercises" / slug / "checks.py").write_text(CHECKS[slug])
        (root / "exercises" / slug / "solution.py").write_text(STUB[slug])
        (root / "reference" / f"{slug}.py").write_text(REFERENCE[slug].replace(
            "from helper import HALF\n", "HALF = 0.5\n"))
    return root


def solution_files(slug: str, kind: str) -> dict[str, str]:
    """A student's files for one exercise: ``right`` or ``stub``."""
    if kind == "stub":
        return {"solution.py": STUB[slug]}
    files = {"solution.py": REFERENCE[slug]}
    if "helper" in REFERENCE[slug]:
        files["helper.py"] = HELPER
    return files


def upload(target: Path, layout: str, kind: str = "right", slugs: tuple[str, ...] = SLUGS) -> Path:
    """Write a student's upload at ``target`` in ``layout``; returns what to hand in.

    ``slugs`` (slug folders ``<slug>/``), ``repository`` (``exercises/<slug>/`` beside a
    README and the course's other folders), ``download_zip`` (GitHub's Download ZIP,
    unpacked: ``repo-main/exercises/<slug>/``), ``zip`` (a ``.zip`` of slug folders wrapped
    in one folder), ``single`` (``solution.py`` and its helpers, one exercise).
    """
    def write(base: Path, slug_dirs: bool = True) -> None:
        for slug in slugs:
            where = base / slug if slug_dirs else base
            where.mkdir(parents=True, exist_ok=True)
            for name, text in solution_files(slug, kind).items():
                (where / name).write_text(text)

    target.mkdir(parents=True, exist_ok=True)
    if layout == "slugs":
        write(target)
    elif layout == "repository":
        write(target / "exercises")
        (target / "README.md").write_text("my work\n")
        (target / "grader").mkdir()
        (target / "grader" / "__init__.py").write_text("")
    elif layout == "download_zip":
        write(target / "repo-main" / "exercises")
        (target / "repo-main" / "README.md").write_text("my work\n")
    elif layout == "zip":
        with zipfile.ZipFile(target / "work.zip", "w") as archive:
            for slug in slugs:
                for name, text in solution_files(slug, kind).items():
                    archive.writestr(f"homework/{slug}/{name}", text)
    elif layout == "single":
        assert len(slugs) == 1
        write(target, slug_dirs=False)
    else:
        raise ValueError(layout)
    return target
