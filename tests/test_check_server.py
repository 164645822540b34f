"""The warm check server (grader/cli/check_server*.py): the same output and exit code as
an in-process check, never stale, private to its user, out of the students' reach.

Whole processes, as a student runs them, with a private runtime folder (never the
user's real one) and the server turned on explicitly (the suite turns it off in
conftest.py); every server started here is stopped at the end.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from grader.cli import check_server_wire as wire

ROOT = Path(__file__).resolve().parent.parent
SLUG = "01_derivative"
WRONG = ("    return np.broadcast_to(change / (2 * dx), x.shape).copy()",
         "    return np.broadcast_to(change / dx, x.shape).copy()  # wrong on purpose")


def _env(rt: Path, server: str = "1", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    env.update({"CALCGRADE_RUNTIME_DIR": str(rt), "CALCGRADE_CHECK_SERVER": server,
                "CALCGRADE_CHECK_SERVER_IDLE": "300"}, **extra)
    return env


def _check(rt: Path, sub: Path, *args: str, server: str = "1", **extra: str):
    return subprocess.run([sys.executable, "-m", "grader", "--course", str(ROOT),
                           "check", SLUG, "--submission", str(sub), "--seed", "5", *args],
                          cwd=sub.parent, env=_env(rt, server, **extra), capture_output=True,
                          text=True, timeout=300)


def _ask(path: Path, op: str = "status") -> dict | None:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(10)
    try:
        conn.connect(str(path))
        wire.send_json(conn, {"op": op})
        kind, payload = wire.recv_frame(conn)
        return json.loads(payload) if kind == b"S" else None
    except (OSError, EOFError):
        return None
    finally:
        conn.close()


def _servers(rt: Path) -> dict[Path, dict]:
    out = {}
    for path in sorted(rt.glob("check-*.sock")):
        info = _ask(path)
        if info is not None:
            out[path] = info
    return out


def _wait(predicate, what: str, limit: int = 600):
    for _ in range(limit):  # polls (0.2 s apart), not a timing
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"gave up waiting for {what}")


def _normal(text: str) -> str:
    """Output without the run's time and durations (``· 3.4 s``, JSON ``duration``)."""
    text = re.sub(r"\d{4}-\d\d-\d\dT[0-9:.]+(\+00:00|Z)?", "TIME", text)
    text = re.sub(r"\d+(\.\d+)? s\b", "T s", text)
    return re.sub(r'"duration(_s)?": [0-9.e-]+', '"duration": 0', text)


def _folder(base: Path, name: str, text: str) -> Path:
    sub = base / name
    (sub / SLUG).mkdir(parents=True)
    (sub / SLUG / "solution.py").write_text(text)
    return sub


@pytest.fixture(scope="module")
def world():
    """A private runtime folder, submissions, and a server started by a first check."""
    base = Path(tempfile.mkdtemp(prefix="cgcs-"))
    rt = base / "rt"
    reference = (ROOT / "reference" / f"{SLUG}.py").read_text()
    assert WRONG[0] in reference
    subs = {"ref": _folder(base, "ref", reference),
            "stub": _folder(base, "stub", (ROOT / "exercises" / SLUG / "solution.py").read_text()),
            "wrong": _folder(base, "wrong", reference.replace(*WRONG))}
    for _ in range(3):  # a grader file edited while it starts: that server gives up
        first = _check(rt, subs["ref"])  # cold: checked in-process, the server starts
        assert first.returncode == 0, first.stderr
        logs = lambda: "".join(p.read_text() for p in rt.glob("*.log"))  # noqa: E731
        _wait(lambda: _servers(rt) or "changed while" in logs(), "the check server")
        if _servers(rt):
            break
    assert _servers(rt), logs()
    yield base, rt, subs
    for path in rt.glob("check-*.sock"):
        _ask(path, "stop")
    shutil.rmtree(base, ignore_errors=True)


def _served_count(rt: Path) -> int:
    return sum(info["served"] for info in _servers(rt).values())


@pytest.mark.parametrize("name, args, code", [("ref", (), 0), ("stub", ("--quiet",), 1),
                                              ("wrong", ("--format", "json"), 1)])
def test_served_check_is_the_in_process_check(world, name, args, code):
    base, rt, subs = world
    before = _served_count(rt)
    served = _check(rt, subs[name], *args)
    assert _served_count(rt) == before + 1, "the check was not served"
    local = _check(rt, subs[name], *args, server="0")
    assert (served.returncode, local.returncode) == (code, code)
    assert _normal(served.stdout) == _normal(local.stdout)
    assert _normal(served.stderr) == _normal(local.stderr)


def test_an_edit_between_two_served_checks_is_graded(world):
    base, rt, subs = world
    sub = _folder(base, "edited", subs["wrong"].joinpath(SLUG, "solution.py").read_text())
    before = _served_count(rt)
    assert _check(rt, sub, "--quiet").returncode == 1
    (sub / SLUG / "solution.py").write_text(subs["ref"].joinpath(SLUG, "solution.py").read_text())
    again = _check(rt, sub, "--quiet")
    assert again.returncode == 0, again.stdout
    assert _served_count(rt) == before + 2


