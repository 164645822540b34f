"""The trusted side of the sandbox: the one way any command collects a student's answers.

:func:`collect` takes one request per student (which exercises, where their files are,
the public inputs the trusted side drew for each check) and a :class:`Policy` (process or
bubblewrap, how many at a time, what to hide), starts sandbox servers
(:mod:`grader.sandbox.server`, a fresh interpreter each, started by exec with an empty
environment and only its own pipes) and returns each student's raw results, re-validated
(:class:`~grader.sandbox.raw.RawResult`). ``check``, ``selftest``, ``grade`` at every
isolation level, Dask workers, ``bench --submission`` and the report figures all use it;
judging is the caller's, on the trusted side.

A server serves several students in turn (its start-up, ~1.5 s of imports, is paid once
per slot); each student gets a process of their own forked from it, isolated, in which
nothing of another student has ever been. In bubblewrap the server sees the run's
scratch folder read-only and each student's process hides it but for that student's
own folder, failing closed; where that cannot be done (no nested namespaces), every
student gets a bubblewrap sandbox of their own instead.
"""
from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from grader.sandbox import plain
from grader.sandbox.raw import RawResult
from grader.sandbox.xla import grading_xla_flags

STUDENT_BYTES = 96 * 1024 * 1024    # all of one student's raw results, on the wire
READY_TIMEOUT = 180.0               # a server's imports, on a loaded machine
ENV_PASSED = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES",
              "CALCGRADE_JAX_PLATFORMS", "XLA_PYTHON_CLIENT_PREALLOCATE")


@dataclass(frozen=True)
class Policy:
    """How and where student code runs. No module-level settings: each call says."""

    isolation: str = "process"                 # process | bwrap
    parallel: int = 1                          # servers at a time
    hidden: tuple[Path, ...] = ()              # folders no student may see (class, results)
    scratch_root: Path | None = None           # where the students' files were laid out
    cpus: float | None = None                  # CPU share of one server (cgroups, as root)
    shared: bool = True                        # bwrap: one server per slot (else one per student)
    jax_platforms: str | None = None           # e.g. "cuda" for bench on a GPU
    warm: bool = True                          # servers warm up before forking anyone
                                               # (server.warm_up: up to 18 % less CPU per student)
    compile_cache: Path | None = None          # watch: one student's JAX programs, kept
                                               # between its runs (never in a class run)
    xla_flags: str | None = None               # None: CALCGRADE_XLA_FLAGS, else the grading
                                               # flags (default_xla_flags); "" for XLA's
                                               # defaults (timing runs)


@dataclass
class ExerciseRequest:
    slug: str
    solution: Path | None
    limits: list[float]
    inputs: list[Any]
    memory_mb: int
    figure: bool = False
    kind: str = "checks"
    runnables: Any = None                      # kind != "checks": the provider's wire form
    only: list[int] | None = None              # run just these of the exercise's checks, in order

    def to_wire(self) -> dict[str, Any]:
        wire = {"slug": self.slug, "solution": str(self.solution) if self.solution else None,
                "limits": self.limits, "inputs": self.inputs, "memory_mb": self.memory_mb,
                "figure": self.figure, "kind": self.kind, "runnables": self.runnables}
        if self.only is not None:
            wire["only"] = self.only
        return wire


@dataclass
class StudentRequest:
    key: Any
    root: Path | None                          # the student's folder (bound into bwrap)
    exercises: list[ExerciseRequest]
    budget: float = 600.0                      # seconds for everything, then the server is ended


@dataclass
class ExerciseRaw:
    import_output: str = ""
    results: dict[int, RawResult] = field(default_factory=dict)


@dataclass
class StudentRaw:
    key: Any
    exercises: list[ExerciseRaw]
    failure: str = ""                          # why some results are missing, if any

    @classmethod
    def empty(cls, key: Any, count: int, failure: str = "") -> "StudentRaw":
        """No results yet (or ever, with ``failure`` saying why) for ``count`` exercises."""
        return cls(key, [ExerciseRaw() for _ in range(count)], failure)


