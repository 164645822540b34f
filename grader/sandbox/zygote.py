"""One bubblewrap sandbox per grading slot, reused student after student (a zygote).

Starting bubblewrap is cheap; starting Python in it and importing NumPy, SymPy, SciPy
and JAX for every student is not (about 2 s of CPU each: see benchmarks/RESULTS.md). So
a class run in bwrap isolation keeps one long-lived sandbox per slot that imports once,
draws the hidden inputs once, and forks a process per student. The sandbox itself sees
what :func:`grader.sandbox.isolation.bwrap_argv` gives any sandbox (system, Python, the grader,
the graded exercises' ``checks.py``) plus, read-only, the run's scratch root, which holds
the copies of the students being graded — never ``reference/``, the class folder or the
results. Each student's process first makes namespaces of its own
(:func:`grader.sandbox.harden.isolate_student`): the scratch root empty but for its own
folder, everything read-only but a private tmpfs, no capabilities left. Then it runs the
student's exercises exactly as process isolation does (chained, per-check limits).

Between students:

* the zygote is not dumpable, so a student can neither read its memory nor reach its
  (unhidden) filesystem through ``/proc/<pid>/root``;
* a student who leaves a process behind gets the whole sandbox replaced: the zygote says
  it is unclean and exits, its PID namespace dies with it, and the pool starts another;
* it fails closed: a student whose namespaces cannot be made runs nothing here and is
  graded in a sandbox of its own (one bubblewrap per student, the slower way).

Protocol. stdin carries 8-byte frames from the trusted side
(:func:`grader.classrun.judge_server.write_frame`); stdout carries plain frames
(:func:`grader.sandbox.plain.frame`). Once, after a self-test: ``{"ready": bool, "why": str}``.
Per request ``{"jobs": [...], "student": DIR}``: one result message per job (as
:mod:`grader.sandbox.server` writes them), then ``{"end": true, "clean": bool,
"isolated": bool, "why": str}``.
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from grader.sandbox import plain

PR_SET_DUMPABLE = 4
SANDBOX_ID = 1000  # uid/gid inside when the grader is root (a nested map of 0 is refused)
READY_TIMEOUT = 120.0
CGROUP_PREFIX = "calcgrade-zygote"  # + the pid: a task cap and a CPU share, as root
DISABLE_ENV = "CALCGRADE_BWRAP_ZYGOTE"  # "0": one bubblewrap per student, as before


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "1") != "0"


# -- the trusted side --------------------------------------------------------------------

class Zygote:
    """A started zygote, seen from the grading pool (and from the collector it lends to)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self.reader = plain.FrameReader()
        self.ready: bool | None = None
        self.state = "unused"  # after grade(): ok | restart | unavailable
        self.why = ""
        self._pending: list[dict] = []

    @classmethod
    def start(cls, scratch_root: Path, slugs: list[str], *, seed: int, figures: bool,
              cpus: float | None = None) -> "Zygote":
        from grader.sandbox.harden import cgroup_launcher, student_tasks
        from grader.sandbox.isolation import bwrap_argv

        uid = os.getuid() or SANDBOX_ID
        gid = os.getgid() or SANDBOX_ID
        argv = bwrap_argv([scratch_root], slugs=slugs, user=(uid, gid))
        config = {"scratch_root": str(scratch_root), "slugs": slugs, "seed": seed,
                  "figures": figures}
        argv += [sys.executable, "-m", "grader.sandbox.zygote", json.dumps(config)]
        launcher = cgroup_launcher(CGROUP_PREFIX, tasks=student_tasks(), cpus=cpus)
        proc = subprocess.Popen(launcher + argv, stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return cls(proc)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        from grader.sandbox.harden import release_cgroups

        if self.proc.poll() is None:
            self.proc.kill()  # bubblewrap's init dies with it, and every process inside
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        release_cgroups(_cgroup_name(self.proc.pid))

    def grade(self, jobs: list, student: Path) -> bool:
        """In a collector: run one student's ``jobs`` here; True when their results were
        filled. Otherwise ``state``/``why`` say why and the caller grades them another way.
        """
        from grader.classrun.judge_server import write_frame
        from grader.sandbox.server import apply_messages, job_to_wire

        self.state = "restart"
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if self.ready is None:
            first = self._next(timeout=READY_TIMEOUT)
            self.ready = bool(first and first.get("ready"))
            if not self.ready:
                self.state, self.why = "unavailable", str((first or {}).get("why")
                                                          or "the sandbox did not start")
                return False
        try:
            write_frame(self.proc.stdin.fileno(),
                        {"jobs": [job_to_wire(j) for j in jobs], "student": str(student)})
        except OSError as exc:
            self.why = f"the sandbox is gone ({exc})"
            return False
        messages = []
        while True:
            message = self._next()
            if message is None:
                self.why = "the sandbox ended in the middle of a student"
                return False
            if message.get("end"):
                break
            messages.append(message)
        if not message.get("isolated"):
            self.state, self.why = "unavailable", str(message.get("why", ""))
            return False
        self.state = "ok" if message.get("clean") else "restart"
        self.why = str(message.get("why", ""))
        apply_messages(jobs, messages, self.why or "no results came back")
        return True

    def _next(self, timeout: float | None = None) -> dict | None:
        """The next message; None when the zygote ended, broke the protocol or, with
        ``timeout``, said nothing for that long."""
        fd = self.proc.stdout.fileno()  # type: ignore[union-attr]
        while not self._pending:
            if timeout is not None and not select.select([fd], [], [], timeout)[0]:
                return None
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return None
            self._pending.extend(self.reader.feed(chunk))
            if self.reader.broken:
                return None
        return self._pending.pop(0)


def _cgroup_name(pid: int) -> str:
    return f"{CGROUP_PREFIX}-{pid}"  # as sandbox_harden.cgroup_launcher names it


# -- inside the sandbox ------------------------------------------------------------------

def serve(config: dict[str, Any]) -> None:
    from grader.classrun.judge_server import read_frame
    from grader.course.spec import load_exercise, prepare_inputs
    from grader.sandbox.collector import preload
    from grader.sandbox.harden import _libc

    out = sys.stdout.fileno()
    _libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    scratch_root = Path(config["scratch_root"])
    exercises = [load_exercise(s) for s in config["slugs"]]
    preload(sorted({m for ex in exercises for m in ex.preload}))
    prepare_inputs(exercises, int(config["seed"]), bool(config["figures"]))
    why = _self_test(scratch_root)
    plain.send(out, {"ready": why is None, "why": why or ""})
    if why is not None:
        return
    while True:
        request = read_frame(sys.stdin.buffer)
        if request is None:
            return
        messages, end = _run_student(request, scratch_root)
        for message in messages:
            plain.send(out, message)
        plain.send(out, end)
        if not end["clean"]:
            return


def _self_test(scratch_root: Path) -> str | None:
    """Whether a student's process can be isolated here (forks a throwaway one)."""
    data, status = _fork_isolated(scratch_root, None, lambda write_fd: None)
    text = data.decode("utf-8", "replace")
    if text.startswith("isolated"):
        return None
    return text or f"the self-test process ended with status {status}"


def _run_student(request: dict[str, Any], scratch_root: Path) -> tuple[list[dict], dict]:
    from grader.sandbox.chain import collect_chained
    from grader.sandbox.server import jobs_from_wire, result_messages

    jobs = jobs_from_wire(request)

    def run(write_fd: int) -> None:
        collect_chained(jobs, workdir=Path.cwd())
        for message in result_messages(jobs):
            plain.send(write_fd, message)

    data, status = _fork_isolated(scratch_root, Path(request["student"]), run)
    end: dict[str, Any] = {"end": True, "clean": True, "isolated": True, "why": ""}
    if data.startswith(b"isolated"):
        data = data[len(b"isolated"):]
    else:  # nothing of the student's ran: the caller grades it elsewhere
        end.update(isolated=False, why=data.decode("utf-8", "replace")[:500])
        return [], end
    reader = plain.FrameReader()
    messages = [m for m in reader.feed(data) if "key" in m]
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0 or reader.broken:
        end.update(clean=False, why=f"the student's sandbox process ended badly ({status})")
    elif _strays():
        end.update(clean=False, why="a process was left behind; the sandbox is replaced")
    return messages, end


def _fork_isolated(scratch_root: Path, student: Path | None, run: Any) -> tuple[bytes, int]:
    """Fork a process that isolates itself, writes ``isolated`` (or why not), then calls
    ``run(write_fd)`` in its private scratch folder. What it wrote, and its wait status."""
    from grader.sandbox.harden import isolate_student

    read_fd, write_fd = os.pipe()
    scratch = Path(tempfile.mkdtemp(prefix="student-"))  # made before the namespaces
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.close(read_fd)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1):  # the zygote's own pipes to the trusted side
                os.dup2(devnull, fd)
            try:
                isolate_student(scratch, student or scratch, [scratch_root])
            except OSError as exc:
                plain.write_all(write_fd, f"could not isolate the student: {exc}".encode())
                os._exit(0)
            plain.write_all(write_fd, b"isolated")
            os.chdir(scratch)
            run(write_fd)
            code = 0
        finally:
            os._exit(code)
    os.close(write_fd)
    try:
        return _drain(read_fd, pid)
    finally:
        try:
            scratch.rmdir()  # the child's tmpfs lived in its own namespace, not here
        except OSError:
            pass


def _drain(fd: int, pid: int) -> tuple[bytes, int]:
    """All the child wrote, and its wait status. A process the student left behind may
    hold the pipe open, so this stops at the child's exit, not at end of file."""
    data = bytearray()
    os.set_blocking(fd, False)
    status: int | None = None
    while True:
        ready, _, _ = select.select([fd], [], [], 0.05)
        chunk = _read_some(fd) if ready else b""
        if chunk is None:  # end of file: every writer is gone
            break
        data += chunk
        if status is None:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                status = wait_status
        if status is not None and not chunk:
            while (chunk := _read_some(fd)):
                data += chunk
            break
    if status is None:
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return bytes(data), status


def _read_some(fd: int) -> bytes | None:
    """Bytes available now (b"" if none yet); None at end of file."""
    try:
        chunk = os.read(fd, 1 << 20)
    except BlockingIOError:
        return b""
    return chunk or None


def _strays(patience: float = 0.5) -> list[int]:
    """Processes in this sandbox other than its init (1) and the zygote, after a short
    wait for killed ones to be reaped."""
    deadline = time.monotonic() + patience
    while True:
        me = os.getpid()
        found = [int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.02)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the pool stops us
    serve(json.loads(args[0]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
