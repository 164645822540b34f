"""``calcgrade ARGS`` run by a release bundle's own copy of the grader, in one process.

A bundle's check must run the bundle's ``grader/`` package, never this checkout's, so it
needs a process whose current folder is the bundle. Each ``python -m grader check`` of
its own costs about a second of imports and a fresh sandbox server (another second and
a half); the release tests ran ~25 of them. :class:`BundleProcess` starts one process in
the bundle and runs every command there, as :mod:`inprocess` runs the checkout's own
commands in the test process: through the bundle's ``grader.cli.main.exit_code``, with
the working folder, environment and streams of the call put back afterwards, the sandbox
servers kept between commands (``CALCGRADE_KEEP_SERVERS``). The driver imports nothing
of this checkout (it checks that the grader it runs is the bundle's).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

_DRIVER = r"""
import json, os, sys
sys.path.append(sys.argv[1])  # tests/: inprocess.py (it imports the grader lazily)
import grader
if not os.path.realpath(grader.__file__).startswith(os.path.realpath(os.getcwd()) + os.sep):
    sys.exit(f"not the bundle's grader: {grader.__file__}")
import inprocess
from grader.judge.engine import Submission, grade
from pathlib import Path
out = os.fdopen(os.dup(1), "w")
os.dup2(2, 1)  # a stray write to fd 1 goes to stderr, not into the replies
for line in sys.stdin:
    req = json.loads(line)
    if "grade" in req:
        seed, paths = req["grade"]
        subs = [Submission.from_dir(Path(p), name=Path(p).name) for p in paths]
        reply = {"docs": [r.to_dict() for r in grade(subs, seed=seed)]}
    else:
        run = inprocess.calcgrade(req["argv"], cwd=req.get("cwd"))
        reply = {"rc": run.returncode, "stdout": run.stdout, "stderr": run.stderr}
    out.write(json.dumps(reply) + "\n")
    out.flush()
"""


def without_calcgrade_settings(*keep: str) -> dict[str, str]:
    """This environment without its ``CALCGRADE_*`` variables but those in ``keep``: what
    a student's or an instructor's shell would have, not the suite's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith("CALCGRADE_") or k in keep}


class BundleProcess:
    """One process of the bundle's grader, cwd the bundle, this environment without
    ``CALCGRADE_*``; commands run one at a time."""

    def __init__(self, bundle: Path) -> None:
        base = without_calcgrade_settings()
        base.update(PYTHONPATH=str(bundle), CALCGRADE_KEEP_SERVERS="1")
        self.bundle = bundle
        self.proc = subprocess.Popen([sys.executable, "-c", _DRIVER, str(TESTS)], cwd=bundle,
                                     env=base, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)

    def _ask(self, request: dict) -> dict:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, f"the bundle's process ended (exit status {self.proc.poll()})"
        return json.loads(line)

    def calcgrade(self, *args: str | os.PathLike, cwd: Path | None = None
                  ) -> subprocess.CompletedProcess:
        """``python -m grader ARGS`` in the bundle (``cwd``: the bundle unless said)."""
        argv = [os.fspath(a) for a in args]
        reply = self._ask({"argv": argv, "cwd": os.fspath(cwd or self.bundle)})
        return subprocess.CompletedProcess(["calcgrade", *argv], reply["rc"], reply["stdout"],
                                           reply["stderr"])

    def grade(self, seed: int, paths: list[Path]) -> list[dict]:
        """The results documents of ``paths`` graded by the bundle's engine, one batch."""
        return self._ask({"grade": [seed, [os.fspath(p) for p in paths]]})["docs"]

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()
