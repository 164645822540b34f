"""Each collection policy, tested on its own (issue 9, item 7).

``grader.sandbox.client.collect(requests, Policy)`` is the one way any command collects a
student's raw results. Its policies are: process isolation, bubblewrap with one shared
server per slot (students forked from it, each hiding the others' folders), and
bubblewrap with one sandbox per student (``Policy(shared=False)``, the fallback where
nested namespaces are refused). For each, the same two students are collected: an honest
one (the reference) and a spy, whose ``solution.py`` tries at import to read the honest
student's file and the judge-only reference, prints what it could, and otherwise submits
the reference too. Every policy must give the honest answers back, hide the other
student and the reference from the spy, and agree with the others value for value.
Two gradings in one process with different policies, at the same time, must not
interfere (no module-level settings).
"""
from __future__ import annotations

import json
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from grader.course.paths import reference_dir
from grader.course.spec import load_exercises
from grader.judge.engine import Submission, judge_student, lay_out
from grader.judge.requests import student_request
from grader.sandbox.client import Policy, _environment, collect
from grader.sandbox.isolation import bwrap_problem
from grader.sandbox.xla import GRADING_XLA_FLAGS, default_xla_flags

SLUG = "01_derivative"
SEED = 11

SPY = '''
import json as _json
_seen = {{}}
for _name, _path in {targets!r}.items():
    try:
        with open(_path) as _f:
            _seen[_name] = "READ " + _f.read(40)
    except Exception as _exc:
        _seen[_name] = "refused " + type(_exc).__name__
import os as _os
_seen["xla_flags"] = _os.environ.get("XLA_FLAGS")
print("SPY " + _json.dumps(_seen))
'''

POLICIES = {
    "process": dict(isolation="process"),
    "bwrap shared": dict(isolation="bwrap", shared=True),
    "bwrap per student": dict(isolation="bwrap", shared=False),
}


def _collect(policy_kwargs: dict) -> tuple[dict, list]:
    """Lay out honest (s0) and spy (s1), collect both under the policy: raw, results."""
    exercises = load_exercises([SLUG])
    scratch = Path(tempfile.mkdtemp(prefix="calcgrade-policy-"))
    scratch.chmod(0o755)
    try:
        reference = reference_dir() / f"{SLUG}.py"
        honest = scratch / "in" / "honest" / SLUG / "solution.py"
        honest.parent.mkdir(parents=True)
        shutil.copyfile(reference, honest)
        roots = [scratch / "s0", scratch / "s1"]
        targets = {"peer": str(roots[0] / SLUG / "solution.py"), "reference": str(reference),
                   "own": str(roots[1] / SLUG / "solution.py")}  # the control: readable
        spy = scratch / "in" / "spy" / SLUG / "solution.py"
        spy.parent.mkdir(parents=True)
        spy.write_text(reference.read_text() + SPY.format(targets=targets))
        requests = []
        for i, path in enumerate((honest, spy)):
            sub = Submission(path.parent.parent.name, {SLUG: path})
            solutions = lay_out(sub, [SLUG], roots[i])
            requests.append(student_request(i, roots[i], exercises, solutions, SEED))
        policy = Policy(parallel=2, scratch_root=scratch, hidden=(scratch / "in",),
                        **policy_kwargs)
        raws = collect(requests, policy)
        results = [judge_student(raws[i], exercises, name=str(i), seed=SEED,
                                 isolation=policy.isolation) for i in range(2)]
        return raws, results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _spy_report(raw) -> dict:
    line = next(ln for ln in raw.exercises[0].import_output.splitlines() if ln.startswith("SPY "))
    return json.loads(line[4:])


def _values(raw) -> list:
    return [(r.status, repr(r.value)) for _, r in sorted(raw.exercises[0].results.items())]


def _needs(name: str) -> None:
    if name.startswith("bwrap") and bwrap_problem() is not None:
        pytest.skip(bwrap_problem() or "")


@pytest.fixture(scope="module")
def collected() -> dict:
    out = {}
    for name, kwargs in POLICIES.items():
        if name.startswith("bwrap") and bwrap_problem() is not None:
            continue
        out[name] = _collect(kwargs)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", list(POLICIES))
