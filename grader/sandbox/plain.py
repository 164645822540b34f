"""The only data that crosses from the sandbox to the grader: plain, bounded, inert.

The child turns whatever the student returned into a tree of JSON values; arrays travel
as raw bytes of a whitelisted numeric dtype, SymPy objects as expression text (which the
grader re-parses with its own whitelisting parser). Nothing is ever pickled and nothing
the child sends is called. Messages are length-prefixed JSON frames.
"""
from __future__ import annotations

import base64
import json
import math
import os
import struct
from typing import Any

MAX_FRAME = 16 * 1024 * 1024   # bytes in one message from a sandbox (one check's answer)
MAX_REQUEST = 256 * 1024 * 1024  # bytes in one message between trusted processes
MAX_ARRAY_ELEMENTS = 4_000_000
MAX_DEPTH = 20
MAX_ITEMS = 100_000
MAX_TEXT = 20_000

_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128",
}


class Unsupported(TypeError):
    """The student returned something that is not plain data we can judge."""


class ExprText(str):
    """Expression text produced by the child from a SymPy object (not yet parsed)."""


class MatrixText(list):
    """Rows of expression text produced from a SymPy matrix."""


def _float(v: float) -> Any:
    if math.isfinite(v):
        return v
    return {"__float__": repr(v)}  # nan, inf, -inf: JSON cannot carry them bare


def encode(obj: Any, depth: int = 0) -> Any:
    """Child side: a student's return value as a JSON-able tree (raises Unsupported)."""
    if depth > MAX_DEPTH:
        raise Unsupported("the answer is nested too deeply")
    if obj is None or isinstance(obj, bool):
        return obj
    if isinstance(obj, int):
        if abs(obj) > 2**63:
            return {"__bigint__": str(obj)[:MAX_TEXT]}
        return obj
    if isinstance(obj, float):
        return _float(float(obj))
    if isinstance(obj, str):
        if len(obj) > MAX_TEXT:
            raise Unsupported(f"the answer text is longer than {MAX_TEXT} characters")
        return str(obj)
    if isinstance(obj, (list, tuple)):
        if len(obj) > MAX_ITEMS:
            raise Unsupported("the answer has too many items")
        return {"__seq__": type(obj).__name__ if type(obj) in (list, tuple) else "list",
                "items": [encode(v, depth + 1) for v in obj]}
    if isinstance(obj, dict):
        if len(obj) > MAX_ITEMS:
            raise Unsupported("the answer has too many items")
        out = {}
        for k, v in obj.items():
            out[_key(k)] = encode(v, depth + 1)
        return {"__dict__": out}
    module = type(obj).__module__ or ""
    if module.startswith("sympy"):
        return _encode_sympy(obj)
    if hasattr(obj, "__array__") or module.startswith(("numpy", "jax", "jaxlib")):
        return _encode_array(obj)
    if isinstance(obj, complex):
        return {"__complex__": [_float(obj.real), _float(obj.imag)]}
    raise Unsupported(f"returned a {type(obj).__name__}, which is not a number, array, "
                      "expression or string")


def _key(k: Any) -> str:
    if isinstance(k, str):
        return "s:" + k
    module = type(k).__module__ or ""
    if module.startswith("sympy"):
        import sympy

        return "e:" + sympy.sstr(k)
    if isinstance(k, (int, float)) and not isinstance(k, bool):
        return "n:" + repr(float(k))
    if module.startswith("numpy") and getattr(k, "shape", None) == ():
        return "n:" + repr(float(k))
    raise Unsupported(f"a dictionary key of type {type(k).__name__} is not supported")


def _encode_sympy(obj: Any) -> Any:
    import sympy

    if isinstance(obj, sympy.MatrixBase):
        if obj.rows * obj.cols > MAX_ITEMS:
            raise Unsupported("the matrix is too large")
        return {"__matrix__": [[sympy.sstr(obj[i, j]) for j in range(obj.cols)]
                               for i in range(obj.rows)]}
    if isinstance(obj, sympy.Basic):
        text = sympy.sstr(obj)
        if len(text) > MAX_TEXT:
            raise Unsupported(f"the expression is longer than {MAX_TEXT} characters")
        return {"__expr__": text}
    raise Unsupported(f"returned a SymPy {type(obj).__name__}")


def _encode_array(obj: Any) -> Any:
    import numpy as np

    arr = np.asarray(obj)
    if arr.dtype.name not in _DTYPES:
        raise Unsupported(f"returned an array of dtype {arr.dtype}, expected numbers")
    if arr.size > MAX_ARRAY_ELEMENTS:
        raise Unsupported(f"returned an array of {arr.size} elements "
                          f"(more than {MAX_ARRAY_ELEMENTS})")
    arr = np.ascontiguousarray(arr).reshape(arr.shape)  # keeps 0-d values 0-d
    return {"__array__": {"dtype": arr.dtype.name, "shape": list(arr.shape),
                          "data": base64.b64encode(arr.tobytes()).decode("ascii")}}


def decode(tree: Any) -> Any:
    """Parent side: rebuild the answer from the child's tree, validating every node
    (at most MAX_ITEMS nodes in all, MAX_DEPTH deep)."""
    return _Decoder().decode(tree, 0)


