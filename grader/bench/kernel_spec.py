"""How ``grader/bench/kernels.py`` declares a kernel: the :class:`Kernel` and its
:class:`Method` s, plus small helpers shared by the kernels (dtype casting, JAX's x64
switch). Kept apart so that the kernel table reads as a list of declarations.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from grader.bench.checking import normwise_check

Prepare = Callable[[Any, dict], Callable[[], Any]]


@dataclass(frozen=True)
class Method:
    """One way of computing a kernel, raced against the others."""

    name: str
    label: str
    prepare: Prepare              # (implementation module or None, inputs) -> the timed call
    contract: tuple[str, ...] = ()  # exercise functions it calls (timed for students too)
    uses_jax: bool = False        # runs on the chosen JAX device, inputs placed there first
    max_size: int | None = None   # larger sizes are skipped (cost grows like n**order)
    order: float = 1.0
    bytes_moved: Callable[[int, int], float] | None = None  # (n, itemsize) -> compulsory bytes


@dataclass(frozen=True)
class Kernel:
    """One computation of the course, timed at growing sizes by each of its methods.

    ``make_inputs(rng, n, dtype)`` draws the inputs (NumPy only: it runs in the sandbox
    too); ``expected(inputs)`` is the float64 answer (trusted side only); ``check``
    compares a result with it at ``tolerance[dtype]``.
    """

    slug: str
    name: str
    title: str
    size_name: str
    sizes: dict[str, tuple[int, ...]]  # preset -> sizes
    make_inputs: Callable[[np.random.Generator, int, str], dict]
    expected: Callable[[dict], Any]
    methods: tuple[Method, ...]
    tolerance: dict[str, float]      # dtype -> allowed norm-wise relative error
    crossovers: tuple[tuple[str, str], ...] = ()  # (challenger, baseline) method names
    check: Callable[..., tuple[bool, float | None, str]] = normwise_check
    check_reads_inputs: bool = False  # does ``check`` need the inputs (kept per size)?
    note: str = ""

    @property
    def id(self) -> str:
        return f"{self.slug}/{self.name}"

    @property
    def memory_bound(self) -> bool:
        return any(m.bytes_moved is not None for m in self.methods)

    def method(self, name: str) -> Method:
        for m in self.methods:
            if m.name == name:
                return m
        raise KeyError(name)

    def rng(self, seed: int, n: int) -> np.random.Generator:
        return np.random.default_rng([seed, zlib.crc32(self.id.encode()), n])

    def inputs(self, seed: int, n: int, dtype: str) -> dict:
        return self.make_inputs(self.rng(seed, n), n, dtype)


def cast(dtype: str, **arrays: np.ndarray) -> dict:
    return {k: np.ascontiguousarray(v, dtype=dtype) for k, v in arrays.items()}


def jax_module():
    import jax

    return jax


def x64(enabled: bool) -> Any:
    """A context with JAX's float64 switched on or off (``jax.enable_x64`` where it exists)."""
    jax = jax_module()
    if hasattr(jax, "enable_x64"):
        return jax.enable_x64(enabled)
    from jax import experimental  # JAX before 0.6

    return experimental.enable_x64() if enabled else experimental.disable_x64()
