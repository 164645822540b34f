"""``calcgrade bench``: the timing harness, the checks, crossovers, rendering, the CLI.

The harness is tested with kernels whose cost is known (they sleep); the full pipeline,
student sandbox included, runs once as a real process on tiny sizes.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import inprocess
import numpy as np
import pytest
from click.testing import CliRunner

from grader.bench import analysis, checking, harness
from grader.bench.kernels import DERIVATIVE, GRADIENT, Kernel, Method
from grader.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _jax_env(monkeypatch):
    """What the bench sets for JAX, restored after each test."""
    monkeypatch.setenv("JAX_ENABLE_X64", "1")
    monkeypatch.setenv("JAX_PLATFORMS", "cpu")
    monkeypatch.setenv("XLA_PYTHON_CLIENT_PREALLOCATE", "false")


# -- the harness -----------------------------------------------------------------------

def test_sleeping_kernel_is_measured_within_tolerance():
    timing, result = harness.time_kernel(lambda: time.sleep(0.02) or "done", repeats=5,
                                         warmup=1)
    assert result == "done"
    assert 0.02 <= timing.median_s <= 0.03
    assert timing.min_s >= 0.02 and timing.repeats == 5 and timing.number == 1
    assert timing.q1_s <= timing.median_s <= timing.q3_s


class FirstCallSlow:
    """Compiles on the first call (0.3 s), then runs in 5 ms: like a jitted kernel."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        time.sleep(0.3 if self.calls == 1 else 0.005)
        return self.calls


def test_compile_time_is_not_counted_in_steady_state():
    kernel = FirstCallSlow()
    timing, last = harness.time_kernel(kernel, repeats=5, warmup=2)
    assert timing.first_s >= 0.3
    assert 0.005 <= timing.median_s < 0.05
    assert timing.compile_s >= 0.25
    assert last == kernel.calls == 1 + 2 + 5  # first, warm-up, samples


def test_jax_compilation_is_reported_apart_and_results_are_forced():
    import jax
    import jax.numpy as jnp

    x = jnp.linspace(0.0, 1.0, 1_003)  # a shape no other test compiles
    timing, result = harness.time_kernel(jax.jit(lambda v: jnp.sin(v) * 2.0), (x,), repeats=5)
    assert timing.first_s > timing.median_s
    assert timing.compile_s > 0
    np.testing.assert_allclose(np.asarray(result), 2 * np.sin(np.asarray(x)))


def test_short_kernels_are_batched_per_sample():
    timing, _ = harness.time_kernel(lambda: 1 + 1, repeats=3, min_sample_s=1e-3)
    assert timing.number > 10
    assert timing.median_s < 1e-4


def test_budget_bounds_slow_kernels_but_keeps_three_samples():
    timing, _ = harness.time_kernel(lambda: time.sleep(0.03), repeats=100, warmup=5,
                                    budget_s=0.1)
    assert 3 <= timing.repeats < 10
    assert timing.warmup < 5


@pytest.mark.parametrize("bad", [{"first_s": -1.0}, {"first_s": float("nan")},
                                 {"samples": []}, {"samples": ["x"]}])
def test_timings_from_the_sandbox_are_validated(bad):
    good = {"first_s": 0.1, "samples": [0.01, 0.02], "warmup": 1, "number": 1}
    assert harness.Timing.from_dict(good).median_s == pytest.approx(0.015)
    with pytest.raises((ValueError, TypeError)):
        harness.Timing.from_dict(good | bad)


# -- checking results ---------------------------------------------------------------------

def test_a_wrong_result_is_flagged_with_its_error():
    expected = np.linspace(1.0, 2.0, 50)
    ok, err, _ = checking.normwise_check(expected * (1 + 1e-9), expected, {}, 1e-6)
    assert ok and err < 1e-8
    ok, err, message = checking.normwise_check(expected * 1.5, expected, {}, 1e-6)
    assert not ok and message.startswith("wrong result: relative error")
    ok, _, message = checking.normwise_check(expected[:10], expected, {}, 1e-6)
    assert not ok and "expected shape (50,), got (10,)" in message
    ok, _, message = checking.normwise_check({"W": expected}, {"W": expected, "b": expected},
                                             {}, 1e-6)
    assert not ok and "keys W, b" in message
    ok, err, _ = checking.normwise_check(np.full(50, np.nan), expected, {}, 1e-6)
    assert not ok


