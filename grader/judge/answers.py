"""Kinds of answer and how each is compared with the reference's ("expected") answer.

Every kind turns the decoded student value into something comparable (``convert``),
tells whether it equals a given value (``same``, used for catalogued mistakes) and
judges it against the expected answer (``compare``), with a message that says what was
expected when the type or shape is wrong.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from grader.course.lazy import np
from grader.course.lazy import sp as sympy
from grader.sandbox import plain


@dataclass
class Verdict:
    passed: bool
    message: str = ""
    detail: dict[str, Any] = field(default_factory=dict)
    mistake: str | None = None


class WrongType(Exception):
    """The answer is not of the kind expected; the message says what was expected."""


def fmt(value: Any, limit: int = 300) -> Any:
    """A JSON-friendly, bounded rendering of a value for the results' detail."""
    if isinstance(value, np.ndarray):
        if value.size <= 24:
            return _round(value.tolist())
        return f"array of shape {value.shape}: {np.array2string(value.ravel()[:8], precision=6)[:-1]} …]"
    if isinstance(value, sympy.MatrixBase):
        return [[sympy.sstr(value[i, j]) for j in range(value.cols)] for i in range(value.rows)]
    if isinstance(value, sympy.Basic):
        text = sympy.sstr(value)
        return text if len(text) <= limit else text[:limit] + "…"
    if isinstance(value, (list, tuple)):
        return [fmt(v, limit) for v in value[:24]]
    if isinstance(value, dict):
        return {str(k): fmt(v, limit) for k, v in list(value.items())[:24]}
    if isinstance(value, float):
        return _round(value)
    if isinstance(value, (bool, int, str)) or value is None:
        return value if not isinstance(value, str) or len(value) <= limit else value[:limit] + "…"
    return str(value)[:limit]


def _round(v: Any) -> Any:
    if isinstance(v, list):
        return [_round(x) for x in v]
    if isinstance(v, float):
        return float(f"{v:.10g}")
    return v


class Answer:
    """Base class: subclasses implement convert and compare."""

    def convert(self, got: Any) -> Any:
        return got

    def same(self, got: Any, value: Any, inputs: dict, rng: np.random.Generator) -> bool:
        try:
            return self.compare(got, value, inputs, rng).passed
        except WrongType:
            return False

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        raise NotImplementedError


# -- symbolic -------------------------------------------------------------------------

def to_expr(value: Any, symbols: Sequence[str], allow_other_symbols: bool = False) -> Any:
    """A student value (expression text, string or number) as a SymPy expression."""
    if isinstance(value, bool):
        raise WrongType(f"expected an expression in {', '.join(symbols)}, got a boolean")
    if isinstance(value, (int, float)):
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iuf":
        return sympy.Float(float(value))
    if isinstance(value, str):
        from grader.judge.parse import ParseError, parse_expression

        try:
            return parse_expression(value, symbols, allow_other_symbols=allow_other_symbols)
        except ParseError as exc:
            raise WrongType(f"your expression could not be read: {exc}") from None
    raise WrongType(f"expected an expression in {', '.join(symbols)} "
                    f"(a SymPy expression or a string), got {describe(value)}")


def describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, dict):
        return "a dict"
    if value is None:
        return "None (did you forget to return?)"
    return f"a {type(value).__name__}"


