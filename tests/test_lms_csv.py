"""LMS gradebook presets: Canvas and Moodle headers as their import documentation says,
a roster mapping folder names to LMS ids, and warnings naming who cannot be matched.

The expected headers are written out here from the LMSs' documentation, not imported
from the module under test:

* Canvas (Grades → Import; the layout of Canvas's own export): ``Student, ID, SIS User
  ID, SIS Login ID, Section``, then the assignments, then a ``Points Possible`` row.
  https://community.canvaslms.com/t5/Instructor-Guide/How-do-I-import-grades-in-the-Gradebook/ta-p/807
  https://teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades
* Moodle (Grades → Import → CSV file, "Map from" Email address → useremail or ID number
  → useridnumber; identity columns of Moodle's plain-text export).
  https://docs.moodle.org/311/en/Grade_import
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixtures import fixed_class

from grader.cli.main import main
from grader.reports.lms_csv import (
    RosterError,
    load_roster,
    parse_roster,
    preset_csv,
    to_canvas_csv,
    to_moodle_csv,
)
from grader.reports.render import write_reports

CANVAS_DOCUMENTED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_DOCUMENTED = ["First name", "Last name", "ID number", "Email address"]
SLUGS = ["01_derivative", "02_antiderivative"]

ROSTER = """folder,Student,ID,SIS User ID,SIS Login ID,Section,First name,Last name,ID number,Email address
alice,"Liddell, Alice",1201,S001,alice@uni.example,Calc A,Alice,Liddell,S001,alice@uni.example
bob,"Builder, Bob",1202,S002,bob@uni.example,Calc B,Bob,Builder,S002,bob@uni.example
zoe,"Zed, Zoe",1299,S099,zoe@uni.example,Calc A,Zoe,Zed,S099,zoe@uni.example
"""


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture()
def roster():
    return parse_roster(ROSTER, "roster.csv")


# -- Canvas ----------------------------------------------------------------------------------

def test_canvas_header_and_points_possible_row_follow_canvas(roster) -> None:
    table = rows(to_canvas_csv(fixed_class(), roster))
    assert table[0][:5] == CANVAS_DOCUMENTED
    assert table[0][5:] == [*SLUGS, "calcgrade total"]
    # the second row: "Points Possible" in the Student column, id cells empty, the maxima
    assert table[1][0].strip() == "Points Possible" and table[1][0] == "    Points Possible"
    assert table[1][1:5] == ["", "", "", ""]
    assert table[1][5:] == ["5", "3", "8"]
    assert all(len(r) == len(table[0]) for r in table)


def test_canvas_rows_carry_the_roster_ids_and_scores(roster) -> None:
    table = rows(to_canvas_csv(fixed_class(), roster))
    by_login = {r[3]: r for r in table[2:]}
    assert by_login["alice@uni.example"] == ["Liddell, Alice", "1201", "S001",
                                             "alice@uni.example", "Calc A", "5", "3", "8"]
    assert by_login["bob@uni.example"][5:] == ["1", "0", "1"]


def test_a_student_missing_from_the_roster_is_exported_and_named(roster) -> None:
    warnings: list[str] = []
    table = rows(preset_csv("canvas", fixed_class(), roster, warnings))
    carol = [r for r in table[2:] if r[0] == "carol"]
    assert carol == [["carol", "", "", "", "", "0", "0", "0"]]  # exported, ids empty
    assert any("not in the roster" in w and "carol" in w for w in warnings), warnings
    assert any("without a graded submission" in w and "zoe" in w for w in warnings), warnings
    assert not any("alice" in w or "bob" in w for w in warnings)


# -- Moodle ----------------------------------------------------------------------------------

def test_moodle_header_has_the_identifier_columns_moodle_maps(roster) -> None:
    table = rows(to_moodle_csv(fixed_class(), roster))
    assert table[0] == [*MOODLE_DOCUMENTED, *SLUGS, "calcgrade total"]
    # Moodle maps "Email address" → useremail or "ID number" → useridnumber: both present
    assert {"Email address", "ID number"} <= set(table[0])
    alice = table[1]
    assert alice == ["Alice", "Liddell", "S001", "alice@uni.example", "5", "3", "8"]
    assert "Points Possible" not in "".join(sum(table, []))  # a Canvas row, not Moodle's


def test_moodle_row_of_a_student_not_in_the_roster_still_says_who(roster) -> None:
    warnings: list[str] = []
    table = rows(preset_csv("moodle", fixed_class(), roster, warnings))
    assert ["carol", "", "", "", "0", "0", "0"] in table
    assert any("carol" in w for w in warnings)


# -- the roster -------------------------------------------------------------------------------

def test_roster_aliases_bom_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\ufeffFolder,Email,IDNumber,Name\n\nalice,a@x,7,\"A, Alice\"\n",
                    encoding="utf-8")
    roster = load_roster(path)
    assert roster.get("alice") == {"Email address": "a@x", "ID number": "7", "Student": "A, Alice"}


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("name,email\nalice,a@x\n", "no 'folder' column"),
    ("folder,email\nalice,a@x\nalice,b@x\n", "appears twice"),
    ("folder,email\n,a@x\n", "folder cell is empty"),
])
def test_bad_rosters_are_refused_in_words(text: str, message: str) -> None:
    with pytest.raises(RosterError, match=message):
        parse_roster(text)


def test_unreadable_roster_files(tmp_path: Path) -> None:
    with pytest.raises(RosterError, match="cannot read roster"):
        load_roster(tmp_path / "nope.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("folder,Student\nzoé,Zoé\n".encode("latin-1"))
    with pytest.raises(RosterError, match="not UTF-8"):
        load_roster(latin)


def test_spreadsheet_formulas_in_roster_cells_are_neutralised() -> None:
    roster = parse_roster('folder,Student,ID\nalice,"=HYPERLINK(""http://x"")",@SUM(1)\n')
    table = rows(to_canvas_csv(fixed_class()[:1], roster))
    assert table[2][0] == "'=HYPERLINK(\"http://x\")" and table[2][1] == "'@SUM(1)"


# -- writing and the command line ----------------------------------------------------------------

def test_write_reports_writes_each_preset_and_needs_a_roster(tmp_path: Path, roster) -> None:
    warnings: list[str] = []
    written = write_reports(fixed_class(), tmp_path, ["csv", "csv:canvas", "csv:moodle"],
                            is_class=True, roster=roster, warnings=warnings)
    assert [p.name for p in written] == ["gradebook.csv", "gradebook-canvas.csv",
                                         "gradebook-moodle.csv"]
    assert rows((tmp_path / "gradebook.csv").read_text())[0] == ["student", *SLUGS, "total"]
    assert len(warnings) == 4  # carol and zoe, for each preset
    with pytest.raises(ValueError, match="csv:canvas need"):
        write_reports(fixed_class(), tmp_path, ["csv:canvas"], is_class=True)


@pytest.fixture()
def class_folder(tmp_path: Path) -> Path:
    from grader.judge.strict_json import dumps

    for res in fixed_class():
        (tmp_path / "results" / res.submission).mkdir(parents=True)
        (tmp_path / "results" / res.submission / "results.json").write_text(dumps(res.to_dict()))
    (tmp_path / "roster.csv").write_text(ROSTER)
    return tmp_path


def test_report_command_writes_the_canvas_preset_and_warns(class_folder: Path) -> None:
    out = class_folder / "site"
    result = CliRunner().invoke(main, ["report", str(class_folder / "results"), "--out", str(out),
                                       "--format", "csv:canvas", "--roster",
                                       str(class_folder / "roster.csv")])
    assert result.exit_code == 0, result.output
    assert rows((out / "gradebook-canvas.csv").read_text())[0][:5] == CANVAS_DOCUMENTED
    assert "warning: canvas: 1 graded student(s) not in the roster" in result.output
    assert "carol" in result.output


@pytest.mark.parametrize("args, message", [
    (["--format", "csv:moodle"], "need(s) --roster FILE"),
    (["--format", "csv", "--roster", "ROSTER"], "only used by csv:canvas and csv:moodle"),
    (["--format", "csv:canvas", "--roster", "MISSING"], "cannot read roster"),
])
def test_report_command_usage_errors(class_folder: Path, args, message: str) -> None:
    args = [str(class_folder / "roster.csv") if a == "ROSTER" else
            str(class_folder / "missing.csv") if a == "MISSING" else a for a in args]
    result = CliRunner().invoke(main, ["report", str(class_folder / "results"), "--out",
                                       str(class_folder / "site"), *args])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (class_folder / "site").exists() or not any((class_folder / "site").iterdir())


def test_a_student_named_like_the_points_row_cannot_pose_as_it() -> None:
    res = fixed_class()[0]
    res.submission = "Points Possible"
    table = rows(to_canvas_csv([res], parse_roster("folder,ID\n")))
    # Canvas takes any first cell containing "Points Possible" for that row (a leading
    # quote does not stop it): the words are hyphenated (tests/test_attack_surfaces.py)
    assert [r[0] for r in table] == ["Student", "    Points Possible", "Points-Possible"]
