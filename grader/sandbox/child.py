"""What runs inside the sandboxed child: import the student's file, call, report.

This module is executed only in a forked child process (or a fresh interpreter inside
bubblewrap). It never sees the reference solutions; it reports each check's outcome as a
plain-data frame on ``result_fd`` and ends with ``os._exit`` so nothing of the parent's
cleanup runs twice.
"""
from __future__ import annotations

import errno
import os
import resource
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from grader.sandbox import plain

OUTPUT_LIMIT_BYTES = 1024 * 1024  # a flood of prints stops here with "File too large"


_OWNER_PID: int | None = None  # the sandbox child itself; set when it starts the checks


def _send(fd: int, message: dict) -> None:
    if _OWNER_PID is not None and os.getpid() != _OWNER_PID:
        os._exit(0)  # a process the student forked must never speak for the sandbox
    plain.send(fd, message)


def use_compile_cache(folder: Path) -> None:
    """JAX keeps every program it compiles here, and finds it there in the next run
    (before any student code; where JAX is not loaded, nothing to do). Its size is kept
    down by the trusted side (:class:`grader.judge.session.WatchSession`)."""
    if "jax" not in sys.modules:
        return
    import jax

    for name, value in (("jax_compilation_cache_dir", str(folder)),
                        ("jax_persistent_cache_min_compile_time_secs", 0.0),
                        ("jax_persistent_cache_min_entry_size_bytes", 0),
                        # else XLA's own cache folder (the path, which differs in every
                        # run's private workdir) goes into each program's key: no hit
                        ("jax_persistent_cache_enable_xla_caches", "none")):
        try:
            jax.config.update(name, value)
        except (AttributeError, ValueError):  # pragma: no cover - another JAX version
            return


