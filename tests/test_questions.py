"""Concept questions: declarations, each kind judged (right, wrong, catalogued wrong,
unreadable), malformed answer files, the self-test's part, `check`, class run and report."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from grader.course.questions import Key, Question, WrongAnswer, load_key, load_questions
from grader.course.spec import all_slugs
from grader.judge.questions import judge_answers, judge_question
from grader.judge.questions_selftest import question_problems
from grader.judge.results import CheckResult, ExerciseResult, Results

ROOT = Path(__file__).resolve().parent.parent

CHOICE = Question("t", "pick", "choice", "Pick one.", 1.0, choices={"a": "A", "b": "B", "c": "C"})
MANY = Question("t", "many", "choice", "Pick all.", 2.0, choices={"a": "A", "b": "B", "c": "C"},
                multiple=True)
NUMBER = Question("t", "num", "number", "How much?", 1.0, rtol=1e-3, atol=0.0)
EXPR = Question("t", "expr", "expression", "d/dx of x²y?", 1.0, symbols=("x", "y"))
TEXT = Question("t", "why", "text", "Why?", 2.0)

KEYS = {
    "pick": Key("b", (WrongAnswer("took_a", "a", "A is the value, not the rate."),)),
    "many": Key(["a", "c"], (WrongAnswer("only_a", ["a"], "C as well."),)),
    "num": Key(2.1213203, (WrongAnswer("half", 1.0606601, "That is half of it."),)),
    "expr": Key("2 x y", (WrongAnswer("y_dropped", "2x", "y stays as a factor."),)),
    "why": Key("model answer"),
}


@pytest.mark.parametrize("question, answer, status, mistake", [
    (CHOICE, "b", "passed", None),
    (CHOICE, " B ", "passed", None),                 # case and spaces as a student types them
    (CHOICE, "a", "failed", "took_a"),
    (CHOICE, "c", "failed", None),
    (CHOICE, "d", "failed", None),                   # not a choice: says so
    (CHOICE, ["a", "b"], "failed", None),            # two answers to a one-answer question
    (MANY, ["c", "a"], "passed", None),
    (MANY, "a, c", "passed", None),
    (MANY, ["a"], "failed", "only_a"),
    (MANY, ["a", "b", "c"], "failed", None),         # ticking everything is wrong
    (NUMBER, 2.1215, "passed", None),                # within rtol 1e-3
    (NUMBER, "3/sqrt(2)", "passed", None),           # a number written as text, safe parser
    (NUMBER, 2.2, "failed", None),
    (NUMBER, 1.0607, "failed", "half"),
    (NUMBER, True, "failed", None),
    (NUMBER, "x + 1", "failed", None),
    (NUMBER, "__import__('os')", "failed", None),    # never eval'd
    (EXPR, "2*x*y", "passed", None),
    (EXPR, "2 y x", "passed", None),
    (EXPR, "2 x", "failed", "y_dropped"),
    (EXPR, "x^2", "failed", None),
    (EXPR, "x.__class__", "failed", None),           # refused by the parser
    (EXPR, 3, "failed", None),
    (TEXT, "because the terms cancel", "recorded", None),
    (TEXT, "", "not_implemented", None),
    (CHOICE, "", "not_implemented", None),
    (MANY, [], "not_implemented", None),
])
def test_each_kind_is_judged(question, answer, status, mistake):
    r = judge_question(question, answer, KEYS[question.name], seed=1)
    assert (r.status, r.mistake) == (status, mistake), r.message
    assert r.id == f"t/q/{question.name}" and r.kind == "question"
    assert r.points == (question.points if status == "passed" else 0.0)
    assert r.max_points == question.points and r.message
    if mistake:
        assert r.message == next(w.message for w in KEYS[question.name].wrong if w.id == mistake)


def test_unreadable_answers_say_what_is_expected():
    assert "not one of the choices a, b, c" in judge_question(CHOICE, "d", KEYS["pick"], 1).message
    assert "exactly one" in judge_question(CHOICE, ["a", "b"], KEYS["pick"], 1).message
    assert "not true/false" in judge_question(NUMBER, True, KEYS["num"], 1).message
    assert "could not be read" in judge_question(EXPR, "x.__class__", KEYS["expr"], 1).message


def test_without_a_key_answers_are_checked_for_form_and_recorded():
    assert judge_question(CHOICE, "b", None, 1).status == "recorded"
    assert judge_question(CHOICE, "z", None, 1).status == "failed"  # a typo is still caught


@pytest.mark.parametrize("data, says", [
    (b'purpose = b\n', "could not be read"),             # unquoted text
    (b'purpose = "b"\npurpose = "a"\n', "could not be read"),  # twice
    (b'purpose = "b\n', "could not be read"),            # an unclosed string
    (b'\xff\xfe\x00p', "not UTF-8"),
    (b'x = "' + b"a" * 70_000 + b'"', "larger than"),
])
def test_a_malformed_answers_file_is_an_error_for_every_question(data, says):
    results = judge_answers("01_derivative", data, seed=1)
    assert len(results) == len(load_questions("01_derivative"))
    for r in results:
        assert r.status == "error" and says in r.message and r.points == 0
        assert "Traceback" not in r.message


def test_no_answers_file_no_question_results_and_unknown_names_are_ignored():
    assert judge_answers("01_derivative", None, seed=1) == []
    got = judge_answers("01_derivative", b'purpose = "b"\nnot_a_question = 3\n', seed=1)
    assert [r.status for r in got] == ["passed", "not_implemented", "not_implemented"]


def test_every_exercise_has_at_least_two_questions_and_a_key_that_fits():
    for slug in all_slugs():
        questions = load_questions(slug)
        assert len(questions) >= 2, slug
        assert {q.kind for q in questions} - {"text"}, f"{slug}: nothing auto-graded"
        key = load_key(slug)
        assert key is not None and set(key) == {q.name for q in questions}


def test_selftest_proves_reference_answers_wrong_answers_and_stubs():
    for slug in all_slugs():
        line, problems = question_problems(slug, seed=3)
        assert line and not problems, problems


def test_selftest_catches_an_unrecognisable_wrong_answer_and_a_wrong_reference(monkeypatch):
    import grader.judge.questions_selftest as qs

    real = load_key("01_derivative")
    broken = dict(real)
    broken["purpose"] = Key("a", (WrongAnswer("same_as_right", "a", "never shown"),))
    monkeypatch.setattr(qs, "load_key", lambda slug: broken)
    _, problems = question_problems("01_derivative", seed=3)
    assert any("wrong answer 'same_as_right' came out passed" in p for p in problems), problems
    broken["purpose"] = Key("zz")
    _, problems = question_problems("01_derivative", seed=3)
    assert any("reference answer is failed" in p for p in problems), problems


def test_the_key_is_checked_against_the_declarations(tmp_path, monkeypatch):
    from grader.course import questions as cq

    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / "01_derivative.toml").write_text('[purpose]\nanswer = "b"\n')
    monkeypatch.setattr(cq, "reference_dir", lambda: tmp_path)
    with pytest.raises(cq.QuestionsError, match="no answer for slope_at_2, why_central"):
        cq.load_key("01_derivative")


# -- through the engine: `calcgrade check` and a class run ----------------------------------

SLUG = "02_antiderivative"
ANSWERS = 'constant = "a"\narea_0_2 = 16\nwhy_riemann = """Strips of width dx\n<b>shrink</b>."""\n'


def _folder(root: Path, answers: str | None) -> Path:
    (root / SLUG).mkdir(parents=True)
    shutil.copy(ROOT / "reference" / f"{SLUG}.py", root / SLUG / "solution.py")
    if answers is not None:
        (root / SLUG / "answers.toml").write_text(answers)
    return root


def test_check_judges_questions_beside_the_code(tmp_path):
    from grader.judge.engine import Submission, grade

    with_answers = Submission.from_dir(_folder(tmp_path / "a", ANSWERS))
    without = Submission.from_dir(_folder(tmp_path / "b", None))
    res, bare = grade([with_answers, without], [SLUG], seed=4)
    qs = {c.id: c for c in res.checks if c.kind == "question"}
    assert qs[f"{SLUG}/q/constant"].status == "passed"
    assert qs[f"{SLUG}/q/area_0_2"].mistake == "sign_slip"
    assert qs[f"{SLUG}/q/why_riemann"].status == "recorded"
    assert qs[f"{SLUG}/q/why_riemann"].detail["answer"].startswith("Strips of width dx")
    code = [c for c in res.checks if c.kind == "code"]
    assert code and all(c.passed for c in code)
    assert res.points == sum(c.points for c in code) + 1
    assert not any(c.kind == "question" for c in bare.checks)
    doc = res.to_dict()
    entry = next(c for e in doc["exercises"] for c in e["checks"] if c["id"] == f"{SLUG}/q/constant")
    assert entry["kind"] == "question" and doc["totals"]["recorded"] == 1
    assert Results.from_dict(doc).checks[-1].kind == "question"
    assert "kind" not in doc["exercises"][0]["checks"][0]  # code checks: as before
    assert not res.all_passed  # the catalogued wrong answer fails


def _q(id_, status, points, maxp, answer="", mistake=None, kind="choice"):
    return CheckResult(id=id_, exercise=SLUG, function="q/" + id_.rsplit("/", 1)[-1],
                       title="A question?", status=status, points=points, max_points=maxp,
                       message="m", mistake=mistake, kind="question",
                       detail={"answer": answer, "question": kind})


def _student(name, why, area_status="passed", mistake=None):
    checks = [_q(f"{SLUG}/q/area_0_2", area_status, 1.0 if area_status == "passed" else 0.0,
                 1.0, "16", mistake, "number"),
              _q(f"{SLUG}/q/why_riemann", "recorded", 0.0, 2.0, why, kind="text")]
    return Results(submission=name, seed=1, isolation="process",
                   exercises=[ExerciseResult(SLUG, "t", checks)])


def test_class_report_shows_question_results_and_free_text(tmp_path):
    from grader.judge.overrides import apply_overrides
    from grader.reports.html import class_html

    results = [_student("ada", "strips <script>alert(1)</script> shrink"),
               _student("cho", "no idea", "failed", "sign_slip")]
    (tmp_path / "overrides.toml").write_text(
        f'[ada."{SLUG}/q/why_riemann"]\npoints = 2\ncomment = "clear"\n'
        f'[nobody."{SLUG}/q/why_riemann"]\npoints = 1\n')
    warnings = apply_overrides(results, tmp_path)
    assert warnings == [f"{tmp_path / 'overrides.toml'}: no results for student 'nobody'"]
    assert results[0].points == 3.0 and results[0].checks[1].message == "instructor: 2/2 — clear"
    html = class_html(results, plots=False)
    section = html[html.index('id="questions"'):]
    assert f"{SLUG}/q/why_riemann" in section and "sign_slip" in section
    assert "strips &lt;script&gt;alert(1)&lt;/script&gt; shrink" in section  # escaped
    assert "no idea" in section and "2/2" in section and "0/2" in section


def test_overrides_are_bounded(tmp_path):
    from grader.judge.overrides import OverridesError, apply_overrides

    (tmp_path / "overrides.toml").write_text(f'[ada."{SLUG}/q/why_riemann"]\npoints = 5\n')
    with pytest.raises(OverridesError, match="points must be a number from 0 to 2"):
        apply_overrides([_student("ada", "x")], tmp_path)
    (tmp_path / "overrides.toml").write_text(f'[ada."{SLUG}/q/area_0_2"]\npoints = 1\n'
                                             f'[ada."{SLUG}/integrand"]\npoints = 1\n')
    res = _student("ada", "x", "failed")
    assert len(apply_overrides([res], tmp_path)) == 1  # a code check cannot be overridden
    (tmp_path / "overrides.toml").write_text("ada = [")
    with pytest.raises(OverridesError, match="cannot be read"):
        apply_overrides([res], tmp_path)


def test_a_class_run_grades_questions_and_reports_them(tmp_path):
    from grader.classrun.grade import grade_class

    subs = tmp_path / "subs"
    _folder(subs / "ada", ANSWERS)
    _folder(subs / "bo", "constant = b\n")  # malformed: every question an error, code fine
    summary = grade_class(subs, tmp_path / "out", slugs=[SLUG], seed=5, jobs=1,
                          reports=("html",))
    assert summary.ok, summary.lines()
    by = {r.submission: r for r in summary.results}
    ada = {c.id: c for c in by["ada"].checks}
    assert ada[f"{SLUG}/q/area_0_2"].mistake == "sign_slip"
    assert {c.status for c in by["bo"].checks if c.kind == "question"} == {"error"}
    html = (tmp_path / "out" / "index.html").read_text()
    assert 'id="questions"' in html and "Strips of width dx" in html


# -- questions whose answer depends on the student's variant (01's slope f′(2)) -----------

V_SLUG = "01_derivative"


def _slope_codes():
    """Two variant codes whose f′(2) = 12a + 4b differ from each other and from the
    lesson's 4, and whose f(2) differs from f′(2) (the catalogued slip can show)."""
    from grader.course.variants import params_from_code, spec_for, student_code

    spec = spec_for(V_SLUG)
    out = []
    for n in range(200):
        code = student_code(b"q" * 32, f"s{n}", V_SLUG)
        p = params_from_code(spec, code)
        slope, value = 12 * p["a"] + 4 * p["b"], 8 * p["a"] + 4 * p["b"] + p["c"]
        if slope != 4 and slope != value and all(slope != s for _, _, s, _ in out):
            out.append((code, p, slope, value))
        if len(out) == 2:
            return out
    raise AssertionError("no two fitting variants")  # pragma: no cover


