"""Lazy module proxies, so exercise declarations stay cheap to import.

``calcgrade list`` imports every exercise's ``checks.py`` to read titles and points; it
must not pay for NumPy, SymPy or JAX. Check code writes ``np.linspace(...)`` as usual and
the real import happens on first attribute access.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands in for a module until an attribute is first read."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"


np: Any = LazyModule("numpy")
sp: Any = LazyModule("sympy")
