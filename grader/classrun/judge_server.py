"""Long-lived judges for a class run: trusted processes that judge raw sandbox results.

Judging runs JAX and loads the references; a process that has done so must not fork,
and a fresh process pays ~1.5 s of imports plus cold JAX compilation for every student
(measured: 4.8 s to judge a ten-exercise submission cold, 1.1-1.3 s warm). So a class
run starts ``jobs`` judges once (``python -m grader.classrun.judge_server``), each a plain loop:
read one request (a student's raw results, plain JSON), judge it with
:func:`grader.classrun.worker.judge_raw`, write the results document. Frames are an 8-byte
length and JSON. A judge that dies or hangs is replaced; the student it was judging is
reported as not graded (a rerun retries).
"""
from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from grader.sandbox.plain import write_all

JUDGE_TIME_LIMIT = 600.0  # seconds for one student's judging before the judge is replaced


def write_frame(fd: int, message: Any) -> None:
    body = json.dumps(message).encode()
    write_all(fd, struct.pack(">Q", len(body)) + body)


def frame_body(data: bytes | bytearray) -> bytes | None:
    """The body of the frame ``data`` starts with, once all of it has arrived."""
    if len(data) < 8:
        return None
    (size,) = struct.unpack(">Q", data[:8])
    return bytes(data[8:8 + size]) if len(data) >= 8 + size else None


def read_frame(stream: Any) -> Any | None:
    head = stream.read(8)
    if len(head) < 8:
        return None
    (size,) = struct.unpack(">Q", head)
    body = stream.read(size)
    if len(body) < size:
        return None
    return json.loads(body)


def serve() -> None:
    """The judge's loop (stdin → stdout), until stdin closes."""
    from grader.classrun.worker import judge_raw
    from grader.sandbox.collector import configure_jax

    configure_jax()
    out = sys.stdout.fileno()
    sys.stdout = sys.stderr  # nothing but frames may reach the parent's pipe
    while True:
        request = read_frame(sys.stdin.buffer)
        if request is None:
            return
        try:
            reply: dict[str, Any] = {"results": judge_raw(request)}
        except Exception as exc:  # noqa: BLE001 - a grader bug costs one student, not the run
            reply = {"failure": f"judging failed: {type(exc).__name__}: {exc}"}
        write_frame(out, reply)


@dataclass
class Judge:
    """The parent's handle on one judge process."""

    proc: subprocess.Popen
    busy: Any = None                  # the task being judged, if any
    deadline: float = 0.0
    data: bytearray = field(default_factory=bytearray)

    @property
    def fd(self) -> int:
        assert self.proc.stdout is not None
        return self.proc.stdout.fileno()

    @classmethod
    def start(cls) -> "Judge":
        parent = os.getpid()

        def die_with_parent() -> None:
            from grader.sandbox.harden import die_with_parent as pdeathsig

            pdeathsig(parent)

        proc = subprocess.Popen([sys.executable, "-m", "grader.classrun.judge_server"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                preexec_fn=die_with_parent)
        os.set_blocking(proc.stdout.fileno(), False)  # type: ignore[union-attr]
        return cls(proc)

    def send(self, task: Any, request: dict) -> None:
        assert self.proc.stdin is not None
        self.busy = task
        self.deadline = time.monotonic() + JUDGE_TIME_LIMIT
        self.data.clear()
        write_frame(self.proc.stdin.fileno(), request)

    def feed(self, chunk: bytes) -> dict | None:
        """Bytes from the judge; the reply once complete."""
        self.data += chunk
        body = frame_body(self.data)
        if body is None:
            return None
        reply = json.loads(body)
        self.data.clear()
        self.busy = None
        return reply

    def stop(self, kill: bool = False) -> None:
        try:
            if kill:
                self.proc.send_signal(signal.SIGKILL)
            elif self.proc.stdin is not None:
                self.proc.stdin.close()
            self.proc.wait(timeout=None if kill else 10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()


if __name__ == "__main__":
    serve()
