"""Timing one method of one kernel over its sizes — the same code on both sides.

The trusted process calls :func:`measure_method` with a reference module; the sandboxed
child calls it with the student's module (see ``student.py``). Either way the answer is
plain data: per size a status, the timings as numbers and the (thinned) result, which
only the trusted side checks. Sizes go up in order; when the last one predicts that the
next would far exceed the time budget (a cost growing like n**order), the rest are
skipped with a message instead of running for minutes.
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from grader.bench.checking import float_dtype, thin, to_numpy
from grader.bench.harness import time_kernel
from grader.bench.kernels import Kernel, Method, x64
from grader.sandbox.child import describe_exception

TOO_SLOW = 8.0  # skip a size whose predicted timing run exceeds this many budgets


@dataclass
class Settings:
    """How a run times every kernel (recorded in the report)."""

    dtype: str = "float64"
    repeats: int = 7
    warmup: int = 2
    budget_s: float = 1.0      # per kernel, method and size
    min_sample_s: float = 1e-3
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Settings":
        s = cls(str(d["dtype"]), int(d["repeats"]), int(d["warmup"]), float(d["budget_s"]),
                float(d["min_sample_s"]), int(d["seed"]))
        if s.dtype not in ("float32", "float64"):
            raise ValueError(f"unknown dtype {s.dtype!r}")
        return s


def _place(tree: Any, device: Any) -> Any:
    import jax

    if isinstance(tree, dict):
        return {k: _place(v, device) for k, v in tree.items()}
    if isinstance(tree, np.ndarray):
        return jax.device_put(tree, device)
    return tree


def _predicted_s(median_s: float, n_from: int, n_to: int, method: Method,
                 settings: Settings) -> float:
    per_call = median_s * (n_to / n_from) ** method.order
    return per_call * (2 + settings.warmup + min(settings.repeats, 3))


def measure_method(kernel: Kernel, method: Method, impl: Any, sizes: list[int],
                   settings: Settings, platform: str = "cpu") -> list[dict[str, Any]]:
    """Time ``method`` of ``kernel`` at each size; one plain dict per size.

    ``impl`` is the module whose contract functions are called (None for the grader's
    own methods). NumPy methods run on the host whatever ``platform`` says; JAX methods
    run on the first device of ``platform`` with their inputs already placed there.
    NotImplementedError propagates (the sandbox reports it for the whole method).
    """
    import jax

    device = jax.devices(platform)[0] if method.uses_jax else None
    out: list[dict[str, Any]] = []
    last: tuple[int, float] | None = None
    for n in sizes:
        row: dict[str, Any] = {"n": int(n), "status": "ok", "message": ""}
        out.append(row)
        if method.max_size is not None and n > method.max_size:
            row.update(status="skipped", message=f"above this method's size limit "
                       f"({method.max_size:,}: its cost grows like n^{method.order:g})")
            continue
        if last is not None and _predicted_s(last[1], last[0], n, method, settings) \
                > TOO_SLOW * settings.budget_s:
            row.update(status="skipped", message=f"too slow: {last[1]:.3g} s per call at "
                       f"n = {last[0]:,} predicts a timing run far over the "
                       f"{settings.budget_s:g} s budget")
            continue
        try:
            row.update(_measure_one(kernel, method, impl, n, settings, device))
        except NotImplementedError:
            raise
        except MemoryError:
            row.update(status="exception", message="ran out of memory at this size")
        except Exception as exc:  # noqa: BLE001 - one failing size is reported, not fatal
            where = Path(getattr(impl, "__file__", "") or "solution.py")
            row.update(status="exception", message=describe_exception(exc, where))
        if row["status"] == "ok":
            last = (n, row["timing"]["median_s"])
    return out


def _measure_one(kernel: Kernel, method: Method, impl: Any, n: int, settings: Settings,
                 device: Any) -> dict[str, Any]:
    import contextlib

    import jax

    inputs = kernel.inputs(settings.seed, n, settings.dtype)
    with contextlib.ExitStack() as stack:
        stack.enter_context(x64(settings.dtype == "float64"))
        if device is not None:
            stack.enter_context(jax.default_device(device))
            inputs = _place(inputs, device)
        t0 = time.perf_counter()
        call = method.prepare(impl, inputs)
        setup = time.perf_counter() - t0
        timing, result = time_kernel(call, repeats=settings.repeats, warmup=settings.warmup,
                                     min_sample_s=settings.min_sample_s,
                                     budget_s=settings.budget_s)
        result = to_numpy(result)
    return {"setup_s": setup, "timing": timing.to_dict(), "dtype_out": float_dtype(result),
            "result": thin(result)}
