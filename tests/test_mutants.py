"""Mutation analysis (``calcgrade selftest --mutants``): the operators, stable ids, the
equivalent-mutant files, and one end-to-end run on a small sample of one exercise."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import inprocess
import pytest

from grader.judge.mutants import EQUIVALENT_FILE, MutantsError, read_equivalents, sample, stale_equivalents
from grader.judge.mutate import FD_HELPER, OPERATORS, derive_mutants

ROOT = Path(__file__).resolve().parent.parent


def changed_lines(source: str, operator: str, functions: tuple[str, ...] = ("f",)) -> set[str]:
    """The mutated line of each mutant (stripped), for one operator."""
    src = textwrap.dedent(source)
    derived = derive_mutants(src, "toy", list(functions), operators=[operator])
    return {m.source.splitlines()[m.line - 1].strip() for m in derived.mutants}


HEAD = "import math\nimport numpy as np\nimport sympy as sp\nimport jax\nfrom jax import jacfwd\n"


@pytest.mark.parametrize("operator, body, expected", [
    ("arith", "return a + b * 2", {"return a - b * 2", "return a + (b / 2)"}),
    ("arith", "return a ** 2 @ b", {"return (a * 2) @ b", "return a ** 2 * b"}),
    ("unary", "return -a if not b else a", {"return a if not b else a", "return -a if b else a"}),
    ("negate", "return a + b", {"return -(a + b)"}),
    ("compare", "return a < b", {"return a <= b", "return a > b"}),
    ("compare", "return a == b", {"return a != b"}),
    ("compare", "if a is None: return b", {"if a is not None: return b"}),
    ("constant", "return a + 2", {"return a + 3", "return a + 1"}),
    ("constant", "return a * 0.5 + 0.0", {"return a * 0.55 + 0.0", "return a * 0.25 + 0.0",
                                          "return a * 0.5 + 1.0"}),
    ("constant", "return a[0]", {"return a[1]", "return a[-1]"}),
    ("bool", "return np.sum(a, keepdims=True)", {"return np.sum(a, keepdims=False)"}),
    ("drop_term", "return a - b", {"return a", "return -b"}),
    ("transpose", "return a.T @ b", {"return a @ b", "return a.T @ b.T"}),
    ("transpose", "return np.transpose(a) + a.transpose()",
     {"return a + a.transpose()", "return np.transpose(a) + a"}),
    ("axis", "return np.sum(a, axis=1)", {"return np.sum(a)", "return np.sum(a, axis=0)"}),
    ("axis", "return a.mean(axis=-1, keepdims=True)",
     {"return a.mean(keepdims=True)", "return a.mean(axis=0, keepdims=True)",
      "return a.mean(axis=-1)"}),
    ("reduction", "return np.sum(a) + a.max() + np.maximum(a, b) + max(a, b)",
     {"return np.mean(a) + a.max() + np.maximum(a, b) + max(a, b)",
      "return np.sum(a) + a.min() + np.maximum(a, b) + max(a, b)",
      "return np.sum(a) + a.max() + np.minimum(a, b) + max(a, b)",
      "return np.sum(a) + a.max() + np.maximum(a, b) + min(a, b)"}),
    ("elementary", "return np.sin(a) + math.exp(b) + b.sin()",
     {"return np.cos(a) + math.exp(b) + b.sin()", "return np.sin(a) + math.log(b) + b.sin()"}),
    ("calculus", "return sp.diff(a, b) + np.diff(a)", {"return sp.integrate(a, b) + np.diff(a)"}),
    ("off_by_one", "return [a[i:] for i in range(b)]",
     {"return [a[i:] for i in range(b + 1)]", "return [a[i:] for i in range(b - 1)]",
      "return [a[i + 1:] for i in range(b)]", "return [a[i - 1:] for i in range(b)]"}),
    ("off_by_one", "return np.arange(1, b)[:-1]",
     {"return np.arange(2, b)[:-1]", "return np.arange(0, b)[:-1]",
      "return np.arange(1, b + 1)[:-1]", "return np.arange(1, b - 1)[:-1]",
      "return np.arange(1, b)[:-2]", "return np.arange(1, b)[:0]"}),
    ("return_arg", "return a + b", {"return a", "return b"}),
    ("numdiff", "return jax.grad(a) or jacfwd(b, argnums=0)",
     {f"return {FD_HELPER}(a, kind='grad') or jacfwd(b, argnums=0)",
      f"return jax.grad(a) or {FD_HELPER}(b, argnums=0, kind='jacfwd')"}),
])
def test_each_operator_makes_the_expected_change(operator, body, expected):
    assert changed_lines(f"{HEAD}\n\ndef f(a, b):\n    {body}\n", operator) == expected


def test_every_operator_is_covered_above():
    covered = {"arith", "unary", "negate", "compare", "constant", "bool", "drop_term",
               "transpose", "axis", "reduction", "elementary", "calculus", "off_by_one",
               "return_arg", "numdiff"}
    assert set(OPERATORS) == covered


def test_docstrings_annotations_and_uncalled_functions_are_left_alone():
    src = textwrap.dedent('''\
        def unused(a):
            return a + 1

        def _helper(a: int = 3) -> float:
            """Adds 1 + 1."""
            return a

        def f(a):
            return _helper(a)
        ''')
    derived = derive_mutants(src, "toy", ["f"])
    assert derived.functions == ["_helper", "f"]
    assert {m.function for m in derived.mutants} == {"_helper", "f"}
    helper = {m.description for m in derived.mutants if m.function == "_helper"}
    assert helper == {"3 → 4", "3 → 2", "a → -a"}  # the default, not the annotation or docstring


def test_splicing_is_right_after_non_ascii_text_on_the_same_line():
    src = 'def f(a):\n    s = "é→ü"; return a + 1  # θ\n'
    lines = changed_lines(src, "arith")
    assert lines == {'s = "é→ü"; return a - 1  # θ'}


def test_a_repeated_mutant_is_dropped_as_a_duplicate():
    derived = derive_mutants("def f(a):\n    return a + a\n", "toy", ["f"],
                             operators=["drop_term"])
    assert [m.description for m in derived.mutants] == ["a + a → a"]
    assert derived.duplicate == 1


def test_ids_survive_edits_elsewhere_in_the_file():
    before = textwrap.dedent('''\
        import numpy as np

        def f(x, y):
            return np.sum(x * 2 + y, axis=0)

        def g(x):
            return x - 1
        ''')
    after = textwrap.dedent('''\
        """A new module docstring."""
        import numpy as np

        CONSTANT = 5  # a new line above


        def new_function(z):
            return z * 3 + np.sum(z, axis=0)

        def f(x, y):
            # a comment inside f, and a changed layout
            return np.sum(x * 2 +
                          y, axis=0)

        def g(x):
            return x + 2  # g itself changed
        ''')
    ids_before = {m.id: m.description for m in derive_mutants(before, "toy", ["f", "g"]).mutants}
    ids_after = {m.id: m.description for m in derive_mutants(after, "toy", ["f", "g"]).mutants}
    f_before = {i for i in ids_before if "/f/" in i}
    assert f_before and f_before <= set(ids_after)
    assert all(i.startswith("toy/f/") or i.startswith("toy/g/") for i in ids_after)
    assert {i for i in ids_before if "/g/" in i} != {i for i in ids_after if "/g/" in i}
    # an id names slug, function, operator and an 8-digit hash
    slug, function, operator, digest = next(iter(f_before)).split("/")
    assert (slug, function) == ("toy", "f") and operator in OPERATORS and len(digest) == 8


def test_numerical_derivative_mutant_of_references_using_jax():
    for slug, transform in [("01_derivative", "grad"), ("03_gradient", "grad"),
                            ("04_jacobian", "jacfwd"), ("08_descent", "grad")]:
        src = (ROOT / "reference" / f"{slug}.py").read_text(encoding="utf-8")
        from grader.course.spec import load_exercise

        derived = derive_mutants(src, slug, load_exercise(slug).functions, operators=["numdiff"])
        assert len(derived.mutants) == 1, slug
        m = derived.mutants[0]
        assert f"jax.{transform}(" not in m.source.splitlines()[m.line - 1]
        assert f"{FD_HELPER}(" in m.source and f"kind='{transform}'" in m.source
        compile(m.source, slug, "exec")


def test_the_finite_difference_helper_has_jax_shapes_and_values():
    import jax
    import jax.numpy as jnp
    import numpy as np

    from grader.judge.mutate import FD_SOURCE

    space: dict = {}
    exec(compile(FD_SOURCE, "fd", "exec"), space)  # our own helper, not student code
    fd = space[FD_HELPER]
    point = jnp.array([1.0, 2.0])
    np.testing.assert_allclose(fd(lambda v: jnp.sum(v**3))(point), [3.0, 12.0], rtol=1e-6)
    jac = fd(lambda v: jnp.stack([v[0] * v[1], v[0], v[1] ** 2]), kind="jacfwd")(point)
    assert jac.shape == (3, 2)
    np.testing.assert_allclose(jac, [[2.0, 1.0], [1.0, 0.0], [0.0, 4.0]], atol=1e-6)
    value, grad = fd(lambda v: jnp.sum(v**2), kind="value_and_grad")(point)
    assert float(value) == 5.0 and np.allclose(grad, [2.0, 4.0])
    assert np.allclose(fd(lambda a, v: a * jnp.sum(v), argnums=1)(2.0, point), [2.0, 2.0])
    # under jit and vmap, as 01's reference uses jax.grad
    g = jax.jit(jax.vmap(fd(lambda x: x**2)))
    np.testing.assert_allclose(g(jnp.array([1.0, -3.0])), [2.0, -6.0], rtol=1e-6)


def test_sampling_is_deterministic_and_spreads_over_operators():
    src = (ROOT / "reference" / "05_backprop.py").read_text(encoding="utf-8")
    mutants = derive_mutants(src, "05_backprop", ["backward"]).mutants
    first, second = sample(mutants, 6), sample(list(reversed(mutants)), 6)
    assert len(first) == 6 and {m.id for m in first} == {m.id for m in second}
    assert len({m.operator for m in first}) == 6
    assert sample(mutants, None) == mutants


# -- equivalent mutants -----------------------------------------------------------------

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "equivalent_mutants.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_equivalents_file_is_read(tmp_path):
    path = write(tmp_path, '''\
        [[mutant]]
        id = "08_descent/clip_gradient/compare/0123abcd"
        reason = "at norm == max_norm both branches return g"

        [[mutant]]
        id = "08_descent/sgd/constant/fedcba98"
        reason = "  the seed is only passed on  "
        ''')
    assert read_equivalents("08_descent", path) == {
        "08_descent/clip_gradient/compare/0123abcd": "at norm == max_norm both branches return g",
        "08_descent/sgd/constant/fedcba98": "the seed is only passed on"}
    assert read_equivalents("08_descent", tmp_path / "absent.toml") == {}


@pytest.mark.parametrize("text, message", [
    ("[[mutant]\nid = 1", "not valid TOML"),
    ('source = "def f(): ..."\n', "unexpected key(s) source"),
    ('mutant = "x"\n', "array of tables"),
    ('[[mutant]]\nid = "08_descent/sgd/constant/fedcba98"\n', "exactly the keys id and reason"),
    ('[[mutant]]\nid = "08_descent/sgd/constant/fedcba98"\nreason = "r"\nsource = "x"\n',
     "exactly the keys id and reason"),
    ('[[mutant]]\nid = "07_svm/solve_svm/constant/fedcba98"\nreason = "r"\n',
     "is not a mutant id of 08_descent"),
    ('[[mutant]]\nid = "08_descent/sgd/fedcba98"\nreason = "r"\n', "is not a mutant id"),
    ('[[mutant]]\nid = "08_descent/sgd/constant/fedcba98"\nreason = ""\n', "one non-empty line"),
    ('[[mutant]]\nid = "08_descent/sgd/constant/fedcba98"\nreason = """a\nb"""\n',
     "one non-empty line"),
    ('[[mutant]]\nid = "08_descent/sgd/constant/fedcba98"\nreason = "r"\n' * 2, "listed twice"),
])
def test_a_malformed_equivalents_file_is_a_clear_error(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(MutantsError) as info:
        read_equivalents("08_descent", path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_an_unknown_equivalent_id_is_a_warning():
    warnings = stale_equivalents({"toy/f/arith/0123abcd": "r", "toy/f/arith/99999999": "r"},
                                 ["toy/f/arith/0123abcd", "toy/f/constant/11111111"])
    assert len(warnings) == 1 and "toy/f/arith/99999999" in warnings[0] and "stale" in warnings[0]


def test_every_committed_equivalents_file_is_well_formed_and_current():
    from grader.course.spec import load_exercises

    for ex in load_exercises():
        marked = read_equivalents(ex.slug)
        if marked:
            src = (ROOT / "reference" / f"{ex.slug}.py").read_text(encoding="utf-8")
            ids = [m.id for m in derive_mutants(src, ex.slug, ex.functions).mutants]
            assert stale_equivalents(marked, ids) == [], ex.slug


# -- the command -------------------------------------------------------------------------

def calcgrade(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return inprocess.calcgrade(args, cwd=ROOT, env={**os.environ, **(env or {})})


def test_mutant_options_need_mutants_and_bad_operators_are_refused():
    out = calcgrade("selftest", "01_derivative", "--max-per-function", "2")
    assert out.returncode == 2 and "need --mutants" in out.stderr
    out = calcgrade("selftest", "--mutants", "01_derivative", "--operators", "arith,typo")
    assert out.returncode == 1 and "unknown mutation operator(s) typo" in out.stderr
    assert "Traceback" not in out.stderr


def course_copy(dest: Path) -> Path:
    """A private copy of the course (others may edit the checkout's equivalents files),
    with no equivalent_mutants.toml of its own."""
    for name in ("exercises", "reference"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    for path in (dest / "exercises").glob(f"*/{EQUIVALENT_FILE}"):
        path.unlink()
    return dest


def test_end_to_end_on_a_sample_of_one_exercise(tmp_path):
    """01's constants (12 mutants): ``2 * dx`` → ``3 * dx`` is killed; lesson_function's
    constant term (only ever differentiated) can never be killed: one mutant of it is
    marked equivalent, the other is listed as a survivor with its diff."""
    course = course_copy(tmp_path / "course")
    stale = "01_derivative/rate_of_change/arith/00000000"
    (course / "exercises" / "01_derivative" / EQUIVALENT_FILE).write_text(
        '[[mutant]]\nid = "01_derivative/lesson_function/constant/17d9eb3b"\n'
        'reason = "the constant term of f has derivative 0"\n\n'
        f'[[mutant]]\nid = "{stale}"\nreason = "a stale id"\n', encoding="utf-8")
    report = tmp_path / "mutants.json"
    out = calcgrade("selftest", "--mutants", "01_derivative", "--seed", "5", "--operators",
                    "constant", "--max-per-function", "8", "--json", str(report),
                    env={"CALCGRADE_ROOT": str(course)})
    assert "Traceback" not in out.stderr, out.stderr
    doc = json.loads(report.read_text(encoding="utf-8"))
    assert doc["schema"] == "calcgrade-mutants/1" and doc["seed"] == 5
    (ex,) = doc["exercises"]
    results = {r["id"]: r for r in ex["results"]}
    by_description = {(r["function"], r["description"]): r for r in ex["results"]}
    killed = by_description[("rate_of_change", "2 → 3")]
    assert killed["status"] == "killed" and killed["killed_by"][0].startswith(
        "01_derivative/rate_of_change/")
    marked = results["01_derivative/lesson_function/constant/17d9eb3b"]
    assert marked["status"] == "equivalent" and marked["reason"].startswith("the constant term")
    survivor = results["01_derivative/lesson_function/constant/f7bdf3eb"]
    assert survivor["status"] == "survived" and survivor["description"] == "1 → 2"
    assert "-    return x**3 - 2 * x**2 + 1\n+    return x**3 - 2 * x**2 + 2" in survivor["diff"]
    assert ex["equivalent"] == 1 and ex["mutants"] == len(results) == 12
    assert ex["kill_rate"] == ex["killed"] / (ex["mutants"] - 1) < 1
    assert any(stale in w and "stale" in w for w in ex["warnings"])
    # the text report: the function table, the survivor with its diff, the summary row
    assert f"survivors ({ex['survived']}):" in out.stdout
    assert survivor["id"] + "  line 22: 1 → 2" in out.stdout
    assert "      +    return x**3 - 2 * x**2 + 2" in out.stdout
    assert f"warning: {EQUIVALENT_FILE}: {stale}" in out.stdout
    assert re.search(r"^  rate_of_change +\d+/4 ", out.stdout, re.M)
    assert (f"| 01_derivative | 12 | 1 | {ex['killed']} |" in out.stdout)
    assert out.returncode == (0 if ex["kill_rate"] >= 0.9 else 1), out.stdout[-2000:]


def test_a_broken_course_is_a_clear_error_not_a_traceback(tmp_path):
    course = course_copy(tmp_path / "course")
    (course / "exercises" / "02_antiderivative" / EQUIVALENT_FILE).write_text(
        '[[mutant]]\nid = "02_antiderivative/riemann_sum/arith/0123abcd"\n', encoding="utf-8")
    out = calcgrade("selftest", "--mutants", "02_antiderivative", env={"CALCGRADE_ROOT": str(course)})
    assert out.returncode == 1 and "exactly the keys id and reason" in out.stderr
    (course / "exercises" / "02_antiderivative" / EQUIVALENT_FILE).unlink()
    (course / "reference" / "02_antiderivative.py").write_text("def riemann_sum(:\n", encoding="utf-8")
    out = calcgrade("selftest", "--mutants", "02_antiderivative", env={"CALCGRADE_ROOT": str(course)})
    assert out.returncode == 1 and "does not parse (line 1" in out.stderr
    assert "Traceback" not in out.stderr