def _slope(results):
    return next(r for r in results if r.id == f"{V_SLUG}/q/slope_at_2")


def test_a_variant_question_is_right_for_its_own_variant_only():
    (ca, pa, slope_a, value_a), (cb, _, slope_b, _) = _slope_codes()
    mine = judge_answers(V_SLUG, f"slope_at_2 = {slope_a}\n", seed=1, code=ca)
    assert _slope(mine).status == "passed"
    copied = judge_answers(V_SLUG, f"slope_at_2 = {slope_a}\n", seed=1, code=cb)
    assert _slope(copied).status == "failed" and _slope(copied).mistake is None
    lesson = judge_answers(V_SLUG, "slope_at_2 = 4\n", seed=1, code=ca)  # the lesson's answer
    assert _slope(lesson).status == "failed"
    slip = _slope(judge_answers(V_SLUG, f"slope_at_2 = {value_a}\n", seed=1, code=ca))
    assert slip.mistake == "value_not_slope" and "That is f(2)" in slip.message
    dropped = 12 * pa["a"] + 2 * pa["b"]
    assert _slope(judge_answers(V_SLUG, f"slope_at_2 = {dropped}\n", seed=1,
                                code=ca)).mistake == "dropped_x"
    # no variant: the lesson's numbers, exactly as before
    assert _slope(judge_answers(V_SLUG, "slope_at_2 = 4\n", seed=1)).status == "passed"
    assert _slope(judge_answers(V_SLUG, "slope_at_2 = 1\n", seed=1)).mistake == "value_not_slope"
    assert _slope(judge_answers(V_SLUG, f"slope_at_2 = {slope_a}\n", seed=1)).status == "failed"