def collect(requests: list[StudentRequest], policy: Policy,
            on_done: Callable[[StudentRaw], None] | None = None,
            servers: list[Any] | None = None, keep: bool = True,
            reuse: bool = False) -> dict[Any, StudentRaw]:
    """Every student's raw results, by request key (``on_done`` as each finishes).

    ``servers``: already started by :func:`start_servers` with the same policy.
    ``keep=False``: hand each student's results to ``on_done`` only, and keep none (a
    class run: its memory must not grow with the class).
    ``reuse=True`` (with ``servers``): servers left ready and idle at the end are not
    stopped but put back into ``servers``, for the next call (``calcgrade watch``: a
    warm server forks the next run's student process); the caller ends them with
    :func:`stop_servers`."""
    from grader.sandbox.harden import PR_SET_DUMPABLE, _libc

    try:  # no sandboxed process of the same user may read this one's memory or fds
        _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass
    out: dict[Any, StudentRaw] = {}

    def done(raw: StudentRaw) -> None:
        if keep:
            out[raw.key] = raw
        if on_done is not None:
            on_done(raw)

    pool = _Pool(requests, policy, done)
    for server in servers or []:
        pool._adopt(server)
    idle = pool.run(keep_idle=reuse and servers is not None)
    if reuse and servers is not None:
        servers[:] = idle
    return out


def stop_servers(servers: list[Any], keep: bool = True) -> None:
    """End servers kept by ``collect(..., reuse=True)`` (and all they forked); with
    ``keep``, those the process keeps between gradings go back to it instead
    (:mod:`grader.sandbox.keeper`)."""
    pool = _Pool([], Policy(), lambda raw: None, keep=keep)
    for server in servers:
        pool._adopt(server)
    pool.run()
    servers.clear()


def course_slugs(requests: list[StudentRequest]) -> list[str]:
    return sorted({e.slug for r in requests for e in r.exercises if e.kind == "checks"})


# -- servers -----------------------------------------------------------------------------

@dataclass
class _Server:
    proc: subprocess.Popen
    reader: plain.FrameReader
    shared: bool
    fd: int = -1                               # the server's stdout (results)
    ready: bool = False
    student: StudentRequest | None = None
    raw: StudentRaw | None = None
    received: int = 0
    deadline: float = 0.0
    broken: str = ""
    errors: Any = None                         # a temporary file with the server's stderr
    kind: Any = None                           # what it was started with, if it may be kept

    def last_error(self) -> str:
        if self.errors is None:
            return ""
        self.errors.seek(0, 2)
        self.errors.seek(max(0, self.errors.tell() - 2000))
        lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        return lines[-1][:300] if lines else ""