@dataclass
class Expr(Answer):
    """One expression; ``up_to_constant`` names the variable of an antiderivative."""

    symbols: tuple[str, ...] = ("x",)
    domain: dict[str, tuple[float, float]] = field(default_factory=lambda: {"*": (-3.0, 3.0)})
    up_to_constant: str | None = None

    def convert(self, got: Any) -> Any:
        return to_expr(got, self.symbols, allow_other_symbols=self.up_to_constant is not None)

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        from grader.judge.symbolic import by_name, equivalent

        got = self.convert(got) if not isinstance(got, sympy.Basic) else got
        if isinstance(expected, str):
            expected = to_expr(expected, self.symbols, self.up_to_constant is not None)
        detail = {"expected": fmt(by_name(expected)), "got": fmt(got)}
        names = {s.name for s in by_name(expected).free_symbols}
        special = nonfinite_constants(got, expected)
        if special is not None:
            return Verdict(special, "" if special else f"expected {fmt(expected)}, got "
                           f"{fmt(got)} ({NONFINITE_RULE})", {} if special else detail)
        if names and not names & {s.name for s in got.free_symbols}:
            return Verdict(False, f"your answer is the constant {fmt(got)}; expected an "
                           f"expression in {', '.join(sorted(names))}", detail)
        eq = equivalent(got, expected, self.domain, rng, up_to_constant=self.up_to_constant)
        if eq.equal:
            return Verdict(True, detail={"proved": eq.proved, "points_checked": eq.checked_points})
        if eq.counterexample:
            detail["counterexample"] = {k: fmt(v) for k, v in eq.counterexample.items()}
        what = "derivative of your answer" if self.up_to_constant else "your answer"
        if eq.domain_mismatch:
            where = _point_text(eq.counterexample)
            return Verdict(False, f"{what} is undefined at {where}, where the expected "
                           "one is defined", detail)
        if eq.counterexample:
            ce = eq.counterexample
            return Verdict(False, f"{what} differs at {_point_text(ce)}: expected "
                           f"{ce['expected']:.6g}, got {ce['got']:.6g}", detail)
        return Verdict(False, f"{what} is not equivalent to the expected one", detail)


NONFINITE_RULE = "NaN and infinities must match exactly, sign and position"


def nonfinite_constants(got: Any, expected: Any) -> bool | None:
    """Whether two constants equal each other when either is NaN or infinite; None when
    that rule does not apply (a finite pair, or an expression with symbols), so symbolic
    equivalence decides. The rule is assert_allclose's: ``oo`` equals only ``oo``,
    ``-oo`` only ``-oo``, NaN only NaN, and a finite number neither."""
    g, e = _constant_value(got), _constant_value(expected)
    if g is None or e is None or (np.isfinite(g) and np.isfinite(e)):
        return None
    return bool((np.isnan(g) and np.isnan(e)) or g == e)


