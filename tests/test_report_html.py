"""HTML reports: golden files, escaping, plots, the class numbers, and a real browser.

The Chromium tests open a student report and a class report from file in headless
Chromium (Debian's ``chromium``; skipped with a reason when it is not installed), assert
that the console stayed clean and every image decodes, and save screenshots: to
``CALCGRADE_SCREENSHOTS=<dir>`` when set, and ``docs/student-report.png`` (the README's
picture) when ``CALCGRADE_UPDATE_SCREENSHOT=1``.
"""
from __future__ import annotations

import base64
import html as html_lib
import io
import os
import re
from pathlib import Path

import pytest
from chromium_cdp import Chromium, find_chromium, inspect_page
from report_fixtures import GRID, RULE, alice, bob, carol, fixed_class

from grader.cli.progress import Progress
from grader.reports import plots
from grader.reports.html import (
    class_html,
    report_file_names,
    student_html,
    write_class_report,
    write_student_report,
)
from grader.reports.sortable import SCRIPT, csp_source
from grader.reports.stats import summarise

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("CALCGRADE_UPDATE_GOLDEN") == "1"
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")


def normalised(html: str) -> str:
    """Images vary with the matplotlib build: golden files compare everything else."""
    return DATA_URI.sub("data:image/png;base64,…", html)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}; create it with CALCGRADE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def images(html: str) -> list[bytes]:
    return [base64.b64decode(uri.split(",", 1)[1]) for uri in DATA_URI.findall(html)]


# -- golden files -----------------------------------------------------------------------

@pytest.mark.parametrize("make", [alice, bob, carol], ids=["alice", "bob", "carol"])
def test_student_report_matches_golden(make) -> None:
    assert_golden(f"{make.__name__}.html", normalised(student_html(make())))


def test_class_report_matches_golden() -> None:
    links = [f"students/{n}" for n in report_file_names(["alice", "bob", "carol"])]
    assert_golden("class.html", normalised(class_html(fixed_class(), links=links)))


# -- escaping and self-containment ----------------------------------------------------------

def test_student_html_is_shown_as_text() -> None:
    html = student_html(bob())
    assert "<img src=x" not in html and "<script>alert" not in html and "<b>bold" not in html
    assert "ValueError: &lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;script&gt;alert(&#39;printed&#39;)&lt;/script&gt;" in html
    assert html.count("<img ") == 1  # the plot, nothing a student wrote


def test_names_are_escaped_in_class_report() -> None:
    evil = alice()
    evil.submission = "<i>mallory</i>"
    html = class_html([evil], links=["students/x.html"])
    assert "&lt;i&gt;mallory&lt;/i&gt;" in html and "<i>mallory" not in html


@pytest.mark.parametrize("html", [lambda: student_html(carol()), lambda: class_html(fixed_class())])
def test_reports_load_nothing_from_outside(html) -> None:
    text = html()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", text, re.S)
    if "Class report" in text:  # the class report's one script: table sorting, pinned by hash
        assert scripts == [("", SCRIPT)]
        assert f"script-src {csp_source(SCRIPT)}\"" in html_lib.unescape(text)
    else:
        assert "<script" not in text and "script-src" not in text
    assert text.count("<script") == len(scripts)
    assert not re.search(r"""(src|href)=["']?(https?:|//)""", text)
    assert "default-src 'none'; img-src data:" in text
    for png in images(text):
        assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_the_scripts_hash_changes_with_the_script() -> None:
    assert csp_source(SCRIPT) != csp_source(SCRIPT + " ")
    assert csp_source("alert(1)") == "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='"


def test_control_characters_do_not_reach_the_page() -> None:
    html = student_html(carol())
    assert "\x00" not in html and "\x1b" not in html and "\ufffd[31mloading" in html


# -- plots ----------------------------------------------------------------------------------

def _figure(student):
    return {"title": "t", "reference": {"x": GRID, "rule": RULE}, "student": student,
            "message": ""}