def test_a_wrong_answer_that_is_right_under_a_variant_is_not_held_against_it():
    from grader.course.variants import params_from_code, spec_for, student_code
    from grader.judge.questions import key_for_variant

    spec = spec_for(V_SLUG)
    code = next(c for c in (student_code(b"w" * 32, f"s{n}", V_SLUG) for n in range(2000))
                if params_from_code(spec, c)["c"] == 4 * params_from_code(spec, c)["a"])
    key = key_for_variant(V_SLUG, load_questions(V_SLUG), load_key(V_SLUG), code, 1)
    assert [w.id for w in key["slope_at_2"].wrong] == ["dropped_x"]  # f(2) = f′(2) here
    p = params_from_code(spec, code)
    got = judge_answers(V_SLUG, f"slope_at_2 = {12 * p['a'] + 4 * p['b']}\n", seed=1, code=code)
    assert _slope(got).status == "passed"


def _key_with(tmp_path, monkeypatch, slope_table: str):
    from grader.course import questions as cq

    text = (ROOT / "reference" / "answers" / f"{V_SLUG}.toml").read_text()
    start = text.index("[slope_at_2]")
    end = text.index("[why_central]")
    (tmp_path / "answers").mkdir(exist_ok=True)
    (tmp_path / "answers" / f"{V_SLUG}.toml").write_text(text[:start] + slope_table + text[end:])
    monkeypatch.setattr(cq, "reference_dir", lambda: tmp_path)