def _constant_value(value: Any) -> float | None:
    """The real value of a number or a constant SymPy expression, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, sympy.Basic) or value.free_symbols:
        return None
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):  # zoo, I, … : no real value
        return None


def _point_text(ce: dict | None) -> str:
    if not ce:
        return "some point"
    names = [k for k in ce if k not in ("expected", "got")]
    return ", ".join(f"{k} = {ce[k]:.4g}" for k in names) or "a constant"


@dataclass
class ExprArray(Answer):
    """A tuple/list of expressions or a SymPy Matrix, compared entry by entry."""

    shape: tuple[int, ...]
    symbols: tuple[str, ...] = ("x",)
    domain: dict[str, tuple[float, float]] = field(default_factory=lambda: {"*": (-3.0, 3.0)})
    kind: str = "tuple"  # "tuple" or "matrix": only wording

    def convert(self, got: Any) -> list:
        rows = got
        if isinstance(got, str):
            from grader.judge.parse import ParseError, parse_expressions

            try:
                rows = parse_expressions(got, self.symbols)
            except ParseError as exc:
                raise WrongType(f"your expressions could not be read: {exc}") from None
        if isinstance(rows, np.ndarray):
            raise WrongType(f"expected {self._what()} of expressions, got numbers "
                            f"(an array of shape {rows.shape}); return SymPy expressions")
        if not isinstance(rows, (list, tuple)):
            raise WrongType(f"expected {self._what()}, got {describe(got)}")
        shape = _nested_shape(rows)
        if len(self.shape) == 1 and len(shape) == 2 and 1 in shape:
            rows, shape = [r for row in rows for r in row], (shape[0] * shape[1],)
        if shape != self.shape:
            raise WrongType(f"expected {self._what()} of shape {_shape_text(self.shape)}, "
                            f"got shape {_shape_text(shape)}"
                            + (" (rows are outputs, columns are inputs)" if self.kind == "matrix"
                               and shape == self.shape[::-1] else ""))
        from grader.judge.symbolic import SampledExpr  # the public key's expected entries

        return _map_nested(rows, lambda v: v if isinstance(v, (sympy.Basic, SampledExpr))
                           else to_expr(v, self.symbols))

    def _what(self) -> str:
        return "a matrix" if self.kind == "matrix" else f"a tuple of {self.shape[0]}"

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        from grader.judge.symbolic import equivalent

        got = self.convert(got)
        exp = self.convert(expected.tolist() if isinstance(expected, sympy.MatrixBase) else expected)
        flat_g, flat_e = _flatten(got), _flatten(exp)
        index = list(np.ndindex(*self.shape))
        for idx, g, e in zip(index, flat_g, flat_e):
            where = "entry " + str(list(idx)) if len(idx) > 1 else f"component {idx[0] + 1}"
            detail = {"expected": fmt(e), "got": fmt(g), "entry": list(idx)}
            special = nonfinite_constants(g, e)
            if special is not None:
                if special:
                    continue
                return Verdict(False, f"{where} differs: expected {fmt(e)}, got {fmt(g)} "
                               f"({NONFINITE_RULE})", detail)
            eq = equivalent(g, e, self.domain, rng)
            if not eq.equal:
                if eq.counterexample:
                    detail["counterexample"] = {k: fmt(v) for k, v in eq.counterexample.items()}
                    ce = eq.counterexample
                    if eq.domain_mismatch:
                        return Verdict(False, f"{where} is undefined at {_point_text(ce)}", detail)
                    return Verdict(False, f"{where} differs at {_point_text(ce)}: expected "
                                   f"{ce['expected']:.6g}, got {ce['got']:.6g}", detail)
                return Verdict(False, f"{where} is not equivalent to the expected one", detail)
        return Verdict(True)


def _nested_shape(v: Any) -> tuple[int, ...]:
    if isinstance(v, (list, tuple)):
        inner = {_nested_shape(x) for x in v}
        if len(inner) == 1:
            return (len(v),) + inner.pop()
        return (len(v), -1)
    return ()


def _map_nested(v: Any, f: Callable) -> Any:
    if isinstance(v, (list, tuple)):
        return [_map_nested(x, f) for x in v]
    return f(v)


def _flatten(v: Any) -> list:
    if isinstance(v, (list, tuple)):
        return [y for x in v for y in _flatten(x)]
    return [v]


def _shape_text(shape: tuple[int, ...]) -> str:
    return "×".join("?" if n < 0 else str(n) for n in shape) if shape else "scalar"


# -- numeric --------------------------------------------------------------------------

def to_array(value: Any) -> np.ndarray:
    """A student value as a float array, or WrongType saying what it was."""
    if isinstance(value, (plain.ExprText, plain.MatrixText)):
        raise WrongType("expected numbers, got a SymPy expression; "
                        "convert it with float() or lambdify")
    if isinstance(value, str):
        raise WrongType(f"expected numbers, got the text {value[:40]!r}")
    if value is None:
        raise WrongType("expected numbers, got None (did you forget to return?)")
    if isinstance(value, dict):
        raise WrongType("expected numbers, got a dict")
    try:
        arr = np.asarray(value)
        if arr.dtype.kind == "c":
            if np.any(np.abs(arr.imag) > 0):
                raise WrongType("expected real numbers, got complex ones")
            arr = arr.real
        return arr.astype(np.float64)
    except (ValueError, TypeError):
        raise WrongType(f"expected an array of numbers, got {describe(value)} "
                        "that NumPy cannot turn into one (ragged or mixed?)") from None


@dataclass
class Close(Answer):
    """Numbers or arrays within ``|got − expected| ≤ atol + rtol·|expected|``.

    ``shape``: None means "the expected answer's shape"; scalars accept any
    one-element array. ``what`` names the quantity in messages.
    """

    rtol: float = 1e-7
    atol: float = 0.0
    what: str = "values"
    scalar: bool = False
    tolerance: Callable[[dict], tuple[float, float]] | None = None  # (rtol, atol) from inputs
    wrong_shape: str = ""  # message for a wrong shape, with {expected} and {got} fields

    def convert(self, got: Any) -> np.ndarray:
        arr = to_array(got)
        if self.scalar:
            if arr.size != 1:
                raise WrongType(self.wrong_shape.format(expected="()", got=arr.shape)
                                if self.wrong_shape else
                                f"expected a single number, got {describe(arr)}")
            arr = arr.reshape(())
        return arr

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        g = self.convert(got)
        e = np.asarray(expected, dtype=np.float64)
        if self.scalar:
            e = e.reshape(())
        if g.shape != e.shape:
            raise WrongType(self.wrong_shape.format(expected=e.shape, got=g.shape)
                            if self.wrong_shape else
                            f"expected {self.what} of shape {e.shape}, got shape {g.shape}")
        rtol, atol = self.tolerance(inputs) if self.tolerance else (self.rtol, self.atol)
        return compare_arrays(g, e, rtol, atol, self.what, params=scalar_params(inputs))


def nonfinite_mismatch(got: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Where a NaN or an infinity of one array is not the same NaN or infinity in the other.

    ``numpy.testing.assert_allclose``'s rule for what no tolerance can bridge: an
    infinity equals only the same infinity (same sign, same position), a NaN only a NaN
    at the same position, and a finite value never equals either.
    """
    with np.errstate(invalid="ignore"):
        same = (np.isnan(got) & np.isnan(expected)) | (np.isinf(got) & (got == expected))
    return ~(np.isfinite(got) & np.isfinite(expected)) & ~same