def test_another_identity_starts_another_server_which_ends_when_idle(world):
    base, rt, subs = world
    known = set(_servers(rt))
    logs = set(rt.glob("*.log"))
    # an import-time variable differs, as a grader edit would change the code stamp
    run = _check(rt, subs["ref"], "--quiet", JAX_CALCGRADE_TEST="1",
                 CALCGRADE_CHECK_SERVER_IDLE="3")
    assert run.returncode == 0
    new = _wait(lambda: set(rt.glob("*.log")) - logs, "a second server's log")
    assert len(new) == 1
    log = new.pop()
    _wait(lambda: "ended after 0 checks" in log.read_text(), "the idle server to end")
    assert "serving" in log.read_text(), log.read_text()
    assert not log.with_suffix(".sock").exists()
    assert set(_servers(rt)) == known  # the first one still serves


def test_ctrl_c_interrupts_the_served_check_and_the_server_stays(world):
    base, rt, subs = world
    loop = subs["ref"].joinpath(SLUG, "solution.py").read_text() + \
        "\n\ndef symbolic_derivative():\n    while True:\n        pass\n"
    sub = _folder(base, "loop", loop)
    before = _served_count(rt)
    proc = subprocess.Popen([sys.executable, "-m", "grader", "--course", str(ROOT),
                             "check", SLUG, "--submission", str(sub)], cwd=base,
                            env=_env(rt), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    first = proc.stderr.readline()  # the server says the course: the check has begun
    assert first.startswith(b"course:")
    _wait(lambda: any(i["busy"] for i in _servers(rt).values()), "the served check")
    time.sleep(1)  # into the student's run
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1 and b"Aborted!" in err  # as an in-process check
    assert b"Traceback" not in err
    assert _check(rt, subs["ref"], "--quiet").returncode == 0  # still serving, warm
    assert _served_count(rt) == before + 2


def test_a_hostile_student_cannot_see_or_reach_the_socket(world):
    base, rt, subs = world
    probe = f'''
import os as _os, socket as _socket

def _saw():
    seen = []
    try:
        seen += _os.listdir({str(rt)!r})
    except OSError:
        pass
    for name in seen + ["x"]:
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            s.connect(_os.path.join({str(rt)!r}, name))
            seen.append("connected " + name)
        except OSError:
            pass
        finally:
            s.close()
    return seen

_rate = rate_of_change

def rate_of_change(f, x, dx=1e-6):
    if _saw():
        return 0 * _rate(f, x, dx)  # wrong: what it saw shows up as a failed check
    return _rate(f, x, dx)
'''
    text = subs["ref"].joinpath(SLUG, "solution.py").read_text() + probe
    sub = _folder(base, "hostile", text)
    # the control: outside the sandbox the same probe sees and reaches the socket
    control = subprocess.run([sys.executable, "-c", probe.split("_rate =")[0] +
                              "\nprint(_saw())"], capture_output=True, text=True, timeout=60)
    assert "connected check-" in control.stdout, control.stdout + control.stderr
    before = _served_count(rt)
    run = _check(rt, sub, "--quiet")
    assert _served_count(rt) == before + 1, run.stderr
    assert run.returncode == 0, run.stdout  # full marks: it saw and reached nothing


def test_a_runtime_folder_that_is_not_private_is_refused(tmp_path):
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    with pytest.raises(wire.NotPrivate):
        wire.private_dir(loose)
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(wire.NotPrivate):
        wire.private_dir(link)
    assert wire.private_dir(real) == real
    ref = _folder(tmp_path, "ref", (ROOT / "reference" / f"{SLUG}.py").read_text())
    run = _check(loose, ref, "--quiet")  # checked in-process, said, no server started
    assert run.returncode == 0
    assert "not using the check server" in run.stderr
    assert not list(loose.iterdir())


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("setpriv"),
                    reason="needs root and setpriv to connect as another user (nobody)")
def test_another_user_cannot_connect(world):
    base, rt, subs = world
    path = next(iter(_servers(rt)))
    code = f'''
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(10)
try:
    s.connect({str(path)!r})
except OSError as exc:
    print("refused", type(exc).__name__); sys.exit(0)
body = b'{{"op": "status"}}'
try:  # the server may close before the request is even sent: a broken pipe, also closed
    s.sendall(struct.pack(">I", len(body)) + body)
    print("answered" if s.recv(1) else "closed")
except OSError:
    print("closed")
'''
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
              sys.executable, "-c", code]
    run = subprocess.run(nobody, capture_output=True, text=True, timeout=60)
    assert run.stdout.startswith("refused"), run.stdout + run.stderr  # the folder is 0700
    # a folder and socket opened up by mistake: SO_PEERCRED still turns nobody away
    base.chmod(0o755)
    rt.chmod(0o755)
    path.chmod(0o777)
    try:
        run = subprocess.run(nobody, capture_output=True, text=True, timeout=60)
    finally:
        base.chmod(0o700)
        rt.chmod(0o700)
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert run.stdout.strip() == "closed", run.stdout + run.stderr
    control = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=60)
    assert control.stdout.strip() == "answered"  # the same client as ourselves is served
