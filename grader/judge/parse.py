"""A whitelisting parser for expression text from students and from the sandbox.

Design principle 2: an answer is never evaluated.  The text is split into tokens and read
by a small recursive-descent parser that builds SymPy objects with their constructors;
nothing here hands text to ``eval``, ``exec``, ``compile``, ``sympify`` or ``parse_expr``.
Only the symbols, constants (pi, e, E), functions (``_FUNCTIONS``) and operators
(``+ - * / ^ **``, implicit multiplication) below exist; everything else is refused with a
message a student can act on.  Sizes are bounded (length, nesting, digits, exponents and the
magnitude of every constant built) so that no input makes SymPy grind through huge numbers,
and so is the size of every function argument written out in real and imaginary parts
(:func:`grader.judge.limits.expansion_size`): SymPy's automatic evaluation splits such
arguments when it asks whether ``sinh(...)`` is real, which made ``tan(sinh((x+x^2)^-20))``
take minutes. SymPy can still be slow on inputs no static bound foresees, so untrusted text
is parsed (and judged) under :func:`grader.judge.limits.time_limit`.
"""
from __future__ import annotations

import keyword
import re
from dataclasses import dataclass
from typing import Callable, Iterable

import sympy

from grader.judge.limits import too_large

__all__ = ["ParseError", "parse_expression", "parse_expressions"]

MAX_LENGTH = 4000     # characters of text
MAX_DEPTH = 50        # nested parentheses / exponents
MAX_DIGITS = 40       # digits in one number literal
MAX_EXPONENT = 100    # |numeric exponent| of a power
MAX_BITS = 400        # |log2| of any constant the parser builds (about 120 digits)


