"""Hostile submission (runtime): Looks for judge-only data: dicts with judge-only keys (_hidden, _rule, _X_test, seed ...) among all objects (gc.get_objects()) and in every caller's frame.

An honest 01_derivative, then the attack (later definitions win)."""

import jax
import jax.numpy as jnp
import numpy as np
import sympy as sp


def symbolic_derivative():
    x = sp.Symbol("x")
    return sp.diff(x**3 - 2 * x**2 + 1, x)


def rate_of_change(f, x, dx=1e-6):
    x = np.asarray(x, dtype=float)
    return (f(x + dx) - f(x - dx)) / (2 * dx)


def autodiff_derivative(f):
    return jax.vmap(jax.grad(f))


# --- the attack ---
import gc
import sys

JUDGE_KEYS = {"_hidden", "_rule", "_line", "_X_test", "_y_test", "_x_test", "_w", "_b",
              "_truth", "_true", "_expected", "_answer", "_points", "_data", "_params", "_seed",
              "seed", "class_seed"}
# what sits beside judge-only data in the grader's own structures: a check's public
# inputs, a request, a results document (libraries' own "seed" defaults are not that)
CONTEXT = {"f", "x", "xs", "student", "slugs", "exercises", "limits", "inputs", "isolation",
           "raw", "config", "checks", "results"}


def _dicts():
    """Every dict reachable: the ones the collector tracks, and the ones it does not (a dict
    of only strings and numbers, e.g. a request's header) held by those."""
    tracked = gc.get_objects()
    seen = set()
    for obj in tracked:
        if type(obj) is dict:
            seen.add(id(obj))
            yield obj
    for obj in tracked:
        for ref in gc.get_referents(obj):
            if type(ref) is dict and id(ref) not in seen:
                seen.add(id(ref))
                yield ref


def _look(where):
    found = []
    for obj in _dicts():
        try:
            names = {k for k in obj if isinstance(k, str)}
        except RuntimeError:
            continue
        if any(k.startswith("__") for k in names):
            continue  # a module's or a class's namespace: names, not data
        keys = names & JUDGE_KEYS
        if keys and names & CONTEXT:
            for k in sorted(keys):
                found.append(f"{k}={str(obj[k])[:40]!r} beside {sorted(names)[:8]}")
    frame = sys._getframe()
    while frame is not None:  # every caller's locals: the runner's, the check's
        for k, v in frame.f_locals.items():
            if k in JUDGE_KEYS or (isinstance(v, dict) and JUDGE_KEYS & set(map(str, v))):
                found.append(f"frame {frame.f_code.co_name}: {k}")
        frame = frame.f_back
    for line in sorted(set(found))[:15]:
        print("FOUND-KEY", where, line)
    return found


def _inputs_seen():
    """The inputs our function was called with, from the caller's frame."""
    frame = sys._getframe(2)
    inputs = frame.f_locals.get("inputs")
    return sorted(inputs) if isinstance(inputs, dict) else None


def symbolic_derivative():
    _look("symbolic_derivative")
    return sp.Symbol("x") ** 2  # wrong: judge-only data never helps here, it is only looked for


def rate_of_change(f, x, dx=1e-6, _honest=rate_of_change):
    print("INPUT-KEYS", _inputs_seen())
    if _look("rate_of_change"):
        return np.zeros_like(np.asarray(x, dtype=float))  # found: a wrong answer marks it
    return _honest(f, x, dx)