def compare_arrays(got: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
                   what: str = "values", params: dict[str, float] | None = None) -> Verdict:
    """assert_allclose semantics, reported for a student: how many, how far, where.

    NaNs and infinities must match exactly (:func:`nonfinite_mismatch`); every entry
    finite in both must satisfy ``|got − expected| ≤ atol + rtol·|expected|``. A failure
    says how far (relative error, digits enough to see the difference), and what it looks
    like (:func:`grader.judge.numbers_text.diagnosis`: float32 results, a constant factor,
    a factor equal to one of ``params``, the check's numeric inputs by name).
    """
    tol = {"rtol": rtol, "atol": atol}
    got, expected = np.broadcast_arrays(np.asarray(got), np.asarray(expected))
    special = nonfinite_mismatch(got, expected)
    with np.errstate(all="ignore"):
        finite = np.isfinite(got) & np.isfinite(expected)
        err = np.where(finite, np.abs(got - expected), np.inf)
        rel = err / np.abs(expected)
        bad = special | (finite & ~(err <= atol + rtol * np.abs(expected)))
    if not bad.any():
        return Verdict(True, detail={"tolerance": tol, "max_abs_error": _max(err)})
    n_bad, n = int(bad.sum()), int(bad.size)
    if special.any():
        worst = np.unravel_index(int(np.argmax(special)), got.shape) if got.shape else ()
    else:
        worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1))),
                                 got.shape) if got.shape else ()
    where = f" at index {[int(i) for i in worst]}" if got.shape else ""
    detail = {"expected": fmt(expected), "got": fmt(got), "tolerance": tol,
              "mismatched": f"{n_bad} of {n}", "max_abs_error": _max(np.where(bad, err, 0)),
              "max_rel_error": _max(np.where(bad, rel, 0)), "worst_index": [int(i) for i in worst]}
    g, e = float(got[worst]), float(expected[worst])
    if special.any():
        if got.shape:
            detail["nonfinite_mismatch"] = _positions(special)
        msg = _nonfinite_message(expected, special, what, where, e, g, n)
        others = n_bad - int(special.sum())
        if others:
            msg += (f"; {others} more {'is' if others == 1 else 'are'} off by more than the "
                    f"tolerance (rtol={rtol:g}, atol={atol:g})")
        return Verdict(False, msg, detail)
    from grader.judge.numbers_text import diagnosis, error_text, pair_text

    es, gs = pair_text(e, g)
    how = f"{error_text(e, g)}; tolerance rtol={rtol:g}, atol={atol:g}"
    msg = (f"{n_bad} of {n} {what} are off{where}: expected {es}, got {gs} ({how})"
           if n > 1 else f"expected {es}, got {gs} ({how})")
    note = diagnosis(got, expected, what, params or {})
    if note:
        msg += f". {note}"
    return Verdict(False, msg, detail)


