"""The public answer key: the expected answers of the public checks, without the reference.

``calcgrade release`` writes it into the student bundle as ``key/``; there, with no
``reference/`` on disk, :class:`KeySource` gives the judge the expected answer of each
public check for each public seed. What is stored, per kind of expected value
(docs/RELEASE.md has the reasons):

* nothing, where the check computes its expected answer from its own inputs
  (``checks.py`` and the hidden functions it draws: the bundle has both) or needs none
  (:class:`grader.judge.answers.Property`);
* a symbolic answer (``Expr``, each entry of an ``ExprArray``): never its text, only its
  values (float and 30-digit) at the points the equivalence judge draws for that check
  and seed (:class:`grader.judge.symbolic.SampledExpr`); a constant entry as its value;
* anything else (arrays, numbers, dicts, words, booleans, SymPy numbers such as a
  critical point): the value the reference computed for the public inputs, exactly
  (arrays as raw bytes, so every comparison and mistake matcher sees the same numbers).

Layout: ``key/key.json`` (format, seeds, the check spec's fingerprint, grader version)
and ``key/<slug>.json`` (``checks``: id → seed → entry; ``figure``: seed → plot data).
"""
from __future__ import annotations

import base64
import json
import math
from pathlib import Path
from typing import Any

FORMAT = "calcgrade-public-key/1"
KEY_DIR = "key"
META = "key.json"


class PublicKeyError(LookupError):
    """The key cannot answer (missing file, check or seed, or a damaged entry)."""


class Unstorable(TypeError):
    """A value the key has no form for (the release says which check)."""


# -- values ----------------------------------------------------------------------------------

_NONFINITE = {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}
_SYMPY_SPECIAL = ("oo", "-oo", "nan", "zoo")


def _float(v: float) -> Any:
    return v if math.isfinite(v) else {"float": repr(v)}


