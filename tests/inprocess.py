"""``calcgrade ARGS`` run inside the test process, answered as ``subprocess.run`` would.

A CLI subprocess costs a test about a second of imports (Click, NumPy, SymPy, JAX) and a
fresh sandbox server (another second and a half of imports) before it grades anything;
the suite started ~160 of them. Run here, a command reuses what this process already
imported and the sandbox servers it keeps between gradings (``CALCGRADE_KEEP_SERVERS``,
:mod:`grader.sandbox.keeper`), and grades exactly as the console script does: it goes
through the same :func:`grader.cli.main.exit_code` that the check server runs its
clients' checks with, with the working folder, the environment and the standard streams
of the call and every one of them put back afterwards.

What still needs a real process keeps one: exit by signal, Ctrl-C, a killed run, an
installed console script, a release bundle's own copy of the grader, a check server.
"""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence

from click.testing import CliRunner


@contextlib.contextmanager
def _in_folder(cwd: str | os.PathLike | None) -> Iterator[None]:
    if cwd is None:
        yield
        return
    before = os.getcwd()
    os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(before)


def _overrides(env: Mapping[str, str] | None) -> dict[str, str | None]:
    """What to set (and unset: None) so that ``os.environ`` is exactly ``env``."""
    if env is None:
        return {}
    wanted = {str(k): str(v) for k, v in env.items()}
    return {**{k: None for k in os.environ if k not in wanted}, **wanted}


def calcgrade(args: Sequence[str | os.PathLike], *, cwd: str | os.PathLike | None = None,
              env: Mapping[str, str] | None = None, input: str | None = None,
              timeout: float | None = None) -> subprocess.CompletedProcess:
    """``subprocess.run(["calcgrade", *args], cwd=cwd, env=env, input=input,
    capture_output=True, text=True)``, in this process. ``timeout`` is accepted for the
    callers' sake and not enforced (the sandbox's own limits bound every grading).
    An exception that escapes the CLI is written to stderr as its traceback, exit
    status 1, as the interpreter would."""
    from grader.cli.main import exit_code

    argv = [os.fspath(a) for a in args]
    runner = CliRunner()
    with _in_folder(cwd), runner.isolation(input=input, env=_overrides(env)) as (out, err, _):
        try:
            code = exit_code(argv)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: BLE001 - what an uncaught exception does to a process
            traceback.print_exc(file=sys.stderr)
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    return subprocess.CompletedProcess(["calcgrade", *argv], code, stdout, stderr)

