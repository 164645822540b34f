"""What the sandbox gets of a check's inputs: the public part only, as plain JSON, and the
same behaviour; and autodiff judged from values the child cannot fake.

For every exercise and check (figures included): ``encode_inputs(check.make_inputs(seed))``
holds no ``_`` key anywhere and survives ``json.dumps(allow_nan=False)``, and the check's
call of the reference solution gives the same value on the decoded inputs as on the
original ones. The autodiff checks' hidden functions differentiate by their rule under
every JAX transformation, while finite differences (and SymPy) see the true derivative,
which the judge names ``not_autodiff``.
"""
from __future__ import annotations

import json
import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import sympy as sp

from grader.course import hidden
from grader.course.spec import Check, Exercise, load_exercise, load_exercises
from grader.judge.answers import Close
from grader.judge.engine import load_reference
from grader.sandbox import plain
from grader.sandbox.inputs import decode_inputs, encode_inputs

jax.config.update("jax_enable_x64", True)  # as in the sandbox (JAX_ENABLE_X64=1)

RUNNABLES = [(ex.slug, c) for ex in load_exercises() for c in ex.runnables(with_figure=True)]
IDS = [c.id for _, c in RUNNABLES]
AUTODIFF = {"01_derivative": "autodiff_derivative", "03_gradient": "jax_gradient",
            "04_jacobian": "jax_jacobian"}


def wire(inputs: dict) -> dict:
    """Through the wire as the sandbox gets it: encoded, JSON text, decoded."""
    return decode_inputs(json.loads(json.dumps(encode_inputs(inputs), allow_nan=False)))


def keys(tree):
    """Every key of every JSON object in the tree."""
    if isinstance(tree, dict):
        for k, v in tree.items():
            yield k
            yield from keys(v)
    elif isinstance(tree, list):
        for v in tree:
            yield from keys(v)


