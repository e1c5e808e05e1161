"""The built site in a real browser: it loads, and the header's search finds a barrier and opens it.

The example project (`tests/data/site-example/`) is built once per session with `mkdocs build` (fixtures in
conftest.py, shared with the other browser tests), served on 127.0.0.1 and driven in Debian's headless
Chromium through Playwright; `test_browser_pages.py` checks every page kind on a phone and with axe-core.
These tests skip only where there is no Chromium and CI is not "true"; in CI a missing browser fails them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from conftest import CHROMIUM, DATA, IN_CI
from playwright.sync_api import Browser, Page

EXAMPLE = DATA / "site-example"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"no Chromium at {CHROMIUM}"),
]


def first_record(folder: str) -> tuple[str, dict[str, Any]]:
    """The id and data of the first record (by file name) in one of the example's content folders."""
    path = sorted((EXAMPLE / "content" / folder).glob("*.yaml"))[0]
    return path.stem, yaml.safe_load(path.read_text(encoding="utf-8"))


SITE_NAME = re.search(r"^site_name:\s*(.+?)\s*$", (EXAMPLE / "mkdocs.yml").read_text(encoding="utf-8"), re.M)[1]
BARRIER_ID, BARRIER = first_record("barriers")


def search_words(text: str) -> str:
    """The three longest distinct words of ``text``: a query only its own page answers well."""
    words = sorted(set(re.findall(r"[a-z]{5,}", text.lower())), key=lambda word: (-len(word), word))
    return " ".join(words[:3])


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at a desktop size that reaches only the test server."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"^(?!http://127\.0\.0\.1:)"), lambda route: route.abort())
    page = context.new_page()
    yield page
    context.close()


def test_home_page_loads(page: Page, site_url: str) -> None:
    """The home page answers 200, runs without script errors and shows the site's name and a heading."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    response = page.goto(site_url)
    assert response is not None and response.status == 200
    page.wait_for_load_state("load")
    assert SITE_NAME in page.title()
    assert page.locator("article h1").first.is_visible()
    assert errors == []


def test_search_finds_a_barrier_by_its_summary_and_opens_it(page: Page, site_url: str) -> None:
    """Typing words of a barrier's summary into the header's search lists its page; clicking the result opens it."""
    page.goto(site_url)
    page.locator(".synth-search__toggle").click()
    page.locator("input.synth-search__input").press_sequentially(search_words(BARRIER["summary"]))
    result = page.locator(f"a.synth-search__title[href*='barriers/{BARRIER_ID}/']").first
    result.wait_for(state="visible", timeout=10_000)
    result.click()
    page.wait_for_url(re.compile(f"/barriers/{re.escape(BARRIER_ID)}/"))
    assert page.locator("article h1").first.inner_text().strip() == BARRIER["name"]
