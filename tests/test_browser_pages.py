"""Every page kind in a browser: fits a phone, passes axe-core, filters by keyboard, prints as a short briefing.

No page is wider than a 390 px phone; axe-core finds no WCAG 2.2 A or AA violation at 390 px or 1280 px;
the filters work by keyboard and announce their count; a barrier prints on at most two A4 pages.

The example project is built once per session (fixtures in conftest.py); the print and width checks also
use this repository's own knowledge base, whose longest pages are the real test of a phone and of paper.
These tests skip only where there is no Chromium and CI is not "true"; in CI they never skip.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import CHROMIUM, IN_CI, REPOSITORY, SITE_EXAMPLE
from playwright.sync_api import Browser, Page
from pypdf import PdfReader

from synth.pipeline import check_project
from synth.records.link import KnowledgeBase
from synth.records.schema import RATING_LABELS

AXE = REPOSITORY / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = 390
DESKTOP = 1280
A4_POINTS = (595.0, 842.0)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"no Chromium at {CHROMIUM}"),
]


def first(folder: str) -> str:
    """The id of the first record (by file name) in one of the example's content folders."""
    return sorted((SITE_EXAMPLE / "content" / folder).glob("*.yaml"))[0].stem


EXAMPLE_PAGES = {
    "home": "",
    "what-helps": "facilitators/",
    "what-gets-in-the-way": "barriers/",
    "findings": "findings/",
    "studies": "studies/",
    "themes": "themes/",
    "confidence": "confidence/",
    "matrix": "matrix/",
    "papers": "papers/",
    "paper": "papers/staff-continuity/",
    "references": "references/",
    "open-data": "downloads/",
    "old-tags-address": "tags/",
    "hand-written-with-code": "about/",
    "barrier": f"barriers/{first('barriers')}/",
    "facilitator": f"facilitators/{first('facilitators')}/",
    "finding": f"findings/{first('findings')}/",
    "study": f"studies/{first('studies')}/",
}
"""Every kind of page the example's site has, by name."""

REPOSITORY_PAGES = ["", "facilitators/", "barriers/", "findings/", "studies/", "themes/", "matrix/", "papers/",
                    "references/", "downloads/", "contributing/checking/", "contributing/fields/",
                    "contributing/error-codes/"]
"""The repository's pages with the widest content: long tables, the matrix, code boxes."""


@pytest.fixture(scope="module")
def repository_kb() -> KnowledgeBase:
    """The repository's own knowledge base, checked."""
    return check_project(REPOSITORY).kb


def new_page(browser: Browser, width: int, scheme: str = "light") -> Iterator[Page]:
    """A page ``width`` pixels wide, in a light or dark colour scheme, that reaches only the test servers."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width == PHONE else 900},
                                  color_scheme="dark" if scheme == "dark" else "light")
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    yield context.new_page()
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A page the width of a phone held upright (390 px)."""
    yield from new_page(browser, PHONE)


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page the width of a desktop window (1280 px)."""
    yield from new_page(browser, DESKTOP)


def open_page(page: Page, url: str) -> None:
    """Load ``url``, failing unless it answers 200, and let Material and synth's script finish."""
    response = page.goto(url)
    assert response is not None and response.status == 200, f"{url}: HTTP {response and response.status}"
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)


def page_width(page: Page) -> int:
    """The document's width in CSS pixels: more than the viewport means the page scrolls sideways."""
    width: int = page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    return width


@pytest.mark.parametrize("path", EXAMPLE_PAGES.values(), ids=EXAMPLE_PAGES.keys())
def test_no_example_page_is_wider_than_a_phone(phone: Page, site_url: str, path: str) -> None:
    """At 390 px nothing widens the page: wide tables become cards or scroll inside their own box."""
    open_page(phone, site_url + path)
    assert page_width(phone) <= PHONE, f"/{path} is {page_width(phone)} px wide"


