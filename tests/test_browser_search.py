"""Search on a 1,000-record site in a real browser: it finds, it filters, it stays light, it is accessible.

A knowledge base of 1,000 records (tests/generated_kb.py) is built once for this module with `mkdocs build
--strict` and served from a sub-folder (`/site/`), as a project site is on GitHub Pages, gzipping text files
as static hosts do. In Debian's headless Chromium, through Playwright: a word of a barrier's summary finds the
barrier by keyboard; the theme and confidence filters leave exactly the pages the records say; the first
search fetches under 300 KB (every byte the server sends after the page has loaded, checked against the
encoded sizes the Chrome DevTools Protocol reports to the page; Pagefind searches in a web worker, whose
requests the page's own CDP session does not see, so the server's count is the total); axe-core finds no
WCAG 2.2 A or AA violation in the search panel with results shown, at 390 px and 1280 px and in dark mode;
opened from a folder, the panel says search needs the site served. These tests skip only where there is no
Chromium and CI is not "true"; in CI they never skip.
"""

from __future__ import annotations

import http.server
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMIUM, IN_CI, mkdocs_build
from generated_kb import GeneratedKnowledgeBase, make_knowledge_base
from pagefind_bundle import fragments
from playwright.sync_api import Browser, Page
from static_host import counting_server
from test_browser_pages import axe_violations

RECORDS = 1000
FIRST_SEARCH_LIMIT = 300_000
"""Bytes a first search may fetch on a phone connection."""
PHONE, DESKTOP = 390, 1280

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedKnowledgeBase, Path]:
    """The 1,000-record knowledge base and the folder its site is built into (``<root>/site``)."""
    root = tmp_path_factory.mktemp("search")
    kb = make_knowledge_base(root / "project", RECORDS)
    mkdocs_build(root / "project" / "mkdocs.yml", root / "public" / "site")
    return kb, root / "public" / "site"


@pytest.fixture(scope="module")
def server(generated: tuple[GeneratedKnowledgeBase, Path]) -> Iterator[http.server.ThreadingHTTPServer]:
    """The server of the generated site's parent folder, counting the bytes it sends."""
    with counting_server(generated[1].parent) as running:
        yield running


@pytest.fixture(scope="module")
def site(server: http.server.ThreadingHTTPServer) -> str:
    """The generated site's address: the sub-folder `/site/`."""
    return f"http://127.0.0.1:{server.server_address[1]}/site/"


@contextmanager
def new_page(browser: Browser, width: int, scheme: str = "light") -> Iterator[Page]:
    """A page ``width`` pixels wide, in a light or dark colour scheme, that reaches only the test server."""
    context = browser.new_context(viewport={"width": width, "height": 844 if width == PHONE else 900},
                                  color_scheme="dark" if scheme == "dark" else "light")
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page the width of a desktop window."""
    with new_page(browser, DESKTOP) as page:
        yield page


def open_search(page: Page, url: str) -> None:
    """Load ``url`` and open the search panel with the `/` key, as a keyboard user would."""
    page.goto(url)
    page.wait_for_load_state("load")
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "synth-search-input"


def status_after(page: Page, action: Any) -> str:
    """Do ``action`` and return the status line it brings (the one screen readers announce)."""
    before = page.inner_text(".synth-search__status")
    action()
    page.wait_for_function("before => document.querySelector('.synth-search__status').textContent !== before "
                           "&& document.querySelector('.synth-search__status').textContent !== ''", arg=before,
                           timeout=15_000)
    page.wait_for_timeout(300)  # Let the results' titles and snippets load.
    return page.inner_text(".synth-search__status")


def count_in(status: str) -> int:
    """The number of results a status line gives ("12 results for ...", "No results ...")."""
    found = re.match(r"(No|\d+) results?", status)
    assert found, status
    return 0 if found[1] == "No" else int(found[1])


def test_search_finds_a_barrier_by_a_word_of_its_summary(desktop: Page, site: str,
                                                          generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """The town only one barrier's summary names finds that barrier first; Tab and Enter open its page."""
    kb, _ = generated
    barrier_id = "barrier-0007"
    open_search(desktop, site)
    status = status_after(desktop, lambda: desktop.keyboard.type(kb.towns[barrier_id]))
    assert count_in(status) >= 1 and "role" not in status
    first = desktop.locator(".synth-search__result").first
    assert first.locator(".synth-search__kind").inner_text().strip().lower() == "barrier"
    link = first.locator("a")
    assert link.inner_text() == kb.records["barriers"][barrier_id]["name"]
    assert kb.towns[barrier_id] in first.locator("mark").first.inner_text()
    desktop.keyboard.press("Tab")
    for _ in range(8):  # Through the five filters to the first result.
        if desktop.evaluate("document.activeElement.classList.contains('synth-search__title')"):
            break
        desktop.keyboard.press("Tab")
    desktop.keyboard.press("Enter")
    desktop.wait_for_url(re.compile(f"/site/barriers/{barrier_id}/$"))
    assert desktop.locator("article h1").first.inner_text().strip() == kb.records["barriers"][barrier_id]["name"]