def test_large_results_are_thinned_the_same_way_on_both_sides():
    big = np.arange(checking.MAX_CHECKED * 3 + 7, dtype=np.float64)
    thin = checking.thin(big)
    assert thin["thinned_shape"] == [big.size] and thin["sample"].size <= checking.MAX_CHECKED
    assert checking.normwise_check(checking.thin(big.copy()), thin, {}, 0)[0]
    ok, _, message = checking.normwise_check(checking.thin(big[:-1]), thin, {}, 1e-6)
    assert not ok and "expected shape" in message


def test_classifier_check_compares_accuracy():
    X = np.array([[-2.0, -1.0, 1.0, 2.0], [0.0, 0.0, 0.0, 0.0]])
    inputs = {"X": X, "Y": np.array([[0.0, 0.0, 1.0, 1.0]])}
    right = {"W": np.array([[1.0, 0.0]]), "b": np.zeros((1, 1))}
    flipped = {"W": np.array([[-1.0, 0.0]]), "b": np.zeros((1, 1))}
    assert checking.accuracy_check(right, right, inputs, 0.01)[0]
    ok, _, message = checking.accuracy_check(flipped, right, inputs, 0.01)
    assert not ok and "training accuracy 0.0%" in message


# -- crossovers ---------------------------------------------------------------------------

@pytest.mark.parametrize("a, status, between", [
    ([(10, 5.0), (100, 2.0), (1000, 0.5), (10000, 0.1)], "crossover", [100, 1000]),
    ([(10, 0.1), (100, 0.2), (1000, 0.3), (10000, 0.4)], "always", None),
    ([(10, 9.0), (100, 9.0), (1000, 9.0), (10000, 9.0)], "never", None),
    ([(10, 0.1), (100, 9.0), (1000, 9.0), (10000, 9.0)], "mixed", None),
    ([(10, 0.1)], "no data", None),
])
def test_crossover_is_named_only_when_it_lasts(a, status, between):
    b = [(10, 1.0), (100, 1.0), (1000, 1.0), (10000, 1.0)]
    c = analysis.crossover(a, b, "automatic", "numerical", "n points")
    assert c["status"] == status and c["between"] == between
    if status == "crossover":
        assert 100 < c["estimate"] < 1000
        assert c["text"].startswith("automatic overtakes numerical between n = 100 and 1,000")


# -- measuring methods --------------------------------------------------------------------

def _sleeping_kernel(per_element_s: float) -> Kernel:
    def prepare(impl, inputs):
        n = inputs["x"].size
        return lambda: time.sleep(per_element_s * n) or inputs["x"] * 2

    return Kernel(slug="01_derivative", name="sleepy", title="sleeps n × t", size_name="n",
                  sizes={"tiny": (2, 4)},
                  make_inputs=lambda rng, n, dt: {"x": rng.uniform(size=n).astype(dt)},
                  expected=lambda inp: inp["x"] * 2, methods=(Method("sleep", "sleep", prepare),),
                  tolerance={"float64": 1e-12, "float32": 1e-6})


def test_sizes_past_a_methods_limit_or_budget_are_skipped():
    from grader.bench.measure import Settings, measure_method

    settings = Settings(repeats=3, warmup=0, budget_s=0.05)
    kernel = _sleeping_kernel(0.002)
    out = measure_method(kernel, kernel.methods[0], None, [2, 5_000], settings)
    assert [d["status"] for d in out] == ["ok", "skipped"]
    assert out[1]["message"].startswith("too slow: ")
    assert out[0]["timing"]["median_s"] == pytest.approx(0.004, abs=0.004)
    out = measure_method(GRADIENT, GRADIENT.method("numerical"),
                         _reference("03_gradient"), [8, 5_000], settings)
    assert out[0]["status"] == "ok" and out[1]["status"] == "skipped"
    assert "above this method's size limit (4,096" in out[1]["message"]


def _reference(slug: str):
    from grader.judge.engine import load_reference

    return load_reference(slug)


def _info():
    from grader.bench.device import select_device

    return select_device("cpu")


