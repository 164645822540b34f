"""Gradebook CSV presets an LMS imports: Canvas and Moodle, with a roster of LMS ids.

Submissions are named by folder; an LMS knows its students by its own ids. A **roster**
(``--roster FILE``, CSV with a header row) maps one to the other: a ``folder`` column
(the submission's folder or zip name, as calcgrade names the student) and the LMS's
columns, spelled as the LMS spells them::

    folder,Student,ID,SIS User ID,SIS Login ID,Section,Email address,ID number
    ada_perfect,"Lovelace, Ada",1201,S001,ada@uni.example,Calc 101 A,ada@uni.example,S001

Columns a preset does not use are ignored, so one roster serves both. A student graded
but missing from the roster is still exported (empty id cells, the LMS will not match
them) and named in a warning; so is a roster line nobody submitted for, a graded
student whose roster line fills none of the columns the LMS matches by, and an LMS id
the roster gives to several graded students.

* ``csv:canvas`` (``gradebook-canvas.csv``) follows the layout of the CSV Canvas exports
  and imports back (Grades → Import): ``Student, ID, SIS User ID, SIS Login ID, Section``,
  then one column per assignment, then a ``Points Possible`` row under the header (the
  first cell written ``    Points Possible``, as Canvas writes it). Canvas matches a row to
  a student by ID, SIS User ID or SIS Login ID, and makes a new assignment of a column it
  does not know. Sources: https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807 ,
  https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades ,
  https://nemogb-dev.github.io/nemogb-r/articles/detailed-canvas-export-info.html
* ``csv:moodle`` (``gradebook-moodle.csv``) follows the identity columns of Moodle's own
  plain-text grade export (``First name, Last name, ID number, Email address``), then one
  column per exercise. Moodle's CSV import (Grades → Import → CSV file) maps a column to
  the user: "Map from" ``Email address`` to ``useremail``, or ``ID number`` to
  ``useridnumber``; each grade column is then mapped to a grade item. Source:
  https://docs.moodle.org/311/en/Grade_import

Both presets end with a ``calcgrade total`` column: import either the exercises or the
total, not both, or the course grade counts the points twice.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from grader.judge.results import Results
from grader.reports.formats import _cell, csv_pts
from grader.reports.stats import ClassSummary, summarise

CANVAS_ID_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
CANVAS_POINTS_POSSIBLE = "    Points Possible"  # Canvas's export: four spaces, then the words
MOODLE_ID_COLUMNS = ("First name", "Last name", "ID number", "Email address")
TOTAL_COLUMN = "calcgrade total"
FOLDER_COLUMNS = ("folder", "submission", "calcgrade")  # what the roster's key may be called
# other spellings a roster may use for an LMS column (lower case → the LMS's name)
ALIASES = {"student name": "Student", "name": "Student", "canvas id": "ID",
           "sis user id": "SIS User ID", "sis login id": "SIS Login ID", "section": "Section",
           "first name": "First name", "firstname": "First name", "last name": "Last name",
           "lastname": "Last name", "surname": "Last name", "id number": "ID number",
           "idnumber": "ID number", "email": "Email address", "email address": "Email address"}
PRESETS = ("canvas", "moodle")
MATCHED_BY = {"canvas": ("ID", "SIS User ID", "SIS Login ID"),  # what the import matches on
              "moodle": ("ID number", "Email address")}
MAX_ROSTER_BYTES = 20 * 1024 * 1024


class RosterError(ValueError):
    """The roster file cannot be used; the message says why and where."""


@dataclass
class Roster:
    """Folder name → that student's LMS fields (by the LMS's column names)."""

    path: str
    columns: list[str]
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    def get(self, folder: str) -> dict[str, str] | None:
        return self.rows.get(folder)


def load_roster(path: Path) -> Roster:
    """Read a roster CSV (UTF-8, a byte-order mark is fine); RosterError when unusable."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_ROSTER_BYTES:
            raise RosterError(f"roster {path} is larger than {MAX_ROSTER_BYTES // 2**20} MiB")
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RosterError(f"roster {path} is not UTF-8 text (save it as CSV UTF-8)") from None
    except OSError as exc:
        raise RosterError(f"cannot read roster {path}: {exc.strerror or exc}") from None
    return parse_roster(text, str(path))


def parse_roster(text: str, where: str = "roster") -> Roster:
    try:
        table = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise RosterError(f"{where} is not valid CSV: {exc}") from None
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise RosterError(f"{where} is empty: it needs a header row with a 'folder' column")
    header = [cell.strip() for cell in table[0]]
    lowered = [h.lower() for h in header]
    key = next((lowered.index(k) for k in FOLDER_COLUMNS if k in lowered), None)
    if key is None:
        raise RosterError(f"{where} has no 'folder' column (the submission's folder name); "
                          f"its header is: {', '.join(header)}")
    names = [ALIASES.get(h.lower(), h) for h in header]
    roster = Roster(where, [n for k, n in enumerate(names) if k != key])
    for line, row in enumerate(table[1:], 2):
        folder = row[key].strip() if key < len(row) else ""
        if not folder:
            raise RosterError(f"{where}, line {line}: the folder cell is empty")
        if folder in roster.rows:
            raise RosterError(f"{where}, line {line}: folder {folder!r} appears twice")
        roster.rows[folder] = {names[k]: cell.strip() for k, cell in enumerate(row)
                               if k < len(names) and k != key}
    return roster


