"""Checks for 06_optimum: log x has no critical point; critical points of any f, classified.

``critical_points`` is run on the catalogue's three examples and on hidden functions
drawn from the seed (polynomials built from chosen roots of f′, some repeated, some
complex; exp and log functions on x > 0). The student's dict is turned into plain
numbers inside the sandbox (keys may be SymPy numbers such as CRootOf or LambertW,
which no expression parser should have to read) and compared with the reference's
numerically: the same set of points within 1e-9 + 1e-9·|p|, the same kind at each.
"""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Custom, Expr, OneOf, Verdict, WrongType, describe, fmt

KINDS = ("maximum", "minimum", "neither")
RTOL = ATOL = 1e-9  # |got − expected| ≤ ATOL + RTOL·|expected| for a critical point
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# -- log_derivative, log_critical_points, log_extremum ---------------------------------------

LOG_MISTAKES = (
    Mistake("returned_function",
            "You returned log x itself, not its derivative: differentiate it "
            "(sp.diff(sp.log(x), x)); the derivative of log x is 1/x.", answers=("log(x)",)),
    Mistake("log_base_10",
            "1/(x·ln 10) is the derivative of the base-10 logarithm; here (as in SymPy and "
            "NumPy) log is the natural logarithm, whose derivative is simply 1/x.",
            answers=("1/(x*log(10))",)),
)


def _is_zero_value(v) -> bool:
    """A list item that is the number 0 (int, float or expression text "0")."""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v == 0
    if isinstance(v, str):
        return v.strip() in ("0", "0.0", "0.")
    if isinstance(v, np.ndarray) and v.size == 1:
        return float(v.reshape(())) == 0
    return False


def _log_points_judge(got, expected, inputs, rng) -> Verdict:
    items = got
    if isinstance(got, np.ndarray):
        items = got.ravel().tolist()
    if not isinstance(items, (list, tuple)):
        raise WrongType(f"expected a list of points ([] when there is none), got {describe(got)}")
    if not items:
        return Verdict(True)
    return Verdict(False, f"expected [], got {fmt(list(items))}",
                   {"expected": [], "got": fmt(list(items))})


def _items(got) -> list:
    """The answer's points; a matcher refuses anything but a list (no match)."""
    if isinstance(got, np.ndarray):
        return got.ravel().tolist()
    if not isinstance(got, (list, tuple)):
        raise WrongType("not a list")
    return list(got)


LOG_POINTS_MISTAKES = (
    Mistake("zero_is_critical", "x = 0 is not a critical point of log x: log is not defined at 0 "
            "(its domain is x > 0) and 1/x is not zero anywhere — there is none, so return [].",
            match=lambda got, expected, inputs: any(_is_zero_value(v) for v in _items(got)),
            sample=lambda expected, inputs: [0]),
    Mistake("log_has_critical_point", "1/x is never zero on x > 0, so log x has no critical "
            "point: return an empty list.",
            match=lambda got, expected, inputs: len(_items(got)) > 0,
            sample=lambda expected, inputs: [1.0]),
)


# -- critical_points: what crosses the sandbox -----------------------------------------------


def _payload(got) -> dict:
    """Child side: the student's dict as plain numbers and words (never their objects)."""
    if isinstance(got, str) or not hasattr(got, "items"):
        return {"not_a_dict": describe(got)}
    entries = []
    for key, kind in list(got.items()):
        try:
            z = complex(key)
            re, im = float(z.real), float(z.imag)
        except Exception:  # noqa: BLE001 - a key that is not a number: say so later
            re = im = None
        try:
            text = str(key)[:80]
        except Exception:  # noqa: BLE001
            text = "?"
        entries.append({"re": re, "im": im, "text": text,
                        "kind": kind if isinstance(kind, str) else None,
                        "kind_type": type(kind).__name__})
    return {"entries": entries}


def _critical_call(solution, inputs):
    return _payload(solution.critical_points(inputs["expr"], inputs["var"]))


_EXPECTED: dict[tuple[str, str], list[dict]] = {}


def _expected_points(ref, inputs) -> list[dict]:
    """Trusted side: the reference's points, exact and as complex numbers, sorted.

    Remembered per function: a class of students meets the same hidden functions, and
    SymPy's solving is the slow part of judging them.
    """
    key = (sympy.srepr(inputs["expr"]), str(inputs["var"]))
    if key not in _EXPECTED:
        found = ref.critical_points(inputs["expr"], inputs["var"])
        out = [{"value": complex(p), "exact": p, "kind": kind} for p, kind in found.items()]
        if len(_EXPECTED) > 256:
            _EXPECTED.clear()
        _EXPECTED[key] = sorted(out, key=lambda e: e["value"].real)
    return _EXPECTED[key]


