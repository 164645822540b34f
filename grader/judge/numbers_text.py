"""How a numeric mismatch is worded for a student: digits, error, and what it looks like.

:func:`grader.judge.answers.compare_arrays` decides *whether* numbers match; this module
says *how* they differ so that a student can act on it:

* :func:`pair_text` prints expected and got with as many significant digits as it takes
  for them to differ visibly (6 at least, 17 at most);
* :func:`error_text` gives the relative error (the absolute one where 0 is expected);
* :func:`diagnosis` recognises float32 results (single precision), a constant factor
  between the answer and the expected values ("1/40 of the expected values") and a factor
  equal to one of the check's numeric inputs ("2·dx = 2e-06 times …: check how you use
  dx").
"""
from __future__ import annotations

from typing import Any

from grader.course.lazy import np

FACTOR_RTOL = 1e-6  # how constant a ratio must be to be called a constant factor


def pair_text(expected: float, got: float) -> tuple[str, str]:
    """``expected`` and ``got`` with the fewest significant digits (≥ 6) that tell them apart."""
    for digits in range(6, 18):
        e, g = f"{expected:.{digits}g}", f"{got:.{digits}g}"
        if e != g:
            return e, g
    return f"{expected:.6g}", f"{got:.6g}"


def error_text(expected: float, got: float) -> str:
    """"relative error 0.12" (or the absolute error where the expected value is 0)."""
    diff = abs(got - expected)
    if expected != 0 and np.isfinite(expected) and np.isfinite(got):
        return f"relative error {diff / abs(expected):.2g}"
    return f"absolute error {diff:.2g}"


def looks_float32(got: Any, expected: Any) -> bool:
    """Whether ``got`` holds float32 numbers (single precision) where float64 is expected.

    Values come back as float64 whatever the student returned, so this looks at the
    values: every finite one is exactly a float32, at least one needs more precision than
    a float16 (so small integers and halves, exact in any precision, do not count), and
    the expected values are not all float32 themselves.
    """
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    g, e = g[np.isfinite(g)], e[np.isfinite(e)]
    if g.size == 0:
        return False
    with np.errstate(all="ignore"):
        single = bool(np.all(g.astype(np.float32).astype(np.float64) == g))
        finer_than_half = bool(np.any(g.astype(np.float16).astype(np.float64) != g))
        expected_single = e.size > 0 and bool(np.all(e.astype(np.float32).astype(np.float64) == e))
    return single and finer_than_half and not expected_single


def constant_ratio(got: Any, expected: Any) -> float | None:
    """The ratio got/expected when it is the same for every entry (≥ 2 distinct expected
    values, all finite and non-zero), else None."""
    g = np.asarray(got, dtype=np.float64).ravel()
    e = np.asarray(expected, dtype=np.float64).ravel()
    if g.shape != e.shape or g.size < 2 or not (np.all(np.isfinite(g)) and np.all(np.isfinite(e))):
        return None
    used = np.abs(e) > 1e-300
    if used.sum() < 2 or np.unique(e[used]).size < 2 or np.any(g[~used] != 0):
        return None
    ratios = g[used] / e[used]
    r = float(np.median(ratios))
    if r == 0 or abs(r - 1) <= 1e-4 or not np.all(np.abs(ratios - r) <= FACTOR_RTOL * abs(r)):
        return None  # no factor, or 1 up to rounding (float32 …)
    return r


def factor_words(r: float) -> str:
    """A ratio as a student reads it: "twice", "1/40 of", "−1 times" …"""
    if abs(r + 1) <= FACTOR_RTOL:
        return "−1 times (the opposite sign of)"
    k = round(r)
    if abs(k) >= 2 and abs(r - k) <= FACTOR_RTOL * abs(r):
        return f"{k} times"
    k = round(1 / r)
    if abs(k) >= 2 and abs(1 / r - k) <= FACTOR_RTOL * abs(1 / r):
        return f"1/{k} of" if k > 0 else f"−1/{-k} times"
    return f"{r:.6g} times"


def parameter_factor(r: float, params: dict[str, float]) -> tuple[str, str] | None:
    """(factor text, parameter name) when ``r`` is a parameter p, 1/p, 2p, p/2 or 1/(2p).

    Only factors of 10 or more (or 1/10 or less) are put down to a parameter: a factor 2
    or 1/2 reads plainly as such, and a parameter of 2 would often match by chance."""
    if not np.isfinite(r) or r == 0 or abs(np.log10(abs(r))) < 1:
        return None
    for name, value in params.items():
        if not np.isfinite(value) or value == 0 or abs(value) == 1:
            continue
        candidates = ((value, name), (1 / value, f"1/{name}"), (2 * value, f"2·{name}"),
                      (1 / (2 * value), f"1/(2·{name})"), (value / 2, f"{name}/2"))
        for cand, label in candidates:
            if abs(r - cand) <= FACTOR_RTOL * abs(cand):
                return f"{label} = {cand:.6g}", name
    return None


def diagnosis(got: Any, expected: Any, what: str, params: dict[str, float]) -> str:
    """One or two sentences on what the mismatch looks like, or "" when nothing stands out."""
    notes = []
    if looks_float32(got, expected):
        notes.append("Your numbers are float32 (single precision, about 7 significant "
                     "digits): compute and return float64")
    g, e = np.asarray(got, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    r = constant_ratio(got, expected)
    if r is None and g.size == 1 and e.size == 1 and float(e.ravel()[0]) != 0:
        ratio = float(g.ravel()[0]) / float(e.ravel()[0])
        by_param = parameter_factor(ratio, params) if np.isfinite(ratio) else None
        if by_param is not None:
            notes.append(f"Your answer is {by_param[0]} times the expected one: check how "
                         f"you use {by_param[1]}")
        return ". ".join(notes)
    if r is not None:
        by_param = parameter_factor(r, params)
        if by_param is not None:
            notes.append(f"Your {what} are {by_param[0]} times the expected ones: check how "
                         f"you use {by_param[1]}")
        else:
            notes.append(f"Your {what} are {factor_words(r)} the expected ones, all by the "
                         "same factor")
    return ". ".join(notes)
