"""The XLA compiler flags calcgrade grades with, on both sides of the sandbox.

The sandbox's servers get them in their environment (``client._jax_env``); the trusted
processes that compute expected answers and judge (``check``, ``grade``'s judges, a
selftest, the check server, a release's key) set them for themselves before JAX starts
(:func:`use_grading_compiler`), so both sides compile alike and the judge's hundreds of
compiles cost half. ``calcgrade bench`` times kernels and keeps XLA's defaults.
"""
from __future__ import annotations

import functools
import os

# XLA's CPU compiler, tuned for grading: a check runs each student program a few times on
# small inputs, so compiling is what costs (an un-jitted JAX program compiles every
# primitive on its own). XLA's older loop emitters and LLVM -O0 halve compile time here
# (benchmarks/RESULTS.md, "JAX compiles in the sandbox"). -O0 code runs slower (the
# course's heaviest check, 06's Lambert case, 0.2 -> 0.3 s of its 10 s limit); the
# rounding it may change is within every check's tolerance (the suite and the selftest
# pass under both). Timing runs (``calcgrade bench``) use XLA's defaults, and so does
# every run with CALCGRADE_XLA_FLAGS="" (other flags: that value).
GRADING_XLA_FLAGS = "--xla_cpu_use_fusion_emitters=false --xla_backend_optimization_level=0"
# An XLA that does not know a flag of XLA_FLAGS ends the process (a fatal error at its
# start), so the flags are set only for the jaxlib versions they were measured on; any
# other gets XLA's defaults (slower compiles, nothing else).
FLAGS_JAXLIB = ((0, 10),)


def default_xla_flags(jaxlib_version: str | None = None) -> str:
    """The grading flags where this jaxlib is known to take them, else none."""
    import re

    if jaxlib_version is None:
        jaxlib_version = _jaxlib_version()
    numbers = tuple(int(n) for n in re.findall(r"\d+", jaxlib_version or "")[:2])
    return GRADING_XLA_FLAGS if numbers in FLAGS_JAXLIB else ""


@functools.lru_cache(maxsize=1)
def _jaxlib_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("jaxlib")
    except metadata.PackageNotFoundError:
        return ""


def grading_xla_flags() -> str:
    """``CALCGRADE_XLA_FLAGS`` if set ("": XLA's defaults), else :func:`default_xla_flags`."""
    return os.environ.get("CALCGRADE_XLA_FLAGS", default_xla_flags())


def use_grading_compiler() -> None:
    """Compile this process's JAX programs with the grading flags, unless ``XLA_FLAGS`` is
    set already. Only before JAX's backend starts in this process (later: no effect, so
    harmless in a notebook that ran JAX first)."""
    flags = grading_xla_flags()
    if flags and "XLA_FLAGS" not in os.environ:
        os.environ["XLA_FLAGS"] = flags
