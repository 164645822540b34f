"""Wall time of the commands a student waits for (issues 2 and 13).

    .venv/bin/python benchmarks/bench_cli.py [--repeats N] [--only list,check,all,watch,served]

Times, as whole processes the way a student runs them: `calcgrade list` (target 0.3 s),
`calcgrade check 01_derivative` on a copy of the reference (issue 13: 1.0 s),
`calcgrade check` of all ten references (30 s), and `calcgrade watch 01_derivative`:
from saving the file to the new result on watch's stdout (issue 13: 0.3 s; each save
flips the file between a wrong and the right `autodiff_derivative`, and the time runs
from just before the write until the Score line with the expected score is read).
With `served`: `calcgrade check 01_derivative` through the warm check server (issue 13;
grader/cli/check_server.py, a private runtime folder): the first run (cold, checked
in-process while the server starts) and the median of the next five (served). The other
rows run with the server off (CALCGRADE_CHECK_SERVER=0), in-process as before.
Prints medians and spreads, and the load average before and after.
"""
from __future__ import annotations

import argparse
import os
import platform
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_checks import wall  # noqa: E402 - one timing helper for the CLI benchmarks

CALCGRADE = [sys.executable, "-m", "grader"]
WRONG = ("    derivative = jax.jit(jax.vmap(jax.grad(f)))",
         "    derivative = lambda xs: 0 * xs  # wrong on purpose (bench_cli.py)")


def watch_latency(sub: Path, saves: int, timeout: float = 120.0) -> list[float]:
    """Seconds from writing 01_derivative/solution.py to watch printing its new score."""
    path = sub / "01_derivative" / "solution.py"
    right = path.read_text()
    if WRONG[0] not in right:
        raise SystemExit(f"bench_cli: the reference no longer has {WRONG[0].strip()!r}")
    wrong = right.replace(*WRONG)
    proc = subprocess.Popen(CALCGRADE + ["watch", "01_derivative", "--submission", str(sub),
                                         "--seed", "1", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    pending = [b""]

    def score_line(deadline: float) -> str:
        """The next Score line watch prints (read from the raw pipe, no buffering)."""
        while True:
            while b"\n" in pending[0]:
                line, pending[0] = pending[0].split(b"\n", 1)
                if line.startswith(b"Score:"):
                    return line.decode()
            left = deadline - time.monotonic()
            if left <= 0:
                raise SystemExit("bench_cli: watch did not answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    raise SystemExit("bench_cli: watch ended early")
                pending[0] += chunk

    times = []
    try:
        full = score_line(time.monotonic() + timeout)
        for n in range(saves * 2):
            text, want_full = (wrong, False) if n % 2 == 0 else (right, True)
            time.sleep(0.5)  # a student's pause between saves
            t0 = time.perf_counter()
            path.write_text(text)
            while True:
                line = score_line(time.monotonic() + timeout)
                if (line.split()[1] == full.split()[1]) == want_full:
                    break
            times.append(time.perf_counter() - t0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        path.write_text(right)
    return times


def served_check(argv: list[str], served: int = 5) -> tuple[float, list[float]]:
    """Wall seconds of a first check with the check server on (it starts the server) and
    of the ``served`` checks after it, once the server answers."""
    sys.path.insert(0, str(ROOT))
    from grader.cli.check_server_client import _ask, _servers

    runtime = Path(tempfile.mkdtemp(prefix="cgbench-")) / "rt"
    os.environ.update({"CALCGRADE_CHECK_SERVER": "1", "CALCGRADE_RUNTIME_DIR": str(runtime)})
    try:
        first = wall(argv, 1)[0]
        for _ in range(600):  # until the server answers (it warms up first)
            if runtime.is_dir() and any(_ask(p, "status") for p in _servers(runtime)):
                break
            time.sleep(0.2)
        else:
            raise SystemExit("bench_cli: the check server did not start")
        return first, wall(argv, served)
    finally:
        for path in _servers(runtime) if runtime.is_dir() else []:
            _ask(path, "stop")
        os.environ["CALCGRADE_CHECK_SERVER"] = "0"
        shutil.rmtree(runtime.parent, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--only", default="list,check,all,watch,served",
                        help="comma-separated: list, check, all, watch, served")
    args = parser.parse_args()
    only = set(args.only.split(","))
    tmp = Path(tempfile.mkdtemp())
    slugs = sorted(p.stem for p in (ROOT / "reference").glob("[0-9]*.py"))
    for slug in slugs:
        (tmp / slug).mkdir()
        shutil.copy(ROOT / "reference" / f"{slug}.py", tmp / slug / "solution.py")
    cases = [
        ("list", "calcgrade list", CALCGRADE + ["list"], args.repeats, 0.3),
        ("check", "calcgrade check 01_derivative (reference)",
         CALCGRADE + ["check", "01_derivative", "--submission", str(tmp), "--seed", "1"],
         args.repeats, 1.0),
        ("all", f"calcgrade check, all {len(slugs)} references",
         CALCGRADE + ["check", "--submission", str(tmp), "--seed", "1"],
         max(3, args.repeats // 2), 30.0),
    ]
    print(f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f} "
          f"(1 min) before")
    print(f"{'command':<46} {'median':>8} {'min':>7} {'max':>7} {'target':>7}")

    def row(name: str, t: list[float], target: float) -> None:
        ok = "ok" if statistics.median(t) <= target else "MISSED"
        print(f"{name:<46} {statistics.median(t):>7.2f}s {min(t):>6.2f}s {max(t):>6.2f}s "
              f"{target:>6.1f}s {ok}", flush=True)

    os.environ["CALCGRADE_CHECK_SERVER"] = "0"  # in-process, as before the check server
    for key, name, argv, n, target in cases:
        if key in only:
            row(name, wall(argv, n), target)
    if "served" in only:
        first, rest = served_check(cases[1][2])
        row("check 01_derivative, server on: first (cold)", [first], 2.0)
        row(f"check 01_derivative, server on: next {len(rest)}", rest, 1.0)
    if "watch" in only:
        t = watch_latency(tmp, max(3, args.repeats))
        row(f"watch 01_derivative: save → new result ({len(t)})", t, 0.3)
    print(f"# load average {os.getloadavg()[0]:.2f} (1 min) after")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
