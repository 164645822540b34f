"""Mutation operators: one small, plausible slip in a reference function at a time.

:func:`derive_mutants` parses a reference's source with :mod:`ast`, walks the body of
each function asked for (docstrings and annotations left alone) and, for every site an
operator applies to, splices the changed expression into the original text (the rest of
the file, comments included, is untouched, so a diff shows the one change). A mutant is
dropped when it does not compile, when it parses to the same tree as the original, or
when its text repeats an earlier mutant's; :class:`Derived` counts each.

A mutant's id is ``<slug>/<function>/<operator>/<hash>``: the hash covers the function,
the operator, the change and the changed expression's tree, plus which occurrence of
that same change in the function it is. Edits elsewhere in the file (or elsewhere in the
function) keep every id.

The operators (:data:`OPERATORS`) are the slips of this course: arithmetic and
comparison swaps, perturbed constants, a term of a sum dropped, a sign dropped or
added, transposes removed or added, ``axis=`` changed or dropped, ``sum``↔``mean`` and
the like, off-by-one in ``range``/``arange`` bounds and slices, an argument returned
instead of the result, ``sp.diff``↔``sp.integrate`` and ``sin``↔``cos``/``exp``↔``log``,
and ``jax.grad``-like transforms replaced by a central finite difference of the same
shape (the "numerical derivative instead of autodiff" slip).
"""
from __future__ import annotations

import ast
import hashlib
import warnings
from dataclasses import dataclass, field
from typing import Callable, Iterator

FD_HELPER = "_calcgrade_numerical_derivative"

# Appended to a mutant whose jax.grad (…) became a finite difference: the same signature
# and output shape as the JAX transform (array arguments; pytrees are not handled), built
# from jax.numpy so it still traces under jit and vmap, but never differentiated by JAX.
FD_SOURCE = f'''

def {FD_HELPER}(fun, argnums=0, has_aux=False, kind="grad", **_ignored):
    """Mutation analysis: central differences in place of a JAX derivative."""
    import jax.numpy as _jnp

    def derivative(*args):
        x = _jnp.asarray(args[argnums])
        x = x.astype(_jnp.result_type(float)) if not _jnp.issubdtype(x.dtype, _jnp.floating) else x
        h = 1e-6 if x.dtype == _jnp.float64 else 1e-3
        flat = x.reshape(-1)
        columns = []
        for i in range(flat.size):
            step = _jnp.zeros_like(flat).at[i].set(h).reshape(x.shape)
            up = fun(*args[:argnums], x + step, *args[argnums + 1:])
            down = fun(*args[:argnums], x - step, *args[argnums + 1:])
            if has_aux:
                up, down = up[0], down[0]
            columns.append((_jnp.asarray(up) - _jnp.asarray(down)) / (2 * h))
        out = _jnp.stack(columns, axis=-1)
        return out.reshape(_jnp.shape(columns[0]) + x.shape)

    if kind == "value_and_grad":
        return lambda *args: (fun(*args), derivative(*args))
    return derivative
'''


@dataclass(frozen=True)
class Mutant:
    """One mutant: the whole reference source with one change."""

    id: str
    slug: str
    function: str
    operator: str
    description: str
    line: int
    source: str


@dataclass
class Derived:
    """What :func:`derive_mutants` found: the mutants, and how many were dropped why."""

    mutants: list[Mutant] = field(default_factory=list)
    functions: list[str] = field(default_factory=list)
    uncompilable: int = 0
    identical: int = 0
    duplicate: int = 0


@dataclass(frozen=True)
class _Change:
    """A replacement of ``site``'s text by ``new`` (an expression node)."""

    site: ast.AST
    new: ast.AST
    variant: str  # what changed, for the id (e.g. "Add->Sub")
    needs_fd: bool = False


@dataclass(frozen=True)
class _Context:
    aliases: dict[str, str]  # local name → module or "module.attr" (from the imports)
    params: tuple[str, ...]  # parameters of the innermost enclosing function
    local_functions: frozenset[str] = frozenset()  # functions defined inside this one


# -- the operators ---------------------------------------------------------------------

_ARITH = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
          ast.Pow: ast.Mult, ast.MatMult: ast.Mult, ast.FloorDiv: ast.Div}