class _Pool:
    def __init__(self, requests: list[StudentRequest], policy: Policy,
                 done: Callable[[StudentRaw], None], keep: bool = True) -> None:
        self.keep = keep                       # idle servers may go back to the keeper
        self.queue = list(requests)
        self.policy = policy
        self.done = done
        self.slugs = course_slugs(requests)
        self.selector = selectors.DefaultSelector()
        self.servers: dict[int, _Server] = {}
        self.shared = policy.isolation != "bwrap" or policy.shared
        self.start_failures = 0

    def run(self, keep_idle: bool = False) -> list[_Server]:
        """Serve the queue; every server is ended after, but with ``keep_idle`` those
        ready, idle and alive, which are returned (unregistered from this pool)."""
        kept: list[_Server] = []
        try:
            while self.queue or any(s.student for s in self.servers.values()):
                self._fill()
                now = time.monotonic()
                deadlines = [s.deadline for s in self.servers.values()]
                wait = max(0.0, min(deadlines) - now) if deadlines else 1.0
                for key, _ in self.selector.select(min(wait, 1.0)):
                    server = self.servers.get(key.fd)
                    if server is not None:
                        self._read(server)
                self._enforce_deadlines()
        finally:
            for server in list(self.servers.values()):
                idle = server.ready and server.student is None and not server.broken \
                    and server.proc.poll() is None
                if idle and (keep_idle or self._keeps(server)):
                    self.selector.unregister(server.fd)
                    del self.servers[server.fd]
                    if keep_idle:
                        kept.append(server)
                    elif not self._keeper().put(server):
                        self._stop(server)
                else:
                    self._stop(server)
            self.selector.close()
        return kept

    def _keeps(self, server: _Server) -> bool:
        return self.keep and server.kind is not None and self._keeper().enabled()

    @staticmethod
    def _keeper() -> Any:
        from grader.sandbox.keeper import keeper

        return keeper()

    # -- starting ----------------------------------------------------------------
    def _fill(self) -> None:
        for server in [s for s in self.servers.values() if s.ready and s.student is None]:
            if not self.queue:
                break
            self._give(server, self.queue.pop(0))
        while self.queue and len(self.servers) < self.policy.parallel:
            starting = sum(1 for s in self.servers.values() if not s.ready)
            if self.shared and starting >= len(self.queue):
                break
            student = None if self.shared else self.queue.pop(0)
            try:
                server = self._start(student)
            except OSError as exc:
                self._give_up(f"the sandbox could not be started: {exc}", student)
                continue
            server.student = student

    def _give_up(self, why: str, student: StudentRequest | None = None) -> None:
        """Servers keep failing to start: every waiting student fails with the reason."""
        for s in ([student] if student else []) + self.queue:
            self.done(StudentRaw.empty(s.key, len(s.exercises), f"the sandbox failed: {why}"))
        self.queue.clear()

    def _start(self, student: StudentRequest | None) -> _Server:
        server = start_server(self.policy, self.slugs, shared=self.shared, student=student)
        self._adopt(server)
        return server

    def _adopt(self, server: _Server) -> None:
        self.servers[server.fd] = server
        self.selector.register(server.fd, selectors.EVENT_READ)

    def _give(self, server: _Server, student: StudentRequest) -> None:
        server.student = student
        server.raw = StudentRaw.empty(student.key, len(student.exercises))
        server.received = 0
        server.deadline = time.monotonic() + student.budget
        wire = {"key": 0, "root": str(student.root) if student.root else None,
                "exercises": [e.to_wire() for e in student.exercises]}
        if self.policy.isolation != "bwrap":  # this run's folders, hidden from its students
            wire["hidden"] = [str(p) for p in _hidden_for_run(self.policy)]
        self._send(server, {"student": wire})

    def _send(self, server: _Server, message: dict) -> None:
        try:
            plain.write_all(server.proc.stdin.fileno(), plain.frame(message))  # type: ignore[union-attr]
        except OSError as exc:
            server.broken = f"the sandbox could not be reached ({exc})"

    # -- reading -----------------------------------------------------------------
    def _read(self, server: _Server) -> None:
        try:
            chunk = os.read(server.fd, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            self._fail(server, server.broken or "the sandbox ended unexpectedly")
            return
        server.received += len(chunk)
        if server.student is not None and server.received > STUDENT_BYTES:
            self._fail(server, f"your answers came to more than {STUDENT_BYTES >> 20} MiB; "
                               "the sandbox stopped reading them")
            return
        for message in server.reader.feed(chunk):
            self._handle(server, message)
            if server.fd not in self.servers:
                return
        if server.reader.broken:
            self._fail(server, server.reader.broken)

    def _handle(self, server: _Server, msg: dict) -> None:
        event = msg.get("event")
        if event == "ready":
            if not msg.get("ok"):
                self._unusable(server, str(msg.get("why", ""))[:300])
                return
            server.ready = True
            server.deadline = time.monotonic() + 3600
            if server.student is not None and server.raw is None:  # one per student: its own
                student, server.student = server.student, None
                self._give(server, student)
            return
        if server.student is None or server.raw is None:
            self._fail(server, "the sandbox spoke out of turn")
            return
        if event == "exercise":
            index = msg.get("index")
            results = msg.get("results")
            if not isinstance(index, int) or not 0 <= index < len(server.raw.exercises) \
                    or not isinstance(results, dict):
                self._fail(server, "the sandbox sent a malformed message")
                return
            ex = server.raw.exercises[index]
            ex.import_output = str(msg.get("import_output", ""))[:4000]
            count = len(server.student.exercises[index].limits)
            for i, wire in results.items():
                if str(i).isdigit() and int(i) < count:
                    ex.results[int(i)] = RawResult.from_wire(wire)
        elif event == "end":
            raw, server.student, server.raw = server.raw, None, None
            if not msg.get("clean"):
                raw.failure = "the sandbox failed: " + str(msg.get("why", ""))[:300]
            self.done(raw)
            server.deadline = time.monotonic() + 3600
            if not msg.get("clean") or not self.shared:
                self._stop(server)  # a fresh server for whoever is next
        else:
            self._fail(server, "the sandbox sent an unknown message")

    # -- endings -----------------------------------------------------------------
    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for server in list(self.servers.values()):
            if now <= server.deadline:
                continue
            if server.student is not None and server.raw is not None:
                self._fail(server, f"grading took longer than {server.student.budget:.0f} s "
                                   "and was stopped")
            elif not server.ready:
                self._unusable(server, "the sandbox did not start in time")
            else:
                self._stop(server)

    def _fail(self, server: _Server, why: str) -> None:
        """The server broke while grading a student: that student's missing results
        say why; the server is ended (a fresh one serves the next student)."""
        student, raw = server.student, server.raw
        if not server.ready:
            why = f"{why}: {server.last_error()}" if server.last_error() else why
            self.start_failures += 1
        self._stop(server)
        if self.start_failures >= 3:
            self._give_up(f"the sandbox server could not start ({why})", student)
            return
        if student is None:
            return
        if not server.ready:  # it never ran anything of theirs: they wait for another
            self.queue.insert(0, student)
            return
        if raw is None:
            raw = StudentRaw.empty(student.key, len(student.exercises))
        raw.failure = raw.failure or f"the sandbox failed: {why}"
        self.done(raw)

    def _unusable(self, server: _Server, why: str) -> None:
        """A server that cannot isolate students: in bubblewrap, one sandbox per student
        from now on; otherwise its student (if any) fails with the reason."""
        student = server.student
        self._stop(server)
        if self.policy.isolation == "bwrap" and self.shared:
            self.shared = False
            if student is not None:
                self.queue.insert(0, student)
            return
        if student is not None:
            self.done(StudentRaw.empty(student.key, len(student.exercises),
                                       f"the sandbox failed: it could not start: {why}"))

    def _stop(self, server: _Server) -> None:
        from grader.sandbox.harden import release_cgroups

        if server.fd in self.servers:
            self.selector.unregister(server.fd)
            del self.servers[server.fd]
        proc = server.proc
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the server and everything it forked
            except (ProcessLookupError, PermissionError):
                proc.kill()
        proc.wait()
        if server.errors is not None:
            server.errors.close()
        release_cgroups(f"{CGROUP_PREFIX}-{proc.pid}")


CGROUP_PREFIX = "calcgrade-server"


def start_servers(policy: Policy, slugs: list[str], count: int) -> list[_Server]:
    """Start ``count`` shared servers now (their imports overlap the caller's own work,
    e.g. drawing the inputs); hand them to :func:`collect` with ``servers=``."""
    return [start_server(policy, slugs, shared=True) for _ in range(max(0, count))]


def start_server(policy: Policy, slugs: list[str], *, shared: bool = True,
                 student: StudentRequest | None = None) -> _Server:
    """One sandbox server, started by exec and sent its configuration (not yet ready);
    or one this process kept ready from an earlier grading (:mod:`grader.sandbox.keeper`)."""
    from grader.course.paths import project_root
    from grader.sandbox.keeper import keeper, may_keep

    # a server that may be kept is of one kind per course and policy: the next grading of
    # any exercise takes it (and loads that exercise the first time: server.load_exercises)
    keep = shared and policy.isolation != "bwrap" and may_keep()
    config: dict[str, Any] = {"course_root": str(project_root()), "slugs": slugs,
                              "namespaces": True, "strict": False, "warm": policy.warm}
    if policy.compile_cache is not None:
        config["compile_cache"] = str(policy.compile_cache)
    # -s -E would drop PYTHONHASHSEED; the environment is ours alone anyway (see below)
    argv = [sys.executable, "-s", "-m", "grader.sandbox.server"]
    if policy.isolation == "bwrap":
        from grader.sandbox.isolation import bwrap_argv

        if shared:
            dirs = [policy.scratch_root] if policy.scratch_root else []
            uid, gid = os.getuid() or 1000, os.getgid() or 1000
            prefix = bwrap_argv(dirs, slugs=slugs, user=(uid, gid), env=_jax_env(policy))
            config.update(strict=True, hidden=[str(d) for d in dirs])
        else:
            dirs = [student.root] if student and student.root else []
            prefix = bwrap_argv(dirs, slugs=slugs, env=_jax_env(policy))
            config["namespaces"] = False  # bubblewrap made them
        argv = prefix + argv
    else:
        config["hidden"] = [str(p) for p in _hidden_for_process()]
        config["keep"] = [str(p) for p in _kept_for_process()]
    launcher = _cgroups(policy)
    kind = _kind(launcher + argv, policy, config, _whole_course(slugs)) if keep else None
    if kind is not None and (kept := keeper().take(kind)) is not None:
        kept.deadline = time.monotonic() + 3600
        return kept
    errors = tempfile.TemporaryFile()  # the server's own errors, for the message
    try:
        proc = subprocess.Popen(launcher + argv, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=errors, env=_environment(policy),
                                close_fds=True, start_new_session=True, cwd="/")
    except OSError:
        errors.close()
        raise
    assert proc.stdout is not None and proc.stdin is not None
    server = _Server(proc, plain.FrameReader(max_frame=STUDENT_BYTES), shared, proc.stdout.fileno(), errors=errors,
                     deadline=time.monotonic() + READY_TIMEOUT, kind=kind)
    os.set_blocking(server.fd, False)
    try:
        plain.write_all(proc.stdin.fileno(), plain.frame({"config": config}))
    except OSError as exc:
        server.broken = f"the sandbox could not be reached ({exc})"
    return server


def _cgroups(policy: Policy) -> list[str]:
    from grader.course.spec import DEFAULT_MEMORY_MB
    from grader.sandbox.harden import cgroup_launcher, student_tasks

    return cgroup_launcher(CGROUP_PREFIX, tasks=student_tasks(), cpus=policy.cpus,
                           memory_mb=DEFAULT_MEMORY_MB * 2 + 1024)


def _jax_env(policy: Policy) -> dict[str, str]:
    """JAX's settings in the sandbox: float64, the platform, the grading compiler flags."""
    env = {"JAX_ENABLE_X64": "1",
           "JAX_PLATFORMS": policy.jax_platforms or os.environ.get("CALCGRADE_JAX_PLATFORMS", "cpu")}
    flags = policy.xla_flags
    if flags is None:
        flags = grading_xla_flags()
    if flags:
        env["XLA_FLAGS"] = flags
    return env


def _environment(policy: Policy) -> dict[str, str]:
    """The server's whole environment: nothing of the caller's but a few settings."""
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1",
           "PYTHONHASHSEED": "0",  # the same hashing, so the same run, every time
           "TMPDIR": "/tmp", **_jax_env(policy)}
    for name in ENV_PASSED:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _hidden_for_process() -> list[Path]:
    """What every student's process hides in process isolation: the whole checkout (the
    reference, the sample class, git history …), the homes (kept bits bound back) and the
    check server's runtime folder (its socket)."""
    from grader.course.paths import project_root, runtime_dir

    hidden = [project_root()] + [p for p in (Path("/root"), Path("/home")) if p.is_dir()]
    hidden.append(runtime_dir())  # the check server's socket: student code must not reach it
    return [p.resolve() for p in hidden]


