"""Per-student variants of 02_antiderivative, 03_gradient and 04_jacobian: fair families,
answers computed from the parameters alone, two students with different variants graded
by the same checks, copies refused, catalogued slips named in the student's own numbers,
and the statement rendered from a code."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import pytest
import sympy
from click.testing import CliRunner

from grader.cli.main import main
from grader.course.spec import load_exercise, public
from grader.course.variants import activate, params_from_code, spec_for, student_code
from grader.judge import variant_antiderivative as quadratic
from grader.judge import variant_gradient as bowl
from grader.judge import variant_jacobian as pair
from grader.judge.variant_wording import VariantCheck, polynomial_text

KEY = b"variants 02-04".ljust(32, b".")


def _matrix(m: Any) -> list[list[str]]:
    return [[str(e) for e in row] for row in m.tolist()]


def _pair_of(values: Any) -> list[str]:
    return [str(v) for v in values]


@dataclass(frozen=True)
class Target:
    """One worked-example function: its answer, the lesson's, and catalogued slips, each
    a value (as the student's function returns it) from the parameters, with a text the
    message must hold (in the student's own numbers)."""

    slug: str
    function: str
    lesson_title: str
    answer: Callable[[dict], Any]
    slips: tuple[tuple[str, Callable[[dict], Any], Callable[[dict], str]], ...]
    named: Callable[[dict], str]  # the student's own function, as titles name it


TARGETS = [
    Target("02_antiderivative", "antiderivative", "an antiderivative of 3x² − 4x (any constant)",
           lambda p: str(quadratic.antiderivative(p)),
           (("differentiated", lambda p: str(quadratic.differentiated(p)),
             lambda p: f"{quadratic.facts(p)['f_prime']} is f′(x)"),
            ("forgot_to_divide", lambda p: str(quadratic.undivided(p)),
             lambda p: f"so {quadratic.facts(p)['square']} gives {quadratic.facts(p)['square_up']}"),
            ("sign", lambda p: str(quadratic.sign_slip(p)),
             lambda p: f"an antiderivative is {quadratic.facts(p)['answer']}"),
            ("lesson_antiderivative", lambda p: "x^3 - 2x^2 + 5",
             lambda p: f"not of your own f(x) = {quadratic.f_text(p)}")),
           quadratic.f_text),
    Target("03_gradient", "gradient_expr", "∇(x² + y²) as a pair of SymPy expressions",
           lambda p: _pair_of(bowl.gradient(p)),
           (("swapped_partials", lambda p: _pair_of(bowl.swapped(p)),
             lambda p: f"For f = {bowl.f_text(p)}, ∂f/∂x"),
            ("lesson_gradient", lambda p: ["2x", "2y"],
             lambda p: f"not of your own f = {bowl.f_text(p)}")),
           bowl.f_text),
    Target("03_gradient", "gradient_at_1_1", "∇f at (1, 1)",
           lambda p: list(bowl.gradient_at_1_1(p)),
           (("swapped_components", lambda p: list(bowl.gradient_at_1_1(p))[::-1],
             lambda p: f"for f = {bowl.f_text(p)}"),
            ("lesson_gradient_value", lambda p: [2, 2],
             lambda p: f"not of your own f = {bowl.f_text(p)}")),
           bowl.f_text),
    Target("04_jacobian", "example_jacobian", "the Jacobian of (2xy, x²y)",
           lambda p: _matrix(pair.jacobian(p)),
           (("example_transposed", lambda p: _matrix(pair.transposed(p)),
             lambda p: f"∂/∂y of {pair.facts(p)['F1']}, row 2 those of {pair.facts(p)['F2']}"),
            ("lesson_jacobian", lambda p: [["2y", "2x"], ["2xy", "x^2"]],
             lambda p: f"not of your own {pair.outputs_text(p)}")),
           pair.outputs_text),
]
SLUGS = ("02_antiderivative", "03_gradient", "04_jacobian")
FAMILIES = {"02_antiderivative": quadratic, "03_gradient": bowl, "04_jacobian": pair}
# more distinct variants than this among 200 students (of 28, 20 and 31)
DISTINCT = {"02_antiderivative": 20, "03_gradient": 15, "04_jacobian": 20}
UNFAIR = {  # a parameter set each family refuses, besides the lesson's own
    "02_antiderivative": [{"a": 1, "b": 0}, {"a": 4, "b": 1}, {"a": 1, "b": 2}],
    "03_gradient": [{"a": 2, "b": 2}, {"a": 0, "b": 3}, {"a": 6, "b": 1}],
    "04_jacobian": [{"p": 1, "q": 1, "m": 2, "n": 1}, {"p": 2, "q": 1, "m": 2, "n": 2},
                    {"p": 3, "q": 5, "m": 1, "n": 2}],
}


def _params(slug: str, code: str) -> dict:
    return params_from_code(spec_for(slug), code)


def _codes(slug: str, n: int) -> list[str]:
    return [student_code(KEY, f"s{k}", slug) for k in range(n)]


def _two_students(slug: str) -> tuple[str, str]:
    """Two codes of different variants (their answers differ)."""
    codes = _codes(slug, 40)
    first = codes[0]
    return first, next(c for c in codes[1:] if _params(slug, c) != _params(slug, first))


@pytest.mark.parametrize("slug", SLUGS)
def test_every_drawn_variant_is_fair_and_they_differ(slug):
    spec, family = spec_for(slug), FAMILIES[slug]
    assert spec is not None and spec.params() == family.LESSON  # no variant: the lesson's
    drawn = [_params(slug, c) for c in _codes(slug, 200)]
    assert all(spec.valid(p) is None for p in drawn)
    assert len({tuple(sorted(p.items())) for p in drawn}) > DISTINCT[slug]
    assert family.LESSON not in drawn and spec.valid(family.LESSON) is not None
    for bad in UNFAIR[slug]:
        assert spec.valid(bad) is not None, bad


def _same(a: Any, b: Any) -> bool:
    """Equal answers: expressions, tuples of them, matrices or numbers."""
    if isinstance(a, sympy.MatrixBase):
        return _same(a.tolist(), b.tolist() if isinstance(b, sympy.MatrixBase) else b)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return sympy.simplify(sympy.sympify(a) - sympy.sympify(b)) == 0


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.slug}/{t.function}")
def test_expected_answers_come_from_the_parameters_not_the_reference(target):
    """The release bundle has no reference: every variant's answer (and the lesson's, the
    same as the reference's) is computed from the parameters by checks.py alone."""
    from grader.judge.engine import judge_value, load_reference
    from grader.judge.public_key import NO_REFERENCE

    check = next(c for c in load_exercise(target.slug).checks if c.function == target.function)
    lesson = check.expected(NO_REFERENCE, check.make_inputs(1))
    assert _same(lesson, getattr(load_reference(target.slug), target.function)())
    assert type(lesson) is type(getattr(load_reference(target.slug), target.function)())
    readme = target.answer(FAMILIES[target.slug].LESSON)
    assert judge_value(check, readme, 1).passed
    for code in _codes(target.slug, 4):
        with activate({target.slug: code}):
            inputs = check.make_inputs(1)
            assert inputs["_params"] == _params(target.slug, code)
            assert public(inputs) == {}  # the sandbox never sees the parameters
            assert _same(check.expected(NO_REFERENCE, inputs), target.answer(inputs["_params"]))
            assert judge_value(check, target.answer(inputs["_params"]), 1).passed
            assert not judge_value(check, readme, 1).passed  # the lesson's is not theirs


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: f"{t.slug}/{t.function}")
def test_titles_name_the_students_own_function_only_under_a_variant(target):
    check = next(c for c in load_exercise(target.slug).checks if c.function == target.function)
    assert isinstance(check, VariantCheck) and check.title == target.lesson_title
    lesson_hint = check.hint
    code = _codes(target.slug, 1)[0]
    with activate({target.slug: code}):
        assert target.named(_params(target.slug, code)) in check.title
        if target.slug == "02_antiderivative":  # the hint names f too
            assert quadratic.f_text(_params(target.slug, code)) in check.hint
    assert check.title == target.lesson_title and check.hint == lesson_hint


