"""07_svm's per-student variants: the lesson's six points moved by a lattice symmetry.

A variant is ``{"turn", "mirror", "scale", "dx", "dy"}``: each point p goes to
k·Rᵗ·Mᵐ·p + (dx, dy), with M the reflection (x, y) ↦ (x, −y), R the rotation by 90°
((x, y) ↦ (−y, x)), t ∈ {0…3}, m ∈ {0, 1}, k ∈ {1, 2}, dx, dy ∈ {−2…2}; labels stay with
their points, and so does the order. A similarity maps the hard-margin problem onto itself
(constraints one to one, a² + b² divided by k²), so every variant has integer points, the
same three support vectors (the 3rd, 5th and 6th point), the same margins for the three
extra points (7/3, 11/3 and 3) and the line ``line_image(p, (2/3, 2/3, −1))``: as hard as
the lesson's. ``valid`` does not take that on trust: it solves each drawn set's SVM
exactly (:func:`hard_margin`, KKT conditions in rationals, every candidate active set
tried) and refuses the variant unless that optimum is unique (strictly positive
multipliers, every other point strictly outside the margins), has those support vectors,
is the three-point problem's line too, differs from the lesson's line (a translation
along the line, or the swap x ↔ y, would keep it: the lesson's answer would pass) and
does not pass through the origin (there a line without intercept would go unnoticed).

Everything a check needs is computed from the parameters here, never by the reference
(the student's bundle has none): the points, the exact line, the support vectors, the
Lagrangian of the three-point problem and its partials, and the texts of the statement.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from typing import Any, Sequence

from grader.course.variants import VariantSpec
from grader.judge.variant_wording import MINUS, polynomial_text

LESSON_POINTS = ((-1, -1), (-3, -1), (0, 0), (3, 3), (1, 2), (2, 1))
LABELS = (-1, -1, -1, 1, 1, 1)
SUPPORT = (2, 4, 5)  # the three-point problem: (0, 0) → −1, (1, 2) → +1, (2, 1) → +1
LESSON_LINE = (Fraction(2, 3), Fraction(2, 3), Fraction(-1))
LESSON = {"turn": 0, "mirror": 0, "scale": 1, "dx": 0, "dy": 0}
RANGES = {"turn": range(4), "mirror": range(2), "scale": range(1, 3), "dx": range(-2, 3),
          "dy": range(-2, 3)}


def _key(p: dict[str, Any]) -> tuple[int, ...]:
    return tuple(int(p[name]) for name in RANGES)


def _draw(rng: Any) -> dict[str, int]:
    return {name: int(rng.integers(r.start, r.stop)) for name, r in RANGES.items()}


def _turned(p: dict[str, Any], x: Any, y: Any) -> tuple[Any, Any]:
    """Rᵗ·Mᵐ·(x, y): the orthogonal part of the map (also how a normal vector turns)."""
    if p["mirror"]:
        y = -y
    for _ in range(int(p["turn"]) % 4):
        x, y = -y, x
    return x, y


def move(p: dict[str, Any], point: Sequence[int]) -> tuple[int, int]:
    x, y = _turned(p, point[0], point[1])
    return (int(p["scale"]) * x + int(p["dx"]), int(p["scale"]) * y + int(p["dy"]))


def points(p: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """The variant's six points, in the lesson's order (labels: :data:`LABELS`)."""
    return tuple(move(p, q) for q in LESSON_POINTS)


def three_points(p: dict[str, Any]) -> tuple[tuple[int, int], ...]:
    """The three-point problem's points (the support vectors), labels −1, +1, +1."""
    six = points(p)
    return tuple(six[i] for i in SUPPORT)


def line_image(p: dict[str, Any], w: Sequence[Any]) -> tuple[Any, Any, Any]:
    """Where a line (a, b, c) of the lesson's plane goes: a·x + b·y + c at a lesson point
    equals a′·x′ + b′·y′ + c′ at its image. Linear in (a, b, c), so any line near the
    lesson's optimum (a catalogued slip's) maps to the same slip near the variant's."""
    a, b = _turned(p, w[0], w[1])
    k = int(p["scale"])
    a, b = (Fraction(a, k), Fraction(b, k)) if isinstance(a, (int, Fraction)) else (a / k, b / k)
    return (a, b, w[2] - a * int(p["dx"]) - b * int(p["dy"]))


# -- the exact hard-margin SVM --------------------------------------------------------------


@dataclass(frozen=True)
class Optimum:
    line: tuple[Fraction, Fraction, Fraction]
    support: tuple[int, ...]  # indices of the active constraints, ascending
    multipliers: tuple[Fraction, ...]  # one per support vector, all > 0
    margins: tuple[Fraction, ...]  # lᵢ(a·xᵢ + b·yᵢ + c) for every point


