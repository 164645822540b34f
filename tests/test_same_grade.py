"""The same grade everywhere (issue 9, item 2).

One small class, graded with one seed through every way calcgrade has of running student
code: ``calcgrade check`` (one student at a time), ``calcgrade grade --isolation
process``, ``--isolation bwrap`` and ``--scheduler`` on a real ``distributed.LocalCluster``
started here. Every student must get the same (status, points) for every check from all
of them, and the grades must be the ones the class was built to earn:

* ``ada_honest``   the references (full marks);
* ``cho_mistake``  a catalogued mistake in each exercise (``reference/mistakes/``);
* ``jia_tamper``   patches NumPy, SymPy and builtins at import in 01 (wrong answers that
                   the patches try to pass off as right), honest 02. The patches live on in
                   the sandbox for the rest of the student's chain (see
                   :mod:`grader.sandbox.runner`): they break the hidden functions of the honest
                   checks too, which is only this student's loss, but must be graded alike
                   everywhere;
* ``hal_crash``    a segfault (ctypes) in 01's ``rate_of_change``, ``os.abort()`` in 02's
                   ``riemann_sum``;
* ``ian_timeout``  an infinite loop in 01's ``symbolic_derivative``.
* ``sam_cpu_burn`` 4 s of CPU, then the right answer: over the limit in every backend.

The ``grade`` runs also get two archives: ``kim_zip.zip`` (the references, zipped: full
marks) and ``bad.zip`` (not a zip: every check an error, the run goes on), both shipped
to the cluster's worker as files; and the cluster's run is repeated, which must resume
(nothing graded again).

The submissions are the references with the files of ``tests/same_grade/`` (or of
``reference/mistakes/``) appended: later definitions override earlier ones. The cluster's
worker grades with process isolation (bubblewrap is compared on this machine). Messages are
not compared, only statuses and points. One test, not one per backend, so that ``pytest -n``
grades the class once.
"""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import inprocess
import pytest

from grader.course.paths import reference_dir

HERE = Path(__file__).resolve().parent / "same_grade"
SEED = "4242"
SLUGS = ("01_derivative", "02_antiderivative")
TIME_SCALE = "0.1"  # the infinite loop costs 0.1 × the 10 s limit per run (the references
                   # pass every check at 0.1: tests/test_isolation.py)

# student -> slug -> the file appended to the reference (a slug not named: the reference)
CLASS = {
    "ada_honest": {},
    "cho_mistake": {"01_derivative": reference_dir() / "mistakes/01_derivative/wrong_sign.py",
                    "02_antiderivative": reference_dir() / "mistakes/02_antiderivative/sign.py"},
    "jia_tamper": {"01_derivative": HERE / "tamper_01_derivative.py"},
    "hal_crash": {"01_derivative": HERE / "crash_01_derivative.py",
                  "02_antiderivative": HERE / "crash_02_antiderivative.py"},
    "ian_timeout": {"01_derivative": HERE / "timeout_01_derivative.py"},
    "sam_cpu_burn": {"01_derivative": HERE / "cpu_burn_01_derivative.py"},
}

ARCHIVES = ("kim_zip", "bad")  # graded by grade only (check takes folders)

# student -> check id prefix -> (status, mistake id) of every check under it; the other
# checks pass with full points
EXPECTED_LOSSES = {
    "ada_honest": {},
    "cho_mistake": {"01_derivative/rate_of_change/": ("failed", "wrong_sign"),
                    "02_antiderivative/antiderivative": ("failed", "sign")},
    "jia_tamper": {"01_derivative/symbolic_derivative": ("failed", None),
                   "01_derivative/rate_of_change/": ("failed", None)},
    "hal_crash": {"01_derivative/rate_of_change/": ("error", None),
                  "02_antiderivative/riemann_sum/": ("error", None)},
    "ian_timeout": {"01_derivative/symbolic_derivative": ("timeout", None)},
    "sam_cpu_burn": {"01_derivative/symbolic_derivative": ("timeout", None)},
}
# student -> check id prefixes whose outcome the tampering decides (not the course):
# only "no points unless passed" is asserted there
TAMPERED = {"jia_tamper": ("01_derivative/autodiff_derivative/", "02_antiderivative/")}


def _build_class(root: Path) -> Path:
    for student, extras in CLASS.items():
        for slug in SLUGS:
            text = (reference_dir() / f"{slug}.py").read_text()
            if slug in extras:
                text += f"\n\n# --- {extras[slug].name} ---\n{extras[slug].read_text()}\n"
            (root / student / slug).mkdir(parents=True)
            (root / student / slug / "solution.py").write_text(text)
    with zipfile.ZipFile(root / "kim_zip.zip", "w") as archive:
        for slug in SLUGS:
            archive.writestr(f"{slug}/solution.py", (reference_dir() / f"{slug}.py").read_text())
    (root / "bad.zip").write_bytes(b"not a zip")
    return root


