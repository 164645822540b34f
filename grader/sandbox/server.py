"""The sandbox server: the one process that runs students' code, started clean by exec.

``python -s -m grader.sandbox.server`` is started by the trusted side
(:mod:`grader.sandbox.client`) with an empty environment and no file descriptors but its
stdin (requests) and stdout (results), directly or inside bubblewrap. It imports what
student code uses once (without running JAX, so it can fork), then serves students one
at a time until its stdin closes. It never sees the reference, a seed or any judge-only
data: each request carries the public inputs the trusted side drew.

Per student it forks a **student process** that isolates itself
(:func:`grader.sandbox.harden.isolate`: its own user, mount, network and PID namespaces
where the machine allows, the checkout, the class, the results and the other students'
folders hidden) and then forks the namespace's init, which runs the student's exercises
(:func:`grader.sandbox.runner.run_chain`) and writes their raw results straight to
stdout. The server itself never reads a student's results, so nothing of one student
passes through the memory the next student's process is forked from; when the init
ends, every process the student left behind dies with its namespace.

Protocol (frames of :mod:`grader.sandbox.plain` both ways):
  in:  ``{"config": {...}}`` once, then ``{"student": {...}}`` per student;
  out: ``{"event": "ready", ...}`` once, then per student one ``{"event": "exercise"}``
       frame per exercise and ``{"event": "end", "key": ..., "clean": bool}``.
"""
from __future__ import annotations

import gc
import importlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from grader.sandbox import harden, plain
from grader.sandbox.runner import Job, describe_exit, run_chain

# Runnables other than an exercise's checks: the bench's timing runs (grader.bench.student
# registers them; imported by name so the sandbox package does not depend on the bench).
PROVIDERS = {"bench": "grader.bench.student"}
BASE_PRELOAD = ("numpy", "sympy", "jax.numpy")  # every server, whatever its exercises


def configure_jax() -> None:
    """float64 everywhere (gradients are compared at 1e-9); the CPU unless asked."""
    os.environ.setdefault("JAX_ENABLE_X64", "1")
    os.environ.setdefault("JAX_PLATFORMS", os.environ.get("CALCGRADE_JAX_PLATFORMS", "cpu"))


def preload(modules: list[str]) -> None:
    """Import what student code and checks use, so each fork starts warm (no JAX run)."""
    configure_jax()
    for name in modules:
        importlib.import_module(name)


def warm_up() -> None:
    """Do once here what each student's process would otherwise pay for first (every
    server: one student's process or a class's thousand), on constant inputs of its own:
    SymPy's parser, printers and ``lambdify`` (which load NumPy's lazy submodules), the
    sandbox's input decoding, and JAX's tracing of ``grad``/``vmap``/``custom_jvp``. Tracing
    runs no JAX computation: no backend starts and no thread, so the server can still
    fork JAX users (checked: a started backend here fails the server's start)."""
    import jax
    import jax.numpy as jnp
    import numpy
    import sympy
    from sympy.parsing.sympy_parser import parse_expr

    import grader.sandbox.child  # noqa: F401 - what every student's process imports
    import grader.sandbox.inputs  # noqa: F401

    x = sympy.Symbol("x")
    expr = parse_expr("x**3 - 2*x**2 + sin(x)*exp(x) + log(1 + x**2)")
    sympy.lambdify(x, sympy.diff(expr, x), "numpy")(numpy.linspace(0.0, 1.0, 3))
    str(sympy.simplify(expr - expr))

    @jax.custom_jvp
    def ruled(v):
        return jnp.sin(v) * v

    ruled.defjvp(lambda primals, tangents: (ruled(primals[0]), 2.0 * tangents[0]))
    spec = jax.ShapeDtypeStruct((3,), jnp.float64)
    jax.make_jaxpr(jax.vmap(jax.grad(lambda v: ruled(v) + jnp.exp(v))))(spec)
    for name in ("jax.experimental.multihost_utils", "jaxlib.mlir.dialects.mhlo",
                 "jaxlib.mlir.dialects.builtin"):
        try:  # loaded by a first jit; importing them starts nothing
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - another JAX version
            pass
    try:  # MLIR's dialects, registered by a first lowering (~20 ms a student's process):
        # a context made and dropped; no backend, no thread (tests/test_server_warm_up.py)
        from jax._src.interpreters import mlir

        mlir.make_ir_context()
    except (ImportError, AttributeError):  # pragma: no cover - another JAX version
        pass