def _solve(rows: list[list[Fraction]]) -> list[Fraction] | None:
    """Gauss–Jordan on an augmented square system; None when it is singular."""
    n = len(rows)
    m = [list(r) for r in rows]
    for col in range(n):
        pivot = next((r for r in range(col, n) if m[r][col] != 0), None)
        if pivot is None:
            return None
        m[col], m[pivot] = m[pivot], m[col]
        for r in range(n):
            if r != col and m[r][col] != 0:
                f = m[r][col] / m[col][col]
                m[r] = [u - f * v for u, v in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] for i in range(n)]


def _kkt(pts: Sequence[Sequence[int]], labels: Sequence[int], active: Sequence[int]
         ) -> tuple[tuple[Fraction, Fraction, Fraction], tuple[Fraction, ...]] | None:
    """(a, b, c) and the multipliers with 2a = Σλⱼlⱼxⱼ, 2b = Σλⱼlⱼyⱼ, Σλⱼlⱼ = 0 and
    lⱼ(a·xⱼ + b·yⱼ + c) = 1 on ``active`` (unknowns a, b, c, λ…)."""
    k = len(active)
    zero, one = Fraction(0), Fraction(1)
    rows = [[Fraction(2), zero, zero] + [Fraction(-labels[j] * pts[j][0]) for j in active] + [zero],
            [zero, Fraction(2), zero] + [Fraction(-labels[j] * pts[j][1]) for j in active] + [zero],
            [zero, zero, zero] + [Fraction(labels[j]) for j in active] + [zero]]
    for j in active:
        rows.append([Fraction(labels[j] * pts[j][0]), Fraction(labels[j] * pts[j][1]),
                     Fraction(labels[j])] + [zero] * k + [one])
    sol = _solve(rows)
    return None if sol is None else ((sol[0], sol[1], sol[2]), tuple(sol[3:]))


def hard_margin(pts: Sequence[Sequence[int]], labels: Sequence[int]) -> Optimum | None:
    """The hard-margin SVM of a small labelled set, exactly: the active set (two or three
    points, both classes) whose KKT system has strictly positive multipliers and leaves every
    other point strictly outside the margins. That is the optimum (a convex programme), and
    the only one: a² + b² is strictly convex in (a, b) and an active point of each class fixes
    c. None when no active set qualifies (not separable, or a degenerate optimum: a zero
    multiplier, a fourth point on a margin)."""
    n = len(pts)
    for size in (2, 3):
        for active in combinations(range(n), size):
            if len({labels[j] for j in active}) < 2:
                continue
            found = _kkt(pts, labels, active)
            if found is None or any(lam <= 0 for lam in found[1]):
                continue
            (a, b, c), lam = found
            margins = tuple(labels[i] * (a * pts[i][0] + b * pts[i][1] + c) for i in range(n))
            if all(margins[i] > 1 for i in range(n) if i not in active):
                return Optimum((a, b, c), tuple(active), lam, margins)
    return None


@functools.lru_cache(maxsize=512)
def _optimum(key: tuple[int, ...]) -> Optimum | None:
    return hard_margin(points(dict(zip(RANGES, key))), LABELS)


def optimum(p: dict[str, Any]) -> Optimum:
    """The variant's exact SVM (a fair variant always has one)."""
    found = _optimum(_key(p))
    if found is None:  # pragma: no cover - valid() refuses such a variant
        raise ValueError(f"07_svm variant {p}: no unique hard-margin optimum")
    return found


def line(p: dict[str, Any]) -> tuple[float, float, float]:
    """The variant's SVM line (a, b, c) as floats, in checks.py's convention: points
    labelled +1 have a·x + b·y + c ≥ 1, support vectors exactly 1."""
    return tuple(float(v) for v in optimum(p).line)  # type: ignore[return-value]


@functools.lru_cache(maxsize=512)
def _why_unfair(key: tuple[int, ...]) -> str | None:
    p = dict(zip(RANGES, key))
    pts = points(p)
    opt = _optimum(key)
    if opt is None:
        return f"{p}: no unique hard-margin optimum for {pts}"
    if opt.support != SUPPORT:
        return f"{p}: the support vectors are points {opt.support}, not {SUPPORT}"
    if opt.line != line_image(p, LESSON_LINE):
        return f"{p}: the exact optimum {opt.line} is not the lesson's line moved"  # pragma: no cover
    three = hard_margin([pts[i] for i in SUPPORT], [LABELS[i] for i in SUPPORT])
    if three is None or three.line != opt.line:
        return f"{p}: the three extra points move the line"
    if opt.line == LESSON_LINE:
        return f"{p}: the line is the lesson's (2/3, 2/3, −1), so the lesson's answer would pass"
    if opt.line[2] == 0:
        return f"{p}: the line passes through the origin, so a line without intercept would pass"
    if max(abs(v) for q in pts for v in q) > 10:
        return f"{p}: coordinates beyond ±10"  # pragma: no cover - the ranges keep them small
    return None


def valid(p: dict[str, Any]) -> str | None:
    """None when the variant is fair (see the module's docstring), else why not."""
    if set(p) != set(RANGES) or any(
            isinstance(p[n], bool) or not isinstance(p[n], int) or p[n] not in r
            for n, r in RANGES.items()):
        return f"not a lattice symmetry of the six points: {p}"
    return _why_unfair(_key(p))