def _entries(got) -> list[dict]:
    """The student's entries, validated: numbers as keys, one of KINDS as values."""
    if not isinstance(got, dict) or "entries" not in got:
        what = got.get("not_a_dict", "something else") if isinstance(got, dict) else describe(got)
        raise WrongType(f"critical_points should return a dict {{point: kind}}, got {what}")
    out = []
    for e in got["entries"]:
        if e["re"] is None:
            raise WrongType(f"the key {e['text']!r} is not a number: the keys must be the "
                            "critical points x (SymPy numbers or floats)")
        if e["kind"] is None:
            raise WrongType(f"the value for x = {e['text']} must be one of 'maximum', "
                            f"'minimum', 'neither', got a value of type {e['kind_type']}")
        kind = e["kind"].strip().lower()
        if kind not in KINDS:
            raise WrongType(f"the value for x = {e['text']} must be one of 'maximum', "
                            f"'minimum', 'neither', got {e['kind'][:30]!r}")
        out.append({"value": complex(e["re"], e["im"]), "text": e["text"], "kind": kind})
    return out


def _near(a: complex, b: complex) -> bool:
    return abs(a - b) <= ATOL + RTOL * abs(b)


def _is_real(z: complex) -> bool:
    return abs(z.imag) <= ATOL + RTOL * abs(z.real)


def _num(z: complex) -> str:
    return f"{z.real:.6g}" if _is_real(z) else f"{z.real:.4g} {'+' if z.imag >= 0 else '−'} {abs(z.imag):.4g}i"


def _why(inputs, exact, kind: str) -> str:
    """Teaching text: which derivative decides the kind of the critical point ``exact``."""
    expr, v = inputs["expr"], inputs["var"]
    d = sympy.diff(expr, v)
    for order in range(2, 12):
        d = sympy.diff(d, v)
        value = complex(sympy.N(d.subs(v, exact), 30))
        if abs(value) > 1e-20:
            name = "f″" if order == 2 else f"f⁽{str(order).translate(SUPERSCRIPT)}⁾"
            sign = ">" if value.real > 0 else "<"
            if order == 2:
                return f"{name}({_num(complex(exact))}) = {value.real:.4g} {sign} 0, so it is a {kind}"
            parity = "odd" if order % 2 else "even"
            verdict = "neither a maximum nor a minimum" if order % 2 else f"a {kind}"
            return (f"f″ is 0 there; the first non-zero derivative is {name} = {value.real:.4g} "
                    f"(order {order}, {parity}), so it is {verdict}")
    return f"it is {'a ' if kind != 'neither' else ''}{kind}"


def _extra_text(inputs, z: complex) -> str:
    """Why a point the student gave is not a critical point."""
    if not _is_real(z):
        return f"x = {_num(z)} is not a real number: only real points are critical points"
    expr, v = inputs["expr"], inputs["var"]
    p = sympy.Float(z.real, 30)
    f_value = complex(sympy.N(expr.subs(v, p), 20))
    if abs(f_value.imag) > 1e-12 * (1 + abs(f_value.real)):
        return (f"f is not defined at x = {_num(z)} (it is not real there), so it is not a "
                "critical point")
    slope = complex(sympy.N(sympy.diff(expr, v).subs(v, p), 20)).real
    return f"x = {_num(z)} is not a critical point: f′({_num(z)}) = {slope:.4g} ≠ 0"


def _critical_judge(got, expected, inputs, rng) -> Verdict:
    entries = _entries(got)
    detail = {"expected": {_num(e["value"]): e["kind"] for e in expected},
              "got": {e["text"]: e["kind"] for e in entries},
              "tolerance": {"rtol": RTOL, "atol": ATOL}}
    unmatched = list(entries)
    wrong_kind = []
    for e in expected:
        hits = [g for g in entries if _near(g["value"], e["value"])]
        if not hits:
            close = [g for g in entries if abs(g["value"] - e["value"]) <= 1e-4 * (1 + abs(e["value"]))]
            if close:
                return Verdict(False, f"your point x = {close[0]['text']} is close to the "
                               f"critical point x = {_num(e['value'])} but not within "
                               f"{ATOL:g} + {RTOL:g}·|x|: give it exactly (a SymPy number) or "
                               "to full float precision", detail)
            return Verdict(False, f"you missed the critical point x = {_num(e['value'])} "
                           f"(f′ = 0 there; it is a {e['kind']})", detail)
        if len(hits) > 1:
            return Verdict(False, f"x = {_num(e['value'])} appears {len(hits)} times among your "
                           "keys: give each critical point once", detail)
        unmatched.remove(hits[0])
        if hits[0]["kind"] != e["kind"]:
            wrong_kind.append((e, hits[0]["kind"]))
    if unmatched:
        return Verdict(False, _extra_text(inputs, unmatched[0]["value"]), detail)
    if wrong_kind:
        e, said = wrong_kind[0]
        return Verdict(False, f"at x = {_num(e['value'])} you say {said!r}, but "
                       f"{_why(inputs, e['exact'], e['kind'])}", detail)
    return Verdict(True, detail={"points": len(expected)})


