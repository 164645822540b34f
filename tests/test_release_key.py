"""The public key's forms of an expected answer: judged against them, an answer gets the
verdict and the message it gets against the reference (fast, in-process)."""
from __future__ import annotations

import numpy as np
import pytest
import sympy

from grader.judge.answers import Expr, ExprArray
from grader.judge.public_key import PublicKeyError, Unstorable, decode_value, encode_value
from grader.judge.symbolic import OutsidePublicKey, SampledExpr, sample_expected

x, y = sympy.symbols("x y")


def _rng():
    return np.random.default_rng([5, 7, 11])


def _twice(answer, got, expected, form):
    """(passed, message, next draw) against the expression and against the key's form."""
    out = []
    for exp in (expected, form):
        rng = _rng()
        v = answer.compare(got, exp, {}, rng)
        out.append((v.passed, v.message, float(rng.uniform())))  # the generator is left alike
    return out


ANSWERS = ["3x^2 - 4x", "x(3x - 4)", "3x^2 - 4", "3x^2 - 4x + 1e-9", "x^3", "7", "0",
           "3x^2 - 4x + sqrt(x - 10)", "log(x)", "(3x^2 - 4x)(x - 1)/(x - 1)", "1/(x - 0.5)"]


@pytest.mark.parametrize("got", ANSWERS)
def test_an_expression_is_judged_alike_against_its_values(got):
    answer = Expr(symbols=("x",), domain={"x": (-3.0, 3.0)})
    expected = 3 * x**2 - 4 * x
    form = sample_expected(expected, answer.domain, _rng())
    a, b = _twice(answer, got, expected, form)
    assert a == b


@pytest.mark.parametrize("got", ["x^3 - 2x^2", "x^3 - 2x^2 + C", "x^3 - 2x^2 + C x", "6x - 4",
                                 "x^3 + 2x^2", "x^3 - 2x^2 + K*C"])
def test_an_antiderivative_is_judged_alike_against_its_derivative_values(got):
    answer = Expr(symbols=("x",), domain={"*": (-3.0, 3.0)}, up_to_constant="x")
    expected = x**3 - 2 * x**2
    form = sample_expected(expected, answer.domain, _rng(), up_to_constant="x")
    assert form.names == ("x",) and form.differentiated == "x"
    a, b = _twice(answer, got, expected, form)
    assert a == b


def test_an_expected_expression_undefined_somewhere_is_judged_alike():
    answer = Expr(symbols=("x",), domain={"x": (-3.0, 3.0)})
    expected = sympy.sqrt(x) + 1 / x  # undefined on half the domain: skipped points too
    form = sample_expected(expected, answer.domain, _rng())
    assert any(e is None for e, _ in form.table.values())
    for got in ("sqrt(x) + 1/x", "sqrt(x)", "x^(1/2) + x^(-1)", "sqrt(-x)"):
        a, b = _twice(answer, got, expected, form)
        assert a == b, got


def test_a_matrix_is_judged_entry_by_entry_alike():
    answer = ExprArray(shape=(2, 2), symbols=("x", "y"), kind="matrix")
    expected = sympy.Matrix([[2 * y, 2 * x], [2 * x * y, x**2]])
    rng = _rng()
    rows = answer.convert(expected.tolist())
    form = [[sample_expected(e, answer.domain, rng) for e in row] for row in rows]
    for got in (["2y", "2x", "2xy", "x^2"], ["2y", "2x", "2xy", "x"], ["2x", "2y", "2xy", "x^2"],
                ["2y", "2x", "x^2", "2xy"], ["2y", "2x", "2xy", "x^2 + sin(y)^2 + cos(y)^2 - 1"],
                ["2y", "2x + 0.001", "2xy", "x^2"], ["2y", "2x", "2xy", "1/(x - 1)"]):
        rows = [[got[0], got[1]], [got[2], got[3]]]  # a matrix as the sandbox sends it
        a, b = _twice(answer, rows, expected, form)
        assert a == b, got


def test_an_expression_the_key_cannot_serve_is_said_so_not_guessed():
    form = SampledExpr(("x",), {(0.5,): (1.0, 1.0)}, ("x",))
    with pytest.raises(OutsidePublicKey, match="judged with the reference at grading"):
        Expr(symbols=("x",)).compare("x", form, {}, _rng())


def test_the_key_form_holds_no_expression_text():
    form = sample_expected(sympy.exp(3 * x) * sympy.sin(x), {"x": (-1.0, 1.0)}, _rng())
    text = str(encode_value(form))
    assert "exp" not in text and "sin" not in text and len(form.table) == 24
    assert str(form) == "(the expected expression: not in the public key)"