def roster_warnings(summary: ClassSummary, roster: Roster, preset: str) -> list[str]:
    """Who the LMS will not be able to match, in words."""
    graded = [row.name for row in summary.students]
    missing = [name for name in graded if roster.get(name) is None]
    unused = sorted(set(roster.rows) - set(graded))
    out = []
    if missing:
        out.append(f"{preset}: {len(missing)} graded student(s) not in the roster {roster.path} "
                   f"(exported with empty id cells): {', '.join(missing)}")
    if unused:
        out.append(f"{preset}: {len(unused)} roster line(s) without a graded submission: "
                   f"{', '.join(unused)}")
    keys = MATCHED_BY[preset]
    listed = [name for name in graded if roster.get(name) is not None]
    no_id = [name for name in listed if not any(roster.get(name).get(c, "") for c in keys)]
    if no_id:
        out.append(f"{preset}: {len(no_id)} graded student(s) have none of the columns the "
                   f"LMS matches by ({', '.join(keys)}) filled in the roster {roster.path}, "
                   f"so their grades will not be imported: {', '.join(no_id)}")
    for column in keys:
        owners: dict[str, list[str]] = {}
        for name in listed:
            value = roster.get(name).get(column, "")
            if value:
                owners.setdefault(value, []).append(name)
        for value, names in owners.items():
            if len(names) > 1:
                out.append(f"{preset}: {', '.join(names)} share the {column} {value!r} in the "
                           f"roster {roster.path}: the LMS will give one of their grades to "
                           "that student and drop the others")
    return out


def _writer() -> tuple[io.StringIO, "csv._writer"]:
    buf = io.StringIO()
    return buf, csv.writer(buf, lineterminator="\r\n")  # RFC 4180 line ends, as both export


def _scores(row, slugs: Sequence[str]) -> list[str]:
    return [csv_pts(row.by_exercise[s][0]) if s in row.by_exercise else "" for s in slugs]


def not_points_possible(name: str) -> str:
    """A Student cell that Canvas cannot take for the Points Possible row: its importer
    treats any first cell *containing* ``Points Possible`` as that row (``row[0] =~
    /Points Possible/`` in canvas-lms ``gradebook_importer.rb``), so a student named
    e.g. ``Points Possible`` or ``x Points Possible`` would set the assignments' points.
    The words are joined by a hyphen (Canvas shows the name; it matches by the ids)."""
    return re.sub(r"(?i)points(\s+)possible", lambda m: m.group(0).replace(m.group(1), "-"),
                  name)


def to_canvas_csv(results: Sequence[Results], roster: Roster,
                  summary: ClassSummary | None = None) -> str:
    """Canvas's gradebook import: id columns, a column per exercise, Points Possible row."""
    s = summary or summarise(results)
    buf, writer = _writer()
    writer.writerow([*CANVAS_ID_COLUMNS, *s.slugs, TOTAL_COLUMN])
    maxima = [csv_pts(e.max_points) for e in s.exercises]
    total = csv_pts(sum(e.max_points for e in s.exercises))
    writer.writerow([CANVAS_POINTS_POSSIBLE, *[""] * (len(CANVAS_ID_COLUMNS) - 1), *maxima, total])
    for row in s.students:
        fields = roster.get(row.name) or {}
        ids = [fields.get(c, "") for c in CANVAS_ID_COLUMNS]
        ids[0] = ids[0] or row.name  # Canvas shows the name; matching is by the ids
        ids[0] = not_points_possible(ids[0])
        writer.writerow([*map(_cell, ids), *_scores(row, s.slugs), csv_pts(row.points)])
    return buf.getvalue()


def to_moodle_csv(results: Sequence[Results], roster: Roster,
                  summary: ClassSummary | None = None) -> str:
    """Moodle's CSV grade import: Moodle export's identity columns, a column per exercise."""
    s = summary or summarise(results)
    buf, writer = _writer()
    writer.writerow([*MOODLE_ID_COLUMNS, *s.slugs, TOTAL_COLUMN])
    for row in s.students:
        fields = roster.get(row.name) or {}
        ids = [fields.get(c, "") for c in MOODLE_ID_COLUMNS]
        if not any(ids):
            ids[0] = row.name  # a person reading the file still sees who it is
        writer.writerow([*map(_cell, ids), *_scores(row, s.slugs), csv_pts(row.points)])
    return buf.getvalue()


WRITERS = {"canvas": to_canvas_csv, "moodle": to_moodle_csv}
FILE_NAMES = {"canvas": "gradebook-canvas.csv", "moodle": "gradebook-moodle.csv"}


def preset_csv(preset: str, results: Sequence[Results], roster: Roster,
               warnings: list[str] | None = None) -> str:
    """The ``preset`` gradebook; what the LMS will not match is appended to ``warnings``."""
    s = summarise(results)
    if warnings is not None:
        warnings.extend(roster_warnings(s, roster, preset))
    return WRITERS[preset](results, roster, s)