# -- catalogued mistakes of critical_points ----------------------------------------------------


def _second_derivative_only(got, expected, inputs) -> bool:
    """Same points, and the kinds a second-derivative-only test gives (≠ the right ones)."""
    entries = _entries(got)
    if len(entries) != len(expected):
        return False
    expr, v = inputs["expr"], inputs["var"]
    f2 = sympy.diff(expr, v, 2)
    differs = False
    for e in expected:
        hits = [g for g in entries if _near(g["value"], e["value"])]
        if len(hits) != 1:
            return False
        curvature = complex(sympy.N(f2.subs(v, e["exact"]), 30)).real
        naive = "neither" if abs(curvature) < 1e-20 else ("minimum" if curvature > 0 else "maximum")
        if hits[0]["kind"] != naive:
            return False
        differs |= naive != e["kind"]
    return differs


def _complex_keys(got, expected, inputs) -> bool:
    return any(not _is_real(e["value"]) for e in _entries(got))


SECOND_DERIVATIVE_ONLY = Mistake(
    "second_derivative_only",
    "You stopped at the second derivative: when f″(p) = 0 the test is inconclusive, not "
    "\"neither\" (x⁴ has a minimum at 0). Keep differentiating until a derivative is non-zero "
    "at p: an even order means an extremum (its sign says which), an odd order means neither.",
    match=_second_derivative_only)

COMPLEX_ROOTS = Mistake(
    "includes_complex_roots",
    "Some of your critical points are complex numbers: sp.solve returns every root of "
    "f′(x) = 0, including non-real ones. Only real points can be maxima or minima of a real "
    "function: solve over the reals (sp.solveset(..., domain=sp.S.Reals)) or drop the roots "
    "that are not real.", match=_complex_keys)

# -- the functions -------------------------------------------------------------------------------


def _x():
    return sympy.Symbol("x")


EXAMPLES = {"cubic": ("x³ − 2x² + 1", lambda x: x**3 - 2 * x**2 + 1, ()),
            "x4": ("x⁴ (f″(0) = 0)", lambda x: x**4, (SECOND_DERIVATIVE_ONLY,)),
            "x3": ("x³ (a flat inflection)", lambda x: x**3, ())}

# hidden.with_critical_points kinds; a catalogued mistake only where its example shows it
HIDDEN = {"repeated_roots": ("a hidden polynomial whose derivative has repeated roots",
                             (SECOND_DERIVATIVE_ONLY,)),
          "complex_roots": ("a hidden polynomial whose derivative has complex roots",
                            (COMPLEX_ROOTS,)),
          "exponential": ("a hidden function built from exp", ()),
          "logarithm": ("a hidden function built from log, on x > 0", ())}


def _example_inputs(build):
    def inputs(rng):
        x = _x()
        return {"expr": build(x), "var": x}
    return inputs


def _hidden_inputs(kind: str):
    def inputs(rng):
        return {"expr": hidden.with_critical_points(rng, kind).expr, "var": _x()}
    return inputs


CRITICAL_HINT = ("Solve f′(x) = 0 over the reals, keep the points where f is defined, and "
                 "classify each by its first non-zero derivative of order n ≥ 2: even n → an "
                 "extremum (minimum if positive), odd n → neither.")


def _critical_check(case: str, title: str, inputs, mistakes=(), time_limit=None) -> Check:
    return Check(function="critical_points", case=case, points=1, title=title,
                 inputs=inputs, call=_critical_call, expect=_expected_points,
                 answer=Custom(_critical_judge), mistakes=tuple(mistakes), hint=CRITICAL_HINT,
                 time_limit=time_limit)


# -- the report's figure ---------------------------------------------------------------------


def _log_grid():
    return np.linspace(0.2, 5.0, 97)


def _cubic_grid():
    return np.linspace(-1.0, 2.4, 103)


