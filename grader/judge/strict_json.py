"""Strict JSON for results documents: NaN and infinities as strings, never as bare tokens.

A student's answer can hold NaN or an infinity, and so can the expected/got detail the
judge records about it. Python's ``json`` would write those as ``NaN`` / ``Infinity`` /
``-Infinity``, which are not JSON: JavaScript's ``JSON.parse``, ``jq`` and most other
parsers reject the whole document. So every results document (``check --format json``,
``results.json``, the gradebook's stored JSON, the Gradescope export) encodes a
non-finite number, wherever a number would be, as one of the strings

    ``"NaN"``, ``"Infinity"``, ``"-Infinity"``

and is written with ``allow_nan=False`` (so a bare token can never slip through).
:func:`decode` turns those strings back into floats where a results document is read
(:meth:`grader.judge.results.Results.from_dict`, in the free-form ``detail``, ``figure``
and ``kernels`` trees and the numeric fields), so reports show ``inf``/``nan`` as before.
"""
from __future__ import annotations

import json
import math
from typing import IO, Any

NAN = "NaN"
INFINITY = "Infinity"
MINUS_INFINITY = "-Infinity"
_DECODE = {NAN: math.nan, INFINITY: math.inf, MINUS_INFINITY: -math.inf}


def encode(tree: Any) -> Any:
    """``tree`` with every non-finite float replaced by its string (dicts, lists and
    tuples walked; tuples become lists, as JSON would make them anyway)."""
    if isinstance(tree, float):
        if math.isfinite(tree):
            return tree
        return NAN if math.isnan(tree) else (INFINITY if tree > 0 else MINUS_INFINITY)
    if isinstance(tree, dict):
        return {k: encode(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return [encode(v) for v in tree]
    return tree


def decode(tree: Any) -> Any:
    """The inverse of :func:`encode`: the three strings become floats again.

    Apply it only where numbers are expected (a string that happens to read ``"NaN"`` in
    a message must stay text); in the detail trees a student's text that is exactly one
    of the three strings reads back as the number, which only changes how it is shown.
    """
    if isinstance(tree, str):
        return _DECODE.get(tree, tree)
    if isinstance(tree, dict):
        return {k: decode(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [decode(v) for v in tree]
    return tree


def dumps(data: Any, **kwargs: Any) -> str:
    """``json.dumps`` of the encoded ``data``; a bare NaN/Infinity token is impossible."""
    return json.dumps(encode(data), allow_nan=False, **kwargs)


def dump(data: Any, fh: IO[str], **kwargs: Any) -> None:
    """``json.dump`` of the encoded ``data`` to ``fh`` (see :func:`dumps`)."""
    json.dump(encode(data), fh, allow_nan=False, **kwargs)