def backend_started() -> str | None:
    """Why this server must not fork JAX users (a JAX backend runs here), or None."""
    try:
        from jax._src import xla_bridge
    except ImportError:  # pragma: no cover - another JAX version
        return None
    if getattr(xla_bridge, "_backends", None):
        return "the sandbox could not warm up: a JAX backend started; it could not fork"
    return None


def serve(stdin_fd: int = 0, stdout_fd: int = 1) -> None:
    out = os.dup(stdout_fd)  # results; fd 1 itself becomes /dev/null below
    reader = _Reader(stdin_fd)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    first = reader.next()
    config = (first or {}).get("config")
    if not isinstance(config, dict):
        return
    libc = harden._libc()
    libc.prctl(harden.PR_SET_DUMPABLE, 0, 0, 0, 0)
    libc.prctl(harden.PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # a killed run leaves no server
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the trusted side stops us
    if config.get("course_root"):
        os.environ["CALCGRADE_ROOT"] = str(config["course_root"])
    preload(list(BASE_PRELOAD))
    loaded: set[str] = set()
    load_exercises([str(s) for s in config.get("slugs", [])], loaded)
    why = None
    if config.get("warm"):
        try:
            warm_up()
        except Exception:  # noqa: BLE001 - another library version: serve cold
            pass
        why = backend_started()  # the one failure that matters: this server could not fork
    why = why or (_self_test(config) if config.get("strict") else None)
    # what the imports made lives as long as the server: out of the collector's sight, so
    # that no student's process walks (and copies on write) those objects in each of its
    # collections
    gc.freeze()
    plain.send(out, {"event": "ready", "ok": why is None, "why": why or ""})
    if why is not None:
        return
    while True:
        message = reader.next()
        if message is None:
            return
        student = message.get("student")
        if not isinstance(student, dict):
            return
        if load_exercises(_slugs_of(student), loaded):  # a kept server, another exercise
            if (why := backend_started()) is not None:
                plain.send(out, {"event": "end", "key": student.get("key"), "clean": False,
                                 "why": why})
                return
            gc.freeze()
        clean, why = _serve_student(student, config, out)
        plain.send(out, {"event": "end", "key": student.get("key"), "clean": clean, "why": why})


def load_exercises(slugs: list[str], loaded: set[str]) -> bool:
    """Load the exercises of ``slugs`` not in ``loaded`` (their checks and what they
    preload: :func:`preload`), here, before any student's process is forked, so each
    starts warm; True if there were any. A server loads the exercises it was started for;
    one kept between gradings (:mod:`grader.sandbox.keeper`) loads another exercise's the
    first time a student of it comes (trusted declarations, imported here as at the
    start: the server never runs a student's code)."""
    from grader.course.spec import load_exercise

    new = [slug for slug in dict.fromkeys(slugs) if slug not in loaded]
    if not new:
        return False
    modules: set[str] = set()
    for slug in new:
        loaded.add(slug)
        try:
            modules.update(load_exercise(slug).preload)
        except Exception:  # noqa: BLE001 - a broken checks.py: its grading says so, not ours
            pass
    preload(sorted(modules))
    return True


def _slugs_of(student: dict[str, Any]) -> list[str]:
    exercises = student.get("exercises")
    if not isinstance(exercises, list):
        return []
    return [str(ex["slug"]) for ex in exercises
            if isinstance(ex, dict) and ex.get("kind", "checks") == "checks" and "slug" in ex]


class _Reader:
    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.frames = plain.FrameReader()
        self.pending: list[dict] = []

    def next(self) -> dict | None:
        while not self.pending:
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return None
            self.pending.extend(self.frames.feed(chunk))
            if self.frames.broken:
                return None
        return self.pending.pop(0)


def _jobs(student: dict[str, Any]) -> list[Job]:
    from grader.course.spec import load_exercise

    jobs = []
    for i, ex in enumerate(student["exercises"]):
        kind = ex.get("kind", "checks")
        if kind == "checks":
            exercise = load_exercise(str(ex["slug"]))
            runnables = exercise.runnables(bool(ex.get("figure")))
            only = ex.get("only")
            if only is not None:  # some of the checks (check --function), in this order
                if not isinstance(only, list) or not all(
                        type(k) is int and 0 <= k < len(exercise.checks) for k in only):
                    raise ValueError("the request names checks the exercise does not have")
                runnables = [exercise.checks[k] for k in only]
        else:
            provider = importlib.import_module(PROVIDERS[kind])
            runnables = provider.runnables_from_wire(ex["runnables"])
        inputs = list(ex.get("inputs") or [None] * len(runnables))
        limits = [float(x) for x in ex["limits"]]
        if len(inputs) != len(runnables) or len(limits) != len(runnables):
            raise ValueError("the request does not match the exercise's checks")
        solution = Path(ex["solution"]) if ex.get("solution") else None
        jobs.append(Job(i, runnables, limits, inputs, solution, int(ex["memory_mb"])))
    return jobs


def _serve_student(student: dict[str, Any], config: dict[str, Any], out: int) -> tuple[bool, str]:
    """Fork the student's process, wait for it; (clean, why)."""
    root = Path(student["root"]) if student.get("root") else None
    workdir = Path(tempfile.mkdtemp(prefix="student-"))  # made here, removed here
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            code = _student_process(student, config, root, workdir, out)
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    shutil.rmtree(workdir, ignore_errors=True)
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return True, ""
    if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 3:
        return False, "the student's process could not be isolated"
    return False, f"the student's sandbox process ended badly ({describe_exit(status)})"


def _student_process(student: dict[str, Any], config: dict[str, Any], root: Path | None,
                     workdir: Path, out: int) -> int:
    os.setsid()
    strict = bool(config.get("strict"))
    keep = [Path(p) for p in config.get("keep", [])] + ([root] if root else [])
    hidden = [Path(p) for p in config.get("hidden", [])]
    run_hidden = student.get("hidden") or []  # this run's class, results, scratch
    if not isinstance(run_hidden, list) or not all(isinstance(p, str) for p in run_hidden):
        print("calcgrade sandbox: the request's hidden folders are malformed", file=sys.stderr)
        return 3
    hidden += [Path(p) for p in run_hidden]
    try:
        cache = Path(config["compile_cache"]) if config.get("compile_cache") else None
        pid_ns = harden.isolate(workdir, keep=keep, hidden=hidden, strict=strict,
                                namespaces=bool(config.get("namespaces")), writable=cache)
    except OSError as exc:
        print(f"calcgrade sandbox: could not isolate the student: {exc}", file=sys.stderr)
        return 3
    view = harden.writable_view(workdir, cache) if cache is not None else None  # as it sees it
    jobs = _jobs(student)
    init = os.fork()  # in a new PID namespace: its init
    if init == 0:
        code = 70
        try:
            harden.lock_down(pid_init=pid_ns, strict=strict)
            run_chain(jobs, workdir, root, view)
            for job in jobs:
                plain.send(out, {"event": "exercise", "key": student.get("key"), "index": job.key,
                                 "import_output": job.import_output,
                                 "results": {str(i): r.to_wire() for i, r in job.results.items()}})
            code = 0
        except OSError as exc:
            print(f"calcgrade sandbox: {exc}", file=sys.stderr)
            code = 3 if strict else 71
        finally:
            os._exit(code)
    os.close(out)
    _, status = os.waitpid(init, 0)
    if os.WIFEXITED(status):
        return os.WEXITSTATUS(status)
    return 72


def _self_test(config: dict[str, Any]) -> str | None:
    """Whether a student's process can be isolated strictly here (a throwaway one)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        try:
            workdir = Path(tempfile.mkdtemp(prefix="probe-"))  # left empty in bwrap's /tmp
            harden.isolate(workdir, keep=[Path(p) for p in config.get("keep", [])],
                           hidden=[Path(p) for p in config.get("hidden", [])], strict=True)
            plain.write_all(write_fd, b"ok")
        except OSError as exc:
            plain.write_all(write_fd, f"could not isolate a student: {exc}".encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as fh:
        text = fh.read().decode("utf-8", "replace")
    os.waitpid(pid, 0)
    return None if text == "ok" else (text or "the self-test process died")


if __name__ == "__main__":
    serve()