def test_plot_draws_the_students_data_beside_the_reference() -> None:
    plot = plots.exercise_plot("01_derivative", _figure({"x": GRID, "rate_of_change": RULE}))
    assert plot.with_student and plot.note == ""
    assert base64.b64decode(plot.uri.split(",")[1]).startswith(b"\x89PNG")


def test_plot_shows_the_reference_alone_when_the_student_data_is_broken() -> None:
    plot = plots.exercise_plot("01_derivative", _figure({"x": GRID, "rate_of_change": [1.0, 2.0]}))
    assert plot.uri and not plot.with_student
    assert plot.note.startswith("your data could not be drawn: the plot needs one value per "
                                "grid point (21 of them) and your function returned 2;")
    assert "ValueError" not in plot.note and "shapes" not in plot.note
    assert plot.note.endswith("showing the reference alone")


def test_plot_keeps_the_graders_message_when_the_students_functions_failed() -> None:
    plot = plots.exercise_plot("01_derivative", {**_figure(None), "message": "it crashed"})
    assert plot.uri and not plot.with_student and plot.note == "it crashed"
    html = student_html(carol())
    assert "(reference only)" in html and "showing the reference alone" in html


@pytest.mark.parametrize("slug, figure, note", [
    ("01_derivative", None, None),
    ("99_unknown", _figure(None), "has no drawing"),
    ("01_derivative", {**_figure(None), "reference": None}, "reference figure is missing"),
    ("01_derivative", _figure({"x": GRID, "rate_of_change": "oops"}), "showing the reference alone"),
    ("01_derivative", _figure({"x": GRID, "rate_of_change": [0.0] * 200_001}),
     "more than 200,000 numbers, too many to draw"),
])
def test_plot_edge_cases(slug, figure, note) -> None:
    plot = plots.exercise_plot(slug, figure)
    if note is None:
        assert plot is None
    else:
        assert note in plot.note


def test_to_arrays_makes_numbers_arrays_and_keeps_the_rest() -> None:
    out = plots.to_arrays({"x": [1, None, 3], "m": [[1, 2], [3, 4]], "s": ["a"], "r": [[1], [2, 3]]})
    assert out["x"].shape == (3,) and out["x"][1] != out["x"][1]  # None → NaN
    assert out["m"].shape == (2, 2) and out["s"] == ["a"] and isinstance(out["r"], list)


def test_histogram_is_a_png() -> None:
    uri = plots.histogram_uri([0.0, 12.5, 100.0])
    assert base64.b64decode(uri.split(",")[1]).startswith(b"\x89PNG")


# -- class numbers ----------------------------------------------------------------------------

def test_class_summary_counts() -> None:
    s = summarise(fixed_class())
    assert [round(p, 1) for p in s.percents] == [100.0, 12.5, 0.0]
    assert s.score_stats() == {"mean": 37.5, "median": 12.5, "min": 0.0, "max": 100.0}
    assert [(m.mistake, m.students, m.checks) for m in s.mistakes] == [
        ("derivative_of_minus_2x2", 2, 2), ("not_autodiff", 1, 1)]
    first = s.checks[0]
    assert (first.id, first.passed, first.graded, round(first.rate)) == (
        "01_derivative/symbolic_derivative", 1, 3, 33)
    assert [r.name for r in s.students if r.crashed] == ["bob", "carol"]
    assert [e.crashed for e in s.exercises] == [2, 0]


def test_empty_class_renders() -> None:
    assert "0 students" in class_html([])


def test_report_file_names_are_safe_and_unique() -> None:
    assert report_file_names(["alice", "Alice", "../etc/passwd", "", "a b"]) == [
        "alice.html", "Alice-2.html", "etc_passwd.html", "student.html", "a_b.html"]


def test_write_class_report_links_every_student(tmp_path: Path) -> None:
    index = write_class_report(fixed_class(), tmp_path, plots=False)
    html = index.read_text()
    for href in re.findall(r'href="(students/[^"]+)"', html):
        assert (tmp_path / href).is_file()
        assert 'href="../index.html"' in (tmp_path / href).read_text()
    assert len(list((tmp_path / "students").iterdir())) == 3


