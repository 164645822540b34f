"""The class report reads from the top: students, distribution, hardest checks, mistakes
with names, exercises; sortable tables; truthful statuses; nothing shown as null/None/nan.

The Chromium tests (skipped with a reason without ``chromium``) click the sort buttons,
measure the histogram's label size at laptop width, check that the students table is on
the first screen, and refresh ``docs/class-report.png`` when
``CALCGRADE_UPDATE_SCREENSHOT=1`` (from the results folder in
``CALCGRADE_SCREENSHOT_CLASS``, e.g. ``results/`` after ``make demo``; else the fixed
class of the tests).
"""
from __future__ import annotations

import io
import math
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from chromium_cdp import Chromium, evaluate_on_page, find_chromium
from report_fixtures import CREATED, alice, bob, carol, fixed_class

from grader.judge.results import CheckResult, ExerciseResult, Results
from grader.reports import plots
from grader.reports.html import class_html, write_class_report
from grader.reports.stats import summarise

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ["students", "distribution", "hardest", "mistakes", "exercises"]


class _Text(HTMLParser):
    """The text a reader sees, and every id and in-page link."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.ids: list[str] = []
        self.links: list[str] = []
        self.titles: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        for key in ("title", "alt"):
            if attrs.get(key):
                self.titles.append(attrs[key])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parsed(html: str) -> _Text:
    p = _Text()
    p.feed(html)
    return p


def _links() -> list[str]:
    return ["students/alice.html", "students/bob.html", "students/carol.html"]


# -- order and navigation ------------------------------------------------------------------

def test_sections_come_in_the_order_an_instructor_reads_them() -> None:
    html = class_html(fixed_class(), links=_links(), plots=False)
    positions = [html.index(f'<section class="card" id="{s}">') for s in SECTIONS]
    assert positions == sorted(positions)
    # the students table is the first table of the page, before the histogram
    assert html.index("<table") > html.index('id="students"')
    assert html.index("<table") < html.index('id="distribution"')


def test_navigation_links_reach_every_section() -> None:
    page = parsed(class_html(fixed_class(), links=_links(), plots=False))
    nav = [link[1:] for link in page.links if link.startswith("#")]
    assert nav == SECTIONS
    assert set(nav) <= set(page.ids)


def test_students_table_links_every_report_and_shows_score_percent_and_status() -> None:
    html = class_html(fixed_class(), links=_links(), plots=False)
    table = html[html.index('id="students"'):html.index('id="distribution"')]
    for name, href in zip(["alice", "bob", "carol"], _links()):
        assert f'<a href="{href}">{name}</a>' in table
    assert '<strong>8</strong>/8' in table and '<strong>1</strong>/8' in table  # alice, bob
    assert ">all passed<" in table                                   # alice
    assert ">2 not implemented<" in table and ">1 error<" in table      # bob
    assert ">1 timeout<" in table and ">2 missing<" in table            # carol


# -- statuses named truthfully --------------------------------------------------------------

def test_statuses_are_named_truthfully() -> None:
    html = class_html(fixed_class(), links=_links(), plots=False)
    assert "CRASH" not in html
    text = " ".join(parsed(html).text)
    for word in ("timeout", "error", "missing", "not implemented"):
        assert word in text
    # carol's 01 cell is flagged error first, and the title names both outcomes
    assert 'title="error, timeout in 01_derivative"' in html
    # the exercises table names who timed out, not just how many "crashed"
    exercises = html[html.index('id="exercises"'):]
    row = exercises[exercises.index("01_derivative"):exercises.index("02_antiderivative")]
    cells = re.findall(r'<td class="names small">(.*?)</td>', row)
    assert [re.sub(r"<[^>]+>", "", c) for c in cells] == ["bob, carol", "carol", "", ""]


def test_a_timeout_alone_is_not_called_an_error() -> None:
    slow = alice()
    slow.submission = "tim"
    check = slow.exercises[0].checks[1]
    check.status, check.points, check.message = "timeout", 0.0, "took longer than 5 s"
    html = class_html([slow], links=["students/tim.html"], plots=False)
    row = html[html.index('<a href="students/tim.html">'):]
    row = row[:row.index("</tr>")]
    assert ">1 timeout<" in row and "error" not in row


# -- hardest checks and mistakes -------------------------------------------------------------

def test_hardest_checks_are_ranked_by_fail_rate_and_the_full_table_is_folded() -> None:
    s = summarise(fixed_class())
    hardest = s.hardest(3)
    rates = [r.rate for r in hardest]
    assert rates == sorted(rates) and all(r < 100 for r in rates)
    assert hardest[0].rate == min(r.rate for r in s.checks)
    assert hardest[0].id == "01_derivative/symbolic_derivative"  # ties: course order
    everyone = s.checks[-1]  # make one check failed by nobody: it is never "hard"
    everyone.counts = {k: 0 for k in everyone.counts} | {"passed": 3}
    assert everyone not in s.hardest(100)
    assert all(r.not_passed for r in s.hardest(100))
    assert len(s.hardest(100)) == sum(1 for r in s.checks if r.passed < r.graded)
    html = class_html(fixed_class(), links=_links(), plots=False)
    section = html[html.index('id="hardest"'):html.index('id="mistakes"')]
    assert "<details" in section and f"Pass rate of all {len(s.checks)} checks" in section
    visible = section[:section.index("<details")]
    assert visible.index(hardest[0].id) < visible.index(hardest[1].id)


def test_everyone_passing_has_no_hardest_checks() -> None:
    assert summarise([alice()]).hardest() == []
    assert "Every check was passed by every student." in class_html([alice()], plots=False)


def test_mistakes_name_and_link_the_students_who_made_them() -> None:
    s = summarise(fixed_class())
    assert [(m.mistake, m.names) for m in s.mistakes] == [
        ("derivative_of_minus_2x2", ["bob", "carol"]), ("not_autodiff", ["carol"])]
    html = class_html(fixed_class(), links=_links(), plots=False)
    section = html[html.index('id="mistakes"'):html.index('id="exercises"')]
    assert ('<a href="students/bob.html">bob</a>, <a href="students/carol.html">carol</a>'
            in section)


def test_many_mistakes_fold_after_the_first_ten() -> None:
    results = []
    for k in range(12):
        r = bob()
        r.submission = f"s{k}"
        r.exercises[0].checks[0].mistake = f"mistake_{k:02d}"
        results.append(r)
    html = class_html(results, plots=False)
    section = html[html.index('id="mistakes"'):html.index('id="exercises"')]
    shown, folded = section.split("<details", 1)
    assert shown.count("mistake_") == 10 and folded.count("mistake_") == 2
    assert "2 more catalogued mistakes" in folded


# -- nothing absent shows as null / None / nan -----------------------------------------------------

ABSENT_WORDS = re.compile(r"\b(null|None|nan|NaN|undefined|inf)\b")


def odd_class() -> list[Results]:
    """Results as they come back from odd runs: details without values, no checks at all,
    non-finite points read back from JSON, a student with no exercises."""
    a = alice()
    check = a.exercises[0].checks[1]
    check.status, check.points = "failed", 0.0
    check.message = "3 of 4 values are off"
    check.detail = {"expected": None, "got": None, "max_abs_error": None, "worst_index": None,
                    "tolerance": {"rtol": 1e-5, "atol": None}}
    nan_points = bob()
    nan_points.submission = "odd_points"
    nan_points.exercises[1].checks[0].points = math.nan      # a corrupt "NaN" read back
    nan_points.exercises[1].checks[1].max_points = math.inf
    nan_points.duration = math.nan
    empty = Results(submission="nobody", seed=1, isolation="process", exercises=[],
                    grader_version="0.1.0", created=CREATED, duration=0.0)
    no_checks = carol()
    no_checks.submission = "no_checks"
    no_checks.exercises.append(ExerciseResult("03_gradient", "Gradients", []))
    no_checks.exercises[0].checks.append(CheckResult(
        id="01_derivative/extra", exercise="01_derivative", function="extra", title="extra",
        status="missing", points=0.0, max_points=0.0, message="", mistake=None))
    return [a, nan_points, empty, no_checks]


@pytest.mark.parametrize("plots_on", [False, True], ids=["no-plots", "plots"])
def test_no_null_none_or_nan_in_the_class_report_of_an_odd_class(plots_on: bool) -> None:
    html = class_html(odd_class(), links=[None, "students/n.html", None, None], plots=plots_on)
    page = parsed(html)
    for text in page.text + page.titles:
        assert not ABSENT_WORDS.search(text), text
    assert not re.search(r'data-v="(nan|inf|-inf|None)"', html)
    nobody = html[html.index(">nobody<"):]
    assert ">no checks<" in nobody[:nobody.index("</tr>")]  # not "all passed"


def test_no_null_none_or_nan_in_the_students_reports_of_an_odd_class(tmp_path: Path) -> None:
    write_class_report(odd_class(), tmp_path, plots=False)
    for page in (tmp_path / "students").iterdir():
        parsed_page = parsed(page.read_text())
        for text in parsed_page.text + parsed_page.titles:
            assert not ABSENT_WORDS.search(text), (page.name, text)
    alice_page = (tmp_path / "students" / "alice.html").read_text()
    assert "max abs error" not in alice_page   # a detail without a value is left out
    assert "rtol=1e-05, atol=—" in alice_page   # inside a value: a dash


def test_the_grep_catches_what_it_looks_for() -> None:
    """The check above is not vacuous: the old rendering of an absent detail is caught."""
    assert ABSENT_WORDS.search("max abs error null")
    assert ABSENT_WORDS.search("None") and ABSENT_WORDS.search("nan%")
    assert not ABSENT_WORDS.search("nonexistent Nancy infinity")


# -- the histogram -------------------------------------------------------------------------------------

def test_histogram_is_drawn_for_its_display_width_and_ignores_non_finite_scores() -> None:
    import base64

    from PIL import Image

    uri = plots.histogram_uri([0.0, 55.0, math.nan, 100.0, 130.0])
    image = Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))
    assert image.size == (plots.HISTOGRAM_CSS_WIDTH * plots.HISTOGRAM_DPI // 100,
                          3 * plots.HISTOGRAM_DPI)


# -- in a real browser --------------------------------------------------------------------------------

CHROMIUM = find_chromium()
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed "
                                    "(apt-get install chromium); CI installs it")

NAMES_JS = ("Array.from(document.querySelectorAll('#students tbody tr'))"
            ".map(r => r.cells[0].textContent.trim())")
CLICK_JS = ("(() => {{ const th = document.querySelectorAll('#students thead th')[{col}];"
            " th.querySelector('button').click(); return th.getAttribute('aria-sort'); }})()")


@needs_chromium
def test_tables_sort_in_the_browser(tmp_path: Path) -> None:
    index = write_class_report(fixed_class(), tmp_path, plots=False)
    with Chromium(CHROMIUM) as browser:
        values, _ = evaluate_on_page(browser, index, [
            NAMES_JS,
            CLICK_JS.format(col=2), NAMES_JS,   # % : highest first
            CLICK_JS.format(col=2), NAMES_JS,   # again: lowest first
            CLICK_JS.format(col=0), NAMES_JS,   # student: a → z
        ])
    assert values[0] == ["alice", "bob", "carol"]
    assert values[1:3] == ["descending", ["alice", "bob", "carol"]]
    assert values[3:5] == ["ascending", ["carol", "bob", "alice"]]
    assert values[5:7] == ["ascending", ["alice", "bob", "carol"]]


@needs_chromium
def test_students_are_on_the_first_screen_and_histogram_labels_are_readable(tmp_path: Path) -> None:
    index = write_class_report(fixed_class(), tmp_path)
    with Chromium(CHROMIUM) as browser:
        for width in (1280, 1024):
            values, _ = evaluate_on_page(browser, index, [
                "document.querySelector('#students table').getBoundingClientRect().top",
                "document.querySelector('#distribution img').getBoundingClientRect().width",
                "document.querySelector('#distribution img').naturalWidth",
                "getComputedStyle(document.querySelector('nav.toc')).position",
            ], width=width, height=800)
            top, shown, natural, position = values
            assert top < 400, (width, top)  # the table starts in the top half of a laptop screen
            # 11 pt tick labels at HISTOGRAM_DPI are 11 * dpi / 72 image px, scaled to shown
            label_px = 11 * plots.HISTOGRAM_DPI / 72 * shown / natural
            assert label_px >= 12, (width, label_px)
            assert position == "sticky"


def _class_for_screenshot() -> list[Results]:
    where = os.environ.get("CALCGRADE_SCREENSHOT_CLASS")
    if where:
        from grader.reports.results_io import load_results

        return load_results(Path(where))[0]
    return fixed_class()


@needs_chromium
@pytest.mark.skipif(os.environ.get("CALCGRADE_UPDATE_SCREENSHOT") != "1",
                    reason="set CALCGRADE_UPDATE_SCREENSHOT=1 to refresh docs/class-report.png")
def test_update_class_report_screenshot(tmp_path: Path) -> None:
    from PIL import Image

    index = write_class_report(_class_for_screenshot(), tmp_path / "class")
    with Chromium(CHROMIUM) as browser:
        _, shot = evaluate_on_page(browser, index, [], width=1280, height=800, first_screen=True)
    image = Image.open(io.BytesIO(shot)).convert("RGB")
    assert image.size == (1280, 800)
    out = ROOT / "docs" / "class-report.png"
    image.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, optimize=True)
    assert out.stat().st_size <= 250_000


def test_committed_class_screenshot_is_the_first_screen() -> None:
    from PIL import Image

    image = Image.open(ROOT / "docs" / "class-report.png")
    image.load()  # decodes: a real, whole PNG
    assert image.format == "PNG" and image.size == (1280, 800)
    assert "docs/class-report.png" in (ROOT / "README.md").read_text()
    assert "class-report.png" in (ROOT / "docs" / "reports.md").read_text()


def test_text_exports_leave_out_details_without_a_value() -> None:
    from grader.reports.formats import class_markdown, to_junit, to_markdown

    a = odd_class()[0]
    for text in (to_markdown(a), to_junit(a), class_markdown(odd_class())):
        assert "null" not in text and "max abs error" not in text
        assert not re.search(r"\bnan\b", text)


def test_csv_cells_of_non_finite_points_are_empty_not_nan() -> None:
    from grader.reports.formats import to_csv

    text = to_csv(odd_class())
    assert "nan" not in text.lower() and "inf" not in text.lower()
    assert text.splitlines()[2] == "odd_points,1,,,"  # NaN points: empty cells
