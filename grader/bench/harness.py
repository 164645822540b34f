"""Timing one kernel honestly: first call apart, warm-up, forced results, robust statistics.

The first call of a JAX kernel traces and compiles it; later calls only run it. Timing
them together would make JAX look slow at small sizes for the wrong reason, so
:func:`time_kernel` reports the first call on its own (``first_s``, and the compile
estimate ``first_s - median_s``) and the steady state from later calls only. JAX
dispatches asynchronously: every call's result is forced with ``jax.block_until_ready``
before the clock stops. Very short kernels are called ``number`` times per sample (like
``timeit``) so each sample lasts at least ``min_sample_s`` and the clock's resolution
does not matter. The median and the interquartile range are reported, never the mean,
because a machine's background noise only ever makes a run slower.

This module imports only the standard library (JAX only when the result is a JAX array).
"""
from __future__ import annotations

import math
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

MAX_NUMBER = 100_000  # calls per sample, at most


@dataclass
class Timing:
    """Seconds per call of one kernel at one size."""

    first_s: float            # the first call: tracing + compilation + one run
    median_s: float           # steady state, per call
    q1_s: float
    q3_s: float
    min_s: float
    max_s: float
    repeats: int              # samples taken (may be fewer than asked when over budget)
    warmup: int               # untimed calls after the first
    number: int = 1           # calls per sample
    samples: list[float] = field(default_factory=list)

    @property
    def compile_s(self) -> float:
        """What the first call cost beyond a steady-state call: tracing and compilation."""
        return max(0.0, self.first_s - self.median_s)

    @property
    def iqr_s(self) -> float:
        return self.q3_s - self.q1_s

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["compile_s"] = self.compile_s
        return d

    @classmethod
    def from_samples(cls, first_s: float, samples: list[float], warmup: int,
                     number: int) -> "Timing":
        if not samples:
            raise ValueError("no samples")
        ordered = sorted(samples)
        if len(ordered) >= 2:
            q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        else:
            q1 = q3 = ordered[0]
        return cls(first_s=first_s, median_s=statistics.median(ordered), q1_s=q1, q3_s=q3,
                   min_s=ordered[0], max_s=ordered[-1], repeats=len(ordered), warmup=warmup,
                   number=number, samples=list(samples))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Timing":
        """Rebuild from plain data (e.g. sent by the sandbox), validating every number."""
        samples = [_seconds(s) for s in list(d["samples"])[:10_000]]
        return cls.from_samples(_seconds(d["first_s"]), samples, int(d["warmup"]),
                                max(1, int(d["number"])))


def _seconds(value: Any) -> float:
    v = float(value)
    if not math.isfinite(v) or v < 0:
        raise ValueError(f"not a duration: {value!r}")
    return v


def block(result: Any) -> Any:
    """Wait until ``result`` (any pytree) is computed; NumPy results are already there."""
    jax = sys.modules.get("jax")
    if jax is not None:
        return jax.block_until_ready(result)
    return result


def time_kernel(fn: Callable[..., Any], args: tuple = (), *, repeats: int = 7, warmup: int = 2,
                min_sample_s: float = 1e-3, budget_s: float = 3.0,
                clock: Callable[[], float] = time.perf_counter) -> tuple[Timing, Any]:
    """Time ``fn(*args)``: returns the :class:`Timing` and the last result.

    The first call is timed alone. Then ``warmup`` untimed calls, then ``repeats``
    samples of ``number`` calls each. Once ``budget_s`` seconds have gone by (first call
    included), warm-up stops and sampling stops after at least ``min(repeats, 3)``
    samples, so a slow kernel costs a bounded time and still gets a median.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError("repeats must be >= 1 and warmup >= 0")
    start = clock()
    result = block(fn(*args))
    first = clock() - start
    estimate = first
    done_warmup = 0
    for _ in range(warmup):
        if clock() - start > budget_s:
            break
        t0 = clock()
        result = block(fn(*args))
        estimate = clock() - t0
        done_warmup += 1
    number = 1
    if estimate > 0 and estimate < min_sample_s:
        number = min(MAX_NUMBER, math.ceil(min_sample_s / estimate))
    samples: list[float] = []
    least = min(repeats, 3)
    while len(samples) < repeats:
        if len(samples) >= least and clock() - start > budget_s:
            break
        t0 = clock()
        for _ in range(number):
            result = block(fn(*args))
        samples.append((clock() - t0) / number)
    return Timing.from_samples(first, samples, done_warmup, number), result