def _figure_student(solution, inputs):
    x = _x()
    out: dict = {}
    try:
        d = solution.log_derivative()
        if isinstance(d, str):  # read by the grader's whitelisting parser, never sympify
            from grader.judge.parse import parse_expression

            d = parse_expression(d, ("x",))
        if isinstance(d, sympy.Basic):
            grid = _log_grid()
            out["x"] = grid
            out["log_derivative"] = np.asarray(sympy.lambdify(x, d, "numpy")(grid) + 0 * grid, dtype=float)
    except Exception:  # noqa: BLE001 - a figure shows what it can
        pass
    try:
        payload = _payload(solution.critical_points(x**3 - 2 * x**2 + 1, x))
        entries = [e for e in payload.get("entries", [])
                   if e["re"] is not None and e["im"] == 0 and e["kind"] is not None]
        out["points"] = [e["re"] for e in entries]
        out["kinds"] = [e["kind"] for e in entries]
    except Exception:  # noqa: BLE001
        pass
    return out


def _figure_reference(ref, inputs):
    x = _x()
    found = ref.critical_points(x**3 - 2 * x**2 + 1, x)
    return {"x": _log_grid(), "log": np.log(_log_grid()), "log_derivative": 1 / _log_grid(),
            "t": _cubic_grid(), "f": _cubic_grid()**3 - 2 * _cubic_grid()**2 + 1,
            "points": [float(p) for p in found], "kinds": list(found.values())}


def _figure_draw(ax, ref, student):
    ax.set_axis_off()
    left, right = ax.inset_axes([0.0, 0.0, 0.44, 1.0]), ax.inset_axes([0.56, 0.0, 0.44, 1.0])
    left.plot(ref["x"], ref["log"], color="tab:gray", label="log x")
    left.plot(ref["x"], ref["log_derivative"], lw=3, alpha=0.5, label="1/x")
    if student and "log_derivative" in student:
        left.plot(student["x"], student["log_derivative"], "--", label="your log_derivative()")
    left.axhline(0, color="black", lw=0.5)
    left.set_ylim(-2, 5.5)
    left.set_xlabel("x")
    left.legend(fontsize=8)
    right.plot(ref["t"], ref["f"], color="tab:gray", label="x³ − 2x² + 1")
    f = lambda p: p**3 - 2 * p**2 + 1  # noqa: E731
    for p, kind in zip(ref["points"], ref["kinds"]):
        right.plot([p], [f(p)], "o", ms=12, alpha=0.4, color="tab:blue")
        right.annotate(kind, (p, f(p)), textcoords="offset points", xytext=(0, 10),
                       ha="center", fontsize=8)
    if student and student.get("points") is not None:
        for p, kind in zip(list(student["points"]), list(student.get("kinds", []))):
            right.plot([p], [f(p)], "x", ms=9, color="tab:orange")
            right.annotate(f"yours: {kind}", (p, f(p)), textcoords="offset points",
                           xytext=(0, -16), ha="center", fontsize=8, color="tab:orange")
    right.set_xlabel("x")
    right.set_title("x³ − 2x² + 1: critical points (yours: ×)", fontsize=8)
    left.set_title("log x and its derivative", fontsize=8)


EXERCISE = Exercise(
    slug="06_optimum",
    title="Critical points, and a function that has none",
    plot="log x and its derivative; x³ − 2x² + 1 with its critical points marked",
    figure=Figure(title="log x and 1/x on (0, 5]; x³ − 2x² + 1 with its critical points",
                  functions=("log_derivative", "critical_points"), student=_figure_student,
                  reference=_figure_reference, draw=_figure_draw),
    checks=[
        Check(function="log_derivative", points=1, title="d/dx log x with SymPy",
              answer=Expr(symbols=("x",), domain={"x": (0.1, 5.0)}),
              mistakes=LOG_MISTAKES,
              hint="log is the natural logarithm: d/dx log x = 1/x on x > 0."),
        Check(function="log_critical_points", points=1,
              title="the critical points of log x (a list)",
              answer=Custom(_log_points_judge), mistakes=LOG_POINTS_MISTAKES,
              hint="Where is 1/x equal to 0 for x > 0?"),
        Check(function="log_extremum", points=1, title="what extremum log x has on x > 0",
              answer=OneOf(("maximum", "minimum", "none")),
              hint="log x is strictly increasing (its derivative 1/x is positive)."),
        *[_critical_check(case, f"critical points of {text}", _example_inputs(build), mistakes)
          for case, (text, build, mistakes) in EXAMPLES.items()],
        *[_critical_check(kind, title, _hidden_inputs(kind), mistakes, time_limit=10.0)
          for kind, (title, mistakes) in HIDDEN.items()],
    ],
)
