"""Benchmark: grading a generated class with ``calcgrade grade`` vs one pytest run each.

    .venv/bin/python benchmarks/bench_class.py [--students 200] [--jobs 2] [--modes ...]

Generates ``--students`` submissions of mixed quality over every exercise with checks
(per exercise, seeded: 50 % the reference, 20 % a catalogued mistake, 10 % an equivalent
alternative, 10 % half-done, 10 % the untouched stub), then times:

* ``process``   ``calcgrade grade --jobs J --isolation process`` (J sandbox servers);
* ``bwrap``     the same with ``--isolation bwrap`` (one shared bubblewrap server per slot);
* ``pytest``    the GitHub Classroom way: one ``python -m pytest`` per submission over
                equivalent tests (``baseline_pytest_checks.py``), one at a time;
* ``pytest-jJ`` the same, J submissions at a time (the fair comparison on J cores).

and prints a Markdown table (submissions per minute, seconds per submission, CPU
seconds per submission — user + system time of everything the mode started, which other
work on the machine barely changes — isolation overhead per submission in core-seconds,
and the machine's load average, since other work on the machine inflates wall times). Scores of ``process`` and ``bwrap`` are
compared too (they must be identical).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SEED = 20250901


def _make_class_module():
    spec = importlib.util.spec_from_file_location("make_class", ROOT / "samples" / "make_class.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate(out: Path, students: int, slugs: list[str], seed: int = 0) -> None:
    mc = _make_class_module()
    rng = random.Random(seed)
    kinds = ["reference"] * 5 + ["mistake"] * 2 + ["alternative", "partial", "stub"]
    for i in range(students):
        for slug in slugs:
            kind = rng.choice(kinds)
            text = {"reference": lambda: mc.reference(slug),
                    "mistake": lambda: mc.mistake(slug, rng.randrange(10)),
                    "alternative": lambda: mc.alternative(slug),
                    "partial": lambda: mc.partial(slug),
                    "stub": lambda: (mc.EXERCISES / slug / "solution.py").read_text()}[kind]()
            path = out / f"student{i:03d}" / slug / "solution.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)


def run_calcgrade(subs: Path, out: Path, isolation: str, jobs: int) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "grader", "grade", str(subs), "--out", str(out),
                           "--jobs", str(jobs), "--isolation", isolation, "--report", "none",
                           "--seed", str(SEED)],  # both modes: the same inputs, comparable scores
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"calcgrade grade failed:\n{proc.stdout}\n{proc.stderr}")
    print(proc.stdout.strip(), file=sys.stderr)
    return elapsed


def run_pytest_baseline(subs: Path, workdir: Path, parallel: int) -> float:
    ini = workdir / "pytest.ini"
    ini.write_text("[pytest]\naddopts = -q -p no:cacheprovider\n")
    test_file = workdir / "test_baseline.py"
    shutil.copy(ROOT / "benchmarks" / "baseline_pytest_checks.py", test_file)
    students = sorted(p for p in subs.iterdir() if p.is_dir())

    def one(student: Path) -> int:
        env = {**os.environ, "SUBMISSION": str(student), "SEED": str(SEED)}
        return subprocess.run([PYTHON, "-m", "pytest", "-c", str(ini), str(test_file)],
                              cwd=workdir, env=env, capture_output=True).returncode

    t0 = time.perf_counter()
    with ThreadPoolExecutor(parallel) as pool:
        codes = list(pool.map(one, students))
    elapsed = time.perf_counter() - t0
    if any(c not in (0, 1) for c in codes):
        raise SystemExit(f"pytest baseline crashed: exit codes {sorted(set(codes))}")
    return elapsed


def _children_cpu() -> float:
    """User + system CPU seconds of every finished process this one started (and waited
    for), its descendants included: the work a mode did, whatever else ran meanwhile."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def scores(out: Path) -> dict:
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        return {(s, c): (st, p) for s, c, st, p in
                db.execute("SELECT student, check_id, status, points FROM check_results")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--modes", nargs="+", default=["process", "bwrap", "pytest", "pytest-j"])
    parser.add_argument("--keep", type=Path, default=None, help="Keep the class and results here.")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from grader.course.spec import all_slugs

    slugs = all_slugs()
    work = (args.keep or Path(tempfile.mkdtemp(prefix="bench-class-"))).resolve()
    work.mkdir(parents=True, exist_ok=True)
    subs = work / "class"
    if not subs.exists():
        generate(subs, args.students, slugs)
    n = len([p for p in subs.iterdir() if p.is_dir()])
    rows: dict[str, dict] = {}
    for mode in args.modes:
        load_before = os.getloadavg()[0]
        cpu_before = _children_cpu()
        if mode in ("process", "bwrap"):
            out = work / f"results-{mode}"
            shutil.rmtree(out, ignore_errors=True)
            elapsed = run_calcgrade(subs, out, mode, args.jobs)
        else:
            parallel = args.jobs if mode == "pytest-j" else 1
            elapsed = run_pytest_baseline(subs, work, parallel)
            mode = f"pytest-j{parallel}" if parallel > 1 else "pytest"
        rows[mode] = {"seconds": elapsed, "per_minute": 60 * n / elapsed,
                      # bwrap's own init reaps the sandboxed processes: their CPU time
                      # never reaches this process's wait chain, so it is not counted
                      "cpu_seconds": None if mode == "bwrap" else _children_cpu() - cpu_before,
                      "load": (load_before, os.getloadavg()[0])}
        print(f"{mode}: {elapsed:.1f} s, {60 * n / elapsed:.1f} submissions/minute", file=sys.stderr)
        (work / "bench.json").write_text(json.dumps(rows, indent=2))  # survives a stopped run
    same = None
    if "process" in rows and "bwrap" in rows:
        same = scores(work / "results-process") == scores(work / "results-bwrap")
    report(rows, n, slugs, args.jobs, same)
    (work / "bench.json").write_text(json.dumps(rows, indent=2))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


def report(rows: dict, n: int, slugs: list[str], jobs: int, same: bool | None) -> None:
    print(f"{n} submissions × {len(slugs)} exercises ({', '.join(s[:2] for s in slugs)}), "
          f"--jobs {jobs}, {os.cpu_count()} cores\n")
    print("| how | wall time | submissions/min | s per submission | CPU s per submission "
          "| load avg (start → end) |")
    print("|---|---:|---:|---:|---:|---|")
    for mode, r in rows.items():
        cpu = r.get("cpu_seconds")
        print(f"| {mode} | {r['seconds']:.0f} s | {r['per_minute']:.1f} | "
              f"{r['seconds'] / n:.2f} | {'' if cpu is None else f'{cpu / n:.2f}'} | "
              f"{r['load'][0]:.1f} → {r['load'][1]:.1f} |")
    if "process" in rows and "bwrap" in rows:
        extra = (rows["bwrap"]["seconds"] - rows["process"]["seconds"]) * jobs / n
        print(f"\nbwrap overhead: {extra:+.2f} core-seconds per submission "
              f"(scores identical: {same})")
    for base in ("pytest", f"pytest-j{jobs}"):
        if base in rows and "process" in rows:
            print(f"process vs {base}: {rows['process']['per_minute'] / rows[base]['per_minute']:.1f}× "
                  "the throughput")
        if base in rows and "bwrap" in rows:
            print(f"bwrap vs {base}: {rows['bwrap']['per_minute'] / rows[base]['per_minute']:.1f}× "
                  "the throughput")


if __name__ == "__main__":
    main()