@pytest.mark.parametrize("table, says", [
    ('[slope_at_2]\nanswer = 4\nfrom_variant = "12*a + 3*b"\n',
     "gives 6.0 at the lesson's parameters, but the lesson's answer is 4"),
    ('[slope_at_2]\nanswer = 4\nfrom_variant = "12*a + 4*d"\n', "cannot be read"),
    ('[slope_at_2]\nanswer = 4\nfrom_variant = "12*a + 4*b"\n[[slope_at_2.wrong]]\n'
     'id = "w"\nanswer = 1\nfrom_variant = "8*a"\nmessage = "m"\n', "wrong 'w': from_variant gives 8"),
])
def test_a_formula_that_disagrees_with_the_lesson_is_the_authors_error(tmp_path, monkeypatch,
                                                                       table, says):
    import grader.judge.questions_selftest as qs

    _key_with(tmp_path, monkeypatch, table)
    results = judge_answers(V_SLUG, "slope_at_2 = 4\n", seed=1)
    assert len(results) == 1 and results[0].status == "error" and says in results[0].message
    monkeypatch.setattr(qs, "load_key", load_key)  # the self-test reads the same key
    _, problems = question_problems(V_SLUG, seed=3)
    assert any(says in p for p in problems), problems


@pytest.mark.parametrize("table, says", [
    ('[slope_at_2]\nanswer = 4\nfrom_variant = 12\n', "must be a formula"),
    ('[slope_at_2]\nanswer = 4\nfrom_variant = ""\n', "must be a formula"),
])
def test_from_variant_is_a_formula_as_text(tmp_path, monkeypatch, table, says):
    from grader.course.questions import QuestionsError

    _key_with(tmp_path, monkeypatch, table)
    with pytest.raises(QuestionsError, match=says):
        load_key(V_SLUG)


