"""Per-student variants: codes from a secret key, fair parameters, statements, and two
students with different variants graded by the same checks."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli.main import main
from grader.course.variants import (
    VariantError,
    activate,
    check_code,
    params_from_code,
    read_claim,
    spec_for,
    student_code,
)
from grader.judge import variant_families as cubic

SLUG = "01_derivative"


def test_codes_come_from_the_key_and_the_student():
    key, other = b"k" * 32, b"o" * 32
    a = student_code(key, "ada", SLUG)
    assert a == student_code(key, "ada", SLUG) and check_code(a) == a
    assert a != student_code(key, "bo", SLUG)
    assert a != student_code(other, "ada", SLUG)
    assert a != student_code(key, "ada", "03_gradient")
    for bad in ("", "abcdefghij", "ABCDEFGHI1", "ABCDEFGHIJK", None):
        with pytest.raises(VariantError):
            check_code(bad)


def test_every_variant_is_fair_and_they_differ():
    spec = spec_for(SLUG)
    assert spec is not None and spec.params() == cubic.LESSON  # no variant: the lesson's
    drawn = [params_from_code(spec, student_code(b"k" * 32, f"s{n}", SLUG)) for n in range(200)]
    assert all(spec.valid(p) is None for p in drawn)
    assert len({tuple(sorted(p.items())) for p in drawn}) > 50
    assert spec.valid({"a": 1, "b": 0, "c": 1}) is not None  # a missing term is refused


def _student(root: Path, code: str | None, answer: str) -> Path:
    folder = root / SLUG
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(f"def symbolic_derivative():\n    return {answer!r}\n")
    if code is not None:
        (folder / "variant.toml").write_text(f'code = "{code}"\n')
    return root


def _derivative_text(code: str) -> str:
    return str(cubic.derivative(params_from_code(spec_for(SLUG), code)))


def test_two_students_with_different_variants_are_graded_by_the_same_checks(tmp_path):
    from grader.judge.engine import Submission, grade

    key = b"class key".ljust(32, b".")
    ca, cb = student_code(key, "ada", SLUG), student_code(key, "bo", SLUG)
    pa, pb = (params_from_code(spec_for(SLUG), c) for c in (ca, cb))
    assert pa != pb
    subs = [Submission.from_dir(_student(tmp_path / "ada", ca, _derivative_text(ca))),
            Submission.from_dir(_student(tmp_path / "bo", cb, _derivative_text(cb))),
            # ada's answer handed in under bo's variant: accepted only for ada
            Submission.from_dir(_student(tmp_path / "copy", cb, _derivative_text(ca))),
            # bo writing down his own f instead of its derivative: the catalogued mistake
            Submission.from_dir(_student(tmp_path / "slip", cb, str(cubic.polynomial(pb)))),
            # the lesson's answer without a variant file: the lesson's numbers
            Submission.from_dir(_student(tmp_path / "lesson", None, "3x^2 - 4x"))]
    ada, bo, copy, slip, lesson = grade(subs, [SLUG], seed=7, function="symbolic_derivative")
    assert ada.checks[0].passed and bo.checks[0].passed and lesson.checks[0].passed
    assert not copy.checks[0].passed and copy.checks[0].status == "failed"
    assert slip.checks[0].mistake == "returned_function"
    assert ada.exercises[0].variant == {"code": ca} and bo.exercises[0].variant == {"code": cb}
    assert lesson.exercises[0].variant is None and "variant" not in lesson.to_dict()["exercises"][0]
    assert ada.to_dict()["exercises"][0]["variant"] == {"code": ca}


def test_the_mistake_message_speaks_of_the_students_own_polynomial(tmp_path):
    from grader.judge.engine import Submission, grade

    code = next(c for c in (student_code(b"x" * 32, f"s{n}", SLUG) for n in range(50))
                if params_from_code(spec_for(SLUG), c)["b"] == 3)
    dropped = str(cubic.dropped_x(params_from_code(spec_for(SLUG), code)))
    res, = grade([Submission.from_dir(_student(tmp_path, code, dropped))], [SLUG], seed=7,
                 function="symbolic_derivative")
    assert res.checks[0].mistake == "derivative_of_minus_2x2"
    assert res.checks[0].message.startswith("The derivative of 3x² is 6x, not 6:")


def test_a_malformed_variant_file_is_reported_and_the_lessons_numbers_used(tmp_path):
    (tmp_path / "variant.toml").write_text('code = "nope"\n')
    claim = read_claim(tmp_path)
    assert claim is not None and claim.code is None and "not a variant code" in claim.problem
    (tmp_path / "variant.toml").write_text("code = [")
    assert "ignored" in read_claim(tmp_path).problem
    assert read_claim(tmp_path / "absent") is None


def test_activation_is_undone_and_cached_inputs_are_per_variant():
    from grader.course.spec import load_exercise
    from grader.judge.engine import drawn_inputs

    check = load_exercise(SLUG).checks[0]
    code = student_code(b"k" * 32, "ada", SLUG)
    assert drawn_inputs(check, 3)["_params"] == cubic.LESSON
    with activate({SLUG: code}):
        assert drawn_inputs(check, 3)["_params"] == params_from_code(spec_for(SLUG), code)
        with activate({}):  # nested: the lesson's, then this variant again
            assert drawn_inputs(check, 3)["_params"] == cubic.LESSON
        assert drawn_inputs(check, 3)["_params"] == params_from_code(spec_for(SLUG), code)
    assert drawn_inputs(check, 3)["_params"] == cubic.LESSON


def test_two_threads_grading_different_variants_get_their_own_numbers():
    """No module-level setting (issue 9): each thread's activation is its own, and so are
    the cached inputs and expected answers it gets, however the threads interleave."""
    import contextvars
    import threading

    from grader.course.spec import load_exercise
    from grader.course.variants import active_codes
    from grader.judge.engine import REFERENCE, _expected, drawn_inputs, judge_value

    check = load_exercise(SLUG).checks[0]  # symbolic_derivative: judged from the parameters
    codes = [c for c in (student_code(b"t" * 32, f"s{n}", SLUG) for n in range(40))]
    ca = codes[0]
    cb = next(c for c in codes if _derivative_text(c) != _derivative_text(ca))
    both = threading.Barrier(2, timeout=60)
    seen: dict[str, list] = {}
    errors: list[BaseException] = []

    def grade_one(code: str, other: str) -> None:
        try:
            with activate({SLUG: code}):
                both.wait()  # both activated before either reads
                for _ in range(20):
                    params = drawn_inputs(check, 5)["_params"]
                    expected = _expected(check, 5, REFERENCE)[1]
                    both.wait()  # the other thread has read (and cached) too
                    mine = judge_value(check, _derivative_text(code), 5)
                    theirs = judge_value(check, _derivative_text(other), 5)
                    seen.setdefault(code, []).append((params, str(expected), mine.passed,
                                                      theirs.passed, active_codes()))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
            both.abort()

    threads = [threading.Thread(target=grade_one, args=pair) for pair in ((ca, cb), (cb, ca))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    for code in (ca, cb):
        want = params_from_code(spec_for(SLUG), code)
        assert len(seen[code]) == 20
        for params, expected, mine, theirs, active in seen[code]:
            assert params == want and active == {SLUG: code}
            assert expected == str(cubic.derivative(want))
            assert mine and not theirs  # the other variant's answer is wrong here
    assert active_codes() == {}  # this thread never activated anything
    with activate({SLUG: ca}):  # a new thread starts with none active, unless given the context
        plain, copied = [], []
        t1 = threading.Thread(target=lambda: plain.append(active_codes()))
        t2 = threading.Thread(target=contextvars.copy_context().run,
                              args=(lambda: copied.append(active_codes()),))
        for t in (t1, t2):
            t.start()
            t.join()
    assert plain == [{}] and copied == [{SLUG: ca}]


def test_variant_command_renders_a_statement_from_a_code_or_a_student(tmp_path):
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for

    runner = CliRunner()
    code = student_code(b"k" * 32, "ada", SLUG)
    out = runner.invoke(main, ["variant", SLUG, "--code", code])
    assert out.exit_code == 0, out.output
    assert cubic.poly_text(params_from_code(spec_for(SLUG), code)) in out.output and code in out.output
    bad = runner.invoke(main, ["variant", SLUG, "--code", "lowercase!"])
    assert bad.exit_code == 2 and "not a variant code" in bad.output and "Traceback" not in bad.output
    from grader.course.spec import all_slugs

    plain = [s for s in all_slugs() if spec_for(s) is None]  # other exercises gain variants
    if plain:
        none = runner.invoke(main, ["variant", plain[0], "--code", code])
        assert none.exit_code == 2 and "has no per-student variants" in none.output
    with Gradebook.in_folder(tmp_path / "results") as book:
        ada = codes_for(book, "ada", [SLUG])[SLUG]
        assert codes_for(book, "ada", [SLUG])[SLUG] == ada  # the key is kept
    (tmp_path / "subs" / SLUG).mkdir(parents=True)
    out = runner.invoke(main, ["variant", SLUG, "--student", "ada", "--results",
                               str(tmp_path / "results"), "--write", "--submission",
                               str(tmp_path / "subs")])
    assert out.exit_code == 0, out.output
    assert read_claim(tmp_path / "subs" / SLUG).code == ada
    assert ada in (tmp_path / "subs" / SLUG / "VARIANT.md").read_text()
    missing = runner.invoke(main, ["variant", SLUG, "--student", "ada"])
    assert missing.exit_code == 2 and "--results" in missing.output


def test_a_class_run_grades_each_student_with_their_own_variant(tmp_path, monkeypatch):
    import grader.course.variants as variants
    from grader.classrun.grade import grade_class
    from grader.classrun.gradebook import Gradebook
    from grader.classrun.variant_key import codes_for

    monkeypatch.setattr(variants, "enabled_slugs", lambda: [SLUG])
    out = tmp_path / "out"
    with Gradebook.in_folder(out) as book:
        with book.transaction():  # a fixed class key: ada's and bo's numbers known to differ
            book.db.execute("INSERT INTO meta VALUES ('variant_key', ?)", ("5e" * 32,))
        ca, cb = (codes_for(book, s, [SLUG])[SLUG] for s in ("ada", "bo"))
    pa, pb = (params_from_code(spec_for(SLUG), c) for c in (ca, cb))
    slope = {s: 12 * p["a"] + 4 * p["b"] for s, p in (("ada", pa), ("bo", pb))}  # f′(2)
    assert _derivative_text(ca) != _derivative_text(cb) and len(set(slope.values())) == 2
    assert 4 not in slope.values()  # neither is the lesson's f′(2)
    base = (Path(__file__).resolve().parent.parent / "reference" / f"{SLUG}.py").read_text()
    for student, code, answer in (("ada", ca, _derivative_text(ca)),
                                  ("bo", ca, _derivative_text(ca))):  # bo copies ada's
        folder = tmp_path / "subs" / student / SLUG
        folder.mkdir(parents=True)
        (folder / "solution.py").write_text(
            f"{base}\n\ndef symbolic_derivative():\n    return {answer!r}\n")
        (folder / "variant.toml").write_text(f'code = "{code}"\n')
        (folder / "answers.toml").write_text(f"slope_at_2 = {slope['ada']}\n")  # the question too
    summary = grade_class(tmp_path / "subs", out, slugs=[SLUG], seed=9, jobs=1,
                          reports=("html",))
    assert summary.ok, summary.lines()
    by = {r.submission: r for r in summary.results}  # read back from the gradebook
    sym = {s: next(c for c in r.checks if c.id == f"{SLUG}/symbolic_derivative")
           for s, r in by.items()}
    assert sym["ada"].passed and not sym["bo"].passed
    worked = {s: next(c for c in r.checks if c.id.endswith("/worked_example")) for s, r in by.items()}
    assert worked["ada"].passed and worked["bo"].passed  # generic code: right for any variant
    question = {s: next(c for c in r.checks if c.id == f"{SLUG}/q/slope_at_2") for s, r in by.items()}
    assert question["ada"].passed and not question["bo"].passed  # judged with bo's own f
    assert by["ada"].exercises[0].variant == {"code": ca}
    bo = by["bo"].exercises[0].variant
    assert bo["code"] == cb and bo["claimed"] == ca and "not yours" in bo["problem"]
    html = (out / "index.html").read_text()
    assert 'id="variants"' in html and cb in html and "not yours" in html