def test_missing_or_unfinished_references_are_reported_not_raised():
    from grader.bench.measure import Settings
    from grader.bench.runner import _kernel_rows

    def unfinished(impl, inputs):
        raise NotImplementedError

    nowhere = Kernel(slug="99_nowhere", name="k", title="t", size_name="n", sizes={},
                     make_inputs=DERIVATIVE.make_inputs, expected=DERIVATIVE.expected,
                     methods=(Method("m", "m", unfinished, ("rate_of_change",)),),
                     tolerance={"float64": 1e-6})
    rows = _kernel_rows(nowhere, [10], Settings(), _info(), {})
    assert rows[0].status == "missing"
    assert rows[0].message.startswith("reference/99_nowhere.py could not be loaded")
    todo = dataclasses.replace(nowhere, slug="01_derivative")
    rows = _kernel_rows(todo, [10], Settings(), _info(), {})
    assert rows[0].status == "not_implemented"


@pytest.mark.parametrize("value, message", [
    ({"sizes": "junk"}, "the sandbox sent malformed timings"),
    ({"sizes": [{"n": 10, "status": "ok", "timing": {"first_s": "soon"}}]},
     "the timings sent back are malformed"),
    ({"sizes": [{"n": 10, "status": "<b>fine</b>"}]}, ""),
])
def test_malformed_student_timings_are_errors(value, message):
    from grader.bench.measure import Settings
    from grader.bench.runner import _kernel_rows
    from grader.sandbox.raw import RawResult

    kernel = _sleeping_kernel(0.0)
    kernel = dataclasses.replace(kernel, methods=(
        Method("numerical", "n", kernel.methods[0].prepare, ("rate_of_change",)),))
    raw = {f"{kernel.id}/bench/numerical": RawResult("ok", value=value)}
    rows = [r for r in _kernel_rows(kernel, [10], Settings(repeats=1, warmup=0), _info(), raw)
            if r.impl == "student"]
    assert [r.status for r in rows] == ["error"]
    assert rows[0].message == message


# -- rendering ----------------------------------------------------------------------------

def _fake_report(submission: str):
    from grader.bench.measure import Settings
    from grader.bench.runner import BenchReport, Row, _add_ratios

    t = harness.Timing.from_samples
    rows = []
    for n, auto, num in ((10, 5e-3, 1e-5), (100, 5e-3, 1e-4), (1000, 5e-3, 1e-2)):
        rows.append(Row(DERIVATIVE.id, "automatic", "reference", "cpu", n, "ok",
                        timing=t(0.5, [auto], 0, 1), dtype_out="float64"))
        rows.append(Row(DERIVATIVE.id, "numerical", "reference", "cpu", n, "ok",
                        timing=t(num, [num], 0, 1), dtype_out="float64"))
        rows.append(Row(DERIVATIVE.id, "numerical", "student", "cpu", n, "ok",
                        timing=t(num, [2 * num], 0, 1), dtype_out="float64"))
        rows.append(Row(DERIVATIVE.id, "automatic", "student", "cpu", n, "wrong",
                        "wrong result: relative error inf > tolerance 1e-06",
                        timing=t(1e-6, [1e-6], 0, 1), error=float("inf")))
    _add_ratios(rows)
    return BenchReport(_info(), Settings(), "tiny", [DERIVATIVE], rows, submission=submission)


def test_text_report_ranks_only_correct_results_and_gives_ratios():
    from grader.bench.report import render_text

    text = render_text(_fake_report("sub"))
    assert "automatic (cpu) overtakes numerical (cpu) between n = 100 and 1,000" in text
    assert "submission: numerical: your kernel takes 2× the reference's time" in text
    assert "WRONG result at n = 10, 100, 1,000 (not ranked)" in text
    assert "GPU vs CPU not measured (no GPU in this run)" in text
    assert "(1 µs)" in text  # a wrong kernel's time is shown in parentheses


def test_json_report_survives_non_finite_errors():
    from grader.bench.report import render_json

    data = json.loads(render_json(_fake_report("sub")))
    wrong = [r for r in data["rows"] if r["status"] == "wrong"]
    assert wrong and all(r["error"] is None for r in wrong)
    assert data["kernels"][0]["crossovers"][0]["status"] == "crossover"


def test_html_report_embeds_the_plot_and_escapes_text():
    from grader.bench.report import render_html

    html = render_html(_fake_report("<script>alert(1)</script>"))
    assert 'src="data:image/png;base64,' in html
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "Your kernels against the reference" in html
    assert 'class="wrong student"' in html


