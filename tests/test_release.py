"""The student bundle (`calcgrade release`): no reference in it, and its offline check
gives the instructor's verdicts.

The bundle is built once (seeds 1 and 2) into a temporary folder. Its ``calcgrade check``
runs in one process (tests/bundle_process.py) whose current folder is the bundle (no ``reference/`` anywhere
there), on the references copied in as a submission, on the stubs, and on catalogued
mistake examples; each per-check status and message must equal the instructor's
``check`` on the same public seed, computed here from the reference.
"""
from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import inprocess
import pytest
from bundle_process import BundleProcess, without_calcgrade_settings
from conftest import ROOT, overlay

from grader.course.fingerprint import spec_fingerprint
from grader.course.spec import all_slugs, load_exercises

SEEDS = [1, 2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    from grader.release.bundle import write_bundle

    out = tmp_path_factory.mktemp("release") / "bundle"
    write_bundle(out, SEEDS)
    return out


@pytest.fixture(scope="module")
def in_bundle(bundle) -> Iterator[BundleProcess]:
    """The bundle's own grader, one process for the module (tests/bundle_process.py)."""
    process = BundleProcess(bundle)
    yield process
    process.close()


def bundle_check(in_bundle: BundleProcess, submission: Path | None, *args: str
                 ) -> subprocess.CompletedProcess:
    """``calcgrade check`` run inside the bundle, with the bundle's own grader package."""
    sub = ["--submission", str(submission)] if submission is not None else []
    return in_bundle.calcgrade("check", *sub, *args)


def by_id(doc: dict) -> dict[str, dict]:
    return {c["id"]: c for e in doc["exercises"] for c in e["checks"]}


# -- what is (not) in the bundle -----------------------------------------------------------


def _bodies(path: Path) -> dict[str, set[str]]:
    """Function name → its bodies, whitespace collapsed (an independent extraction)."""
    src = path.read_text()
    out: dict[str, set[str]] = {}
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            if body:
                text = "\n".join(src.splitlines()[body[0].lineno - 1:body[-1].end_lineno])
                out.setdefault(node.name, set()).add(" ".join(text.split()))
    return out


def test_bundle_holds_no_reference_file(bundle):
    names = {p.relative_to(bundle).as_posix() for p in bundle.rglob("*")}
    assert not any(n == "reference" or n.startswith("reference/") or "/reference/" in n
                   for n in names), [n for n in names if "reference" in n.split("/")]
    assert not any(n.endswith("equivalent_mutants.toml") for n in names)
    assert not any("mistakes" in n.split("/") for n in names)
    from grader.release.bundle import EXERCISE_FILES

    for slug in all_slugs():
        shipped = sorted(n for n in EXERCISE_FILES if (ROOT / "exercises" / slug / n).is_file())
        assert {"README.md", "checks.py", "solution.py", "questions.toml", "answers.toml"} \
            >= set(shipped) >= {"README.md", "checks.py", "solution.py"}
        assert sorted(p.name for p in (bundle / "exercises" / slug).iterdir()) == shipped
        for name in shipped:  # the questions and the stub of the answers, never their key
            assert (bundle / "exercises" / slug / name).read_text() == \
                (ROOT / "exercises" / slug / name).read_text()
    assert (bundle / "calcgrade.toml").read_bytes() == (ROOT / "calcgrade.toml").read_bytes()


def test_no_reference_function_body_is_in_the_bundle(bundle):
    texts = {p: " ".join(p.read_text(errors="ignore").split())
             for p in bundle.rglob("*") if p.is_file()}
    checked = 0
    for ref in sorted((ROOT / "reference").glob("*.py")):
        slug = ref.stem
        stub = _bodies(ROOT / "exercises" / slug / "solution.py")
        statement = " ".join(((ROOT / "exercises" / slug / "README.md").read_text() + " "
                              + (ROOT / "exercises" / slug / "solution.py").read_text()).split())
        for name, bodies in _bodies(ref).items():
            for body in bodies - stub.get(name, set()):
                if body in statement:  # the task itself gives it (e.g. a sigmoid helper)
                    continue
                checked += 1
                for path, text in texts.items():
                    rel = path.relative_to(bundle)
                    helper_in_checks = name not in stub and rel.name == "checks.py"
                    assert helper_in_checks or body not in text, f"{rel} holds {ref.name}:{name}"
    assert checked > 50  # every exercise's functions were looked for


def test_no_module_in_the_bundle_imports_a_reference(bundle):
    for path in bundle.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any("reference" in n.split(".") for n in names), path


def test_the_key_holds_values_not_the_expressions(bundle):
    import sympy

    from grader.judge.answers import Expr, ExprArray
    from grader.judge.engine import load_reference

    stored = 0
    for ex in load_exercises():
        key_text = (bundle / "key" / f"{ex.slug}.json").read_text()
        entries = json.loads(key_text)["checks"]
        for check in ex.checks:
            entry = entries.get(check.id, {}).get(str(SEEDS[0]), {})
            if not isinstance(check.answer, (Expr, ExprArray)) or "expected" not in entry:
                continue
            assert "sampled" in json.dumps(entry["expected"]), check.id
            expected = check.expected(load_reference(ex.slug), check.make_inputs(SEEDS[0]))
            parts = list(expected) if isinstance(expected, (list, tuple, sympy.MatrixBase)) else [expected]
            for part in parts:
                text = sympy.sstr(part)
                if getattr(part, "free_symbols", None) and len(text) > 3:
                    assert text not in key_text, (check.id, text)
            stored += 1
    assert stored >= 2  # symbolic answers that only the reference knows are in the key
    meta = json.loads((bundle / "key" / "key.json").read_text())
    assert meta["seeds"] == SEEDS and meta["spec_fingerprint"] == spec_fingerprint()


def test_the_bundle_is_a_classroom_template(bundle):
    workflow = (bundle / ".github" / "workflows" / "classroom.yml").read_text()
    assert "calcgrade check --format md >> \"$GITHUB_STEP_SUMMARY\"" in workflow
    assert "pip install ." in workflow and "on: [push" in workflow
    readme = (bundle / "README.md").read_text()
    assert "make install" in readme and "calcgrade check" in readme and "hidden" in readme
    assert (bundle / "Makefile").is_file() and (bundle / "pyproject.toml").is_file()
    assert (bundle / "calcgrade.toml").is_file() and (bundle / "grader" / "judge" / "engine.py").is_file()


# -- the student's check in the bundle = the instructor's --------------------------------


def _reference_submission(dest: Path) -> Path:
    for slug in all_slugs():
        (dest / slug).mkdir(parents=True)
        shutil.copyfile(ROOT / "reference" / f"{slug}.py", dest / slug / "solution.py")
    return dest


def _mistake_round(dest: Path, k: int) -> Path:
    """The k-th catalogued mistake example of every exercise that has one."""
    for slug in all_slugs():
        examples = sorted((ROOT / "reference" / "mistakes" / slug).glob("*.py"))
        if examples:
            overlay(slug, examples[k % len(examples)], dest)
    return dest


def instructor_check(submission: Path, seed: int) -> dict:
    """The instructor's ``calcgrade check`` in the course (with ``reference/``)."""
    env = without_calcgrade_settings("CALCGRADE_KEEP_SERVERS")
    run = inprocess.calcgrade(["check", "--submission", str(submission), "--format", "json",
                               "--seed", str(seed)], cwd=ROOT, env=env)
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return json.loads(run.stdout)


def _compare(in_bundle: BundleProcess, submission: Path, seed: int) -> int:
    """``calcgrade check`` in the bundle against the instructor's, on one submission."""
    run = bundle_check(in_bundle, submission, "--format", "json", "--seed", str(seed))
    assert run.returncode in (0, 1), run.stderr[-3000:]
    return _same_verdicts(json.loads(run.stdout), instructor_check(submission, seed))


def _same_verdicts(student: dict, mine: dict) -> int:
    """The bundle's document has the instructor's status and message on every public
    check, the same fingerprint, and counts the hidden ones; returns how many passed."""
    instructor = by_id(mine)
    public = {i for i, c in instructor.items() if c.get("visibility", "public") == "public"}
    got = by_id(student)
    assert set(got) == public  # hidden checks (not public) are not run in the bundle
    differ = [(cid, got[cid]["status"], got[cid]["message"], instructor[cid]["status"],
               instructor[cid]["message"]) for cid in sorted(got)
              if (got[cid]["status"], got[cid]["message"]) != (instructor[cid]["status"],
                                                               instructor[cid]["message"])]
    assert not differ, differ[:5]
    assert student["spec_fingerprint"] == mine["spec_fingerprint"] == spec_fingerprint()
    assert student["expected_from"] == "public key" and mine["expected_from"] == "reference"
    hidden = [c for i, c in instructor.items() if i not in public]
    assert student["hidden"] == {"checks": len(hidden),
                                 "points": float(sum(c["max_points"] for c in hidden))}
    return sum(c["status"] == "passed" for c in got.values())


# One grading per seed and side (bundle, instructor) for all the submissions below: the
# same engine as `check` (grader.judge.engine.grade), batched so the suite stays fast.
BATCHES = {SEEDS[1]: ["stubs", "round1"], SEEDS[0]: ["round0", "round2"]}


def _graded(seed: int, paths: list[Path], in_bundle: BundleProcess | None) -> list[dict]:
    """The documents of ``paths`` graded by the bundle's own grader (its process) or, with
    None, by this checkout's, here."""
    if in_bundle is not None:
        return in_bundle.grade(seed, paths)
    from grader.judge.engine import Submission, grade

    subs = [Submission.from_dir(Path(p), name=Path(p).name) for p in paths]
    return [json.loads(json.dumps(r.to_dict())) for r in grade(subs, seed=seed)]


@pytest.fixture(scope="module")
def batched(bundle, in_bundle, tmp_path_factory) -> dict[str, tuple[dict, dict]]:
    """submission name → (the bundle's results document, the instructor's)."""
    base = tmp_path_factory.mktemp("offline")
    paths = {"stubs": bundle / "exercises"}
    for k in range(3):
        paths[f"round{k}"] = _mistake_round(base / f"round{k}", k)
    out = {}
    for seed, names in BATCHES.items():
        subs = [paths[n] for n in names]
        student = _graded(seed, subs, in_bundle)
        mine = _graded(seed, subs, None)
        out.update({n: (s, m) for n, s, m in zip(names, student, mine)})
    return out


def test_reference_solutions_pass_the_same_checks_offline(in_bundle, tmp_path):
    passed = _compare(in_bundle, _reference_submission(tmp_path / "ref"), SEEDS[0])
    assert passed > 50


def test_stubs_fail_the_same_checks_offline(batched):
    assert _same_verdicts(*batched["stubs"]) == 0


@pytest.mark.parametrize("k", [0, 1, 2])
def test_catalogued_mistakes_get_the_same_messages_offline(batched, k):
    student, mine = batched[f"round{k}"]
    _same_verdicts(student, mine)
    assert any(c["status"] == "failed" and c.get("mistake") for c in by_id(student).values())


def test_a_seed_not_in_the_key_is_refused_clearly(bundle):
    """Through the bundle's own ``python -m grader``, a process as a student runs it."""
    env = without_calcgrade_settings()
    run = subprocess.run([sys.executable, "-m", "grader", "check", "01_derivative", "--seed", "99"],
                         cwd=bundle, env=dict(env, PYTHONPATH=str(bundle)), capture_output=True,
                         text=True, timeout=300)
    assert run.returncode == 2
    assert "seed 99 is not a public seed" in run.stderr and "1, 2" in run.stderr


def test_the_text_output_names_the_public_checks_and_the_key(in_bundle, tmp_path):
    run = bundle_check(in_bundle, _reference_submission(tmp_path / "ref"), "02_antiderivative")
    assert run.returncode == 0, run.stdout + run.stderr
    public = [c for c in load_exercises(["02_antiderivative"])[0].checks if c.is_public]
    line = (f"Public checks: {len(public)} ({sum(c.points for c in public):g} points), judged "
            "against the public key for seed 1.")
    assert line in run.stdout.splitlines(), run.stdout
    assert "run at grading" not in run.stdout  # none of 02's checks is hidden
    assert f"Check spec {spec_fingerprint()}" in run.stdout


def test_changed_checks_are_refused_against_the_key(bundle, tmp_path):
    copy = tmp_path / "bundle"
    shutil.copytree(bundle, copy)
    checks = copy / "exercises" / "01_derivative" / "checks.py"
    checks.write_text(checks.read_text().replace("points=2,", "points=3,", 1))
    copied = BundleProcess(copy)  # the copy's own grader
    try:
        run = bundle_check(copied, None, "01_derivative")
    finally:
        copied.close()
    assert run.returncode == 1 and "not the ones the public key was made for" in run.stderr


def test_the_html_report_plots_the_reference_from_the_key(in_bundle, tmp_path):
    page = tmp_path / "report.html"
    run = bundle_check(in_bundle, _reference_submission(tmp_path / "ref"), "06_optimum",
                       "--html", str(page))
    assert run.returncode == 0, run.stdout + run.stderr
    text = page.read_text()
    assert "reference figure failed" not in text and "data:image/png;base64," in text


# -- per-student variants in the bundle = the instructor's grade for that variant ---------

V_SLUG = "01_derivative"


def test_variant_students_get_the_instructors_verdicts_in_the_bundle(in_bundle, tmp_path,
                                                                     monkeypatch):
    """Two students with their own variants of 01 write their code with the bundle's
    `calcgrade variant --code --write` (no key there) and check in the bundle; the
    instructor's `grade` of the same folders, codes from the class key, gives every public
    check the same status and message. Bo hands in Ada's answers under his own code."""
    import grader.course.variants as variants
    from grader.classrun.grade import grade_class
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for
    from grader.judge import variant_families as cubic

    out = tmp_path / "results"
    with Gradebook.in_folder(out) as book:
        with book.transaction():  # a fixed class key: two variants known to differ
            book.db.execute("INSERT INTO meta VALUES ('variant_key', ?)", ("5e" * 32,))
        codes = {s: codes_for(book, s, [V_SLUG])[V_SLUG] for s in ("ada", "bo")}
    subs = tmp_path / "subs"
    for student, code in codes.items():
        (subs / student / V_SLUG).mkdir(parents=True)
        run = in_bundle.calcgrade("variant", V_SLUG, "--code", code, "--write",
                          "--submission", str(subs / student))
        assert run.returncode == 0, run.stdout + run.stderr
        assert code in run.stdout and "Your worked example is" in run.stdout
    spec = variants.spec_for(V_SLUG)
    ada = variants.params_from_code(spec, codes["ada"])
    assert cubic.derivative(ada) != cubic.derivative(variants.params_from_code(spec, codes["bo"]))
    reference = (ROOT / "reference" / f"{V_SLUG}.py").read_text()
    for student in codes:  # both hand in Ada's answers
        folder = subs / student / V_SLUG
        assert variants.read_claim(folder).code == codes[student]
        (folder / "solution.py").write_text(
            f"{reference}\n\ndef symbolic_derivative():\n    return {str(cubic.derivative(ada))!r}\n")
        (folder / "answers.toml").write_text(f"slope_at_2 = {12 * ada['a'] + 4 * ada['b']}\n")
    offline = {r["submission"]: r for r in _graded(SEEDS[0], [subs / "ada", subs / "bo"],
                                                   in_bundle)}
    monkeypatch.setattr(variants, "enabled_slugs", lambda: [V_SLUG])
    summary = grade_class(subs, out, slugs=[V_SLUG], seed=SEEDS[0], jobs=1, reports=())
    assert summary.ok, summary.lines()
    graded = {r.submission: r for r in summary.results}
    public = [c.id for c in load_exercises([V_SLUG])[0].checks if c.is_public]
    for student in codes:
        got, mine = by_id(offline[student]), {c.id: c for c in graded[student].checks}
        assert [(got[i]["status"], got[i]["message"]) for i in public] == \
            [(mine[i].status, mine[i].message) for i in public], student
        variant = next(e for e in offline[student]["exercises"] if e["slug"] == V_SLUG)["variant"]
        assert variant == {"code": codes[student]} == graded[student].exercises[0].variant
        # the question: judged at grading with the student's numbers, recorded offline
        assert got[f"{V_SLUG}/q/slope_at_2"]["status"] == "recorded"
    sym = f"{V_SLUG}/symbolic_derivative"
    assert by_id(offline["ada"])[sym]["status"] == "passed"
    assert by_id(offline["bo"])[sym]["status"] == "failed"  # ada's answer, bo's variant
    assert all(by_id(offline["ada"])[i]["status"] == "passed" for i in public)
    questions = {s: {c.id: c for c in r.checks}[f"{V_SLUG}/q/slope_at_2"] for s, r in graded.items()}
    assert questions["ada"].passed and not questions["bo"].passed


def test_the_bundles_variant_command_needs_no_key(in_bundle):
    run = in_bundle.calcgrade("variant", V_SLUG, "--code", "lowercase!")
    assert run.returncode == 2 and "not a variant code" in run.stderr
    run = in_bundle.calcgrade("variant", V_SLUG, "--student", "ada", "--results", "nowhere")
    assert run.returncode == 2 and "--results" in run.stderr


def test_grading_a_class_in_the_bundle_is_refused_clearly(in_bundle, tmp_path):
    (tmp_path / "class").mkdir()
    run = in_bundle.calcgrade("grade", tmp_path / "class", "--out", tmp_path / "out")
    assert run.returncode == 1 and "is a student bundle" in run.stderr
