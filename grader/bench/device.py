"""Which JAX device a bench runs on, what it is, and how fast its memory is.

``--device cpu`` pins JAX to the CPU; ``gpu`` requires a GPU that JAX can see and fails
with a clear message otherwise; ``auto`` takes the GPU when there is one. The choice has
to reach the environment before JAX starts its backends (``JAX_PLATFORMS``), so
:func:`prepare_environment` runs before the first JAX computation of the process.

Peak memory bandwidth is *measured*, STREAM-style, on arrays far larger than the caches:
copy (2 arrays of traffic per element) and add (3 arrays) with NumPy, and scale/triad
jitted with JAX on the device, best of several runs each. The best of them is "peak" for
the fraction of peak reported for memory-bound kernels. For a few well-known GPUs the
data-sheet bandwidth is recorded beside the measurement.
"""
from __future__ import annotations

import os
import platform as _platform
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

# Data-sheet memory bandwidth (GB/s) of common GPUs, matched against device_kind.
GPU_SPEC_GBS = (("H200", 4800.0), ("H100 PCIe", 2000.0), ("H100", 3350.0),
                ("A100-SXM4-80GB", 2039.0), ("A100 80GB", 1935.0), ("A100", 1555.0),
                ("L40S", 864.0), ("L4", 300.0), ("A10", 600.0), ("V100", 900.0),
                ("T4", 320.0), ("RTX 4090", 1008.0))


class NoGPU(RuntimeError):
    """``--device gpu`` on a machine where JAX sees no GPU."""


@dataclass
class DeviceInfo:
    requested: str
    platform: str                 # "cpu" or "gpu": where the JAX methods run
    kind: str                     # e.g. "cpu", "NVIDIA H100 80GB HBM3"
    count: int
    cpu_model: str
    cpu_cores: int
    versions: dict[str, str] = field(default_factory=dict)
    has_cpu_backend: bool = True
    note: str = ""
    load_average: list[float] = field(default_factory=list)  # 1, 5, 15 min, at the start

    @property
    def busy(self) -> bool:
        """Was the machine already busy (more runnable processes than cores)?"""
        return bool(self.load_average) and self.load_average[0] > self.cpu_cores

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"busy": self.busy}


def prepare_environment(requested: str) -> None:
    """Set JAX's environment for this run; harmless once JAX has started (then ignored).

    float64 is on (as everywhere in calcgrade; ``--dtype float32`` switches it off per
    kernel). The GPU allocator grows on demand instead of grabbing most of the GPU, so
    the sandboxed child that times a student can use the GPU beside this process.
    """
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    if requested == "cpu":
        os.environ.setdefault("JAX_PLATFORMS", "cpu")


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return _platform.processor() or _platform.machine()


def _versions() -> dict[str, str]:
    import jax
    import jaxlib
    import numpy
    import sympy

    from grader import __version__

    return {"calcgrade": __version__, "python": _platform.python_version(),
            "jax": jax.__version__, "jaxlib": jaxlib.__version__, "numpy": numpy.__version__,
            "sympy": sympy.__version__}


def _load() -> list[float]:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return []


def select_device(requested: str) -> DeviceInfo:
    """Resolve ``cpu | gpu | auto`` to a JAX platform; raises :class:`NoGPU`."""
    import jax

    gpus: list[Any] = []
    why = ""
    if requested in ("gpu", "auto"):
        try:
            gpus = jax.devices("gpu")
        except RuntimeError as exc:
            why = str(exc).split("\n")[0]
    if requested == "gpu" and not gpus:
        hint = (" (JAX_PLATFORMS=" + os.environ["JAX_PLATFORMS"] + " hides other devices)"
                if os.environ.get("JAX_PLATFORMS") else "")
        raise NoGPU("--device gpu: JAX sees no GPU on this machine" + hint + ". Install the "
                    "CUDA build of JAX (pip install 'jax[cuda12]') on a machine with an "
                    "NVIDIA GPU, or use --device cpu / --device auto."
                    + (f" JAX said: {why}" if why else ""))
    try:
        jax.devices("cpu")
        has_cpu = True
    except RuntimeError:
        has_cpu = False
    chosen = gpus if gpus else jax.devices("cpu")
    note = ""
    if requested == "auto" and not gpus:
        note = "auto: JAX sees no GPU here, so everything ran on the CPU"
    return DeviceInfo(requested=requested, platform="gpu" if gpus else "cpu",
                      kind=str(chosen[0].device_kind), count=len(chosen),
                      cpu_model=cpu_model(), cpu_cores=os.cpu_count() or 1,
                      versions=_versions(), has_cpu_backend=has_cpu, note=note,
                      load_average=_load())


def spec_bandwidth_gbs(kind: str) -> float | None:
    for name, gbs in GPU_SPEC_GBS:
        if name.lower() in kind.lower():
            return gbs
    return None


def _best(fn: Callable[[], Any], runs: int) -> float:
    from grader.bench.harness import block

    block(fn())  # first touch / compile
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        block(fn())
        best = min(best, time.perf_counter() - t0)
    return best


def measure_bandwidth(platform: str, elements: int = 1 << 25, runs: int = 5) -> dict[str, Any]:
    """STREAM-like bandwidth (GB/s, 1 GB = 1e9 bytes) on ``platform``, float64 arrays.

    NumPy kernels only for the host (``cpu``); JAX kernels on ``platform``'s device.
    Returns each kernel's rate, the best, and a sentence saying how it was measured.
    """
    import jax
    import numpy as np

    from grader.bench.kernels import x64

    n = int(elements)
    rates: dict[str, float] = {}
    b = np.random.default_rng(0).standard_normal(n)
    c = np.ones(n)
    if platform == "cpu":
        a = np.empty(n)
        rates["numpy copy"] = 16 * n / _best(lambda: np.copyto(a, b), runs) / 1e9
        rates["numpy add"] = 24 * n / _best(lambda: np.add(b, c, out=a), runs) / 1e9
    device = jax.devices(platform)[0]
    with x64(True), jax.default_device(device):
        jb, jc = jax.device_put(b, device), jax.device_put(c, device)
        s = jax.numpy.float64(2.5)
        scale = jax.jit(lambda x, s: s * x)
        triad = jax.jit(lambda x, y, s: x + s * y)
        rates[f"jax scale ({platform})"] = 16 * n / _best(lambda: scale(jb, s), runs) / 1e9
        rates[f"jax triad ({platform})"] = 24 * n / _best(lambda: triad(jb, jc, s), runs) / 1e9
    best_name = max(rates, key=rates.__getitem__)
    how = (f"best of {runs} runs of STREAM-like kernels ({', '.join(rates)}) on float64 "
           f"arrays of {n:,} elements ({8 * n / 2**20:,.0f} MiB each), counting bytes read "
           "plus bytes written; best was " + best_name)
    return {"platform": platform, "elements": n, "rates_gbs": rates,
            "peak_gbs": rates[best_name], "how": how}