def expected_pages(kb: GeneratedKnowledgeBase, theme: str, confidence: str | None = None) -> int:
    """How many record pages the records say carry ``theme`` (and ``confidence``, when given)."""
    count = 0
    for folder, records in kb.records.items():
        for record_id in records:
            values = kb.filter_values(folder, record_id)
            count += theme in values["theme"] and (confidence is None or confidence in values["confidence"])
    return count


def test_theme_and_confidence_filters_leave_what_the_records_say(
        desktop: Page, site: str, generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """Filtering by a theme, then also by a confidence, gives exactly as many pages as the records hold."""
    kb, _ = generated
    open_search(desktop, site)
    theme, confidence = "Trust and legitimacy", "High"
    status = status_after(desktop, lambda: desktop.select_option("#synth-search-theme", theme))
    assert count_in(status) == expected_pages(kb, theme) > 0
    assert "with the filters chosen" in status
    narrowed = status_after(desktop, lambda: desktop.select_option("#synth-search-confidence", confidence))
    assert 0 < count_in(narrowed) == expected_pages(kb, theme, confidence) < count_in(status)
    shown = desktop.locator(".synth-search__result a").evaluate_all("links => links.map(a => a.pathname)")
    assert len(shown) == min(10, count_in(narrowed))
    for path in shown:
        folder, record_id = path.removeprefix("/site/").strip("/").split("/")
        values = kb.filter_values(folder, record_id)
        assert theme in values["theme"] and confidence in values["confidence"], path


def test_the_first_search_fetches_under_300_kb(browser: Browser, site: str,
                                              server: http.server.ThreadingHTTPServer) -> None:
    """Everything sent after the page has loaded, for a first search and its ten results, is under 300 KB."""
    with new_page(browser, PHONE) as page:
        session = page.context.new_cdp_session(page)
        session.send("Network.enable")
        session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        page.goto(site)
        page.wait_for_load_state("networkidle")
        encoded: dict[str, int] = {}
        session.on("Network.loadingFinished",
                   lambda event: encoded.__setitem__(event["requestId"], int(event["encodedDataLength"])))
        urls: list[str] = []
        page.context.on("request", lambda request: urls.append(request.url))
        with server.lock:  # type: ignore[attr-defined]
            server.sent = 0  # type: ignore[attr-defined]
        page.keyboard.press("/")
        status_after(page, lambda: page.keyboard.type("residents"))
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(500)
        sent: int = server.sent  # type: ignore[attr-defined]
        assert any(url.endswith("pagefind/pagefind.js") for url in urls)
        assert any(url.endswith(".pf_fragment") for url in urls) and any(url.endswith(".pagefind") for url in urls)
        assert not any("search_index.json" in url for url in urls)
        assert not any(url.endswith(".pf_filter") for url in urls)  # No filter is used yet.
        assert page.locator(".synth-search__result").count() == 10
        assert 0 < sum(encoded.values()) <= sent < FIRST_SEARCH_LIMIT, f"{sent} bytes: {sorted(urls)}"
        status_after(page, lambda: page.select_option("#synth-search-theme", "Trust and legitimacy"))
        page.wait_for_load_state("networkidle")
        assert len([url for url in urls if url.endswith(".pf_filter")]) == 1  # The theme's, and only when chosen.


def index_chunks_fetched(browser: Browser, site: str, enter: Any) -> set[str]:
    """The word index chunks a phone fetches for a first search whose words ``enter`` puts in the search box."""
    with new_page(browser, PHONE) as page:
        page.goto(site)
        page.wait_for_load_state("networkidle")
        urls: list[str] = []
        page.context.on("request", lambda request: urls.append(request.url))
        page.keyboard.press("/")
        status_after(page, lambda: enter(page))
        page.wait_for_load_state("networkidle")
        return {url.rsplit("/", 1)[-1] for url in urls if url.endswith(".pf_index")}


def test_typing_a_word_fetches_only_the_index_chunks_of_the_whole_word(browser: Browser, site: str) -> None:
    """Typed letter by letter, a word fetches the same index chunks as the word put in at once, none for "n", "ne"."""
    word = "residents"  # At 1,000 records some of its partial words are in other chunks than its own.
    typed = index_chunks_fetched(browser, site, lambda page: page.keyboard.type(word, delay=30))
    at_once = index_chunks_fetched(browser, site, lambda page: page.fill("#synth-search-input", word))
    assert typed == at_once and 1 <= len(at_once) <= 2


def test_the_commonest_words_are_not_searched_beside_others_but_are_alone(browser: Browser, site: str) -> None:
    """'trust in the police' fetches the chunks of 'trust police', not those of 'in' and 'the'; 'the' alone fetches."""
    def chunks_for(words: str) -> set[str]:
        return index_chunks_fetched(browser, site, lambda page: page.fill("#synth-search-input", words))

    sentence = chunks_for("trust in the police")
    assert sentence == chunks_for("trust police")
    assert chunks_for("the") - sentence


def test_a_finding_is_indexed_on_its_own_page_not_on_the_factor_pages_showing_its_card(
        generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """A finding's statement and quote are indexed on its own page only, not on the barrier page showing its card."""
    kb, folder = generated
    finding_id, finding = next((key, value) for key, value in kb.records["findings"].items()
                               if value["barriers"] and value["barriers"][0] in kb.towns)
    barrier_id = finding["barriers"][0]
    assert f'id="finding-{finding_id}"' in html_of(folder, f"barriers/{barrier_id}")  # The card is on the page.
    pages = fragments(folder)
    for text in (finding["statement"], finding["evidence"][0]["quote"]):
        assert [url for url, page in pages.items() if text in page["content"]] == [f"/findings/{finding_id}/"]
    assert f"Residents in {kb.towns[barrier_id]} said so" in pages[f"/barriers/{barrier_id}/"]["content"]


def html_of(site: Path, url: str) -> str:
    """The built page at ``url`` (a folder of the site), as HTML."""
    return (site / url / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("width", "scheme"), [(PHONE, "light"), (DESKTOP, "light"), (PHONE, "dark")])
def test_the_search_panel_with_results_passes_axe(browser: Browser, site: str, width: int, scheme: str) -> None:
    """With results and a filter shown, axe-core finds no WCAG 2.2 A or AA violation, on a phone or a desktop."""
    with new_page(browser, width, scheme) as page:
        open_search(page, site)
        status_after(page, lambda: page.keyboard.type("residents", delay=20))
        page.select_option("#synth-search-kind", "Barrier")
        page.wait_for_timeout(800)
        assert page.locator(".synth-search__result").count() > 0
        violations = axe_violations(page)
        assert violations == [], [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations]
        assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_escape_closes_the_panel_and_print_leaves_search_out(desktop: Page, site: str) -> None:
    """Escape closes the panel and gives focus back to the button; on paper the search box is not printed."""
    open_search(desktop, site)
    assert desktop.get_attribute(".synth-search__toggle", "aria-expanded") == "true"
    desktop.keyboard.press("Escape")
    assert desktop.locator(".synth-search__panel").is_hidden()
    assert desktop.get_attribute(".synth-search__toggle", "aria-expanded") == "false"
    assert desktop.evaluate("document.activeElement.classList.contains('synth-search__toggle')")
    desktop.emulate_media(media="print")
    assert desktop.locator(".synth-search").is_hidden()


def test_a_site_opened_from_a_folder_says_search_needs_it_served(browser: Browser,
                                                                 generated: tuple[GeneratedKnowledgeBase, Path]
                                                                 ) -> None:
    """From file://, where browsers refuse Pagefind's requests, the panel says how to serve the site instead."""
    _, folder = generated
    context = browser.new_context(viewport={"width": PHONE, "height": 844})
    context.route(re.compile(r"^(?!file://)"), lambda route: route.abort())
    page = context.new_page()
    page.goto((folder / "about" / "index.html").as_uri())
    page.click(".synth-search__toggle")
    served = page.locator(".synth-search__served")
    assert served.is_visible() and "python -m http.server" in served.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('synth-search__served')")
    assert page.locator(".synth-search__input").is_hidden()
    assert "not available in a site opened from a folder" in page.inner_text(".synth-search__status")
    context.close()
