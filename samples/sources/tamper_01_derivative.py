# Hand-written tamper attempt: read the reference solution (through the grader's own
# paths, relative paths and absolute paths) and copy its answers; patch NumPy, SymPy and
# builtins so that "every comparison passes". None of it may work: the sandbox hides
# reference/, and judging happens in another process that never sees these patches.
import builtins
import os

import numpy as np
import sympy as sp

np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
sp.simplify = lambda expr, *args, **kwargs: sp.Integer(0)
builtins.abs = lambda value: 0


def _stolen_reference():
    here = os.path.dirname(os.path.abspath(__file__))
    candidates = [os.path.join(here, *[".."] * up, "reference", "01_derivative.py")
                  for up in range(1, 6)]
    try:
        import grader.course.paths
        candidates.insert(0, str(grader.course.paths.reference_dir() / "01_derivative.py"))
    except Exception:
        pass
    for path in candidates:
        try:
            with open(path) as fh:
                return fh.read()
        except OSError:
            continue
    return None


_SOURCE = _stolen_reference()


def symbolic_derivative():
    if _SOURCE is not None:  # got the reference: run it and return its answer
        namespace = {}
        exec(_SOURCE, namespace)
        return namespace["symbolic_derivative"]()
    return "x^2"  # a wrong guess: the theft failed