def _nonfinite_message(expected: np.ndarray, special: np.ndarray, what: str, where: str,
                       e: float, g: float, n: int) -> str:
    """Say where NaNs or infinities differ: the student's where finite values are expected
    (an overflow, a 0/0), or the expected ones the student did not reproduce."""
    theirs = int((special & np.isfinite(expected)).sum())
    ours = int(special.sum()) - theirs
    parts = []
    if theirs:
        parts.append(f"{theirs} of {n} {what} are NaN or infinite where finite values are "
                     "expected" if n > 1 else "your answer is NaN or infinite")
    if ours:
        parts.append(f"{ours} of {n} {what} do not match the expected NaN or infinite values"
                     if n > 1 else "your answer does not match the expected NaN or infinity")
    return f"{'; '.join(parts)}{where}: expected {e:.6g}, got {g:.6g} ({NONFINITE_RULE})"


def _positions(mask: np.ndarray, limit: int = 8) -> list[list[int]]:
    """The first ``limit`` indices where ``mask`` is true (for the results' detail)."""
    return [[int(i) for i in idx] for idx in np.argwhere(mask)[:limit]]


def scalar_params(inputs: dict) -> dict[str, float]:
    """The public numeric inputs of a check (dx, learning_rate …), for naming a factor."""
    out = {}
    for k, v in inputs.items():
        if k.startswith("_") or isinstance(v, bool):
            continue
        if isinstance(v, (int, float)) or (isinstance(v, np.ndarray) and v.shape == ()
                                           and v.dtype.kind in "iuf"):
            out[k] = float(v)
    return out


def _max(a: np.ndarray) -> float | None:
    with np.errstate(all="ignore"):
        finite = a[np.isfinite(a)] if a.size else a
    return float(finite.max()) if finite.size else None


@dataclass
class OneOf(Answer):
    """A word from a fixed set, e.g. "maximum" / "minimum" / "none"."""

    options: tuple[str, ...]

    def convert(self, got: Any) -> str:
        if not isinstance(got, str) or isinstance(got, plain.ExprText):
            raise WrongType(f"expected one of {', '.join(map(repr, self.options))}, "
                            f"got {describe(got)}")
        word = got.strip().lower()
        if word not in self.options:
            raise WrongType(f"expected one of {', '.join(map(repr, self.options))}, got {got[:40]!r}")
        return word

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        word = self.convert(got)
        if word == expected:
            return Verdict(True)
        return Verdict(False, f"expected {expected!r}, got {word!r}",
                       {"expected": expected, "got": word})


@dataclass
class Custom(Answer):
    """A check-specific comparison: ``judge(got, expected, inputs, rng) -> Verdict``."""

    judge: Callable[[Any, Any, dict, np.random.Generator], Verdict]
    converter: Callable[[Any], Any] | None = None

    def convert(self, got: Any) -> Any:
        return self.converter(got) if self.converter else got

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        return self.judge(self.convert(got), expected, inputs, rng)


# -- recurring shapes of answer -----------------------------------------------------------

def _shape_hint(got_shape: tuple, expected_shape: tuple, name: str) -> str:
    if len(expected_shape) == 2 and got_shape == expected_shape[::-1] and got_shape != expected_shape:
        return f"; that is the transpose: it has the shape of {name}, {expected_shape}"
    if int(np.prod(got_shape)) == int(np.prod(expected_shape)):
        return f"; reshape it to {expected_shape}"
    return ""


def as_dict_of_arrays(got: Any, keys: Sequence[str], function: str) -> dict[str, np.ndarray]:
    """``got`` as {key: float array} for ``keys``, or WrongType naming what is missing."""
    if not isinstance(got, dict):
        raise WrongType(f"{function} must return a dict with keys {', '.join(keys)}; "
                        f"got {describe(got)}")
    missing = [k for k in keys if k not in got]
    if missing:
        have = ", ".join(map(str, got)) or "none"
        raise WrongType(f"the dict {function} returned has no key {missing[0]!r} "
                        f"(expected keys {', '.join(keys)}; yours: {have})")
    return {k: to_array(got[k]) for k in keys}