def test_a_wording_that_fails_keeps_the_lessons_title():
    from grader.judge.answers import Expr

    spec = spec_for("02_antiderivative")
    check = VariantCheck(variants=spec, wording=lambda p: 1 / 0, function="antiderivative",
                         points=1, title="lesson title", answer=Expr(), hint="lesson hint")
    with activate({"02_antiderivative": _codes("02_antiderivative", 1)[0]}):
        assert check.title == "lesson title" and check.hint == "lesson hint"


def test_the_course_notation_of_the_lessons_numbers():
    assert quadratic.f_text(quadratic.LESSON) == "3x² − 4x"
    assert quadratic.facts(quadratic.LESSON) == {
        "f": "3x² − 4x", "f_prime": "6x − 4", "square": "3x²", "square_up": "x³",
        "linear": "−4x", "linear_up": "−2x²", "answer": "x³ − 2x²"}
    assert bowl.f_text(bowl.LESSON) == "x² + y²"
    assert pair.outputs_text(pair.LESSON) == "(2xy, x²y)"
    assert pair.outputs_text({"p": 3, "q": 4, "m": 1, "n": 2}) == "(3xy, 4xy²)"
    assert polynomial_text([(-1, "x"), (0, "y"), (1, "")]) == "−x + 1"


def _solution(target: Target, answer: Any) -> str:
    return f"def {target.function}():\n    return {answer!r}\n"