def apply_limits(memory_mb: int) -> None:
    limit = memory_mb * 1024 * 1024
    for name, value in (("RLIMIT_AS", limit), ("RLIMIT_FSIZE", OUTPUT_LIMIT_BYTES),
                        ("RLIMIT_CORE", 0)):
        try:
            resource.setrlimit(getattr(resource, name), (value, value))
        except (ValueError, OSError):  # pragma: no cover - platform without the limit
            pass
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def redirect_output(output_path: Path) -> None:
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    out = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    os.close(devnull)
    # The host may have replaced sys.stdout (pytest, Jupyter, a Dask worker): point the
    # Python-level streams at the captured descriptors too.
    sys.stdin = open(0, closefd=False)  # noqa: SIM115 - lives as long as the child
    sys.stdout = open(1, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115


def scrub_import_path(solution_dir: Path, project_root: Path | None = None) -> None:
    """Only the student's own folder and installed packages stay importable.

    The project tree (``reference/`` above all) is dropped from the path, except the
    virtual environment when it happens to live inside the project.
    """
    from grader.course.paths import project_root as course_root

    root = os.path.realpath(project_root or course_root())
    env = os.path.realpath(sys.prefix)

    def allowed(entry: str) -> bool:
        if not entry or entry == ".":
            return False
        real = os.path.realpath(entry)
        inside = real == root or real.startswith(root + os.sep)
        return not inside or real == env or real.startswith(env + os.sep)

    sys.path[:] = [str(solution_dir)] + [p for p in sys.path if allowed(p)]
    for name in list(sys.modules):
        if name == "reference" or name.startswith(("reference.", "calcgrade_reference")):
            del sys.modules[name]


def describe_exception(exc: BaseException, solution_path: Path | None) -> str:
    """One line a student can act on: the exception and where in *their* file it arose."""
    try:
        text = str(exc)
    except Exception:  # a student exception whose __str__ itself fails
        text = ""
    text = text.strip().replace("\n", " ")
    if len(text) > 300:
        text = text[:300] + "…"
    name = type(exc).__name__
    if isinstance(exc, SystemExit):
        return "your code called sys.exit() (or raised SystemExit); return a value instead"
    if isinstance(exc, KeyboardInterrupt):
        return "your code raised KeyboardInterrupt"
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        return (f"your code printed more than {OUTPUT_LIMIT_BYTES // 1024} KiB of output; "
                "the sandbox stopped it (remove the print in a loop?)")
    where = ""
    if solution_path is not None:
        frames = [f for f in traceback.extract_tb(exc.__traceback__)
                  if Path(f.filename).name == solution_path.name]
        if isinstance(exc, SyntaxError) and exc.lineno:
            where = f" ({solution_path.name}, line {exc.lineno})"
        elif frames:
            f = frames[-1]
            where = f" ({solution_path.name}, line {f.lineno}, in {f.name})"
    return f"{name}: {text}{where}" if text else f"{name}{where}"


def import_solution(path: Path) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("solution", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    spec.loader.exec_module(module)
    return module


def run_checks(runnables: list[Any], inputs: list[Any], solution_path: Path | None, start: int,
               result_fd: int) -> None:
    """Import the student's file and run checks ``start:``, reporting each as a frame.

    ``inputs[i]``: runnable i's public inputs as the trusted side sent them (plain data).
    """
    global _OWNER_PID
    _OWNER_PID = os.getpid()
    # The host's warning filters (pytest turns warnings into errors) are not the student's:
    # a RuntimeWarning from an overflow must be a printed warning, not an exception.
    warnings.resetwarnings()
    warnings.simplefilter("default")
    if solution_path is None or not solution_path.is_file():
        _send(result_fd, {"event": "import_error", "status": "missing",
                          "message": "solution.py not found"})
        return
    t0 = time.perf_counter()
    try:
        module = import_solution(solution_path)
    except BaseException as exc:  # noqa: BLE001 - anything at import costs the exercise
        _flush()
        _send(result_fd, {"event": "import_error", "status": "error",
                          "message": "your solution.py could not be imported: "
                          + describe_exception(exc, solution_path)})
        return
    _flush()
    _send(result_fd, {"event": "imported", "duration": time.perf_counter() - t0})
    for index in range(start, len(runnables)):
        check = runnables[index]
        _flush()
        _send(result_fd, {"event": "start", "index": index, "output_at": _output_size()})
        message = _run_one(check, module, inputs[index], solution_path)
        _flush()
        message["index"] = index
        _send(result_fd, message)
    _send(result_fd, {"event": "done"})


class InputError(Exception):
    """The trusted side could not draw this check's inputs (a course bug, not the student's)."""


def _decode_inputs(tree: Any) -> dict:
    if tree is None:
        return {}
    if isinstance(tree, dict) and "__input_error__" in tree:
        raise InputError(str(tree["__input_error__"]))
    from grader.sandbox.inputs import decode_inputs

    return decode_inputs(tree)


def _output_size() -> int:
    try:
        return os.fstat(1).st_size
    except OSError:
        return 0


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001 - a student may have replaced or broken it
            pass


def _run_one(check: Any, module: Any, inputs_tree: Any, solution_path: Path) -> dict:
    missing = [f for f in check.required_functions if not callable(getattr(module, f, None))]
    if missing:
        return {"event": "result", "status": "missing", "duration": 0.0,
                "message": f"function {missing[0]}() is not defined in solution.py"}
    t0 = time.perf_counter()
    try:
        inputs = _decode_inputs(inputs_tree)
        value = check.run(module, inputs)
        duration = time.perf_counter() - t0
        encoded = plain.encode(value)
    except NotImplementedError:
        return {"event": "result", "status": "not_implemented",
                "duration": time.perf_counter() - t0,
                "message": f"{check.function}() is not implemented yet"}
    except plain.Unsupported as exc:
        return {"event": "result", "status": "unsupported", "duration": duration,
                "message": f"{check.function}() {exc}"}
    except InputError as exc:
        return {"event": "result", "status": "exception", "duration": 0.0,
                "message": f"internal grader error preparing this check's inputs ({exc})"}
    except MemoryError:
        return {"event": "result", "status": "exception", "duration": time.perf_counter() - t0,
                "message": "your code ran out of memory (the sandbox's memory limit)"}
    except BaseException as exc:  # noqa: BLE001 - report, never propagate
        return {"event": "result", "status": "exception", "duration": time.perf_counter() - t0,
                "message": describe_exception(exc, solution_path)}
    return {"event": "result", "status": "ok", "duration": duration, "value": encoded}
