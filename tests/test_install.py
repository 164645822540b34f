"""A non-editable install works: the course is found from the current folder, --course,
or not at all with a message saying where calcgrade looked.

The project is built from a clean copy of its sources (``pyproject.toml``, ``README.md``,
``grader/``) and installed with ``pip install --no-deps --no-build-isolation --no-index``
into a fresh virtualenv, so nothing is downloaded. The big dependencies (NumPy, SymPy,
JAX …) come from this project's environment through a ``.pth`` line — a plain path entry,
so the editable install living there (its import hook) never runs: the ``grader`` that
answers is the installed copy, which the test checks first. The commands run from folders
outside the checkout, on a copy of the shipped course (``calcgrade.toml``, ``exercises/``,
``reference/``).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sysconfig
import tempfile
import venv
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parent.parent
SLUG = "01_derivative"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed() -> Iterator[dict[str, Path]]:
    # not pytest's tmp_path: its folders are private (0700), and as root the sandboxed
    # student runs as nobody, who must be able to import the installed grader
    base = Path(tempfile.mkdtemp(prefix="calcgrade-install-"))
    base.chmod(0o755)
    try:
        yield _install(base)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _install(base: Path) -> dict[str, Path]:
    source = base / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "grader", source / "grader",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "calcgrade_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", str(source)],
                          capture_output=True, text=True, timeout=300, cwd=base)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    course = base / "course"
    course.mkdir()
    shutil.copyfile(ROOT / "calcgrade.toml", course / "calcgrade.toml")
    for part in ("exercises", "reference"):
        shutil.copytree(ROOT / part, course / part, ignore=shutil.ignore_patterns("__pycache__"))
    elsewhere = base / "elsewhere"
    (elsewhere / "mine").mkdir(parents=True)
    shutil.copyfile(ROOT / "reference" / f"{SLUG}.py", elsewhere / "mine" / "solution.py")
    return {"bin": env_dir / "bin", "site": site, "course": course, "elsewhere": elsewhere}


def run(installed: dict[str, Path], *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CALCGRADE_ROOT", "PYTHONPATH")}
    return subprocess.run([str(installed["bin"] / "calcgrade"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_the_installed_grader_is_not_the_checkout(installed):
    code = ("import grader, grader.course.paths as p; print(grader.__file__); "
            "print(sorted(x.name for x in p.templates_dir().glob('*.j2')))")
    proc = subprocess.run([str(installed["bin"] / "python"), "-c", code], cwd=installed["elsewhere"],
                          capture_output=True, text=True, check=True)
    where, templates = proc.stdout.splitlines()
    assert Path(where).is_relative_to(installed["site"]) and not Path(where).is_relative_to(ROOT)
    assert "student.html.j2" in templates and "class.html.j2" in templates  # package data


def test_list_finds_the_course_from_its_folder_and_below(installed):
    for cwd in (installed["course"], installed["course"] / "exercises" / SLUG):
        proc = run(installed, "list", cwd=cwd)
        assert proc.returncode == 0, proc.stderr
        assert SLUG in proc.stdout and "total" in proc.stdout
        assert f"course: {installed['course']}" in proc.stderr


def test_check_from_the_course_folder_grades_its_stubs(installed):
    proc = run(installed, "check", SLUG, "--seed", "1", "--format", "json", cwd=installed["course"])
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["totals"]["points"] == 0 and doc["totals"]["not_implemented"] == doc["totals"]["checks"]
    assert doc["origin"]["course"] == str(installed["course"])
    assert doc["origin"]["submission"] == str(installed["course"] / "exercises")


def test_course_option_from_elsewhere_grades_a_single_file(installed):
    proc = run(installed, "--course", str(installed["course"]), "check", SLUG, "--submission",
               "mine", "--seed", "1", cwd=installed["elsewhere"])
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "a single solution.py" in proc.stderr and str(installed["course"]) in proc.stderr
    assert "Score:" in proc.stdout


def test_no_course_found_says_where_it_looked(installed):
    for args in (["list"], ["check", SLUG]):
        proc = run(installed, *args, cwd=installed["elsewhere"])
        assert proc.returncode == 1
        assert "no calcgrade course found" in proc.stderr
        assert str(installed["elsewhere"]) in proc.stderr and "--course" in proc.stderr
        assert "Traceback" not in proc.stderr
    bad = run(installed, "--course", str(installed["elsewhere"]), "list", cwd=installed["elsewhere"])
    assert bad.returncode == 2 and "has no exercises/ folder" in bad.stderr


def test_python_dash_m_grader_runs_the_installed_cli(installed):
    proc = subprocess.run([str(installed["bin"] / "python"), "-m", "grader", "--course",
                           str(installed["course"]), "list"], cwd=installed["elsewhere"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and SLUG in proc.stdout, proc.stderr


def test_an_installed_grader_writes_a_gradescope_zip_whose_copy_builds(installed):
    """Without a checkout, the zip's pyproject.toml comes from the installed metadata;
    what setup.sh will pip-install must build into a wheel with the templates."""
    out = installed["elsewhere"] / "autograder"
    code = ("from pathlib import Path; from grader.release.gradescope import write_gradescope_zip; "
            f"write_gradescope_zip(Path({str(out / 'ag.zip')!r}), seed=3, slugs=[{SLUG!r}])")
    proc = subprocess.run([str(installed["bin"] / "python"), "-c", code], cwd=installed["course"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    with zipfile.ZipFile(out / "ag.zip") as archive:
        archive.extractall(out / "source")
    project = (out / "source" / "calcgrade" / "pyproject.toml").read_text()
    assert '    "jax>=' in project and 'calcgrade = "grader.cli.main:entry"' in project
    proc = subprocess.run([str(installed["bin"] / "python"), "-m", "pip", "wheel", "-q", "--no-deps",
                           "--no-build-isolation", "--no-index", "-w", str(out / "wheel"),
                           str(out / "source" / "calcgrade")],
                          capture_output=True, text=True, timeout=300, cwd=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (out / "wheel").glob("calcgrade-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"grader/reports/templates/student.html.j2", "grader/release/gradescope.py",
            "grader/course/paths.py"} <= names