def encode_value(value: Any) -> Any:
    """``value`` as strict JSON data that :func:`decode_value` turns back into an equal
    value of the same type (NumPy arrays bit for bit)."""
    import numpy as np

    if isinstance(value, np.generic):  # before float: np.float64 is one
        return {"scalar": encode_value(np.asarray(value))}
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value if abs(value) < 2**53 else {"int": str(value)}
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, complex):
        return {"complex": [_float(value.real), _float(value.imag)]}
    if isinstance(value, np.ndarray):
        if value.dtype.kind not in "biufc":
            raise Unstorable(f"an array of dtype {value.dtype}")
        return {"array": value.dtype.str, "shape": list(value.shape),  # tobytes: C order
                "data": base64.b64encode(value.tobytes()).decode("ascii")}
    if isinstance(value, tuple):
        return {"tuple": [encode_value(v) for v in value]}
    if isinstance(value, list):
        return {"list": [encode_value(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    from grader.judge.symbolic import SampledExpr

    if isinstance(value, SampledExpr):
        return {"sampled": {"symbols": list(value.symbols), "names": list(value.names),
                            "differentiated": value.differentiated,
                            "points": [list(p) for p in value.table],
                            "values": [list(v) for v in value.table.values()]}}
    if type(value).__module__.startswith("sympy"):
        return _encode_sympy_number(value)
    raise Unstorable(f"a {type(value).__name__}")


def _encode_sympy_number(value: Any) -> Any:
    """A SymPy constant: its text where the safe parser reads it back as the same
    expression, else its value to 50 digits. An expression with symbols is refused (its
    text is an answer: symbolic answers are sampled instead)."""
    import sympy

    if not isinstance(value, sympy.Basic) or value.free_symbols:
        raise Unstorable("a SymPy expression with symbols (only its values may be stored)")
    text = sympy.sstr(value)
    if text in _SYMPY_SPECIAL:
        return {"sympy": text}
    from grader.judge.parse import ParseError, parse_expression

    try:
        if parse_expression(text, ()) == value:
            return {"sympy": text}
    except ParseError:
        pass
    z = complex(sympy.N(value, 50))  # only for the check below; the text keeps 50 digits
    re, im = sympy.N(sympy.re(value), 50), sympy.N(sympy.im(value), 50)
    if not (math.isfinite(z.real) and math.isfinite(z.imag)):
        raise Unstorable(f"the SymPy number {text[:40]}")
    return {"sympy_n": [str(re), str(im)]}


def decode_value(tree: Any) -> Any:
    import numpy as np

    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if not isinstance(tree, dict) or len(tree) < 1:
        raise PublicKeyError(f"damaged key entry {str(tree)[:60]}")
    if "float" in tree:
        return _NONFINITE[tree["float"]]
    if "int" in tree:
        return int(tree["int"])
    if "complex" in tree:
        re, im = (decode_value(v) for v in tree["complex"])
        return complex(re, im)
    if "array" in tree:
        raw = base64.b64decode(tree["data"])
        return np.frombuffer(raw, dtype=np.dtype(tree["array"])).reshape(tuple(tree["shape"])).copy()
    if "scalar" in tree:
        return decode_value(tree["scalar"])[()]
    if "tuple" in tree:
        return tuple(decode_value(v) for v in tree["tuple"])
    if "list" in tree:
        return [decode_value(v) for v in tree["list"]]
    if "dict" in tree:
        return {decode_value(k): decode_value(v) for k, v in tree["dict"]}
    if "sampled" in tree:
        from grader.judge.symbolic import SampledExpr

        s = tree["sampled"]
        table = {tuple(float(c) for c in p): (v[0], v[1]) for p, v in zip(s["points"], s["values"])}
        return SampledExpr(tuple(s["symbols"]), table, tuple(s["names"]), s["differentiated"])
    if "sympy" in tree:
        import sympy

        text = tree["sympy"]
        special = {"oo": sympy.oo, "-oo": -sympy.oo, "nan": sympy.nan, "zoo": sympy.zoo}
        if text in special:
            return special[text]
        from grader.judge.parse import parse_expression

        return parse_expression(text, ())
    if "sympy_n" in tree:
        import sympy

        re, im = (sympy.Float(t, 50) for t in tree["sympy_n"])
        return re if im == 0 else re + sympy.I * im
    raise PublicKeyError(f"damaged key entry {str(tree)[:60]}")


# -- the key on disk -------------------------------------------------------------------------


class KeySource:
    """Expected answers from a bundle's ``key/`` folder (the student side)."""

    kind = "public key"

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        meta = _read_json(self.folder / META)
        if meta.get("format") != FORMAT:
            raise PublicKeyError(f"{self.folder / META}: not a calcgrade public key of format {FORMAT}")
        self.seeds: list[int] = [int(s) for s in meta["seeds"]]
        self.fingerprint: str = str(meta.get("spec_fingerprint", ""))
        self._exercises: dict[str, dict] = {}

    @property
    def name(self) -> str:
        return f"key:{self.folder}"

    def _exercise(self, slug: str) -> dict:
        if slug not in self._exercises:
            path = self.folder / f"{slug}.json"
            self._exercises[slug] = _read_json(path) if path.is_file() else {"checks": {}}
        return self._exercises[slug]

    def covers(self, check: Any) -> bool:
        """Whether the key holds this check (the public ones): the others are not run."""
        return check.id in self._exercise(check.slug)["checks"]

    def expected(self, check: Any, seed: int, inputs: dict) -> Any:
        entries = self._exercise(check.slug)["checks"].get(check.id)
        if entries is None:
            raise PublicKeyError(f"{check.id} is not a public check: it runs only at grading")
        entry = entries.get(str(seed))
        if entry is None:
            raise PublicKeyError(f"the public key has no answers for seed {seed} "
                            f"(public seeds: {', '.join(map(str, self.seeds))})")
        if "inputs_failed" in entry:  # never judged: the check's inputs cannot be drawn
            raise PublicKeyError(f"{check.id}: its inputs could not be drawn for seed {seed} "
                                 f"({entry['inputs_failed']})")
        if entry.get("from_checks"):
            try:
                return check.expected(NO_REFERENCE, inputs)
            except NeedsReference:
                raise PublicKeyError(f"{check.id}: the key says checks.py computes its answer, "
                                     "but it needs the reference (release again)") from None
        return decode_value(entry["expected"])

    def figure(self, exercise: Any, seed: int, inputs: dict) -> Any:
        entry = self._exercise(exercise.slug).get("figure", {}).get(str(seed))
        if entry is None:
            raise PublicKeyError(f"the public key has no figure data for seed {seed}")
        if entry.get("from_checks"):
            return exercise.figure.reference(NO_REFERENCE, inputs)
        return decode_value(entry["data"])


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise PublicKeyError(f"cannot read the public key file {path}: {exc}") from None
    if not isinstance(data, dict):
        raise PublicKeyError(f"{path}: not a public key file")
    return data


class NeedsReference(LookupError):
    """A check's ``expect`` used the reference solution (so the key must store its result)."""


class _NoReference:
    """Stands in for the reference module where a check may not use it: any attribute
    read raises :class:`NeedsReference`."""

    def __getattr__(self, name: str) -> Any:
        raise NeedsReference(name)


NO_REFERENCE = _NoReference()
