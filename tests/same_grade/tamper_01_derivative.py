# Tampers with numpy, sympy and builtins at import, hoping to fool the comparisons, and
# answers two functions wrongly; autodiff_derivative stays the reference's (honest).
import builtins

import numpy as np
import sympy as sp

np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: np.ones(np.broadcast(*a[:2]).shape, dtype=bool)
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True
sp.simplify = lambda e, *a, **k: sp.Integer(0)
builtins.abs = lambda v: 0


def symbolic_derivative():
    return sp.Symbol("x") ** 5


def rate_of_change(f, x, dx=1e-6):
    return np.zeros_like(np.asarray(x, dtype=float))