class ParseError(ValueError):
    """Student-facing message; .position (int|None) is the 0-based index in the text."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


def _sigmoid(z: sympy.Expr) -> sympy.Expr:
    """The logistic function 1/(1 + exp(-z))."""
    return sympy.Pow(sympy.Add(sympy.Integer(1), sympy.exp(sympy.Mul(sympy.Integer(-1), z))),
                     sympy.Integer(-1))


_FUNCTIONS: dict[str, Callable[..., sympy.Expr]] = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "cot": sympy.cot, "sec": sympy.sec, "csc": sympy.csc,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "arcsin": sympy.asin, "arccos": sympy.acos, "arctan": sympy.atan,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "exp": sympy.exp, "log": sympy.log, "ln": sympy.log, "sqrt": sympy.sqrt,
    "Abs": sympy.Abs, "abs": sympy.Abs, "sigmoid": _sigmoid,
}
_HYPERBOLIC = {"sinh", "cosh", "tanh"}  # SymPy splits their argument to decide reality
_CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "e": sympy.E, "E": sympy.E}
_REFUSED_NAMES = {name: f"'{name}' (infinity or not-a-number) is not allowed in an answer"
                  for name in ("oo", "inf", "infinity", "zoo", "nan")}
_REFUSED_NAMES["I"] = "complex numbers ('I') are not supported; answers are real expressions"
_KEYWORDS = {
    "lambda": "lambda expressions are not allowed",
    "for": "comprehensions ('for ... in ...') are not allowed",
    "if": "conditional expressions ('if ... else') are not allowed",
    "else": "conditional expressions ('if ... else') are not allowed",
    "import": "'import' is not allowed", "from": "'import' is not allowed",
}
_QUOTES = "quotes (string literals) are not allowed"
_BRACES = "curly braces are not allowed; use parentheses ( )"
_REFUSED_TEXT = [  # longest first
    ("//", "'//' (floor division) is not allowed; use '/'"),
    (":=", "assignments (':=') are not allowed; enter only the expression"),
    *[(op, f"comparisons ('{op}') are not allowed; enter only the expression")
      for op in ("==", "!=", "<=", ">=", "<", ">")],
    ("=", "'=' is not allowed: enter only the expression (no 'y = ...', no assignments, "
          "no keyword arguments)"),
    ("!", "'!' (factorial) is not supported"),
    ("@", "'@' (matrix multiplication) is not allowed; use '*'"),
    ("%", "'%' is not allowed"),
    (";", "';' is not allowed: enter a single expression, not statements"),
    (":", "':' is not allowed (no lambdas, slices or annotations)"),
    ("'", _QUOTES), ('"', _QUOTES), ("`", "backquotes are not allowed"),
    ("{", _BRACES), ("}", _BRACES), ("\\", "backslashes are not allowed"),
    ("#", "'#' (comments) is not allowed"),
    ("|", "'|' is not allowed; write abs(x) for an absolute value"),
]
_FRIENDLY = {"·": "*", "⋅": "*", "×": "*", "−": "-", "π": "pi", "²": "^2", "³": "^3"}
_WHITESPACE = " \t\r\n"
_NUMBER = re.compile(r"(?:[0-9]+(?:\.(?![A-Za-z_])[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_BINARY = ("+", "-", "*", "/", "^", "**")


@dataclass(frozen=True)
class _Token:
    kind: str   # "num", "name", "op" or "end"
    text: str
    pos: int


def _short(thing: object, limit: int = 30) -> str:
    text = str(thing)
    return text if len(text) <= limit else text[:limit] + "..."


def _tokenize(text: str, symbols: tuple[str, ...]) -> list[_Token]:
    """Tokens of ``text``, refusing every character and word outside the grammar."""
    tokens: list[_Token] = []
    i, end = len(text) - len(text.lstrip(_WHITESPACE)), len(text.rstrip(_WHITESPACE))
    while i < end:
        ch = text[i]
        refused = next((msg for bad, msg in _REFUSED_TEXT if text.startswith(bad, i)), None)
        if refused:
            raise ParseError(refused, i)
        if ch in " \t":
            i += 1
        elif ch in "\r\n":
            raise ParseError("line breaks are not allowed: write the answer on one line", i)
        elif "0" <= ch <= "9" or (ch == "." and "0" <= text[i + 1:i + 2] <= "9"):
            m = _NUMBER.match(text, i)
            assert m is not None
            exponent = m.group(1) or ""
            if sum(c.isdigit() for c in m.group()[:len(m.group()) - len(exponent)]) > MAX_DIGITS:
                raise ParseError(f"numbers may have at most {MAX_DIGITS} digits", i)
            if exponent and (len(exponent) > 6 or abs(int(exponent[1:])) > MAX_EXPONENT):
                raise ParseError(f"the number {_short(m.group())} is too large or too small", i)
            if text[m.end():m.end() + 1] in ("j", "J") and not _NAME.match(text, m.end() + 1):
                raise ParseError("complex numbers are not supported; answers are real", i)
            tokens.append(_Token("num", m.group(), i))
            i = m.end()
        elif ch.isascii() and (ch.isalpha() or ch == "_"):
            m = _NAME.match(text, i)
            assert m is not None
            name = m.group()
            if name not in symbols:
                if "__" in name:
                    raise ParseError("names with double underscores (like '__import__') "
                                     "are not allowed", i)
                if name.startswith("_"):
                    raise ParseError(f"names starting with '_' are not allowed "
                                     f"('{_short(name)}')", i)
                if keyword.iskeyword(name):
                    raise ParseError(_KEYWORDS.get(
                        name, f"'{name}' is a Python keyword and is not allowed in an answer"), i)
            tokens.append(_Token("name", name, i))
            i = m.end()
        elif ch == ".":
            attr = _NAME.match(text[i + 1:].lstrip(" \t"))
            if attr:
                raise ParseError(f"attribute access ('.{_short(attr.group())}') is not allowed", i)
            raise ParseError(f"unexpected '.' at character {i + 1}", i)
        elif ch in "+-*/^()[],":
            op = "**" if text.startswith("**", i) else ch
            tokens.append(_Token("op", op, i))
            i += len(op)
        elif ch in _FRIENDLY:
            friendly = _FRIENDLY[ch]
            if friendly == "pi":
                tokens.append(_Token("name", "pi", i))
            elif friendly.startswith("^"):   # x² is x^2
                tokens += [_Token("op", "^", i), _Token("num", friendly[1:], i)]
            else:
                tokens.append(_Token("op", friendly, i))
            i += 1
        elif ord(ch) < 32 or ord(ch) == 127:
            raise ParseError(f"control character U+{ord(ch):04X} is not allowed", i)
        else:
            raise ParseError(f"the character {ch!r} (U+{ord(ch):04X}) is not allowed", i)
    tokens.append(_Token("end", "", len(text)))
    return tokens


def _check_brackets(tokens: list[_Token]) -> None:
    """Refuse unbalanced or mismatched brackets (saying where) and too deep nesting."""
    stack: list[_Token] = []
    for tok in tokens:
        if tok.kind == "op" and tok.text in ("(", "["):
            stack.append(tok)
            if len(stack) > MAX_DEPTH:
                raise ParseError(f"the expression is nested too deeply (more than {MAX_DEPTH} "
                                 "levels)", tok.pos)
        elif tok.kind == "op" and tok.text in (")", "]"):
            if not stack:
                raise ParseError(f"unbalanced parentheses: '{tok.text}' at character "
                                 f"{tok.pos + 1} has no matching opening bracket", tok.pos)
            opener = stack.pop()
            if opener.text + tok.text not in ("()", "[]"):
                raise ParseError(f"unbalanced parentheses: '{opener.text}' at character "
                                 f"{opener.pos + 1} is closed by '{tok.text}' at character "
                                 f"{tok.pos + 1}", tok.pos)
    if stack:
        raise ParseError(f"unbalanced parentheses: '{stack[-1].text}' at character "
                         f"{stack[-1].pos + 1} is never closed", stack[-1].pos)


def _unwrap(tokens: list[_Token]) -> tuple[list[_Token], bool]:
    """Drop one pair of brackets around the whole text: "(2x, 2y)", "[2*x, 2*y]"."""
    depth = 0
    for index, tok in enumerate(tokens):
        depth += tok.kind == "op" and tok.text in ("(", "[")
        depth -= tok.kind == "op" and tok.text in (")", "]")
        if depth == 0:
            if index == 0 or index != len(tokens) - 2:
                return tokens, False
            return tokens[1:-2] + [_Token("end", "", tokens[-2].pos)], True
    return tokens, False


def _bits(number: sympy.Basic) -> int:
    """Roughly |log2| of a number's size (numerator/denominator, or binary magnitude)."""
    if isinstance(number, sympy.Rational):
        return max(abs(number.p), abs(number.q)).bit_length()
    if isinstance(number, sympy.Float) and number._mpf_[1]:   # (sign, man, exp, bitcount)
        return abs(number._mpf_[2] + number._mpf_[3])
    return 0


