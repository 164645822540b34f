"""The two-exercise tiny course plus ``03_scaled``, an exercise with per-student variants
that grades in about a second (Gradescope, notebooks, watch): ``times_k(x)`` returns k·x,
k = 2 in the lesson and 3 … 9 in a variant. :func:`make_variant_course` writes it with
``[variants] exercises = ["03_scaled"]`` in calcgrade.toml."""
from __future__ import annotations

from pathlib import Path

from tiny_course import make_course

SLUG = "03_scaled"
POINTS = 2.0
CHECKS = '''
from grader.course.spec import Check, Exercise
from grader.course.variants import VariantSpec
from grader.judge.answers import Close

VARIANTS = VariantSpec(
    slug="03_scaled", default={"k": 2},
    draw=lambda rng: {"k": int(rng.integers(3, 10))},
    valid=lambda p: None if p["k"] != 2 else "the lesson's",
    statement=lambda p: f"Write `times_k(x)`: it returns {p['k']}·x.")

EXERCISE = Exercise(
    slug="03_scaled", title="Scaling", preload=("numpy",),
    checks=[Check(function="times_k", points=2, title="times_k(3)",
                  answer=Close(rtol=1e-9, what="value"),
                  inputs=lambda rng: {"_params": VARIANTS.params()},
                  call=lambda sol, inputs: sol.times_k(3.0),
                  expect=lambda ref, inputs: 3.0 * inputs["_params"]["k"])])
'''
README = "# 03_scaled · Scaling\n\nWrite `times_k(x)`: it returns 2·x.\n\n## Your task\n\nDo it.\n"
STUB = "def times_k(x):\n    raise NotImplementedError\n"


def make_variant_course(root: Path) -> Path:
    make_course(root)
    (root / "calcgrade.toml").write_text('[course]\ntitle = "Tiny"\n\n[variants]\n'
                                         'exercises = ["03_scaled"]\n')
    folder = root / "exercises" / SLUG
    folder.mkdir(parents=True)
    (folder / "checks.py").write_text(CHECKS)
    (folder / "solution.py").write_text(STUB)
    (folder / "README.md").write_text(README)
    (root / "reference" / f"{SLUG}.py").write_text("def times_k(x):\n    return 2 * x\n")
    return root


def k_of(code: str | None) -> int:
    """k of the variant ``code`` (None: the lesson's 2), as the course's checks draw it."""
    if code is None:
        return 2
    from grader.course.variants import VariantSpec, params_from_code

    spec = VariantSpec(slug=SLUG, default={"k": 2}, draw=lambda rng: {"k": int(rng.integers(3, 10))},
                       valid=lambda p: None if p["k"] != 2 else "the lesson's", statement=str)
    return int(params_from_code(spec, code)["k"])


def solution(k: int) -> str:
    return f"def times_k(x):\n    return {k} * x\n"


def distinct_class_key(students: tuple[str, ...] = ("ada", "bo")) -> str:
    """A class key (hex), the first of a fixed series, under which each of ``students``
    gets a different k, none the lesson's 2: a random key gives two of them the same
    numbers now and then, and a copied answer would then be right."""
    import hashlib

    from grader.course.variants import student_code

    for n in range(1000):
        key = hashlib.sha256(f"calcgrade-test-{n}".encode()).digest()
        ks = [k_of(student_code(key, s, SLUG)) for s in students]
        if len(set(ks) | {2}) == len(students) + 1:
            return key.hex()
    raise AssertionError("no class key found")  # pragma: no cover
