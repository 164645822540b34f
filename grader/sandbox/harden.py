"""Isolating a student's process before their code runs (Linux; cgroups need root).

The sandbox server (:mod:`grader.sandbox.server`) calls :func:`isolate` in the process it
forks for each student, before that student's code is imported:

* **die with its parent** (``PR_SET_PDEATHSIG``) and **not dumpable** (no same-user
  process can read its memory or open its file descriptors through ``/proc``);
* **its own user, mount, network and PID namespaces** where the machine allows them
  (directly as root, through an unprivileged user namespace otherwise): no network at
  all; every mount read-only; a small private tmpfs as the working directory; an empty
  tmpfs over each ``hidden`` folder (the checkout, the class, the results, the other
  students' scratch folders) with only the ``keep`` folders inside bound back read-only
  (the grader package, the public exercise declarations, the interpreter, the student's
  own files); every process the student leaves behind dies with the namespace;
* **no capabilities** afterwards (bounding set emptied, ``no_new_privs``).

``strict`` (inside bubblewrap's shared sandbox) fails closed: an ``OSError`` when a step
does not take, and the caller must then not run the student's code. Otherwise a step
the machine refuses is skipped and :func:`problems` says why.

As root, the server as a whole also runs in fresh cgroups (:func:`cgroup_launcher`): a
task cap (a fork bomb stalls instead of filling the machine), a CPU share and a memory
cap for all of a student's processes together.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import time
from pathlib import Path

SCRATCH_MB = 64                # size of the child's private working directory
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
CLONE_NEWPID = 0x20000000
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 24, 38, 47, 4
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUTS = 0x04000000
NOBODY = 65534  # a student's process as root drops to this uid/gid: root-only files stay closed
DEVICES = ("null", "zero", "full", "random", "urandom")  # all a student's /dev holds
CLONE_NEWUSER = 0x10000000
INSIDE_BWRAP = "CALCGRADE_IN_BWRAP"  # set by grader.sandbox.isolation in the sandbox's environment
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 32, 4096, 16384
MS_PRIVATE = 1 << 18
MNT_DETACH = 2
_STATVFS_TO_MS = {2: MS_NOSUID, 4: MS_NODEV, 8: 8, 1024: 1024, 2048: 2048, 4096: 1 << 21}

_applied: list[str] = []
_problems: list[str] = []  # why a step did not take effect


def applied() -> list[str]:
    """The hardening steps that took effect in this (child) process."""
    return list(_applied)


def problems() -> list[str]:
    """Why steps were skipped in this (child) process, e.g. ``unshare: EPERM``."""
    return list(_problems)


def max_tasks() -> int:
    """Processes + threads one sandbox may hold (JAX starts a thread pool per core)."""
    return 128 + 4 * (os.cpu_count() or 1)


def student_tasks() -> int:
    """Processes + threads one student's whole grading may hold: its collector and
    sandbox, or the bwrap sandbox that grades it."""
    return 2 * max_tasks() + 64


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def isolate(workdir: Path, *, keep: list[Path], hidden: list[Path], strict: bool = False,
            namespaces: bool = True, writable: Path | None = None) -> bool:
    """This process, before student code: apply every step this machine allows.

    Returns whether a new PID namespace was made (the caller's next ``fork`` is then its
    init: when that process ends, every process left in the namespace dies with it).
    ``writable``: a folder that outlives this process and stays writable, seen at
    :func:`writable_view` (``calcgrade watch``'s compile cache of this one student).
    """
    libc = _libc()
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
        _applied.append("pdeathsig")
    elif strict:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    if not namespaces:
        return False
    made = _unshare(libc, pid=True)
    if not made or (strict and any(p.startswith("id map") for p in _problems)):
        if strict:
            raise OSError(f"no namespaces for the student: {'; '.join(_problems)}")
        return False
    _applied.append("netns")
    try:
        _private_filesystem(libc, workdir, keep, hidden, writable)
        _applied.append("mountns")
    except OSError as exc:  # the namespace stays; the filesystem only as private as before
        if strict:
            raise
        _problems.append(str(exc))
    if strict:
        for path in hidden:  # what is left to see: at most the ways to the kept folders
            if not path.is_dir():
                continue
            ways = {k.relative_to(path).parts[0] for k in keep if k != path and _within(k, path)}
            if set(os.listdir(path)) - ways:
                raise OSError(f"{path} is still visible to the student")
    return "pidns" in _applied


def lock_down(*, pid_init: bool, strict: bool = False) -> None:
    """Last steps, in the process that runs the student's chain: a ``/proc`` of its own
    PID namespace (``pid_init``: it is that namespace's init; no other process of the
    machine is visible there), then no capabilities (nothing above can be undone)."""
    libc = _libc()
    if pid_init:
        try:  # read-only: /proc/sys, sysrq and the rest cannot be written, even by uid 0
            _mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | 8 | MS_RDONLY)  # 8: NOEXEC
            _applied.append("proc")
        except OSError as exc:  # e.g. inside bubblewrap, whose /proc shows only its sandbox
            _problems.append(str(exc))
    if os.geteuid() == 0:  # real root (not a user namespace's): an unprivileged uid
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            _applied.append("nobody")
        except OSError as exc:  # a user namespace with only our own id mapped
            _problems.append(f"setuid: {exc}")
    if _drop_capabilities(libc):
        _applied.append("nocaps")
    elif strict:
        raise OSError(ctypes.get_errno(), "capset: the capabilities could not be dropped")


def _unshare(libc: ctypes.CDLL, pid: bool = False) -> bool:
    """New mount and network namespaces, directly or inside a new user namespace.

    Root in a container often lacks CAP_SYS_ADMIN (or a seccomp filter refuses a plain
    ``unshare``) but may still create a user namespace, which brings the capabilities the
    mounts below need, over this namespace only. Its mounts then stay locked for anything
    the student creates later, and the capabilities are dropped at the end anyway.
    """
    flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
    if pid and libc.unshare(flags | CLONE_NEWPID) == 0:
        _applied.append("pidns")
        return True
    if libc.unshare(flags) == 0:
        return True
    _problems.append(f"unshare: {os.strerror(ctypes.get_errno())}")
    uid, gid = os.geteuid(), os.getegid()
    if pid and libc.unshare(CLONE_NEWUSER | flags | CLONE_NEWPID) == 0:
        _applied.append("pidns")
    elif libc.unshare(CLONE_NEWUSER | flags) != 0:
        _problems.append(f"unshare with a user namespace: {os.strerror(ctypes.get_errno())}")
        return False
    try:  # the same ids inside, so file ownership reads as before
        for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"),
                           ("gid_map", f"{gid} {gid} 1")):
            with open(f"/proc/self/{name}", "w", encoding="ascii") as fh:
                fh.write(text)
    except OSError as exc:  # unmapped ids read as "nobody"; the namespaces still hold
        _problems.append(f"id map: {exc}")
    _applied.append("userns")
    return True


def _drop_capabilities(libc: ctypes.CDLL) -> bool:
    """Root without capabilities: cannot unmount, remount, unshare, move cgroups."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    libc.prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    header = Header(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (Data * 2)()
    return libc.capset(ctypes.byref(header), data) == 0


def _mount(libc: ctypes.CDLL, source: str | None, target: str, fstype: str | None,
           flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None  # noqa: E731
    if libc.mount(enc(source), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def writable_view(workdir: Path, writable: Path) -> Path:
    """Where the student's process sees the ``writable`` folder :func:`isolate` was given:
    inside its private workdir where it made a mount namespace, else where it is."""
    return workdir / ".writable" if "mountns" in _applied else writable


def _private_filesystem(libc: ctypes.CDLL, workdir: Path, keep: list[Path],
                        hidden: list[Path], writable: Path | None = None) -> None:
    """Everything read-only but a private tmpfs at ``workdir``; ``hidden`` emptied but
    for the ``keep`` folders inside them, bound back read-only.

    Each bind is taken from a path in this mount namespace first (a stash in the
    workdir's tmpfs): a bind from a file descriptor opened before ``unshare`` would reach
    into the old namespace, which a user namespace's root may not do.
    """
    _mount(libc, None, "/", None, MS_REC | MS_PRIVATE)
    _mount(libc, "tmpfs", str(workdir), "tmpfs", MS_NOSUID | MS_NODEV,
           f"size={SCRATCH_MB}m,mode=1777")  # the student may run as nobody (lock_down)
    if writable is not None and writable.is_dir():  # below the workdir: never made read-only
        view = workdir / ".writable"
        view.mkdir()
        _mount(libc, str(writable), str(view), None, MS_BIND)
    hide = [p for p in hidden if p.is_dir() and not _within(workdir, p)]
    hide = [p for p in hide if not any(q != p and _within(p, q) for q in hide)]  # outermost
    kept = [k for k in keep if k.exists() and any(_within(k, p) for p in hide)]
    kept = [k for k in kept if not any(q != k and _within(k, q) for q in kept)]
    stashes = []
    for n, folder in enumerate(kept):
        stash = workdir / f".keep-{n}"
        stash.mkdir()
        _mount(libc, str(folder), str(stash), None, MS_BIND | MS_REC)
        stashes.append((folder, stash))
    for mountpoint in _mountpoints():
        if mountpoint.startswith("/dev") or _within(Path(mountpoint), workdir):
            continue  # device nodes (/dev/null …) stay writable; /dev/shm is replaced
        try:
            _remount_readonly(libc, mountpoint)
        except OSError:
            pass  # e.g. a mount we may not touch; the others still turn read-only
    for path in hide:
        _mount(libc, "tmpfs", str(path), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
        for folder, stash in stashes:
            if _within(folder, path):
                folder.mkdir(parents=True, exist_ok=True)
                _mount(libc, str(stash), str(folder), None, MS_BIND | MS_REC)
                _remount_readonly(libc, str(folder))
        _remount_readonly(libc, str(path))
    for _, stash in stashes:
        if libc.umount2(str(stash).encode(), MNT_DETACH) != 0:
            raise OSError(ctypes.get_errno(), f"umount {stash}")
        stash.rmdir()
    _private_dev(libc, workdir)


def _private_dev(libc: ctypes.CDLL, workdir: Path) -> None:
    """A ``/dev`` of the student's own: an empty tmpfs holding only the harmless devices
    (bound from the host's) and a private ``/dev/shm``; nothing written there outlives
    the student or reaches the host or the next student."""
    stash = workdir / ".dev"
    stash.mkdir()
    kept = []
    for name in DEVICES:
        if os.path.exists(f"/dev/{name}"):
            (stash / name).touch()
            _mount(libc, f"/dev/{name}", str(stash / name), None, MS_BIND)
            kept.append(name)
    _mount(libc, "tmpfs", "/dev", "tmpfs", MS_NOSUID, "size=1m,mode=0755")
    for name in kept:
        Path(f"/dev/{name}").touch()
        _mount(libc, str(stash / name), f"/dev/{name}", None, MS_BIND)
        libc.umount2(str(stash / name).encode(), MNT_DETACH)
    os.mkdir("/dev/shm", 0o1777)
    _mount(libc, "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "size=16m,mode=1777")
    for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                         ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
        os.symlink(target, f"/dev/{name}")
    _remount_readonly(libc, "/dev")
    for name in kept:
        (stash / name).unlink()
    stash.rmdir()


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _remount_readonly(libc: ctypes.CDLL, target: str) -> None:
    """Read-only, keeping the mount's other flags: inside a user namespace, flags set by
    a more privileged namespace (nosuid, nodev, noexec…) are locked, and a remount that
    would drop one is refused."""
    flags = os.statvfs(target).f_flag
    kept = sum(ms for st, ms in _STATVFS_TO_MS.items() if flags & st)
    _mount(libc, None, target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def _mountpoints() -> list[str]:
    with open("/proc/self/mountinfo", encoding="utf-8") as fh:
        points = [line.split()[4].replace("\\040", " ") for line in fh]
    return sorted(set(points), key=len)


# -- cgroups (v1 "pids" and "cpu" controllers, as on Debian hosts and CI runners) ------

_CGROUP_ROOT = Path("/sys/fs/cgroup")


def _cgroup_dir(name: str, controller: str = "pids") -> Path | None:
    """``<this process's cgroup>/<name>`` in ``controller``'s hierarchy, if it exists."""
    own = _own_cgroup(controller)
    return own / name if own is not None else None


def _own_cgroup(controller: str) -> Path | None:
    """This process's cgroup folder in ``controller``'s (v1) hierarchy, if mounted."""
    mount = _CGROUP_ROOT / controller
    if not (mount / "cgroup.procs").is_file():
        return None
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as fh:
            lines = [line.strip().split(":", 2) for line in fh]
    except OSError:
        return None
    for parts in lines:
        if len(parts) == 3 and controller in parts[1].split(","):
            return mount / parts[2].lstrip("/")
    return None


def _limits(tasks: int, cpus: float | None, memory_mb: int | None = None
            ) -> dict[str, dict[str, str]]:
    limits = {"pids": {"pids.max": str(tasks)}}
    if memory_mb is not None:
        limits["memory"] = {"memory.limit_in_bytes": str(memory_mb * 1024 * 1024)}
    if cpus is not None:
        period = 100_000
        limits["cpu"] = {"cpu.cfs_period_us": str(period),
                         "cpu.cfs_quota_us": str(max(1000, int(period * cpus)))}
    return limits


def cgroup_launcher(prefix: str, *, tasks: int, cpus: float | None = None,
                    memory_mb: int | None = None) -> list[str]:
    """An argv prefix that runs a command in fresh cgroups ``<prefix>-<its pid>`` (as
    :func:`_limits`), joined by a shell before it ``exec``s the command: no Python
    runs between ``fork`` and ``exec`` (unsafe once JAX has started threads). Empty when
    not root or there is no cgroup v1 hierarchy to join."""
    import shlex

    if os.geteuid() != 0:
        return []
    steps = []
    for controller, values in _limits(tasks, cpus, memory_mb).items():
        own = _own_cgroup(controller)
        if own is None:
            continue
        folder = f"{shlex.quote(str(own))}/{prefix}-$$"
        sets = " && ".join(f"echo {v} > {folder}/{k}" for k, v in values.items())
        steps.append(f"{{ mkdir {folder} && {sets} && echo $$ > {folder}/cgroup.procs; }} "
                     "2>/dev/null")
    return ["sh", "-c", "; ".join([*steps, 'exec "$@"']), "sh"] if steps else []


def release_cgroups(name: str) -> None:
    """Kill every task left in cgroups ``name`` (and groups nested in them); remove them."""
    if os.geteuid() != 0:
        return
    for controller in ("pids", "cpu", "memory"):
        path = _cgroup_dir(name, controller)
        if path is not None and path.is_dir():
            _release(path)


def _release(path: Path, patience: float = 10.0) -> None:
    for nested in [p for p in path.iterdir() if p.is_dir()]:
        _release(nested, patience)
    try:
        (path / "pids.max").write_text("0")  # nothing in here may fork any more
    except OSError:
        pass  # not the pids hierarchy
    deadline = time.monotonic() + patience
    while True:
        try:
            pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            pids = []
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        try:
            path.rmdir()
            return
        except OSError:
            if time.monotonic() > deadline:
                return  # left for the next run's cleanup; never block grading for long
            time.sleep(0.02)


def remove_stale_cgroups() -> list[str]:
    """Cgroups of sandboxes and workers whose process is gone (a run killed with SIGKILL
    cannot release its own): kill what is left in them and remove them. Returns their
    names. Groups whose process still lives may belong to another run and are left."""
    if os.geteuid() != 0:
        return []
    removed = []
    for controller in ("pids", "cpu", "memory"):
        own = _own_cgroup(controller)
        if own is None or not own.is_dir():
            continue
        for path in own.glob("calcgrade-*"):
            pid = path.name.rsplit("-", 1)[-1]
            if path.is_dir() and pid.isdigit() and not process_alive(int(pid)):
                _release(path, patience=1.0)
                removed.append(path.name)
    return removed


def process_alive(pid: int) -> bool:
    """Running, not a zombie (a killed run's children wait for init to reap them)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def die_with_parent(parent_pid: int) -> None:
    """This process gets SIGKILL when its parent dies (and exits now if it already has)."""
    try:
        _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        return
    if os.getppid() != parent_pid:
        os._exit(1)