@pytest.mark.parametrize("path", REPOSITORY_PAGES)
def test_no_repository_page_is_wider_than_a_phone(phone: Page, repository_site_url: str, path: str) -> None:
    """The repository's own longest tables, matrix and code boxes fit a 390 px screen too."""
    open_page(phone, repository_site_url + path)
    assert page_width(phone) <= PHONE, f"/{path} is {page_width(phone)} px wide"


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation (rule id, impact, help) and one per offending element's selector."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"]]
    return "\n".join(lines)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A and AA violations on the loaded page."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `bash .ci/setup` (it installs it with npm)")
    page.add_script_tag(path=str(AXE))
    results: dict[str, Any] = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    violations: list[dict[str, Any]] = results["violations"]
    return violations


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("path", EXAMPLE_PAGES.values(), ids=EXAMPLE_PAGES.keys())
def test_no_wcag_violations(browser: Browser, site_url: str, path: str, width: int) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on any page kind, on a phone or a desktop."""
    for page in new_page(browser, width):
        open_page(page, site_url + path)
        violations = axe_violations(page)
        assert violations == [], f"/{path} at {width} px:\n" + describe_violations(violations)


DARK_PAGES = ["", "facilitators/", "findings/", "themes/", "confidence/", "matrix/",
              "barriers/lack-of-staff-continuity/", "studies/turley-2012-neighbourhood-policing-partnership/"]
"""Pages of the repository's site, whose palette follows the system's light or dark preference."""


@pytest.mark.parametrize("path", DARK_PAGES)
def test_no_wcag_violations_in_the_dark_scheme(browser: Browser, repository_site_url: str, path: str) -> None:
    """In the dark colour scheme (Material follows the system's), badges, cells and filters keep AA contrast."""
    for page in new_page(browser, PHONE, "dark"):
        open_page(page, repository_site_url + path)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        violations = axe_violations(page)
        assert violations == [], f"/{path} in the dark scheme:\n" + describe_violations(violations)


@pytest.mark.parametrize("path", ["contributing/checking/", "contributing/fields/", "matrix/"])
def test_code_boxes_and_wide_tables_are_reachable_by_keyboard_on_a_phone(phone: Page, repository_site_url: str,
                                                                        path: str) -> None:
    """Boxes that scroll sideways at 390 px can take keyboard focus, and axe-core finds no violation there."""
    open_page(phone, repository_site_url + path)
    unreachable = phone.evaluate("""() => Array.from(document.querySelectorAll(
        'pre > code, .md-typeset__scrollwrap, .synth-matrix, .paper-matrix'))
        .filter(box => box.scrollWidth > box.clientWidth && box.tabIndex < 0).length""")
    assert unreachable == 0
    violations = axe_violations(phone)
    assert violations == [], f"/{path} at {PHONE} px:\n" + describe_violations(violations)


def visible_rows(page: Page) -> list[dict[str, str]]:
    """The filter facets of the filterable table's rows that are shown."""
    rows: list[dict[str, str]] = page.evaluate("""() => Array.from(
        document.querySelectorAll('table.synth-filterable tbody tr')).filter(row => !row.hidden)
        .map(row => Object.fromEntries(Array.from(row.attributes).filter(a => a.name.startsWith('data-filter-'))
        .map(a => [a.name.slice(12), a.value])))""")
    return rows


def tab_to(page: Page, element_id: str, limit: int = 100) -> int:
    """Press Tab from the top of the page until the element with ``element_id`` has focus; how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return presses
    raise AssertionError(f"#{element_id} was not reached in {limit} presses of Tab")


def test_filters_work_by_keyboard_and_announce_the_count(desktop: Page, site_url: str, site_example) -> None:  # type: ignore[no-untyped-def]
    """Tab reaches the theme filter, arrows choose a theme, rows hide, the count is announced, and Tab moves on."""
    kb, _ = site_example
    open_page(desktop, site_url + "barriers/")
    total = len(kb.barriers)
    status = desktop.locator(".synth-filters__count")
    assert status.get_attribute("role") == "status"
    assert status.inner_text() == f"{total} of {total} shown"
    theme = desktop.locator(".synth-filters").get_by_label("Theme", exact=True)
    confidence = desktop.locator(".synth-filters").get_by_label("Confidence", exact=True)
    assert theme.evaluate("e => e.tagName") == "SELECT" and confidence.evaluate("e => e.tagName") == "SELECT"
    tab_to(desktop, str(theme.get_attribute("id")))
    desktop.keyboard.press("ArrowDown")
    chosen = theme.input_value()
    assert chosen in {t.name for t in kb.themes.values()}
    expected = [b for b in kb.barriers.values() if chosen in {kb.themes[t].name for t in b.themes}]
    assert 0 < len(expected) < total
    rows = visible_rows(desktop)
    assert len(rows) == len(expected) and all(chosen in row["theme"].split("|") for row in rows)
    assert status.inner_text() == f"{len(expected)} of {total} shown"
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.id") == confidence.get_attribute("id")
    for label in ("Kind of evidence", "Who can act"):  # The barriers carry both facets, so both are offered.
        desktop.keyboard.press("Tab")
        facet = desktop.locator(".synth-filters").get_by_label(label, exact=True)
        assert desktop.evaluate("document.activeElement.id") == facet.get_attribute("id")
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("document.activeElement.textContent") == "Show all"
    desktop.keyboard.press("Enter")
    desktop.wait_for_function("n => document.querySelector('.synth-filters__count').textContent === n",
                              arg=f"{total} of {total} shown")
    assert len(visible_rows(desktop)) == total and theme.input_value() == ""
    desktop.keyboard.press("Tab")
    assert desktop.evaluate("!document.activeElement.closest('.synth-filters')")


def test_filters_combine_theme_and_confidence_on_the_findings_list(desktop: Page, site_url: str, site_example) -> None:  # type: ignore[no-untyped-def]
    """Every confidence present is offered in order, strongest first; a choice shows only its findings."""
    kb, _ = site_example
    open_page(desktop, site_url + "findings/")
    confidence = desktop.locator(".synth-filters").get_by_label("Confidence", exact=True)
    offered = [re.sub(r" \(\d+\)$", "", text) for text in confidence.locator("option").all_inner_texts()]
    present = {f.confidence.overall.rating for f in kb.findings.values()}
    assert offered == ["All", *(label for rating, label in RATING_LABELS.items() if rating in present)]
    options = confidence.locator("option").all_inner_texts()
    confidence.select_option(label=next(option for option in options if option.startswith("Low")))
    rows = visible_rows(desktop)
    assert len(rows) == sum(f.confidence.overall.rating == "low" for f in kb.findings.values())
    assert {row["confidence"] for row in rows} == {"Low"}


def test_sorting_by_confidence_puts_the_strongest_first_on_the_first_click(desktop: Page, site_url: str) -> None:
    """After sorting by another column, one click on Confidence lists the findings from high to very low."""
    open_page(desktop, site_url + "findings/")
    desktop.get_by_role("button", name="Study").click()
    desktop.get_by_role("button", name="Confidence").click()
    values = desktop.evaluate("""() => Array.from(document.querySelectorAll('table.synth-filterable tbody tr'))
        .map(row => Number(row.cells[3].getAttribute('data-synth-value')))""")
    assert values == sorted(values, reverse=True) and values[0] > values[-1]
    header = desktop.locator("th", has=desktop.get_by_role("button", name="Confidence"))
    assert header.get_attribute("aria-sort") == "descending"


def pdf_pages(page: Page) -> PdfReader:
    """The loaded page printed by Chromium to PDF, at the page size its print stylesheet asks for."""
    return PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))


def page_size(reader: PdfReader) -> tuple[float, float]:
    """The first page's width and height in points, rounded."""
    box = reader.pages[0].mediabox
    return float(round(box.width)), float(round(box.height))


@pytest.mark.parametrize("which", ["most-findings", "typical"])
def test_a_barrier_prints_on_at_most_two_a4_pages_with_its_provenance(desktop: Page, repository_site_url: str,
                                                                       repository_kb: KnowledgeBase,
                                                                       which: str) -> None:
    """The repository's barrier with most findings, and a typical one, print on ≤ 2 A4 pages saying where from."""
    counts = sorted((len(repository_kb.support[("barrier", b)].findings), b) for b in repository_kb.barriers)
    barrier_id = counts[-1][1] if which == "most-findings" else counts[len(counts) // 2][1]
    open_page(desktop, f"{repository_site_url}barriers/{barrier_id}/")
    reader = pdf_pages(desktop)
    assert len(reader.pages) <= 2, f"barriers/{barrier_id}/ prints on {len(reader.pages)} pages"
    assert page_size(reader) == A4_POINTS
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Co-producing neighbourhood security" in text
    assert f"/barriers/{barrier_id}/" in text and re.search(r"Built \d{4}-\d{2}-\d{2}", text)
    assert repository_kb.barriers[barrier_id].name in text
    assert "Search" not in text.split(repository_kb.barriers[barrier_id].name)[0]


def test_the_matrix_prints_every_column_on_landscape_a4(desktop: Page, repository_site_url: str) -> None:
    """Printed, the matrix's pages are landscape A4, and laid out at that width its table needs no scrolling."""
    open_page(desktop, repository_site_url + "matrix/")
    assert page_size(pdf_pages(desktop)) == (A4_POINTS[1], A4_POINTS[0])
    desktop.emulate_media(media="print")
    desktop.set_viewport_size({"width": 1047, "height": 740})  # 277 mm: landscape A4 inside 10 mm margins.
    overflow = desktop.evaluate("""() => { const table = document.querySelector('.synth-matrix__table');
        return table.scrollWidth - table.parentElement.clientWidth; }""")
    assert overflow <= 0
    assert desktop.locator(".synth-matrix__table thead th[scope=col] a").count() == len(
        desktop.locator(".synth-matrix__key li").all())


def test_the_matrix_keeps_its_header_row_and_first_column_in_view(phone: Page, repository_site_url: str) -> None:
    """Scrolled down and sideways inside its region, the matrix still shows its column headings and row names."""
    open_page(phone, repository_site_url + "matrix/")
    region = phone.locator(".synth-matrix")
    region.scroll_into_view_if_needed()
    before = phone.evaluate("""() => { const r = document.querySelector('.synth-matrix');
        const head = r.querySelector('thead th[scope=col] a'), name = r.querySelector('tbody th[scope=row]');
        r.scrollTop = 400; r.scrollLeft = 300;
        return {scrolled: [r.scrollTop, r.scrollLeft], region: r.getBoundingClientRect().toJSON(),
                head: head.getBoundingClientRect().toJSON(), name: name.getBoundingClientRect().toJSON()}; }""")
    after = phone.evaluate("""() => { const r = document.querySelector('.synth-matrix');
        const head = r.querySelector('thead th[scope=col] a'), name = r.querySelector('tbody th[scope=row]');
        return {head: head.getBoundingClientRect().toJSON(), name: name.getBoundingClientRect().toJSON()}; }""")
    assert before["scrolled"][0] > 0 and before["scrolled"][1] > 0, "the matrix does not scroll both ways"
    region_box = before["region"]
    assert region_box["top"] <= after["head"]["top"] < region_box["top"] + 200
    assert region_box["left"] <= after["name"]["left"] < region_box["left"] + 40


def test_a_filtered_list_can_be_shared_by_its_address(desktop: Page, site_url: str, site_example) -> None:  # type: ignore[no-untyped-def]
    """Opening `barriers/?confidence=Moderate` shows only those rows; changing a filter rewrites the address."""
    kb, _ = site_example
    open_page(desktop, site_url + "barriers/?confidence=Moderate")
    expected = [b for b in kb.barriers if kb.support[("barrier", b)].highest_confidence == "moderate"]
    assert 0 < len(expected) < len(kb.barriers)
    assert desktop.locator(".synth-filters").get_by_label("Confidence", exact=True).input_value() == "Moderate"
    assert len(visible_rows(desktop)) == len(expected)
    assert desktop.locator(".synth-filters__count").inner_text() == f"{len(expected)} of {len(kb.barriers)} shown"
    desktop.locator(".synth-filters").get_by_label("Confidence", exact=True).select_option("")
    assert desktop.evaluate("window.location.search") == ""
    assert len(visible_rows(desktop)) == len(kb.barriers)