def svm(slug: str) -> VariantSpec:
    return VariantSpec(slug=slug, default=dict(LESSON), draw=_draw, statement=statement,
                       valid=valid)


# -- the Lagrangian of the three-point problem ---------------------------------------------


def _symbols() -> tuple[Any, ...]:
    import sympy

    return sympy.symbols("a b c lambda1 lambda2 lambda3")


def lagrangian(p: dict[str, Any]) -> Any:
    """L = a² + b² + Σ λⱼ(lⱼ(a·xⱼ + b·yⱼ + c) − 1) over the three support vectors, λ1 the
    class −1 point's (the README's L for the lesson)."""
    a, b, c, *lams = _symbols()
    total = a**2 + b**2
    for lam, (x, y), lab in zip(lams, three_points(p), (LABELS[i] for i in SUPPORT)):
        total += lam * (lab * (a * x + b * y + c) - 1)
    return total


def partials(p: dict[str, Any]) -> tuple[Any, Any, Any]:
    """(∂L/∂a, ∂L/∂b, ∂L/∂c) of :func:`lagrangian`."""
    import sympy

    a, b, c, *_ = _symbols()
    L = lagrangian(p)
    return tuple(sympy.expand(sympy.diff(L, v)) for v in (a, b, c))  # type: ignore[return-value]


def sign_error(p: dict[str, Any]) -> tuple[Any, Any, Any]:
    """The partials with λ1's sign lost in ∂L/∂c: λ1 + λ2 + λ3."""
    *_, l1, l2, l3 = _symbols()
    da, db, _ = partials(p)
    return (da, db, l1 + l2 + l3)


# -- texts, in the README's notation --------------------------------------------------------


def number_text(v: Any) -> str:
    """An integer or a fraction, with a true minus sign: ``2/3``, ``−1``."""
    v = Fraction(v)
    body = str(abs(v.numerator)) if v.denominator == 1 else f"{abs(v.numerator)}/{v.denominator}"
    return (MINUS if v < 0 else "") + body


def point_text(q: Sequence[Any]) -> str:
    return f"({number_text(q[0])}, {number_text(q[1])})"


def points_text(pts: Sequence[Sequence[Any]]) -> str:
    return ", ".join(point_text(q) for q in pts)


def line_text(p: dict[str, Any]) -> str:
    """The exact line, e.g. ``2/3, 2/3, −1`` (no brackets)."""
    return ", ".join(number_text(v) for v in optimum(p).line)


def constraint_text(q: Sequence[int], label: int) -> str:
    """lᵢ(a·xᵢ + b·yᵢ + c) − 1 written out: ``−c − 1``, ``a + 2b + c − 1``."""
    terms = [(label * q[0], "a"), (label * q[1], "b"), (label, "c")]
    return f"{polynomial_text(terms)} {MINUS} 1"


def lagrangian_terms(p: dict[str, Any]) -> list[str]:
    """The three constraint terms of L, λ1's first."""
    return [constraint_text(q, LABELS[i]) for q, i in zip(three_points(p), SUPPORT)]


def lagrangian_text(p: dict[str, Any]) -> str:
    """L as the README writes it: ``a² + b² + λ1(−c − 1) + λ2(…) + λ3(…)``."""
    return "a² + b² + " + " + ".join(f"λ{j}({t})" for j, t in enumerate(lagrangian_terms(p), 1))


def classes_text(p: dict[str, Any]) -> str:
    """The six points as the README lists them: three in class −1, three in class +1."""
    six = points(p)
    return f"{points_text(six[:3])} in class {MINUS}1 and {points_text(six[3:])} in class +1"


def statement(p: dict[str, Any]) -> str:
    three = three_points(p)
    return (
        f"Your six points are **{classes_text(p)}**, in that order (instead of the README's "
        f"{classes_text(LESSON)}). Wherever the README uses the lesson's points, use yours:\n\n"
        f"- `six_point_line()` returns the SVM line (a, b, c) of your six points, computed "
        f"with your `solve_svm` (the README's (2/3, 2/3, {MINUS}1) is the lesson's line, "
        "not yours).\n"
        f"- Your three-point problem is {point_text(three[0])} → {MINUS}1, "
        f"{point_text(three[1])} → +1, {point_text(three[2])} → +1, with the Lagrangian\n"
        f"  L = {lagrangian_text(p)};\n"
        "  `lagrangian_partials()` returns its ∂L/∂a, ∂L/∂b, ∂L/∂c (same symbols "
        "`a b c lambda1 lambda2 lambda3`).\n"
        "- `extra_points_change_line()` solves your three-point problem and your six-point "
        "problem with your `solve_svm`.\n"
        "- `support_vectors` is also checked on your six points and their line.\n\n"
        "(Check yourself: the support vectors of your six points are again the 3rd, 5th and "
        "6th, so `support_vectors` gives [2, 4, 5] for them.)")