def _folder(root: Path, target: Target, code: str | None, answer: Any) -> Path:
    folder = root / target.slug
    folder.mkdir(parents=True)
    (folder / "solution.py").write_text(_solution(target, answer))
    if code is not None:
        (folder / "variant.toml").write_text(f'code = "{code}"\n')
    return root


@pytest.fixture(scope="module", params=TARGETS, ids=lambda t: f"{t.slug}/{t.function}")
def graded(request, tmp_path_factory):
    """One batch per function: two students with their own answers, copies under a
    variant, each catalogued slip on the student's own function, and the lesson."""
    from grader.judge.engine import Submission, grade

    target: Target = request.param
    tmp = tmp_path_factory.mktemp(target.function)
    ca, cb = _two_students(target.slug)
    pa, pb = _params(target.slug, ca), _params(target.slug, cb)
    lesson = target.answer(FAMILIES[target.slug].LESSON)
    rows = {"ada": (ca, target.answer(pa)), "bo": (cb, target.answer(pb)),
            "copy": (cb, target.answer(pa)),  # ada's answer under bo's variant
            "readme": (cb, lesson),  # the README's answer under bo's variant
            "lesson": (None, lesson)}  # no variant: the lesson's numbers
    rows.update({f"slip:{m}": (cb, wrong(pb)) for m, wrong, _ in target.slips})
    subs = [Submission.from_dir(_folder(tmp / name.replace(":", "_"), target, code, answer), name)
            for name, (code, answer) in rows.items()]
    results = grade(subs, [target.slug], seed=7, function=target.function)
    return target, pb, {name: r.checks[0] for name, r in zip(rows, results)}, \
        {name: r.exercises[0] for name, r in zip(rows, results)}


def test_two_students_pass_with_their_own_variants(graded):
    target, _, checks, exercises = graded
    assert checks["ada"].passed and checks["bo"].passed and checks["lesson"].passed
    assert exercises["ada"].variant["code"] != exercises["bo"].variant["code"]
    assert exercises["lesson"].variant is None
    assert checks["lesson"].title == target.lesson_title
    assert target.lesson_title not in (checks["ada"].title, checks["bo"].title)
    assert checks["ada"].title != checks["bo"].title  # each names their own function


def test_a_copied_answer_fails_under_a_variant(graded):
    _, _, checks, _ = graded
    for name in ("copy", "readme"):
        assert checks[name].status == "failed" and checks[name].points == 0, name


def test_a_slip_on_the_students_own_function_is_named_in_their_numbers(graded):
    target, pb, checks, _ = graded
    for mistake, _, text in target.slips:
        got = checks[f"slip:{mistake}"]
        assert got.status == "failed" and got.mistake == mistake, (mistake, got.message)
        assert text(pb) in got.message, got.message
        assert "{" not in got.message
    readme = next(m for m, *_ in target.slips if m.startswith("lesson_"))
    assert checks["readme"].mistake == readme


@pytest.mark.parametrize("slug", SLUGS)
def test_the_variant_command_renders_the_students_statement(slug):
    code = _codes(slug, 1)[0]
    out = CliRunner().invoke(main, ["variant", slug, "--code", code])
    assert out.exit_code == 0, out.output
    name, text = {"02_antiderivative": ("f(x)", quadratic.f_text),
                  "03_gradient": ("f(x, y)", bowl.f_text),
                  "04_jacobian": ("F(x, y)", pair.outputs_text)}[slug]
    assert f"**{name} = {text(_params(slug, code))}**" in out.output, out.output
    assert code in out.output and f"exercises/{slug}/variant.toml" in out.output


@pytest.mark.parametrize("slug", SLUGS)
def test_the_selftest_finds_every_variant_fair_and_judged(slug):
    from grader.judge.questions_selftest import variant_problems

    line, problems = variant_problems(slug, 3)
    assert not problems and "all fair" in line