def test_policy_returns_the_honest_answers(collected, name):
    _needs(name)
    raws, results = collected[name]
    for res in results:
        assert res.points == res.max_points > 0, [(c.id, c.message) for c in res.checks
                                                  if not c.passed]
        assert res.isolation == POLICIES[name]["isolation"]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(POLICIES))
def test_policy_hides_the_other_student_and_the_reference(collected, name):
    _needs(name)
    raws, _ = collected[name]
    seen = _spy_report(raws[1])
    assert seen["peer"].startswith("refused"), seen
    assert seen["reference"].startswith("refused"), seen
    assert seen["own"].startswith("READ "), seen  # the spy's probe works: it reads its own


@pytest.mark.slow
@pytest.mark.parametrize("name", list(POLICIES))
def test_policy_compiles_with_the_grading_flags(collected, name):
    """Student code is compiled with the grading flags (half the compile time) under
    every policy; bubblewrap clears the environment, so its command line must set them."""
    _needs(name)
    raws, _ = collected[name]
    assert _spy_report(raws[1])["xla_flags"] == (default_xla_flags() or None)


def test_the_flags_go_only_to_an_xla_known_to_take_them():
    """An XLA that does not know a flag ends at its start: other jaxlibs get none."""
    assert default_xla_flags("0.10.2") == GRADING_XLA_FLAGS
    assert default_xla_flags("0.4.30") == default_xla_flags("0.12.0.1") == ""
    assert default_xla_flags("") == ""


def test_timing_runs_get_xlas_default_compiler(tmp_path):
    from grader.bench.student import timing_policy

    assert _environment(Policy()).get("XLA_FLAGS", "") == default_xla_flags()
    assert timing_policy(None, tmp_path).xla_flags == ""
    assert "XLA_FLAGS" not in _environment(timing_policy(None, tmp_path))


def test_the_judge_compiles_with_the_grading_flags_and_bench_with_xlas(monkeypatch):
    """The trusted side compiles like the sandbox: every command but ``bench`` (which times
    kernels) sets the grading flags before JAX starts, as a judge process does; a flag
    the user set (XLA_FLAGS, or CALCGRADE_XLA_FLAGS="" for XLA's defaults) is kept."""
    import os

    from click.testing import CliRunner

    from grader.cli.main import main
    from grader.sandbox.xla import use_grading_compiler

    for command, flags in ((["list"], default_xla_flags() or None),
                           (["bench", "--help"], None)):
        monkeypatch.delenv("XLA_FLAGS", raising=False)
        monkeypatch.delenv("CALCGRADE_XLA_FLAGS", raising=False)
        assert CliRunner().invoke(main, command).exit_code == 0
        assert os.environ.get("XLA_FLAGS") == flags, command
    monkeypatch.setenv("XLA_FLAGS", "--xla_dump_to=/nowhere")
    use_grading_compiler()
    assert os.environ["XLA_FLAGS"] == "--xla_dump_to=/nowhere"
    monkeypatch.delenv("XLA_FLAGS")
    monkeypatch.setenv("CALCGRADE_XLA_FLAGS", "")
    use_grading_compiler()
    assert "XLA_FLAGS" not in os.environ


@pytest.mark.slow
def test_policies_agree_value_for_value(collected):
    names = list(collected)
    base = _values(collected[names[0]][0][0])
    assert base and all(status == "ok" for status, _ in base)
    for name in names[1:]:
        for i in range(2):
            assert _values(collected[name][0][i]) == _values(collected[names[0]][0][i]), name


@pytest.mark.slow
def test_two_gradings_at_once_do_not_interfere():
    """A process grading and a bubblewrap grading in the same process, concurrently."""
    kinds = [POLICIES["process"]] + ([POLICIES["bwrap shared"]] if bwrap_problem() is None else
                                     [POLICIES["process"]])
    with ThreadPoolExecutor(2) as pool:
        (raws_a, res_a), (raws_b, res_b) = pool.map(_collect, kinds)
    for a, b in zip(res_a, res_b):
        assert [(c.id, c.status) for c in a.checks] == [(c.id, c.status) for c in b.checks]
        assert a.points == a.max_points
    assert res_a[0].isolation == kinds[0]["isolation"]
    assert res_b[0].isolation == kinds[1]["isolation"]