class _Parser:
    """Recursive descent over the tokens; every method returns SymPy objects."""

    def __init__(self, tokens: list[_Token], symbols: tuple[str, ...], allow_other: bool) -> None:
        self.tokens, self.symbols, self.allow_other = tokens, symbols, allow_other
        self.pieces = sorted(set(symbols) | set(_CONSTANTS), key=len, reverse=True)
        self.i = self.depth = 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def at(self, *texts: str) -> bool:
        return self.peek().kind == "op" and self.peek().text in texts

    def unexpected(self) -> ParseError:
        tok, prev = self.peek(), self.tokens[self.i - 1] if self.i else None
        if (tok.kind == "end" or tok.text in (")", "]")) and prev and prev.text in _BINARY:
            return ParseError(f"something is missing after '{prev.text}' at character "
                              f"{prev.pos + 1}", prev.pos)
        if tok.text == ",":
            return ParseError(f"unexpected ',' at character {tok.pos + 1}: only a single "
                              "expression is expected here", tok.pos)
        return ParseError(f"unexpected '{_short(tok.text)}' at character {tok.pos + 1}", tok.pos)

    def checked(self, value: sympy.Expr, tok: _Token) -> sympy.Expr:
        """Refuse constants that are complex or grew too large (or small).

        Each node is checked as it is built, so a constant is only evaluated when its parts
        are known to be moderate: ``cosh(99*pi^99)`` is refused before anything can take
        ``tan`` of it (which would make SymPy compute pi to 10^51 digits).
        """
        approx = value if value.is_Number or value.free_symbols else value.evalf(15, chop=True)
        if approx.has(sympy.I):
            raise ParseError("this expression is a complex number; answers are real", tok.pos)
        if any(_bits(v) > MAX_BITS for v in (value, *value.args, *approx.atoms(sympy.Float))):
            raise ParseError("a number in this expression is too large", tok.pos)
        return value

    def bounded(self, value: sympy.Expr, tok: _Token, what: str, hyperbolic: bool = False) -> None:
        """Refuse ``value`` where SymPy would expand it into too many terms (see limits)."""
        bound = too_large(value, hyperbolic=hyperbolic)
        if bound is not None:
            raise ParseError(f"{what} is too large to work with (written out in real and "
                             f"imaginary parts it has more than {bound} terms); simplify it",
                             tok.pos)

    def items(self, many: bool, wrapped: bool) -> list[sympy.Expr]:
        """The whole input: one expression, or (``many``) a comma-separated list."""
        values: list[sympy.Expr] = []
        while not (wrapped and self.peek().kind == "end"):   # "[]" and "(x,)" end here
            start = self.peek().pos
            values.append(_finish(self.expression(), start))
            if self.peek().kind == "end":
                break
            if not (many and self.at(",")):
                raise self.unexpected()
            comma = self.advance()
            if self.peek().kind == "end" and not wrapped:
                raise ParseError(f"something is missing after ',' at character {comma.pos + 1}",
                                 comma.pos)
        return values

    def expression(self) -> sympy.Expr:
        value = self.term()
        while self.at("+", "-"):
            op = self.advance()
            rhs = self.term()
            if op.text == "-":
                rhs = sympy.Mul(sympy.Integer(-1), rhs)
            value = self.checked(sympy.Add(value, rhs), op)
        return value

    def term(self) -> sympy.Expr:
        value, after_division = self.unary(), False
        while True:
            tok = self.peek()
            if self.at("*", "/"):
                self.advance()
                rhs = self.unary()
                if tok.text == "/":
                    if rhs.is_Number and rhs.is_zero:
                        raise ParseError(f"division by zero at character {tok.pos + 1}", tok.pos)
                    rhs = sympy.Pow(rhs, sympy.Integer(-1))
                value = self.checked(sympy.Mul(value, rhs), tok)
                after_division = tok.text == "/"
            elif self.at("["):
                raise ParseError(f"subscripts ('[...]' at character {tok.pos + 1}) are not "
                                 "allowed", tok.pos)
            elif tok.kind == "num":
                raise ParseError(f"an operator is missing before the number '{_short(tok.text)}' "
                                 f"at character {tok.pos + 1}", tok.pos)
            elif tok.kind == "name" or self.at("("):   # implicit multiplication
                if after_division:
                    raise ParseError(f"ambiguous product after '/' (character {tok.pos + 1}): "
                                     "write 1/(2*x) or (1/2)*x, not 1/2x", tok.pos)
                value = self.checked(sympy.Mul(value, self.power()), tok)
            else:
                return value

    def unary(self) -> sympy.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ParseError(f"the expression is nested too deeply (more than {MAX_DEPTH} "
                                 "levels)", self.peek().pos)
            negative = False
            while self.at("+", "-"):
                negative ^= self.advance().text == "-"
            value = self.power()   # so -x^2 is -(x^2)
            return sympy.Mul(sympy.Integer(-1), value) if negative else value
        finally:
            self.depth -= 1

    def power(self) -> sympy.Expr:
        base = self.atom()
        if not self.at("^", "**"):
            return base
        op = self.advance()
        exponent = self.unary()   # right-associative; allows 2^-1

        def refuse_large(power: sympy.Expr) -> None:
            if power.is_Number and abs(power) > MAX_EXPONENT:
                raise ParseError(f"the exponent {_short(power)} is too large (at most "
                                 f"{MAX_EXPONENT} in absolute value)", op.pos)

        refuse_large(exponent)
        if base.is_Number and exponent.is_Number:
            if base.is_zero and exponent.is_negative:
                raise ParseError(f"division by zero (0 to a negative power) at character "
                                 f"{op.pos + 1}", op.pos)
            if _bits(base) * abs(float(exponent)) > MAX_BITS:
                raise ParseError(f"the number {_short(base)}^{_short(exponent)} is too large",
                                 op.pos)
        if not exponent.is_Integer:   # SymPy asks about the base's sign: it splits it
            self.bounded(base, op, f"the base of '{op.text}' at character {op.pos + 1}")
        value = sympy.Pow(base, exponent)
        if value.is_Pow:   # (x^100)^100 becomes x^10000
            refuse_large(value.exp)
        return self.checked(value, op)

    def atom(self) -> sympy.Expr:
        tok = self.peek()
        if tok.kind == "num":
            self.advance()
            if any(c in tok.text for c in ".eE"):
                return self.checked(sympy.Float(tok.text), tok)
            return sympy.Integer(int(tok.text))
        if tok.kind == "name":
            return self.name()
        if self.at("("):
            self.advance()
            if self.at(")"):
                raise ParseError(f"empty parentheses '()' at character {tok.pos + 1}", tok.pos)
            value = self.expression()
            if not self.at(")"):
                raise self.unexpected()
            self.advance()
            return value
        if self.at("["):
            raise ParseError(f"square brackets ('[' at character {tok.pos + 1}) are not allowed "
                             "here; use parentheses ( )", tok.pos)
        raise self.unexpected()

    def split(self, name: str) -> list[str] | None:
        """``name`` as allowed symbols/constants written together ("xy"), longest first."""
        choice: dict[int, str] = {len(name): ""}
        for start in range(len(name) - 1, -1, -1):
            for piece in self.pieces:
                if name.startswith(piece, start) and start + len(piece) in choice:
                    choice[start] = piece
                    break
        if 0 not in choice:
            return None
        parts: list[str] = []
        while sum(map(len, parts)) < len(name):
            parts.append(choice[sum(map(len, parts))])
        return parts

    def name(self) -> sympy.Expr:
        tok = self.advance()
        name, called = tok.text, self.at("(")
        if name in self.symbols:
            return sympy.Symbol(name)
        if name in _CONSTANTS:
            return _CONSTANTS[name]
        if name in _FUNCTIONS:
            if called:
                return self.call(tok)
            hint = f" (write {name}(x)^2, not {name}^2(x))" if self.at("^", "**") else ""
            raise ParseError(f"the function '{name}' needs parentheses around its argument, "
                             f"e.g. {name}(x){hint}", tok.pos)
        if name in _REFUSED_NAMES:
            raise ParseError(_REFUSED_NAMES[name], tok.pos)
        parts = self.split(name) if len(name) <= 100 else None
        if parts:   # re-read "xy^2" as the names x y, so that ^ binds to y alone
            offsets = [sum(map(len, parts[:k])) for k in range(len(parts))]
            self.tokens[self.i - 1:self.i] = [_Token("name", part, tok.pos + offset)
                                              for part, offset in zip(parts, offsets)]
            self.i -= 1
            return self.name()
        for func in sorted(_FUNCTIONS, key=len, reverse=True):
            if name.startswith(func) and self.split(name[len(func):]):
                raise ParseError(f"'{_short(name)}': write {func}({name[len(func):]}) with "
                                 "parentheses around the argument", tok.pos)
        if called:
            raise ParseError(f"unknown function '{_short(name)}'", tok.pos)
        if self.allow_other:
            return sympy.Symbol(name)
        allowed = ", ".join(self.symbols)
        raise ParseError(f"unknown name '{_short(name)}'; " + (
            f"this answer may use: {allowed}" if allowed else "this answer may not use variables"),
            tok.pos)

    def call(self, name_tok: _Token) -> sympy.Expr:
        name = name_tok.text
        self.advance()   # '('
        if self.at(")"):
            raise ParseError(f"'{name}' needs an argument, e.g. {name}(x)", name_tok.pos)
        args = [self.expression()]
        while self.at(","):
            self.advance()
            args.append(self.expression())
        if not self.at(")"):
            raise self.unexpected()
        self.advance()
        if len(args) > (2 if name == "log" else 1):
            what = "one or two arguments (log(x) or log(x, base))" if name == "log" \
                else "exactly one argument"
            raise ParseError(f"'{name}' takes {what}", name_tok.pos)
        for arg in args:
            self.bounded(arg, name_tok, f"the argument of {name}(...) at character "
                                        f"{name_tok.pos + 1}", hyperbolic=name in _HYPERBOLIC)
        value = _FUNCTIONS[name](*args)
        if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ParseError(f"{name}(...) at character {name_tok.pos + 1} is undefined for "
                             "this argument", name_tok.pos)
        return self.checked(value, name_tok)