def _hidden_for_run(policy: Policy) -> list[Path]:
    """What this run's students also must not see: the class, the results, the scratch
    (sent with each student, so a server kept from an earlier run hides them too)."""
    hidden = [*policy.hidden] + ([policy.scratch_root] if policy.scratch_root else [])
    return [Path(p).resolve() for p in hidden]


def _whole_course(slugs: list[str]) -> list[str]:
    """The course's exercises (and ``slugs``): what a server that may be kept serves, so
    that it serves a grading of any of them (a server of one exercise's kind served only
    that exercise's gradings, and a process checking 01, then 02, then 03 started three).
    It loads them as their students come, not at its start: preloading all of them cost
    every server SciPy's optimiser (~0.55 s) for 07 and 08 whatever it graded."""
    from grader.course.spec import all_slugs

    try:
        return sorted(set(all_slugs()) | set(slugs))
    except OSError:
        return slugs


def _kind(command: list[str], policy: Policy, config: dict[str, Any], slugs: list[str]) -> Any:
    """Everything a server is started with: two servers of one kind are interchangeable."""
    import json

    from grader.course.paths import exercises_dir

    loaded = []
    for slug in slugs:
        try:
            st = (exercises_dir() / slug / "checks.py").stat()
            loaded.append((slug, st.st_size, st.st_mtime_ns))
        except OSError:
            loaded.append((slug, None, None))
    started_with = {k: v for k, v in config.items() if k != "slugs"}  # loaded as they come
    return (tuple(command), json.dumps(started_with, sort_keys=True, default=str),
            tuple(sorted(_environment(policy).items())), tuple(loaded), sys.executable)


def _kept_for_process() -> list[Path]:
    """What stays visible inside a hidden checkout: the grader itself, the public
    exercise declarations and stubs, the interpreter and its packages."""
    import grader
    from grader.course.paths import exercises_dir

    kept = {Path(grader.__file__).resolve().parent, exercises_dir().resolve(),
            Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve(),
            Path(os.path.realpath(sys.executable)).parent.parent}
    return sorted(kept)
