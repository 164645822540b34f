"""Checks for 06_optimum: log x has no critical point; critical points of any f, classified.

``critical_points`` is run on the catalogue's three examples, on two deterministic ones
(critical points of order 5 and 6; a root of f′ outside the domain of log) and on hidden
functions drawn from the seed (polynomials built from chosen roots of f′, some repeated, some
complex; exp and log functions on x > 0). The student's dict is turned into plain
numbers inside the sandbox (keys may be SymPy numbers such as CRootOf or LambertW,
which no expression parser should have to read) and compared with the reference's
numerically: the same set of points within 1e-9 + 1e-9·|p|, the same kind at each. Every
way to fail is a catalogued mistake (a Property's requirements, tried in order).
"""
from __future__ import annotations

from grader.course import hidden
from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.course.spec import Check, Exercise, Figure, Mistake
from grader.judge.answers import Expr, OneOf, Property, WrongType, describe

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


def _items(got, inputs=None) -> list:
    """The answer's points as a list ([] when there is none), or WrongType."""
    if isinstance(got, np.ndarray):
        return got.ravel().tolist()
    if not isinstance(got, (list, tuple)):
        raise WrongType(f"expected a list of points ([] when there is none), got {describe(got)}")
    return list(got)


LOG_POINTS_MISTAKES = (
    Mistake("zero_is_critical", "x = 0 is not a critical point of log x: log is not defined at 0 "
            "(its domain is x > 0) and 1/x is not zero anywhere — there is none, so return [].",
            match=lambda items, expected, inputs: any(_is_zero_value(v) for v in items),
            sample=lambda expected, inputs: [0]),
    Mistake("log_has_critical_point", "1/x is never zero on x > 0, so log x has no critical "
            "point: return an empty list.",
            match=lambda items, expected, inputs: len(items) > 0,
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


# -- critical_points: each way to be wrong is a catalogued mistake, tried in order -------------


def _hits(entries, e):
    return [g for g in entries if _near(g["value"], e["value"])]


def _missed(entries, expected, inputs):
    for e in expected:
        if not _hits(entries, e):
            close = [g for g in entries if abs(g["value"] - e["value"]) <= 1e-4 * (1 + abs(e["value"]))]
            if not close:
                return {"point": _num(e["value"]), "kind": e["kind"]}
    return False


def _rounded(entries, expected, inputs):
    for e in expected:
        if not _hits(entries, e):
            close = [g for g in entries if abs(g["value"] - e["value"]) <= 1e-4 * (1 + abs(e["value"]))]
            if close:
                return {"yours": close[0]["text"], "point": _num(e["value"])}
    return False


def _duplicate(entries, expected, inputs):
    for e in expected:
        if len(_hits(entries, e)) > 1:
            return {"point": _num(e["value"]), "count": len(_hits(entries, e))}
    return False


def _unmatched(entries, expected):
    return [g for g in entries if not any(_near(g["value"], e["value"]) for e in expected)]


def _complex_extra(entries, expected, inputs):
    bad = [g for g in _unmatched(entries, expected) if not _is_real(g["value"])]
    return {"point": _num(bad[0]["value"])} if bad else False


def _f_at(inputs, z: complex) -> complex:
    return complex(sympy.N(inputs["expr"].subs(inputs["var"], sympy.Float(z.real, 30)), 20))


def _outside(entries, expected, inputs):
    for g in _unmatched(entries, expected):
        value = _f_at(inputs, g["value"])
        if abs(value.imag) > 1e-12 * (1 + abs(value.real)):
            return {"point": _num(g["value"])}
    return False


def _not_critical(entries, expected, inputs):
    extra = _unmatched(entries, expected)
    if not extra:
        return False
    z = extra[0]["value"]
    slope = complex(sympy.N(sympy.diff(inputs["expr"], inputs["var"]).subs(
        inputs["var"], sympy.Float(z.real, 30)), 20)).real
    return {"point": _num(z), "slope": f"{slope:.4g}"}


def _wrong_kind(entries, expected, inputs):
    for e in expected:
        said = _hits(entries, e)[0]["kind"]
        if said != e["kind"]:
            return {"point": _num(e["value"]), "said": repr(said),
                    "why": _why(inputs, e["exact"], e["kind"])}
    return False


def _sample_points(expected, drop=None, extra=(), kinds=None):
    """An answer (as the sandbox sends it) with the expected points, less one, plus others."""
    out = {}
    for k, e in enumerate(expected):
        if k != drop:
            out[complex(e["value"]).real] = (kinds or {}).get(k, e["kind"])
    out.update(dict(extra))
    return _payload(out)


def _other_kind(kind: str) -> str:
    return "minimum" if kind != "minimum" else "maximum"


def _non_critical_point(expected, inputs) -> float:
    taken = [e["value"].real for e in expected]
    return next(p for p in (0.37, 1.13, 2.71, 0.61) if all(abs(p - t) > 1e-3 for t in taken))


MISSED = Mistake(
    "missed_critical_point",
    "you missed the critical point x = {point} (f′ = 0 there; it is a {kind})",
    match=_missed,
    sample=lambda expected, inputs: _sample_points(expected, drop=0) if expected else None)

ROUNDED = Mistake(
    "critical_point_rounded",
    "your point x = {yours} is close to the critical point x = {point} but not within "
    f"{ATOL:g} + {RTOL:g}·|x|: give it exactly (a SymPy number) or to full float precision",
    match=_rounded,
    sample=lambda expected, inputs: _sample_points(
        expected, drop=0, extra={round(expected[0]["value"].real, 5) + 1e-6: expected[0]["kind"]})
    if expected else None)

DUPLICATE = Mistake(
    "critical_point_twice",
    "x = {point} appears {count} times among your keys: give each critical point once",
    match=_duplicate,
    sample=lambda expected, inputs: _sample_points(
        expected, extra={expected[0]["value"].real + 1e-12 * (1 + abs(expected[0]["value"])):
                         expected[0]["kind"]}) if expected else None)

def _complex_sample(expected, inputs):
    return {"entries": _sample_points(expected)["entries"] + [
        {"re": 0.5, "im": 1.5, "text": "0.5 + 1.5*I", "kind": "neither", "kind_type": "str"}]}


NOT_REAL = Mistake(
    "complex_point",
    "x = {point} is not a real number: only real points are critical points of a real "
    "function (drop the roots of f′ that are not real)",
    match=_complex_extra, sample=_complex_sample)

COMPLEX_ROOTS = Mistake(
    "includes_complex_roots",
    "x = {point} is not a real number: sp.solve returns every root of f′(x) = 0, including "
    "non-real ones. Only real points can be maxima or minima of a real function: solve over "
    "the reals (sp.solveset(..., domain=sp.S.Reals)) or drop the roots that are not real.",
    match=_complex_extra, sample=_complex_sample)

OUTSIDE_DOMAIN = Mistake(
    "outside_domain",
    "f is not defined at x = {point} (it is not real there), so it is not a critical point: "
    "keep only the roots of f′ where f itself is defined (log needs x > 0)",
    match=_outside,
    sample=lambda expected, inputs: _sample_points(expected, extra={-1.0: "minimum"})
    if _outside(_entries(_sample_points(expected, extra={-1.0: "minimum"})), expected, inputs)
    else None)

NOT_CRITICAL = Mistake(
    "not_a_critical_point",
    "x = {point} is not a critical point: f′({point}) = {slope} ≠ 0",
    match=_not_critical,
    sample=lambda expected, inputs: _sample_points(
        expected, extra={_non_critical_point(expected, inputs): "minimum"}))

WRONG_KIND = Mistake(
    "wrong_kind",
    "at x = {point} you say {said}, but {why}",
    match=_wrong_kind,
    sample=lambda expected, inputs: _sample_points(
        expected, kinds={0: _other_kind(expected[0]["kind"])}) if expected else None)


def _second_derivative_only(entries, expected, inputs) -> bool:
    """Same points, and the kinds a second-derivative-only test gives (≠ the right ones)."""
    if len(entries) != len(expected):
        return False
    expr, v = inputs["expr"], inputs["var"]
    f2 = sympy.diff(expr, v, 2)
    differs = False
    for e in expected:
        hits = _hits(entries, e)
        if len(hits) != 1:
            return False
        curvature = complex(sympy.N(f2.subs(v, e["exact"]), 30)).real
        naive = "neither" if abs(curvature) < 1e-20 else ("minimum" if curvature > 0 else "maximum")
        if hits[0]["kind"] != naive:
            return False
        differs |= naive != e["kind"]
    return differs


SECOND_DERIVATIVE_ONLY = Mistake(
    "second_derivative_only",
    "You stopped at the second derivative: when f″(p) = 0 the test is inconclusive, not "
    "\"neither\" (x⁴ has a minimum at 0). Keep differentiating until a derivative is non-zero "
    "at p: an even order means an extremum (its sign says which), an odd order means neither.",
    match=_second_derivative_only)


def _capped_kind(inputs, exact, top: int) -> str:
    """The kind a first-non-zero-derivative test that gives up after order ``top`` says."""
    expr, v = inputs["expr"], inputs["var"]
    d = sympy.diff(expr, v)
    for order in range(2, top + 1):
        d = sympy.diff(d, v)
        value = complex(sympy.N(d.subs(v, exact), 30)).real
        if abs(value) > 1e-20:
            return "neither" if order % 2 else ("minimum" if value > 0 else "maximum")
    return "neither"


def _true_order(inputs, exact) -> int:
    d = sympy.diff(inputs["expr"], inputs["var"])
    for order in range(2, 31):
        d = sympy.diff(d, inputs["var"])
        if abs(complex(sympy.N(d.subs(inputs["var"], exact), 30))) > 1e-20:
            return order
    return 31


def _stopped_early(entries, expected, inputs):
    """The kinds of a test that stops at order 3, 4 or 5 (not 2: second_derivative_only)."""
    if len(entries) != len(expected) or any(len(_hits(entries, e)) != 1 for e in expected):
        return False
    for top in (3, 4, 5):
        capped = [_capped_kind(inputs, e["exact"], top) for e in expected]
        if all(_hits(entries, e)[0]["kind"] == k for e, k in zip(expected, capped)):
            wrong = [e for e, k in zip(expected, capped) if k != e["kind"]]
            if wrong:
                return {"point": _num(wrong[0]["value"]), "top": top,
                        "order": _true_order(inputs, wrong[0]["exact"]), "kind": wrong[0]["kind"]}
    return False


def _stopped_sample(expected, inputs):
    kinds = {k: _capped_kind(inputs, e["exact"], 4) for k, e in enumerate(expected)}
    if all(kinds[k] == e["kind"] for k, e in enumerate(expected)):
        return None
    return _sample_points(expected, kinds=kinds)


STOPPED_EARLY = Mistake(
    "derivative_test_stopped_early",
    "Your derivative test gives up too early: at x = {point} every derivative up to order "
    "{top} is 0, and the first non-zero one has order {order}, so it is a {kind}. Keep "
    "differentiating (in a loop) until a derivative is non-zero at the point.",
    match=_stopped_early, sample=_stopped_sample)


def _critical_answer(special=()) -> Property:
    """The order: wrong points first (the kinds only mean something at the right points),
    the check's own specific slips before the general ones."""
    first = tuple(m for m in special if m is COMPLEX_ROOTS) or (NOT_REAL,)  # the specific one
    later = tuple(m for m in special if m is not COMPLEX_ROOTS)
    return Property(requirements=(*first, OUTSIDE_DOMAIN, ROUNDED, MISSED, DUPLICATE,
                                  NOT_CRITICAL, *later, WRONG_KIND),
                    converter=lambda got, inputs: _entries(got))


# -- the functions -------------------------------------------------------------------------------


def _x():
    return sympy.Symbol("x")


EXAMPLES = {"cubic": ("x³ − 2x² + 1", lambda x: x**3 - 2 * x**2 + 1, ()),
            "x4": ("x⁴ (f″(0) = 0)", lambda x: x**4, (SECOND_DERIVATIVE_ONLY,)),
            "x3": ("x³ (a flat inflection)", lambda x: x**3, ()),
            # f′ = (x − 1)⁵(x + 1)⁴(x − 2)³: an order-6 minimum at 1, an order-5 "neither" at
            # −1 and an order-4 extremum at 2: a test that stops at f⁗ gets 1 wrong
            "high_order": ("a polynomial whose critical points have order 4, 5 and 6",
                           lambda x: sympy.integrate(
                               sympy.expand((x - 1)**5 * (x + 1)**4 * (x - 2)**3), x),
                           (SECOND_DERIVATIVE_ONLY, STOPPED_EARLY)),
            # f′ = x − 2/x: ±√2, of which only √2 is in the domain x > 0
            "outside_domain": ("x²/2 − 2·log x (f′ = 0 at ±√2, only √2 in the domain)",
                               lambda x: x**2 / 2 - 2 * sympy.log(x), ()),
            # f′ = eˣ − 1/x: solveset gives no finite set; the one zero is W(1) ≈ 0.567143
            "lambert": ("eˣ − log x (f′ = 0 where x·eˣ = 1: x = W(1), Lambert's W)",
                        lambda x: sympy.exp(x) - sympy.log(x), ())}

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
                 answer=_critical_answer(tuple(mistakes)), hint=CRITICAL_HINT,
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
              answer=Property(requirements=LOG_POINTS_MISTAKES, converter=_items),
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
