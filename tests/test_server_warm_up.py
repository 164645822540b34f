"""Every sandbox server warms up before it forks anyone (grader/sandbox/server.py): the
warm-up must start no JAX backend (a process that ran JAX must not fork a JAX user: it
hangs), and a server where one runs must refuse to serve.

Run in fresh interpreters: a JAX backend, once started, stays for the process's life.
"""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT

_PROBE = """
import json, os, sys
from grader.sandbox import server
server.preload(["numpy", "sympy", "jax.numpy"])
before = set(sys.modules)
threads = len(os.listdir("/proc/self/task"))
server.warm_up()
out = {"after_warm_up": server.backend_started(),
       "loaded": sorted(set(sys.modules) - before),
       "threads": [threads, len(os.listdir("/proc/self/task"))]}
if "run" in sys.argv:
    import jax.numpy as jnp
    jnp.ones(2).block_until_ready()
    out["after_a_jax_run"] = server.backend_started()
print(json.dumps(out))
"""


def _probe(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_warm_up_starts_no_backend_and_loads_what_students_would():
    out = _probe()
    assert out["after_warm_up"] is None
    before, after = out["threads"]
    assert after == before, out["threads"]  # no thread of its own: forking stays safe
    # what every student's process otherwise imports on its first lambdify and jit
    assert {"jaxlib.mlir.dialects.mhlo", "jaxlib.mlir.dialects.builtin",
            "numpy.polynomial"} <= set(out["loaded"]), out["loaded"]


def test_a_started_backend_is_the_reason_a_server_refuses():
    out = _probe("run")
    assert out["after_warm_up"] is None
    assert "JAX backend started" in out["after_a_jax_run"]