class _Decoder:
    def __init__(self) -> None:
        self.items = 0

    def decode(self, tree: Any, depth: int) -> Any:
        self.items += 1
        if self.items > MAX_ITEMS:
            raise ValueError(f"the answer has more than {MAX_ITEMS} items")
        return _decode_node(self, tree, depth)


def _decode_node(d: "_Decoder", tree: Any, depth: int) -> Any:
    decode = d.decode
    if depth > MAX_DEPTH + 2:
        raise ValueError("nested too deeply")
    if tree is None or isinstance(tree, (bool, int, str)):
        return tree
    if isinstance(tree, float):
        if not math.isfinite(tree):
            raise ValueError("malformed number")
        return tree
    if not isinstance(tree, dict) or len(tree) not in (1, 2):
        raise ValueError("malformed answer")
    if "__seq__" in tree:
        items = [decode(v, depth + 1) for v in _list(tree.get("items"))]
        return tuple(items) if tree["__seq__"] == "tuple" else items
    ((tag, value),) = tree.items()
    if tag == "__float__":
        if value not in ("nan", "inf", "-inf"):
            raise ValueError("malformed float")
        return float(value)
    if tag == "__bigint__":
        return int(str(value)[:MAX_TEXT])
    if tag == "__complex__":
        re, im = _list(value)
        return complex(decode(re, depth + 1), decode(im, depth + 1))
    if tag == "__dict__":
        if not isinstance(value, dict):
            raise ValueError("malformed dict")
        return {_decode_key(k): decode(v, depth + 1) for k, v in value.items()}
    if tag == "__expr__":
        return ExprText(_text(value))
    if tag == "__matrix__":
        d.items += sum(len(row) for row in _list(value) if isinstance(row, list))
        if d.items > MAX_ITEMS:
            raise ValueError(f"the answer has more than {MAX_ITEMS} items")
        return MatrixText([[ExprText(_text(c)) for c in _list(row)] for row in _list(value)])
    if tag == "__array__":
        return _decode_array(value)
    raise ValueError(f"unknown tag {tag!r}")


def _list(v: Any) -> list:
    if not isinstance(v, list):
        raise ValueError("malformed list")
    return v


def _text(v: Any) -> str:
    if not isinstance(v, str) or len(v) > MAX_TEXT:
        raise ValueError("malformed text")
    return v


class NumericKey(float):
    """A dictionary key that was a number (or SymPy number) in the student's answer."""


def _decode_key(k: str) -> Any:
    if not isinstance(k, str) or len(k) < 2 or k[1] != ":":
        raise ValueError("malformed key")
    kind, text = k[0], k[2:]
    if kind == "s":
        return text
    if kind == "n":
        return NumericKey(float(text))
    if kind == "e":
        return ExprText(_text(text))
    raise ValueError("malformed key")


def _decode_array(v: Any) -> Any:
    import numpy as np

    if not isinstance(v, dict) or set(v) != {"dtype", "shape", "data"}:
        raise ValueError("malformed array")
    if v["dtype"] not in _DTYPES:
        raise ValueError("array dtype not allowed")
    shape = tuple(int(n) for n in _list(v["shape"]))
    if any(n < 0 for n in shape) or math.prod(shape) > MAX_ARRAY_ELEMENTS:
        raise ValueError("array too large")
    data = base64.b64decode(_text_any(v["data"]), validate=True)
    arr = np.frombuffer(data, dtype=np.dtype(v["dtype"]))
    if arr.size != math.prod(shape):
        raise ValueError("array data does not match its shape")
    return arr.reshape(shape).copy()


def _text_any(v: Any) -> str:
    if not isinstance(v, str):
        raise ValueError("malformed data")
    return v


# -- framing -------------------------------------------------------------------------

def frame(message: dict) -> bytes:
    body = json.dumps(message, allow_nan=False, separators=(",", ":")).encode()
    return struct.pack(">I", len(body)) + body


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not strict JSON")  # NaN, Infinity: never accepted


def write_all(fd: int, data: bytes) -> None:
    """All of ``data`` to the file descriptor (a pipe may take it in parts)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def send(fd: int, message: dict) -> None:
    """``message`` as one frame on ``fd``."""
    write_all(fd, frame(message))


class FrameReader:
    """Accumulates bytes from a pipe and yields complete, size-checked messages."""

    def __init__(self, max_frame: int = MAX_FRAME) -> None:
        self.buffer = bytearray()
        self.broken: str | None = None
        self.max_frame = max_frame

    def feed(self, data: bytes) -> list[dict]:
        out: list[dict] = []
        if self.broken:
            return out
        self.buffer += data
        while len(self.buffer) >= 4:
            (size,) = struct.unpack(">I", self.buffer[:4])
            if size > self.max_frame:
                self.broken = "the sandbox sent a message larger than allowed"
                return out
            if len(self.buffer) < 4 + size:
                break
            body = bytes(self.buffer[4:4 + size])
            del self.buffer[:4 + size]
            try:
                msg = json.loads(body, parse_constant=_no_constant)
            except (ValueError, RecursionError):
                self.broken = "the sandbox sent a corrupt message"
                return out
            if not isinstance(msg, dict):
                self.broken = "the sandbox sent a corrupt message"
                return out
            out.append(msg)
        return out