@dataclass
class Params(Answer):
    """A dict of named arrays (a network's parameters), e.g. {"W": …, "b": …}.

    Keys first, then each array's shape (the expected one's, with a transpose hint),
    then the values within ``|got − expected| ≤ atol + rtol·|expected|``, array by array;
    a failure names the array. ``keys`` default to the expected dict's.
    """

    function: str = "your function"
    rtol: float = 1e-9
    atol: float = 0.0
    keys: tuple[str, ...] | None = None

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        keys = self.keys or tuple(expected)
        arrays = as_dict_of_arrays(got, keys, self.function)
        for k in keys:
            e = np.asarray(expected[k], dtype=np.float64)
            if arrays[k].shape != e.shape:
                raise WrongType(f"{self.function}()[{k!r}] has shape {arrays[k].shape}, "
                                f"expected {e.shape}{_shape_hint(arrays[k].shape, e.shape, k)}")
        for k in keys:
            verdict = compare_arrays(arrays[k], np.asarray(expected[k], dtype=np.float64),
                                     self.rtol, self.atol, f"entries of {k}")
            if not verdict.passed:
                verdict.message = f"{k}: {verdict.message}"
                return verdict
        return Verdict(True)


@dataclass
class Gradients(Answer):
    """Gradients of a parameter dict, compared with JAX's array by array (norm-wise
    relative error ≤ ``rtol``): :func:`grader.judge.gradcheck.judge_gradients`.
    ``shape_of`` names the parameter whose shape each gradient has ({"dW": "W"})."""

    function: str = "your function"
    rtol: float = 1e-6
    shape_of: dict[str, str] | None = None

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        from grader.judge.gradcheck import judge_gradients

        return judge_gradients(got, expected, function=self.function, rtol=self.rtol,
                               shape_of=self.shape_of)


@dataclass
class DescentPath(Answer):
    """A descent path: shape (num_iterations + 1, *x0.shape), row 0 is x0, compared step
    for step; a failure names the first step that differs."""

    rtol: float = 1e-9
    atol: float = 1e-12

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        g = to_array(got)
        expected = np.asarray(expected, dtype=np.float64)
        if g.shape != expected.shape:
            raise WrongType(f"the path should have shape {expected.shape} (row 0 is x0, then one "
                            f"row per step: num_iterations + 1 rows), got shape {g.shape}")
        verdict = compare_arrays(g, expected, self.rtol, self.atol, "path values")
        if verdict.passed:
            return verdict
        rows = g.reshape(len(g), -1)
        exp = expected.reshape(len(expected), -1)
        with np.errstate(all="ignore"):
            bad = ~(np.abs(rows - exp) <= self.atol + self.rtol * np.abs(exp))
        k = int(np.flatnonzero(bad.any(axis=1))[0])
        show = (lambda r: f"{r[0]:.10g}") if rows.shape[1] == 1 else fmt
        where = "row 0 must be x0 itself" if k == 0 else f"step {k} is the first that differs"
        verdict.message = (f"{where}: expected {show(exp[k])}, got {show(rows[k])} "
                           f"({verdict.detail.get('mismatched', 'some')} path values differ "
                           f"beyond rtol {self.rtol:g})")
        return verdict


@dataclass
class Property(Answer):
    """An answer judged by properties, with no expected value (seeded weights, zero
    biases, accuracy on held-out points …).

    ``requirements`` are catalogued mistakes (:class:`grader.course.spec.Mistake`), tried
    in order on the converted answer: the first whose ``match(got, expected, inputs)`` is
    true (or a dict, which fills ``{name}`` fields of its message) fails the check with
    its id and message. ``converter`` reads the answer (WrongType for a wrong shape).
    ``expected`` is None unless the check declares ``expect``.
    """

    requirements: tuple[Any, ...] = ()
    converter: Callable[[Any, dict], Any] | None = None
    summary: Callable[[Any, dict], str] | None = None  # the message when every one is met
    needs_expected = False

    def convert_for(self, got: Any, inputs: dict) -> Any:
        return self.converter(got, inputs) if self.converter else got

    def compare(self, got: Any, expected: Any, inputs: dict, rng: np.random.Generator) -> Verdict:
        value = self.convert_for(got, inputs)
        for mistake in self.requirements:
            hit = mistake.match(value, expected, inputs)
            if hit:
                message = (mistake.message.format_map(hit) if isinstance(hit, dict)
                           else mistake.render(expected, inputs))
                return Verdict(False, message, {"got": fmt(value)}, mistake=mistake.id)
        return Verdict(True, self.summary(value, inputs) if self.summary else "")
