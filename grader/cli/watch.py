"""``calcgrade watch``: grade again on every save, and show the new result at once.

The files of each watched exercise (``<submission>/<slug>/``, every regular file: the
solution and its helpers) are looked at every ``--interval`` seconds: a changed size or
modification time, then a changed content hash, re-grades that exercise in the warm
sandbox of a :class:`grader.judge.session.WatchSession` and redraws the output (on a
terminal the screen is cleared; otherwise each new result follows a dated rule line).
A run grades what ``calcgrade check`` would: the folder's ``variant.toml`` selects the
numbers and ``answers.toml`` is judged, and saving either (both are files of the
exercise folder) re-grades like a save of the solution.
Nothing new to install: polling a handful of files costs microseconds. Ctrl-C stops
cleanly (the sandbox server and its scratch folder are removed).
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import signal
import sys
import time
from pathlib import Path
from typing import Callable

import click

Stamp = tuple[tuple[str, int, int], ...]


def stamp(folder: Path) -> Stamp:
    """What is cheap to look at: each regular file's name, size and mtime (ns) — the
    files a run copies for the sandbox only (:func:`grader.judge.engine.lay_out`): a log
    that grows forever or a large data file beside the solution re-grades nothing."""
    from grader.judge.engine import LAYOUT_FILE_BYTES

    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return ()
    out = []
    for path in entries:
        try:
            st = path.stat()
        except OSError:
            continue
        if path.is_file() and not path.is_symlink() and not path.name.endswith((".pyc", "~")) \
                and st.st_size < LAYOUT_FILE_BYTES:
            out.append((path.name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def digest(folder: Path, files: Stamp) -> str:
    """The content hash of those files (an editor that rewrites a file unchanged, or
    only touches it, grades nothing again)."""
    h = hashlib.sha256()
    for name, size, _ in files:
        h.update(name.encode() + b"\0")
        try:
            with open(folder / name, "rb") as fh:  # a bounded read, in chunks
                left = size + 1
                while left > 0 and (chunk := fh.read(min(left, 1 << 20))):
                    h.update(chunk)
                    left -= len(chunk)
        except OSError:
            h.update(b"\1unreadable")
    return h.hexdigest()


class Watcher:
    """Which exercises changed since the last look."""

    def __init__(self, root: Path, slugs: list[str]) -> None:
        self.root = root
        self.slugs = slugs
        self.stamps = {s: stamp(root / s) for s in slugs}
        self.hashes = {s: digest(root / s, self.stamps[s]) for s in slugs}

    def changed(self) -> list[str]:
        out = []
        for slug in self.slugs:
            now = stamp(self.root / slug)
            if now == self.stamps[slug]:
                continue
            self.stamps[slug] = now
            h = digest(self.root / slug, now)
            if h != self.hashes[slug]:
                self.hashes[slug] = h
                out.append(slug)
        return out


def run_watch_command(slugs: tuple[str, ...], submission: Path | None, seed: int,
                      function: str | None, style: str | None, hint: bool, color: str,
                      interval: float) -> None:
    from grader.cli.activity import Activity
    from grader.cli.check import file_for, hints_for, use_color, what
    from grader.cli.where import course_root, default_submission
    from grader.judge.results import Results
    from grader.judge.selection import UnknownFunction
    from grader.judge.session import WatchSession
    from grader.reports.text import render

    root = (submission or default_submission()).resolve()
    course = course_root(say=False)
    try:
        session = WatchSession(root, list(slugs) or None, seed, function=function)
    except UnknownFunction as exc:
        raise click.UsageError(str(exc)) from None
    watched = session.slugs
    terminal = bool(sys.stdout.isatty())
    painted = use_color(color)
    files = file_for(root, root)
    hints = hints_for(watched) if hint else None
    latest: dict = {}
    click.echo(f"course: {course} · watching {root} ({len(watched)} exercise"
               f"{'s' if len(watched) != 1 else ''}, seed {seed}); Ctrl-C stops", err=True)

    def show(results: Results, why: str) -> None:
        for ex in results.exercises:
            latest[ex.slug] = ex
        merged = Results(submission=str(root), seed=seed, isolation=results.isolation,
                         exercises=[latest[s] for s in watched if s in latest])
        merged.duration = results.duration
        text = render(merged, color=painted, style=style or "full", files=files, hints=hints)
        when = _dt.datetime.now().strftime("%H:%M:%S")
        if terminal:
            click.echo("\033[H\033[2J", nl=False)
        else:
            click.echo(f"── {when} {why} ──")
        click.echo(text, color=painted)
        click.echo(f"watching {len(watched)} exercise{'s' if len(watched) != 1 else ''} · "
                   f"last graded {when} ({results.duration:.2f} s) · Ctrl-C stops", err=True)
        sys.stdout.flush()

    def grade(changed: list[str] | None, why: str) -> None:
        try:
            with Activity(what(changed or watched, function)) as activity:
                results = session.grade(changed, progress=activity)
        except OSError as exc:  # a file renamed or removed while it was copied: next save
            click.echo(f"could not read {exc.filename or 'your files'} "
                       f"({exc.strerror or exc}); grading again at the next save", err=True)
            return
        show(results, why)

    def stop(signum, frame) -> None:  # a terminating watch cleans up like Ctrl-C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    try:
        watcher = Watcher(root, watched)
        grade(None, "first run")
        _loop(watcher, grade, interval)
    except KeyboardInterrupt:
        click.echo("\nstopped watching", err=True)
    finally:
        session.close()
    sys.exit(0)


def _loop(watcher: Watcher, grade: Callable[[list[str] | None, str], None],
          interval: float) -> None:
    while True:
        changed = watcher.changed()
        if changed:
            grade(changed, f"{', '.join(changed)} changed")
            continue  # look again at once: a save during the run is graded next
        time.sleep(interval)