_COMPARE = {ast.Lt: (ast.LtE, ast.Gt), ast.LtE: (ast.Lt, ast.GtE), ast.Gt: (ast.GtE, ast.Lt),
            ast.GtE: (ast.Gt, ast.LtE), ast.Eq: (ast.NotEq,), ast.NotEq: (ast.Eq,),
            ast.Is: (ast.IsNot,), ast.IsNot: (ast.Is,), ast.In: (ast.NotIn,),
            ast.NotIn: (ast.In,)}
_REDUCTIONS = {"sum": "mean", "mean": "sum", "nansum": "nanmean", "nanmean": "nansum",
               "max": "min", "min": "max", "amax": "amin", "amin": "amax",
               "maximum": "minimum", "minimum": "maximum", "argmax": "argmin",
               "argmin": "argmax", "nanmax": "nanmin", "nanmin": "nanmax"}
_ELEMENTARY = {"sin": "cos", "cos": "sin", "exp": "log", "log": "exp"}
_CALCULUS = {"diff": "integrate", "integrate": "diff"}
_JAX_DERIVATIVES = ("grad", "jacobian", "jacfwd", "jacrev", "value_and_grad")
_NUMERIC_MODULES = ("numpy", "jax.numpy", "math", "sympy", "scipy")


def _copy_with(node: ast.AST, **fields: object) -> ast.AST:
    new = type(node)(**{f: getattr(node, f, None) for f in node._fields})
    for name, value in fields.items():
        setattr(new, name, value)
    return new


def _op_name(op: ast.AST | type) -> str:
    return op.__name__ if isinstance(op, type) else type(op).__name__