def test_from_variant_is_refused_on_a_choice_question(tmp_path, monkeypatch):
    from grader.course import questions as cq

    text = (ROOT / "reference" / "answers" / f"{V_SLUG}.toml").read_text()
    (tmp_path / "answers").mkdir()
    (tmp_path / "answers" / f"{V_SLUG}.toml").write_text(
        text.replace('[purpose]\nanswer = "b"\n', '[purpose]\nanswer = "b"\nfrom_variant = "a"\n'))
    monkeypatch.setattr(cq, "reference_dir", lambda: tmp_path)
    with pytest.raises(cq.QuestionsError, match="not choice"):
        cq.load_key(V_SLUG)


def test_check_judges_a_variant_question_with_the_students_own_numbers(tmp_path):
    """Through the engine (what `check` runs): variant.toml selects the numbers of both
    the code checks and the question; copying a classmate's answers fails both."""
    from grader.judge.engine import Submission, grade

    (ca, _, slope_a, _), (cb, _, _, _) = _slope_codes()
    subs = []
    for name, code in (("ada", ca), ("bo", cb)):
        folder = tmp_path / name / V_SLUG
        folder.mkdir(parents=True)
        (folder / "solution.py").write_text("def symbolic_derivative():\n    return 'x'\n")
        (folder / "variant.toml").write_text(f'code = "{code}"\n')
        (folder / "answers.toml").write_text(f"slope_at_2 = {slope_a}\n")  # bo copies ada's
        subs.append(Submission.from_dir(tmp_path / name))
    ada, bo = grade(subs, [V_SLUG], seed=2)
    assert _slope(ada.checks).status == "passed" and _slope(bo.checks).status == "failed"
    assert ada.exercises[0].variant == {"code": ca}


def test_selftest_judges_variant_questions_under_drawn_variants(monkeypatch):
    """A wrong answer whose formula agrees with the lesson but breaks under a variant
    (1/(a − 2) is −1 at the lesson's a = 1, undefined for a = 2) is caught by the
    self-test's drawn variants, not only by a student who happens to get a = 2."""
    import dataclasses

    import grader.judge.questions_selftest as qs
    from grader.course.questions import WrongAnswer
    from grader.course.questions import load_key as real_load_key

    slug = "01_derivative"
    summary, problems = qs.question_problems(slug, 2024)
    assert problems == [] and "under 8 drawn variants" in summary

    def fragile(s):
        key = real_load_key(s)
        k = key["slope_at_2"]
        bad = WrongAnswer("fragile", -1, "a fragile slip", from_variant="1/(a - 2)")
        return {**key, "slope_at_2": dataclasses.replace(k, wrong=(*k.wrong, bad))}

    monkeypatch.setattr(qs, "load_key", fragile)
    _, problems = qs.question_problems(slug, 2024)
    assert problems and all("variant" in p and "1/(a - 2)" in p for p in problems), problems