@pytest.mark.parametrize("value", [
    None, True, 3, 2**70, -0.0, 1.5, float("inf"), float("nan"), 1 + 2j, "maximum", [],
    (1, 2.5), [1, (2, [3])], {"W": np.arange(6.0).reshape(2, 3), 3: "three"},
    np.array(2.5), np.zeros((0, 3)), np.array([[1, 2]], dtype=np.int32), np.array([True, False]),
    np.float64(0.1), np.int64(7), np.array([1 + 1j]),
])
def test_values_round_trip_exactly(value):
    back = decode_value(encode_value(value))
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        assert np.array_equal(back, value, equal_nan=True)
    elif isinstance(value, float) and value != value:
        assert back != back
    elif isinstance(value, dict):
        assert back.keys() == value.keys() and np.array_equal(back["W"], value["W"])
    else:
        assert back == value and str(back) == str(value)


def test_sympy_numbers_come_back_exact_or_to_fifty_digits():
    for number in (sympy.Rational(4, 3), sympy.sqrt(2) / 3, -sympy.Rational(1, 2) + sympy.sqrt(5) / 2,
                   sympy.oo, -sympy.oo, sympy.Integer(0), sympy.pi):
        assert decode_value(encode_value(number)) == number
    root = sympy.CRootOf(x**5 - x - 1, 0)
    back = decode_value(encode_value(root))
    assert abs(sympy.N(back - root, 60)) < 1e-45
    with pytest.raises(Unstorable, match="only its values"):
        encode_value(x + 1)


def test_a_damaged_entry_is_a_clear_error():
    with pytest.raises(PublicKeyError, match="damaged key entry"):
        decode_value({"nonsense": 1})


# -- per-student variants: what the key holds must be right for every variant ----------

def _variant_check(**kw):
    from grader.course.spec import Check

    return Check(function="symbolic_derivative", case="probe", points=1, title="probe",
                 answer=Expr(symbols=("x",)), call=lambda sol, inputs: sol.symbolic_derivative(),
                 slug="01_derivative", **kw)


def _params():
    from grader.course.variants import spec_for

    return spec_for("01_derivative").params()


def test_the_probe_variants_move_every_coefficient():
    from grader.course.variants import params_from_code, spec_for
    from grader.judge import variant_families as cubic
    from grader.release.key_builder import probe_codes

    drawn = [params_from_code(spec_for("01_derivative"), c) for c in probe_codes("01_derivative")]
    for name in ("a", "b", "c"):
        assert any(p[name] != cubic.LESSON[name] for p in drawn), name


@pytest.mark.parametrize("kw, says", [
    # its public inputs follow the variant, its answer is the reference's
    ({"inputs": lambda rng: {"b": _params()["b"]}}, "its public inputs differ"),
    # same inputs, but the reference's answer is scaled by the variant
    ({"expect": lambda ref, inputs: ref.symbolic_derivative() * _params()["a"]},
     "the reference gives another expected answer"),
    # the reference's answer moves for a ninth of the variants only (c = 9): no c = 9 among
    # the six usual probes, so it takes the closer look a check reading the parameters gets
    ({"expect": lambda ref, inputs: ref.symbolic_derivative() + int(_params()["c"] == 9)},
     "the reference gives another expected answer"),
    # computed in checks.py for the lesson only, the reference for a variant
    ({"inputs": lambda rng: {"_params": _params()},
      "expect": lambda ref, i: sympy.Integer(1) if i["_params"]["a"] == 1 else ref.symbolic_derivative()},
     "its expected answer needs the reference"),
])
def test_a_check_whose_variant_answer_needs_the_reference_is_refused(kw, says):
    from grader.release.key_builder import KeyBuildError, check_entry, probe_codes

    check = _variant_check(**kw)
    with pytest.raises(KeyBuildError, match=says) as err:
        check_entry(check, 1, variants=probe_codes("01_derivative"))
    assert "01_derivative/symbolic_derivative/probe (seed 1)" in str(err.value)
    assert 'inputs["_params"]' in str(err.value) and "hidden" in str(err.value)
    check_entry(check, 1)  # without variants it is stored as before


def test_a_check_that_holds_for_every_variant_is_kept():
    from grader.release.key_builder import check_entry, probe_codes

    codes = probe_codes("01_derivative")
    fixed = check_entry(_variant_check(), 1, variants=codes)  # the lesson's, whatever the variant
    assert "expected" in fixed
    own = check_entry(_variant_check(inputs=lambda rng: {"_params": _params()},
                                     expect=lambda ref, i: sympy.Integer(i["_params"]["c"])),
                      1, variants=codes)
    assert own == {"from_checks": True}