def unwrap(tree):
    """The tree with every {"$dict": …} replaced by its dict (to read a payload)."""
    if isinstance(tree, dict):
        if set(tree) == {"$dict"}:
            return {k: unwrap(v) for k, v in tree["$dict"].items()}
        return {k: unwrap(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [unwrap(v) for v in tree]
    return tree


# -- every check's inputs ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2024, 31337])
@pytest.mark.parametrize("slug, check", RUNNABLES, ids=IDS)
def test_public_inputs_are_plain_json_without_judge_only_keys(slug, check, seed):
    inputs = check.make_inputs(seed)
    tree = encode_inputs(inputs)
    assert not [k for k in keys(tree) if k.startswith("_")]
    text = json.dumps(tree, allow_nan=False)
    decoded = decode_inputs(json.loads(text))
    assert sorted(decoded) == sorted(k for k in inputs if not k.startswith("_"))
    assert encode_inputs(decoded | {k: v for k, v in inputs.items() if _is_course_object(v)}) \
        == tree  # what came back encodes to the same tree (arrays bit for bit)


def _is_course_object(v) -> bool:
    return isinstance(v, hidden.PLAIN_TYPES)


@pytest.mark.parametrize("slug, check", RUNNABLES, ids=IDS)
def test_reference_behaves_the_same_on_decoded_inputs(slug, check):
    """The check's call (a figure's student function) of the reference, on the original
    inputs and on what the sandbox gets, returns the same value, bit for bit: nothing it
    needs is lost on the way (not even an array's memory order), and the call reads no
    judge-only key."""
    ref = load_reference(slug)
    inputs = check.make_inputs(7)
    direct = check.run(ref, inputs)
    through = check.run(ref, wire(inputs))
    assert plain.encode(direct) == plain.encode(through), check.id


def test_course_objects_come_back_as_plain_functions_that_behave_alike():
    rng = np.random.default_rng(5)
    for kind in hidden.UNIVARIATE_KINDS:
        h = hidden.integrable(rng, kind)  # its antiderivative is known exactly
        x = h.sample(rng, (3, 4))
        for fn in (h.numpy(), h.derivative(), h.antiderivative()):
            back = wire({"f": fn})["f"]
            assert type(back).__name__ == "function"
            out, want = back(x), fn(x)
            assert out.dtype == want.dtype == np.float64 and np.array_equal(out, want)
            assert type(back(0.5)) is type(fn(0.5))
        got = np.asarray(wire({"f": h.jax()})["f"](jnp.asarray(x)))
        assert np.allclose(got, h.numpy()(x), rtol=1e-12)
    for kind in hidden.MULTIVARIATE_KINDS:
        h = hidden.multivariate(rng, 3, kind)
        p = h.sample(rng, (3,))
        f, grad = (wire({"f": fn})["f"] for fn in (h.numpy(), h.gradient()))
        assert isinstance(f(p), float) and f(p) == h.numpy()(p)
        assert grad(p).shape == (3,) and np.array_equal(grad(p), h.gradient()(p))
        assert float(wire({"f": h.jax()})["f"](jnp.asarray(p))) == pytest.approx(f(p), rel=1e-12)
    v = hidden.vector(rng, 3, 2)
    p = v.sample(rng)
    out = wire({"f": v.jax()})["f"](jnp.asarray(p))
    assert out.shape == (2,) and out.dtype == jnp.float64
    bowl = hidden.Affine(np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([0.3, -1.0]))
    assert np.array_equal(wire({"g": bowl})["g"](np.array([1.0, 2.0])), bowl([1.0, 2.0]))


def test_values_keep_their_types():
    x = sp.Symbol("x")
    inputs = {"n": 3, "big": 2**70, "r": 0.1, "nan": float("nan"), "inf": -math.inf,
              "z": 1 - 2j, "t": (1, [2.0, None]), "s": "text", "b": True,
              "a": np.arange(6, dtype=np.int32).reshape(2, 3), "m": np.array([True, False]),
              "c": np.array([1 + 1j]), "e": np.zeros((0, 2)), "ft": np.arange(6.0).reshape(2, 3).T,
              "f64": np.float64(0.25),
              "i64": np.int64(-4), "expr": sp.Rational(3, 7) * sp.exp(-x**2) + sp.Float(0.1) * x,
              "var": x, "M": sp.Matrix([[x, 1], [0, x**2]]),
              "nested": {"W": np.ones((2, 2)), "_secret": 1, "deep": {"_also": 2, "k": [1]}}}
    back = wire(inputs)
    assert back["n"] == 3 and back["big"] == 2**70 and back["r"] == 0.1
    assert math.isnan(back["nan"]) and back["inf"] == -math.inf and back["z"] == 1 - 2j
    assert back["t"] == (1, [2.0, None]) and back["s"] == "text" and back["b"] is True
    for k in ("a", "m", "c", "e", "ft"):
        assert back[k].dtype == inputs[k].dtype and np.array_equal(back[k], inputs[k])
        assert back[k].flags.writeable
    assert back["ft"].flags.f_contiguous and not back["ft"].flags.c_contiguous
    assert type(back["f64"]) is np.float64 and back["f64"] == 0.25
    assert type(back["i64"]) is np.int64 and back["i64"] == -4
    assert back["expr"] == inputs["expr"] and back["var"] == x and back["M"] == inputs["M"]
    assert back["nested"].keys() == {"W", "deep"} and back["nested"]["deep"] == {"k": [1]}


def _check_with(inputs) -> Check:
    check = Check(function="f", points=1, title="a test check", answer=Close(),
                  expect=lambda ref, inputs: None, inputs=lambda rng: inputs)
    Exercise(slug="99_test", title="test", checks=[check])
    return check


@pytest.mark.parametrize("inputs, name", [
    ({"f": lambda x: x, "x": np.zeros(3)}, "input ['f']"),
    ({"params": {"W": np.ones(2), "act": np.tanh}}, "input ['params']['act']"),
    ({"fs": [hidden.Fn(hidden.from_formula(sp.Symbol("x"), (sp.Symbol("x"),), (0, 1))), max]},
     "input ['fs'][1]"),
    ({"a": np.array(["a", "b"])}, "input ['a']"),
    ({"a": np.array([object()], dtype=object)}, "input ['a']"),
    ({"d": {1: 2}}, "input ['d']"),
    ({"rng": np.random.default_rng(0)}, "input ['rng']"),
    ({"x": jnp.zeros(2)}, "input ['x']"),
])
def test_what_cannot_be_sent_is_refused_by_name(inputs, name):
    with pytest.raises(TypeError) as info:
        encode_inputs(_check_with(inputs).make_inputs(1))
    assert name in str(info.value)


def test_judge_only_values_may_be_anything():
    tree = encode_inputs({"x": 1.0, "_f": lambda x: x, "_h": object(), "_g": {1: np.tanh}})
    assert decode_inputs(tree) == {"x": 1.0}


# -- autodiff: the rule, not the formula ----------------------------------------------------


def _autodiff_checks():
    for slug, function in AUTODIFF.items():
        for check in load_exercise(slug).checks:
            if check.function == function:
                yield pytest.param(slug, check, id=check.id)


def _central_difference(f, p, h=1e-6):
    """The Jacobian of f at p (shape (*out, n)) by central differences, NumPy only."""
    p = np.asarray(p, dtype=float)
    cols = [(np.asarray(f(p + h * e)) - np.asarray(f(p - h * e))) / (2 * h) for e in np.eye(p.size)]
    return np.stack(cols, axis=-1)


@pytest.mark.parametrize("seed", [3, 99])
@pytest.mark.parametrize("slug, check", list(_autodiff_checks()))
def test_autodiff_probe_sees_the_rule_and_finite_differences_the_truth(slug, check, seed):
    inputs = check.make_inputs(seed)
    expected = check.expect(load_reference(slug), inputs)  # trusted side: the rule's values
    pub = wire(inputs)
    f = pub["f"]
    if slug == "01_derivative":
        xs = pub["xs"]
        exact = inputs["_hidden"].derivative()(xs)
        by_jax = [jax.vmap(jax.grad(f))(xs), jax.jit(jax.vmap(jax.grad(f)))(xs),
                  jax.grad(lambda t: jnp.sum(f(t)))(jnp.asarray(xs)),
                  jax.vmap(lambda t: jax.jvp(f, (t,), (jnp.ones_like(t),))[1])(xs)]
        numeric = (np.asarray(f(xs + 1e-6)) - np.asarray(f(xs - 1e-6))) / 2e-6
    elif slug == "03_gradient":
        p = pub["point"]
        exact = inputs["_hidden"].gradient()(p)
        by_jax = [jax.grad(f)(p), jax.jit(jax.grad(f))(p), jax.jacfwd(f)(p), jax.jacrev(f)(p),
                  jax.vmap(jax.grad(f))(jnp.stack([p, p]))[1]]
        numeric = _central_difference(f, p)
    else:
        p = pub["point"]
        exact = inputs["_hidden"].jacobian()(p)
        by_jax = [jax.jacfwd(f)(p), jax.jacrev(f)(p), jax.jit(jax.jacrev(f))(p)]
        numeric = _central_difference(f, p)
    for got in by_jax:
        np.testing.assert_allclose(np.asarray(got), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(numeric, exact, rtol=1e-6, atol=1e-6)
    assert np.max(np.abs(expected - exact)) > 1e-2  # the rule is not the derivative
    # the primal is the formula's: the rule changes derivatives only
    point = pub["xs"] if slug == "01_derivative" else pub["point"]
    np.testing.assert_allclose(np.asarray(f(point)), np.asarray(inputs["f"](point)), rtol=1e-12)


def _verdict(check, got, inputs, expected):
    """The verdict and the catalogued mistakes the judge finds for a decoded answer."""
    got = plain.decode(plain.encode(got))
    rng = np.random.default_rng(0)
    verdict = check.answer.compare(got, expected, inputs, rng)
    found = [m.id for m in check.mistakes if m.match is not None and m.match(got, expected, inputs)]
    return verdict, found


@pytest.mark.parametrize("slug, check", list(_autodiff_checks()))
def test_judge_names_finite_differences_and_sympy_not_autodiff(slug, check):
    inputs = check.make_inputs(11)
    expected = check.expect(load_reference(slug), inputs)
    reference_answer = check.run(load_reference(slug), wire(inputs))
    verdict, found = _verdict(check, reference_answer, inputs, expected)
    assert verdict.passed and not found
    # a finite difference in the sandbox
    pub = wire(inputs)
    point = pub["xs"] if slug == "01_derivative" else pub["point"]
    if slug == "01_derivative":
        numeric = (np.asarray(pub["f"](point + 1e-6)) - np.asarray(pub["f"](point - 1e-6))) / 2e-6
    else:
        numeric = _central_difference(pub["f"], point)
    # the formula (read from what the sandbox got) differentiated with SymPy
    payload = unwrap(encode_inputs(inputs))["f"]["$hidden"]
    read = lambda text: sp.parse_expr(text, transformations=())  # noqa: E731
    symbols = [read(s) for s in payload["symbols"]]
    if slug == "04_jacobian":
        formula = sp.Matrix([read(e) for e in payload["expr"]]).jacobian(symbols)
    else:
        formula = [sp.diff(read(payload["expr"]), s) for s in symbols]
    fn = sp.lambdify(symbols, formula, "numpy")
    symbolic = (np.asarray(fn(point))[0] if slug == "01_derivative"
                else np.asarray(fn(*point), dtype=float))
    for cheat in (numeric, symbolic):
        verdict, found = _verdict(check, cheat, inputs, expected)  # g(xs) / ∇f(p) / J(p) itself
        assert not verdict.passed and found == ["not_autodiff"], (verdict.message, found)


def test_autodiff_rule_is_drawn_from_the_check_seed():
    check = next(c for c in load_exercise("01_derivative").checks
                 if c.function == "autodiff_derivative")
    a, b = check.make_inputs(1), check.make_inputs(2)
    assert a["_rule"] != b["_rule"] and check.make_inputs(1)["_rule"] == a["_rule"]
    sent = unwrap(encode_inputs(a))["f"]["$hidden"]["rule"]
    assert sent == a["_rule"].to_plain() and sent["scale"] >= 1.5


@pytest.mark.parametrize("shape", [(), (3,), (2, 4)])
def test_autodiff_rule_differs_from_the_truth_even_where_it_could_coincide(shape):
    """Linear functions have a constant derivative c, which a rule with shift =
    −(scale − 1)·c would match: the rule is drawn again then."""
    rng = np.random.default_rng(0)
    for _ in range(200):
        c = np.round(rng.uniform(-1.0, 1.0, shape), 2)  # often exactly −shift/(scale − 1)
        if shape == ():
            f, at, exact = (lambda x, c=c: c * x), rng.uniform(-1, 1, 5), np.full(5, c)
        else:
            A = c.reshape(-1, c.shape[-1])
            f, at, exact = (lambda p, A=A: (A @ p).reshape(shape[:-1])), rng.uniform(-1, 1, shape[-1]), c
        rule = hidden.autodiff_rule(rng, f, at, shape)
        assert np.max(np.abs(rule.apply(exact) - exact)) > 1e-2 * (1 + np.max(np.abs(exact)))


# -- end to end: a non-autodiff submission graded by the grader -----------------------------

COMPLEX_STEP = '''
def autodiff_derivative(f):
    # exact derivatives without JAX differentiating f: the complex step f'(x) ~ Im f(x + ih)/h
    def g(xs):
        xs = jnp.asarray(xs, dtype=jnp.complex128)
        return jnp.imag(f(xs + 1e-30j)) / 1e-30
    return g
'''


@pytest.mark.slow
def test_complex_step_is_graded_not_autodiff(tmp_path, root):
    from grader.judge.engine import Submission, grade

    slug = "01_derivative"
    path = tmp_path / slug / "solution.py"
    path.parent.mkdir(parents=True)
    path.write_text((root / "reference" / f"{slug}.py").read_text() + "\n" + COMPLEX_STEP)
    (result,) = grade([Submission("complex_step", {slug: path}, [slug])], [slug], seed=5)
    checks = [c for c in result.checks if c.function == "autodiff_derivative"]
    assert checks and all(c.mistake == "not_autodiff" and not c.passed for c in checks)
    assert all(c.passed for c in result.checks if c.function != "autodiff_derivative")