def _finish(value: sympy.Expr, position: int) -> sympy.Expr:
    """Refuse results that are undefined, infinite or complex."""
    if value.has(sympy.zoo, sympy.nan):
        raise ParseError("this expression is undefined (a division by zero?)", position)
    if value.has(sympy.oo, -sympy.oo):
        raise ParseError("this expression is infinite", position)
    if value.has(sympy.I):
        raise ParseError("this expression is a complex number; answers are real", position)
    return value


def _parse(text: str, symbols: Iterable[str], allow_other: bool,
           many: bool) -> list[sympy.Expr]:
    names = (symbols,) if isinstance(symbols, str) else tuple(dict.fromkeys(symbols))
    for name in names:   # a bad name is the caller's bug, not the student's
        if not isinstance(name, str) or not _NAME.fullmatch(name) or "__" in name:
            raise ValueError(f"not a valid symbol name: {name!r}")
    if not isinstance(text, str):
        raise ParseError(f"expected expression text, got a {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the answer is too long ({len(text)} characters; at most {MAX_LENGTH})")
    if not text.strip(_WHITESPACE):
        raise ParseError("the answer is empty", 0)
    try:
        tokens = _tokenize(text, names)
        _check_brackets(tokens)
        tokens, wrapped = _unwrap(tokens) if many else (tokens, False)
        return _Parser(tokens, names, allow_other).items(many, wrapped)
    except ParseError:
        raise
    except (ArithmeticError, TypeError, ValueError, RecursionError):   # SymPy gave up
        raise ParseError("this expression could not be read") from None


def parse_expression(text: str, symbols: Iterable[str] = ("x",), *,
                     allow_other_symbols: bool = False) -> sympy.Expr:
    """Parse one expression in the allowed ``symbols`` (each a plain ``sympy.Symbol``).

    ``allow_other_symbols`` turns any other plain name into a Symbol too (constants of
    integration such as C, K, C1).  Raises ParseError with a student-facing message.
    """
    return _parse(text, symbols, allow_other_symbols, many=False)[0]


def parse_expressions(text: str, symbols: Iterable[str] = ("x",), *,
                      allow_other_symbols: bool = False) -> list[sympy.Expr]:
    """Parse a comma-separated list, optionally wrapped once in () or [].

    ``"2x, 2y"``, ``"(2x, 2y)"`` and ``"[2*x, 2*y]"`` all give ``[2*x, 2*y]``; a wrapped
    list may end with a comma (``"(x,)"``, as ``sympy.sstr`` writes a 1-tuple) and ``"[]"``
    gives ``[]``.  Raises ParseError with a student-facing message.
    """
    return _parse(text, symbols, allow_other_symbols, many=True)