# -- progress --------------------------------------------------------------------------------

class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal() -> None:
    tty, pipe = _Tty(), io.StringIO()
    for stream in (tty, pipe):
        with Progress(stream) as progress:
            progress("drawing", 1, 2)
            progress("drawing", 2, 2)
    assert "\rdrawing 2/2" in tty.getvalue() and tty.getvalue().endswith("\r")
    assert pipe.getvalue() == ""


def test_write_student_report_reports_progress(tmp_path: Path) -> None:
    seen = []
    write_student_report(bob(), tmp_path / "r.html", plots=False,
                         progress=lambda *a: seen.append(a))
    assert seen == [("drawing", 1, 2), ("drawing", 2, 2)]


# -- in a real browser ----------------------------------------------------------------------------

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(apt-get install chromium); CI installs it")


def _save(report, name: str) -> None:
    where = os.environ.get("CALCGRADE_SCREENSHOTS")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        (Path(where) / name).write_bytes(report.screenshot)


@needs_chromium
def test_reports_open_cleanly_in_chromium(tmp_path: Path) -> None:
    index = write_class_report(fixed_class(), tmp_path / "class")
    bob_page = tmp_path / "class" / "students" / "bob.html"
    with Chromium(CHROMIUM) as browser:
        student = inspect_page(browser, bob_page)
        klass = inspect_page(browser, index)
    for name, report, n_images in (("student", student, 1), ("class", klass, 1)):
        assert report.errors == [], name
        assert len(report.images) == n_images, name  # no image a student smuggled in
        assert all(img["ok"] and img["width"] > 0 for img in report.images), report.images
        assert report.screenshot.startswith(b"\x89PNG")
        (tmp_path / f"{name}.png").write_bytes(report.screenshot)
        _save(report, f"{name}-report.png")
    assert student.title.startswith("calcgrade feedback: bob")


@needs_chromium
def test_chromium_check_sees_console_errors_and_broken_images(tmp_path: Path) -> None:
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><title>bad</title><img alt="broken" '
                    'src="data:image/png;base64,AAAA"><script>console.error("boom")</script>')
    with Chromium(CHROMIUM) as browser:
        report = inspect_page(browser, page)
    assert any("boom" in e for e in report.errors)
    assert report.images == [{"alt": "broken", "ok": False, "width": 0, "height": 0,
                              "error": report.images[0]["error"]}]


@needs_chromium
@pytest.mark.skipif(os.environ.get("CALCGRADE_UPDATE_SCREENSHOT") != "1",
                    reason="set CALCGRADE_UPDATE_SCREENSHOT=1 to refresh docs/student-report.png")
def test_update_readme_screenshot(tmp_path: Path) -> None:
    from PIL import Image

    page = write_student_report(bob(), tmp_path / "bob.html")
    with Chromium(CHROMIUM) as browser:
        report = inspect_page(browser, page, width=1100)
    image = Image.open(io.BytesIO(report.screenshot)).convert("RGB")
    image = image.crop((0, 0, image.width, min(image.height, 1500)))
    image = image.resize((image.width * 2 // 3, image.height * 2 // 3), Image.LANCZOS)
    out = ROOT / "docs" / "student-report.png"
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, optimize=True)
    assert out.stat().st_size <= 200_000


def test_plot_says_so_when_even_the_reference_cannot_be_drawn(monkeypatch) -> None:
    def broken(ax, ref, student):
        raise KeyError("rule")

    monkeypatch.setattr(plots, "_draw_function", lambda slug: broken)
    plots._cached_plot.cache_clear()
    plot = plots.exercise_plot("01_derivative", _figure({"x": GRID, "rate_of_change": RULE}))
    plots._cached_plot.cache_clear()
    assert plot.uri is None and plot.note == "The figure could not be drawn (KeyError: 'rule')."