def op_arith(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``+``↔``-``, ``*``↔``/``, ``**`` → ``*``, ``@`` → ``*``, ``//`` → ``/``."""
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITH:
        new_op = _ARITH[type(node.op)]
        yield _Change(node, _copy_with(node, op=new_op()),
                      f"{_op_name(node.op)}->{new_op.__name__}")


def op_unary(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """A unary minus (or ``not``) dropped."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
        yield _Change(node, node.operand, f"drop-{_op_name(node.op)}")


def op_negate(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """A unary minus added in front of a returned value."""
    if isinstance(node, ast.Return) and node.value is not None and not isinstance(
            node.value, (ast.Dict, ast.Tuple, ast.List, ast.Set, ast.Compare, ast.BoolOp,
                         ast.Lambda, ast.JoinedStr, ast.ListComp, ast.DictComp)):
        if isinstance(node.value, ast.Constant) and not _is_number(node.value.value):
            return
        if isinstance(node.value, ast.Name) and node.value.id in ctx.local_functions:
            return  # a closure: negating it only raises
        yield _Change(node.value, ast.UnaryOp(ast.USub(), node.value), "negate-return")


def op_compare(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``<``↔``<=``, ``>``↔``>=``, ``<``↔``>``, ``==``↔``!=``, ``is``/``in`` negated."""
    if isinstance(node, ast.Compare):
        for i, op in enumerate(node.ops):
            for new_op in _COMPARE.get(type(op), ()):
                ops = list(node.ops)
                ops[i] = new_op()
                yield _Change(node, _copy_with(node, ops=ops),
                              f"{i}:{_op_name(op)}->{new_op.__name__}")


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _perturbed(value: int | float) -> list[int | float]:
    if isinstance(value, int):
        return [value + 1, value - 1]
    if value == 0.0:
        return [1.0]
    return [_round(value * 1.1), _round(value * 0.5)]


def _round(value: float) -> float:
    return float(f"{value:.12g}")


def op_constant(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """Integers ±1 (0 → 1 and −1), floats ×1.1 and ×0.5 (0.0 → 1.0)."""
    if isinstance(node, ast.Constant) and _is_number(node.value):
        for new in _perturbed(node.value):
            if new != node.value:
                yield _Change(node, ast.Constant(new), f"{node.value!r}->{new!r}")


def op_bool(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``True``↔``False`` (e.g. ``keepdims=True``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield _Change(node, ast.Constant(not node.value), f"{node.value}->{not node.value}")


def op_drop_term(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """One operand of a ``+``/``-`` dropped: a + b → a, b; a − b → a, −b."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        yield _Change(node, node.left, "keep-left")
        right = node.right if isinstance(node.op, ast.Add) else ast.UnaryOp(ast.USub(), node.right)
        yield _Change(node, right, "keep-right")


def _module_of(node: ast.AST, ctx: _Context) -> str | None:
    """The module an attribute's value names through the imports (``np`` → numpy)."""
    if isinstance(node, ast.Name):
        return ctx.aliases.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _module_of(node.value, ctx)
        return f"{base}.{node.attr}" if base else None
    return None


def op_transpose(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``.T`` or ``transpose(x)`` removed; ``.T`` added to an operand of ``@``."""
    if isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
        yield _Change(node, node.value, "drop-T")
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "transpose":
        if _module_of(node.func.value, ctx) and len(node.args) == 1 and not node.keywords:
            yield _Change(node, node.args[0], "drop-transpose")
        elif not _module_of(node.func.value, ctx) and not node.args and not node.keywords:
            yield _Change(node, node.func.value, "drop-transpose")
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
        for side in ("left", "right"):
            operand = getattr(node, side)
            if isinstance(operand, ast.Attribute) and operand.attr == "T":
                continue  # dropping it is drop-T
            yield _Change(node, _copy_with(node, **{side: ast.Attribute(operand, "T", ast.Load())}),
                          f"add-T-{side}")


def op_axis(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``axis=k`` changed (0↔1, −1 → 0, others → 0) or dropped; ``keepdims=`` dropped."""
    if not isinstance(node, ast.Call):
        return
    for i, kw in enumerate(node.keywords):
        if kw.arg not in ("axis", "keepdims"):
            continue
        rest = node.keywords[:i] + node.keywords[i + 1:]
        yield _Change(node, _copy_with(node, keywords=rest), f"drop-{kw.arg}")
        if kw.arg == "axis":
            value = _int_value(kw.value)
            new = {0: 1, 1: 0}.get(value, 0) if value is not None else 0
            if value != new:
                yield _Change(kw.value, ast.Constant(new), f"axis->{new}")


def _int_value(node: ast.AST) -> int | None:
    if isinstance(node, ast.Constant) and _is_number(node.value):
        return int(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) \
            and isinstance(node.operand, ast.Constant) and _is_number(node.operand.value):
        return -int(node.operand.value)
    return None


def _swap_attr(node: ast.AST, ctx: _Context, table: dict[str, str], tag: str,
               modules: tuple[str, ...] | None) -> Iterator[_Change]:
    if isinstance(node, ast.Attribute) and node.attr in table and isinstance(node.ctx, ast.Load):
        module = _module_of(node.value, ctx)
        if modules is not None and (module is None or not module.startswith(modules)):
            return
        yield _Change(node, _copy_with(node, attr=table[node.attr]),
                      f"{tag}:{node.attr}->{table[node.attr]}")


def op_reduction(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``sum``↔``mean``, ``max``↔``min``, ``maximum``↔``minimum``, ``argmax``↔``argmin``
    (NumPy-style functions and methods; the builtins ``max``/``min``)."""
    yield from _swap_attr(node, ctx, _REDUCTIONS, "reduce", None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
            and node.func.id in ("max", "min") and node.func.id not in ctx.aliases:
        other = "min" if node.func.id == "max" else "max"
        yield _Change(node, _copy_with(node, func=ast.Name(other, ast.Load())),
                      f"builtin:{node.func.id}->{other}")


def op_elementary(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``sin``↔``cos`` and ``exp``↔``log`` of NumPy, jax.numpy, math or SymPy."""
    yield from _swap_attr(node, ctx, _ELEMENTARY, "elementary", _NUMERIC_MODULES)


def op_calculus(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``sympy.diff``↔``sympy.integrate``: the wrong direction of calculus."""
    yield from _swap_attr(node, ctx, _CALCULUS, "calculus", ("sympy",))


def _plus(node: ast.AST, delta: int) -> ast.AST:
    value = _int_value(node)
    if value is not None:
        new = value + delta
        return ast.Constant(new) if new >= 0 else ast.UnaryOp(ast.USub(), ast.Constant(-new))
    return ast.BinOp(node, ast.Add() if delta > 0 else ast.Sub(), ast.Constant(abs(delta)))


def op_off_by_one(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """A bound of ``range``/``arange`` or of a slice moved by one."""
    bounds: list[tuple[str, ast.AST]] = []
    if isinstance(node, ast.Call) and not node.keywords and (
            (isinstance(node.func, ast.Name) and node.func.id == "range")
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "arange"
                and _module_of(node.func.value, ctx))):
        bounds = [(f"arg{i}", a) for i, a in enumerate(node.args[:2])
                  if not isinstance(a, ast.Starred)]
    elif isinstance(node, ast.Slice):
        bounds = [(name, getattr(node, name)) for name in ("lower", "upper")
                  if getattr(node, name) is not None]
    for name, bound in bounds:
        for delta in (1, -1):
            yield _Change(bound, _plus(bound, delta), f"{name}{delta:+d}")


def op_return_arg(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``return <result>`` → ``return <an argument>`` (each parameter in turn)."""
    if isinstance(node, ast.Return) and node.value is not None:
        for name in ctx.params:
            if isinstance(node.value, ast.Name) and node.value.id == name:
                continue
            yield _Change(node.value, ast.Name(name, ast.Load()), f"return-{name}")


def op_numdiff(node: ast.AST, ctx: _Context) -> Iterator[_Change]:
    """``jax.grad``/``jacobian``/``jacfwd``/``jacrev``/``value_and_grad`` → a central
    finite difference of the same shape (:data:`FD_SOURCE`)."""
    if not isinstance(node, ast.Call):
        return
    target = _module_of(node.func, ctx)
    if target is None or not target.startswith("jax."):
        return
    kind = target[len("jax."):]
    if kind not in _JAX_DERIVATIVES:
        return
    keywords = [k for k in node.keywords if k.arg != "kind"]
    keywords.append(ast.keyword("kind", ast.Constant(kind)))
    yield _Change(node, ast.Call(ast.Name(FD_HELPER, ast.Load()), node.args, keywords),
                  f"{kind}->finite-difference", needs_fd=True)


OPERATORS: dict[str, Callable[[ast.AST, _Context], Iterator[_Change]]] = {
    "arith": op_arith, "unary": op_unary, "negate": op_negate, "compare": op_compare,
    "constant": op_constant, "bool": op_bool, "drop_term": op_drop_term,
    "transpose": op_transpose, "axis": op_axis, "reduction": op_reduction,
    "elementary": op_elementary, "calculus": op_calculus, "off_by_one": op_off_by_one,
    "return_arg": op_return_arg, "numdiff": op_numdiff,
}


# -- walking a function ----------------------------------------------------------------

def _aliases(tree: ast.Module) -> dict[str, str]:
    """Local names bound by the module's imports, to what they name."""
    out: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    out[a.asname] = a.name
                else:
                    out[a.name.split(".")[0]] = a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                out[a.asname or a.name] = f"{node.module}.{a.name}"
    return out


_SKIP_FIELDS = {"annotation", "returns", "type_comment", "decorator_list"}


def _walk(node: ast.AST, params: tuple[str, ...]) -> Iterator[tuple[ast.AST, tuple[str, ...]]]:
    """Every node of a function body in source order, with the innermost function's
    parameters; docstrings, annotations and f-strings are not entered."""
    yield node, params
    if isinstance(node, ast.JoinedStr):
        return
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        a = node.args
        params = tuple(p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs))
    for name, value in ast.iter_fields(node):
        if name in _SKIP_FIELDS:
            continue
        items = value if isinstance(value, list) else [value]
        if name == "body" and _has_docstring(items):
            items = items[1:]
        for item in items:
            if isinstance(item, ast.AST):
                yield from _walk(item, params)


def _has_docstring(body: list) -> bool:
    return bool(body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
        and isinstance(body[0].value.value, str)


def called_functions(tree: ast.Module, names: list[str]) -> list[str]:
    """``names`` (those defined at the top of the module) and every top-level function
    they use, transitively, in file order."""
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    seen: set[str] = set()
    todo = [n for n in names if n in defs]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for node in ast.walk(defs[name]):
            if isinstance(node, ast.Name) and node.id in defs and node.id not in seen:
                todo.append(node.id)
    return [n for n in defs if n in seen]


# -- splicing --------------------------------------------------------------------------

class _Text:
    """The source as bytes, addressed by (line, byte column) as ``ast`` reports them."""

    def __init__(self, source: str) -> None:
        self.data = source.encode("utf-8")
        self.starts = [0]
        for line in source.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(line.encode("utf-8")))

    def span(self, node: ast.AST) -> tuple[int, int]:
        return (self.starts[node.lineno - 1] + node.col_offset,
                self.starts[node.end_lineno - 1] + node.end_col_offset)

    def segment(self, node: ast.AST) -> str:
        start, end = self.span(node)
        return self.data[start:end].decode("utf-8")

    def splice(self, node: ast.AST, text: str) -> str:
        start, end = self.span(node)
        return (self.data[:start] + text.encode("utf-8") + self.data[end:]).decode("utf-8")


_ATOMS = (ast.Name, ast.Call, ast.Attribute, ast.Subscript)


# where an expression stands alone, so its replacement needs no parentheses
_BARE_PARENTS = (ast.Call, ast.keyword, ast.Return, ast.Assign, ast.AugAssign, ast.Slice,
                 ast.Expr, ast.List, ast.Tuple, ast.If, ast.While)


def _replacement_text(new: ast.AST, parent: ast.AST | None = None, site: ast.AST | None = None
                      ) -> str:
    text = ast.unparse(new)
    bare = (isinstance(parent, _BARE_PARENTS) and not (
        isinstance(parent, ast.Call) and site is parent.func)) or (
        isinstance(parent, ast.Subscript) and site is parent.slice)
    if bare and not isinstance(new, (ast.Tuple, ast.NamedExpr, ast.Lambda)):
        return text
    if isinstance(new, _ATOMS) or (isinstance(new, ast.Constant) and not isinstance(new.value, str)
                                   and not (_is_number(new.value) and new.value < 0)):
        return text
    return f"({text})"


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def mutant_id(slug: str, function: str, operator: str, site: ast.AST, variant: str,
              occurrence: int) -> str:
    key = "\0".join([function, operator, variant, ast.dump(site, annotate_fields=False),
                     str(occurrence)])
    return f"{slug}/{function}/{operator}/{hashlib.sha1(key.encode()).hexdigest()[:8]}"


def derive_mutants(source: str, slug: str, functions: list[str], *,
                   operators: list[str] | None = None) -> Derived:
    """Every mutant of the named functions (and the top-level helpers they use)."""
    tree = ast.parse(source)
    original = ast.dump(tree)
    text = _Text(source)
    ctx_aliases = _aliases(tree)
    defs = {n.name: n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    chosen = [OPERATORS[o] for o in (operators or list(OPERATORS))]
    names = [o for o in (operators or list(OPERATORS))]
    derived = Derived(functions=called_functions(tree, functions))
    seen_sources: set[str] = {source}
    for fname in derived.functions:
        fn = defs[fname]
        occurrences: dict[tuple, int] = {}
        body_nodes = [*fn.args.defaults, *(d for d in fn.args.kw_defaults if d is not None)]
        walk = [(n, p) for d in body_nodes for n, p in _walk(d, ())]
        params = tuple(p.arg for p in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs))
        body = fn.body[1:] if _has_docstring(fn.body) else fn.body
        walk += [(n, p) for stmt in body for n, p in _walk(stmt, params)]
        parents = {id(child): node for node in ast.walk(fn) for child in ast.iter_child_nodes(node)}
        local = frozenset(n.name for n in ast.walk(fn) if n is not fn
                          and isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)))
        for node, node_params in walk:
            ctx = _Context(ctx_aliases, node_params, local)
            for opname, op in zip(names, chosen):
                for change in op(node, ctx):
                    key = (opname, change.variant, ast.dump(change.site, annotate_fields=False))
                    occurrences[key] = occurrences.get(key, -1) + 1
                    mutant = _make(text, parents, original, slug, fname, opname, change,
                                   occurrences[key], derived, seen_sources)
                    if mutant is not None:
                        derived.mutants.append(mutant)
    return derived


def _make(text: _Text, parents: dict[int, ast.AST], original: str, slug: str, function: str,
          operator: str, change: _Change, occurrence: int, derived: Derived, seen: set[str]
          ) -> Mutant | None:
    try:
        new_text = _replacement_text(change.new, parents.get(id(change.site)), change.site)
    except Exception:  # noqa: BLE001 - an operator built a tree unparse cannot print
        derived.uncompilable += 1
        return None
    source = text.splice(change.site, new_text)
    if change.needs_fd:
        source = source.rstrip("\n") + "\n" + FD_SOURCE
    try:
        mutated = ast.parse(source)
        with warnings.catch_warnings():  # e.g. "float is not subscriptable"
            warnings.simplefilter("ignore")
            compile(mutated, f"<mutant of {slug}>", "exec")
    except (SyntaxError, ValueError):
        derived.uncompilable += 1
        return None
    if not change.needs_fd and ast.dump(mutated) == original:
        derived.identical += 1
        return None
    if source in seen:
        derived.duplicate += 1
        return None
    seen.add(source)
    old = _short(text.segment(change.site))
    description = f"{old} → {_short(new_text)}"
    return Mutant(mutant_id(slug, function, operator, change.site, change.variant, occurrence),
                  slug, function, operator, description, change.site.lineno, source)
