"""The gradebook: every graded exercise of every student, in one SQLite file.

``RESULTS/gradebook.sqlite`` needs no setup. Its ``meta`` table keeps the schema version
and the folder's secret class seed (:mod:`grader.classrun.class_seed`). One row per
(student, exercise) holds the exercise's part of the results document (strict JSON) and
the content hash it was graded under; one row per check makes pass rates a plain SQL
query. A student's results are stored in **one transaction**, so a run killed at any
moment leaves each student either fully graded or not at all, and the next run resumes
by comparing hashes.

Only the batch parent writes (see :mod:`grader.classrun.grade`); WAL mode and a busy
timeout still let a reader (``calcgrade report``, ``sqlite3``) look in during a run.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Iterable

from grader.judge import strict_json
from grader.judge.results import SCHEMA_VERSION, Results

GRADEBOOK_NAME = "gradebook.sqlite"
GRADEBOOK_SCHEMA = 1
BUSY_TIMEOUT_MS = 30_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS submissions (
    student TEXT PRIMARY KEY,
    source TEXT NOT NULL,          -- the folder or zip it was read from
    error TEXT,                    -- why it could not be read, if so
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS exercise_results (
    student TEXT NOT NULL,
    slug TEXT NOT NULL,
    content_hash TEXT NOT NULL,    -- files + checks + reference + grader + seed + isolation
    seed INTEGER NOT NULL,
    isolation TEXT NOT NULL,
    grader_version TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    duration REAL NOT NULL,
    graded_at TEXT NOT NULL,
    result_json TEXT NOT NULL,     -- this exercise's entry of the results document
    PRIMARY KEY (student, slug)
);
CREATE TABLE IF NOT EXISTS check_results (
    student TEXT NOT NULL,
    slug TEXT NOT NULL,
    check_id TEXT NOT NULL,
    status TEXT NOT NULL,
    points REAL NOT NULL,
    max_points REAL NOT NULL,
    mistake TEXT,
    message TEXT NOT NULL,
    PRIMARY KEY (student, check_id)
);
"""


class Gradebook:
    """A SQLite gradebook at ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                                  isolation_level=None)
        self.db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.db.execute("PRAGMA journal_mode = WAL")
        self.db.execute("PRAGMA synchronous = NORMAL")  # WAL: safe against a killed process
        with self.transaction():
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    self.db.execute(statement)
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None:
                self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(GRADEBOOK_SCHEMA),))
            elif row[0] != str(GRADEBOOK_SCHEMA):
                raise ValueError(f"{path}: gradebook schema {row[0]} is not supported "
                                 f"(this calcgrade writes schema {GRADEBOOK_SCHEMA})")

    @classmethod
    def in_folder(cls, out_dir: Path) -> "Gradebook":
        return cls(out_dir / GRADEBOOK_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Gradebook":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def transaction(self) -> "_Transaction":
        return _Transaction(self.db)

    # -- the class seed (secret: see grader.classrun.class_seed) --------------------
    def class_seed(self) -> int | None:
        """The seed this results folder is graded with, or None before the first run."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'class_seed'").fetchone()
        return None if row is None else int(row[0])

    def store_class_seed(self, seed: int, *, replace: bool = False) -> int:
        """Store ``seed`` as the class seed unless one is stored already (``replace``:
        overwrite it); the class seed stored afterwards. One transaction, so two runs
        starting at once on a new folder agree on one seed."""
        verb = "INSERT OR REPLACE" if replace else "INSERT OR IGNORE"
        with self.transaction():
            self.db.execute(f"{verb} INTO meta VALUES ('class_seed', ?)", (str(int(seed)),))
            row = self.db.execute("SELECT value FROM meta WHERE key = 'class_seed'").fetchone()
        return int(row[0])

    # -- reading --------------------------------------------------------------------
    def stored_hashes(self) -> dict[tuple[str, str], str]:
        """``{(student, slug): content_hash}`` for everything graded so far."""
        rows = self.db.execute("SELECT student, slug, content_hash FROM exercise_results")
        return {(s, slug): h for s, slug, h in rows}

    def students(self) -> list[str]:
        return [r[0] for r in self.db.execute(
            "SELECT DISTINCT student FROM exercise_results ORDER BY student")]

    def results_for(self, student: str, slugs: Iterable[str] | None = None) -> Results | None:
        """The student's results document assembled from the stored exercises."""
        rows = self.db.execute(
            "SELECT slug, seed, isolation, grader_version, duration, graded_at, result_json "
            "FROM exercise_results WHERE student = ? ORDER BY slug", (student,)).fetchall()
        if slugs is not None:
            wanted = set(slugs)
            rows = [r for r in rows if r[0] in wanted]
        if not rows:
            return None
        isolations = {r[2] for r in rows}
        doc = {
            "schema_version": SCHEMA_VERSION,
            "grader": {"name": "calcgrade", "version": rows[0][3]},
            "submission": student,
            "seed": rows[0][1],
            # the weakest level any stored exercise was graded under
            "isolation": "process" if "process" in isolations else rows[0][2],
            "created": max(r[5] for r in rows),
            "duration": sum(r[4] for r in rows),
            "exercises": [json.loads(r[6]) for r in rows],
        }
        return Results.from_dict(doc)

    def all_results(self, slugs: Iterable[str] | None = None) -> list[Results]:
        """Every student's results (for class reports and exports), by student id."""
        wanted = list(slugs) if slugs is not None else None
        out = [self.results_for(s, wanted) for s in self.students()]
        return [r for r in out if r is not None]

    def count(self, table: str = "exercise_results") -> int:
        if table not in {"exercise_results", "check_results", "submissions"}:
            raise ValueError(table)
        return int(self.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    # -- writing --------------------------------------------------------------------
    def store(self, student: str, source: str, results: Results, hashes: dict[str, str],
              error: str | None = None) -> None:
        """Store a student's freshly graded exercises, all or nothing."""
        doc = results.to_dict()
        with self.transaction():
            self.db.execute("INSERT OR REPLACE INTO submissions VALUES (?, ?, ?, ?)",
                            (student, source, error, results.created))
            for ex, ex_doc in zip(results.exercises, doc["exercises"]):
                duration = sum(c.duration for c in ex.checks)
                self.db.execute(
                    "INSERT OR REPLACE INTO exercise_results VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (student, ex.slug, hashes[ex.slug], results.seed, results.isolation,
                     results.grader_version, ex.points, ex.max_points, duration,
                     results.created, strict_json.dumps(ex_doc)))
                self.db.execute("DELETE FROM check_results WHERE student = ? AND slug = ?",
                                (student, ex.slug))
                self.db.executemany(
                    "INSERT INTO check_results VALUES (?,?,?,?,?,?,?,?)",
                    [(student, ex.slug, c.id, c.status, c.points, c.max_points, c.mistake,
                      c.message) for c in ex.checks])


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (or ``ROLLBACK`` on an exception)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        self.db.execute("COMMIT" if exc_type is None else "ROLLBACK")


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON so a reader (or a killed run) sees the old file or the new, never half.

    Strict JSON: NaN and infinities are written as strings (:mod:`grader.judge.strict_json`),
    never as the ``NaN``/``Infinity`` tokens other parsers reject."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            strict_json.dump(data, fh, indent=2)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def results_json_path(out_dir: Path, student: str) -> Path:
    return out_dir / student / "results.json"