# -- the command --------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (["02_antiderivative"], "no kernel to time for '02_antiderivative'"),
    (["--sizes", "big"], "'big' is not a size"),
    (["--sizes", "10,1.5"], "size '1.5' must be a whole number"),
    (["--sizes", "inf"], "must be a whole number"),
    (["--submission", "/no/such/folder"], "does not exist"),
    (["--device", "tpu"], "'tpu' is not one of"),
])
def test_bad_input_is_a_usage_error(args, message):
    result = CliRunner().invoke(main, ["bench", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_gpu_request_without_a_gpu_says_so():
    result = CliRunner().invoke(main, ["bench", "01", "--device", "gpu", "--sizes", "10,20"])
    assert result.exit_code == 1
    assert "--device gpu: JAX sees no GPU on this machine" in result.output
    assert "Traceback" not in result.output


def test_an_unwritable_output_is_a_clean_error(tmp_path):
    target = tmp_path / "missing" / "bench.txt"
    result = CliRunner().invoke(main, ["bench", "01", "--device", "cpu", "--sizes", "10,20",
                                       "--repeats", "1", "--warmup", "0", "-o", str(target)])
    assert result.exit_code == 1
    assert f"cannot write {target}" in result.output


SLOW_CORRECT = '''
import time
def rate_of_change(f, x, dx=1e-6):
    time.sleep(0.02)
    return (f(x + dx) - f(x - dx)) / (2 * dx)
'''
FAST_WRONG = '''
def autodiff_derivative(f):
    return lambda xs: xs  # fast, and wrong
'''
BROKEN = '''
def jax_gradient(f):
    raise ValueError("no gradient today")
'''


def test_bench_times_a_submission_in_the_sandbox(tmp_path):
    sub = tmp_path / "sub"
    (sub / "01_derivative").mkdir(parents=True)
    (sub / "03_gradient").mkdir(parents=True)
    source = (ROOT / "reference" / "01_derivative.py").read_text()
    (sub / "01_derivative" / "solution.py").write_text(source + SLOW_CORRECT + FAST_WRONG)
    (sub / "03_gradient" / "solution.py").write_text(BROKEN)
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, "-m", "grader", "bench", "01_derivative", "03_gradient/gradient",
         "--submission", str(sub), "--device", "auto", "--sizes", "10,20", "--repeats", "3",
         "--warmup", "1", "--budget", "0.2", "--format", "json", "-o", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert proc.returncode == 1, proc.stderr  # a wrong result fails the run
    report = json.loads(out.read_text())
    assert report["schema"] == "calcgrade-bench/1"
    assert report["device"]["platform"] == "cpu" and report["device"]["versions"]["jax"]
    assert report["settings"]["dtype"] == "float64"

    def rows(method, impl, kernel="01_derivative/derivative"):
        return [r for r in report["rows"] if r["kernel"] == kernel and r["method"] == method
                and r["impl"] == impl]

    for r in rows("numerical", "student"):  # the sleeping kernel, measured in the sandbox
        assert r["status"] == "ok"
        assert 0.02 <= r["timing"]["median_s"] <= 0.035
        assert r["ratio"] > 10
    for r in rows("automatic", "student"):  # fast and wrong: flagged, never ranked
        assert r["status"] == "wrong" and r["ratio"] is None
        assert "relative error" in r["message"]
    assert all(r["status"] == "ok" for r in rows("symbolic", "student"))
    assert all(r["status"] == "ok" for r in report["rows"] if r["impl"] == "reference")
    broken = rows("automatic", "student", "03_gradient/gradient")
    assert [r["status"] for r in broken] == ["error", "error"]
    assert "ValueError: no gradient today" in broken[0]["message"]
    assert "line" in broken[0]["message"]
    assert [r["status"] for r in rows("numerical", "student", "03_gradient/gradient")] == \
        ["missing", "missing"]


# -- check --bench: the student's kernel times in the grading outputs ---------------------

def _results_with_kernels(message: str = ""):
    from grader.judge.results import CheckResult, ExerciseResult, Results

    report = _fake_report("sub")
    if message:
        report.rows[3].message = message
    timed = analysis.student_kernels(report)
    check = CheckResult(id="01_derivative/symbolic_derivative", exercise="01_derivative",
                        function="symbolic_derivative", case="", title="f'",
                        status="passed", points=1.0, max_points=1.0, message="correct")
    ex = ExerciseResult("01_derivative", "Derivatives", [check], kernels=timed["01_derivative"])
    return Results(submission="sub", seed=1, isolation="process", exercises=[ex])


def test_student_kernels_give_each_method_its_ratio_and_flag_wrong_ones():
    timed = analysis.student_kernels(_fake_report("sub"))
    assert list(timed) == ["01_derivative"]
    by_method = {k["method"]: k for k in timed["01_derivative"]}
    assert set(by_method) == {"numerical", "automatic"}  # only methods the student ran
    numerical, automatic = by_method["numerical"], by_method["automatic"]
    assert numerical["median_ratio"] == pytest.approx(2.0) and not numerical["wrong"]
    assert [s["n"] for s in numerical["sizes"]] == [10, 100, 1000]
    assert numerical["sizes"][0]["reference_s"] == pytest.approx(1e-5)
    assert automatic["median_ratio"] is None and automatic["wrong"]
    assert "WRONG result at n = 10, 100, 1,000 (not ranked)" in automatic["summary"]


def test_kernel_times_survive_the_results_document_and_reach_every_output():
    from grader.judge.results import Results
    from grader.reports.html import student_html
    from grader.reports.text import render

    results = _results_with_kernels("<b>boom</b>")
    again = Results.from_dict(json.loads(json.dumps(results.to_dict())))
    assert again.exercises[0].kernels == results.exercises[0].kernels
    html = student_html(again, plots=False)
    assert "Your kernels' speed" in html
    assert "your time is <strong class=\"ratio\">2×</strong> the reference" in html
    assert "WRONG RESULT: not ranked" in html
    assert "<b>boom</b>" not in html and "&lt;b&gt;boom&lt;/b&gt;" in html
    text = render(again)
    assert ("speed  01_derivative/derivative (numerical): your kernel takes 2× the "
            "reference's time") in text
    # without --bench nothing changes
    plain = _results_with_kernels()
    plain.exercises[0].kernels = None
    assert "kernels" not in plain.to_dict()["exercises"][0]
    assert "Your kernels" not in student_html(plain, plots=False)
    assert "speed" not in render(plain)


@pytest.mark.slow
def test_check_bench_puts_the_ratio_in_the_json_and_the_report(tmp_path):
    sub = tmp_path / "sub"
    (sub / "01_derivative").mkdir(parents=True)
    source = (ROOT / "reference" / "01_derivative.py").read_text()
    (sub / "01_derivative" / "solution.py").write_text(source + SLOW_CORRECT + FAST_WRONG)
    html = tmp_path / "report.html"
    proc = inprocess.calcgrade(
        ["check", "01_derivative", "--submission", str(sub), "--seed", "3", "--format", "json",
         "--html", str(html), "--bench", "10,20"], cwd=ROOT, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert proc.returncode == 1, proc.stderr  # the wrong autodiff_derivative fails its checks
    doc = json.loads(proc.stdout)
    kernels = {k["method"]: k for k in doc["exercises"][0]["kernels"]}
    assert kernels["numerical"]["median_ratio"] > 10  # the sleeping rate_of_change
    assert kernels["automatic"]["wrong"] and kernels["automatic"]["median_ratio"] is None
    assert 0.1 < kernels["symbolic"]["median_ratio"] < 10  # the reference's own code
    page = html.read_text()
    assert "Your kernels' speed" in page and "WRONG RESULT: not ranked" in page


def test_check_bench_on_exercises_without_kernels_says_so(tmp_path):
    sub = tmp_path / "sub"
    (sub / "02_antiderivative").mkdir(parents=True)
    (sub / "02_antiderivative" / "solution.py").write_text(
        (ROOT / "reference" / "02_antiderivative.py").read_text())
    proc = inprocess.calcgrade(["check", "02", "--submission", str(sub), "--seed", "3", "--bench"],
                               cwd=ROOT, env={**os.environ, "JAX_PLATFORMS": "cpu"})
    assert proc.returncode == 0, proc.stderr  # the grade alone decides the exit code
    assert "--bench: none of these exercises has a kernel to time" in proc.stderr
    assert "speed" not in proc.stdout