def _calcgrade(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "CALCGRADE_TIME_SCALE": TIME_SCALE}
    return subprocess.run([sys.executable, "-m", "grader", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def _grades(doc: dict) -> dict[str, tuple[str, float]]:
    """check id -> (status, points) of one results document (check JSON or results.json)."""
    assert doc["seed"] == int(SEED)
    assert [e["slug"] for e in doc["exercises"]] == list(SLUGS)
    return {c["id"]: (c["status"], float(c["points"]))
            for e in doc["exercises"] for c in e["checks"]}


def _check(subs: Path) -> tuple[dict, dict]:
    """calcgrade check, one student at a time, as the console script runs it (in this
    process, on the main thread: tests/inprocess.py): (grades, documents) by student."""
    grades, docs = {}, {}
    for student in CLASS:
        proc = inprocess.calcgrade(["check", *SLUGS, "--submission", str(subs / student),
                                    "--seed", SEED, "--format", "json"])
        assert proc.returncode == (0 if student == "ada_honest" else 1), proc.stderr[-3000:]
        docs[student] = json.loads(proc.stdout)
        grades[student] = _grades(docs[student])
    return grades, docs


def _grade(subs: Path, out: Path, *extra: str, again: bool = False) -> dict:
    """calcgrade grade of the whole class: grades by student, from OUT/<student>/results.json
    (``again``: the same run repeated, which must resume: nothing graded again)."""
    args = ("grade", str(subs), "--out", str(out), "--seed", SEED, "--report", "none",
            *[a for slug in SLUGS for a in ("--exercise", slug)], *extra)
    proc = _calcgrade(*args)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    count = len(CLASS) + len(ARCHIVES)
    assert f"{count} submissions: {count} graded" in proc.stdout, proc.stdout
    if again:
        proc = _calcgrade(*args)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        assert f"{count} submissions: 0 graded, {count} unchanged" in proc.stdout, proc.stdout
    return {student: _grades(json.loads((out / student / "results.json").read_text()))
            for student in (*CLASS, *ARCHIVES)}


def _differences(a: dict, b: dict) -> list[str]:
    out = []
    for student in CLASS:
        for check_id in sorted(set(a[student]) | set(b[student])):
            x, y = a[student].get(check_id), b[student].get(check_id)
            if x != y:
                out.append(f"{student} {check_id}: {x} vs {y}")
    return out


@pytest.mark.slow
def test_the_same_grade_everywhere(tmp_path, monkeypatch):
    from grader.sandbox.isolation import bwrap_problem

    # every calcgrade started here, and the cluster's workers (spawned here), scale alike
    monkeypatch.setenv("CALCGRADE_TIME_SCALE", TIME_SCALE)
    subs = _build_class(tmp_path / "class")
    not_compared: dict[str, str] = {}

    def locally() -> dict:
        out = {"grade --isolation process": _grade(subs, tmp_path / "process",
                                                   "--isolation", "process")}
        problem = bwrap_problem()
        if problem is None:
            out["grade --isolation bwrap"] = _grade(subs, tmp_path / "bwrap", "--isolation", "bwrap")
        else:
            not_compared["grade --isolation bwrap"] = problem
        return out

    try:
        import distributed
    except ImportError as exc:
        distributed = None
        not_compared["grade --scheduler"] = f"distributed is not installed ({exc})"
    with contextlib.ExitStack() as stack:
        # three at a time (the limits are CPU time, so sharing the cores costs no points):
        # the local grades and the cluster's grade in threads, check here
        pool = stack.enter_context(ThreadPoolExecutor(max_workers=2))
        local = pool.submit(locally)
        remote = None
        if distributed is not None:
            cluster = stack.enter_context(distributed.LocalCluster(
                n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                dashboard_address=":0"))  # a free port: never the one another cluster holds
            # process isolation on the worker: bubblewrap is compared locally above
            remote = pool.submit(_grade, subs, tmp_path / "cluster", "--isolation", "process",
                                 "--scheduler", cluster.scheduler_address, again=True)
        baseline, docs = _check(subs)
        compared = local.result()
        if remote is not None:
            compared["grade --scheduler"] = remote.result()

    # the grades the class was built to earn (in check's documents: the others must agree)
    for student, losses in EXPECTED_LOSSES.items():
        checks = {c["id"]: c for e in docs[student]["exercises"] for c in e["checks"]}
        assert len(checks) == 19
        for check_id, check in checks.items():
            lost = [v for prefix, v in losses.items() if check_id.startswith(prefix)]
            if check_id.startswith(TAMPERED.get(student, ())):
                assert check["points"] == (check["max_points"] if check["status"] == "passed"
                                           else 0), (student, check)
            elif lost:
                status, mistake = lost[0]
                assert (check["status"], check["points"]) == (status, 0), (student, check)
                if mistake is not None:
                    assert check["mistake"] == mistake, (student, check)
            else:
                assert (check["status"], check["points"]) == ("passed", check["max_points"]), \
                    (student, check)
    totals = {student: doc["totals"] for student, doc in docs.items()}
    assert totals["ada_honest"]["points"] == totals["ada_honest"]["max_points"] == 21, totals
    assert all(t["points"] < 21 for student, t in totals.items() if student != "ada_honest"), totals

    differences = {how: d for how, grades in compared.items()
                   if (d := _differences(baseline, grades))}
    assert not differences, "check vs " + json.dumps(differences, indent=1)
    # the archives: the zip is the references (full marks), the broken one all errors,
    # alike in every grade run
    for how, grades in compared.items():
        assert grades["kim_zip"] == baseline["ada_honest"], how
        assert {status for status, _ in grades["bad"].values()} == {"error"}, how
        assert grades["bad"] == next(iter(compared.values()))["bad"], how
    if not_compared:
        pytest.skip(f"the same grade from check and {', '.join(compared)}; not compared: "
                    + "; ".join(f"{how}: {why}" for how, why in not_compared.items()))
