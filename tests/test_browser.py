"""The built site in a real browser: it loads, Material's search finds a barrier, and axe-core finds no WCAG problem.

The example project (`tests/data/site-example/`) is built once with `mkdocs build`, served on 127.0.0.1 and
driven in Debian's headless Chromium through Playwright. axe-core checks the page kinds a reader meets against
WCAG 2.2 A and AA. These tests skip only where there is no Chromium and CI is not "true"; in CI a missing
browser or axe-core fails them.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, REPOSITORY
from playwright.sync_api import Browser, Page, sync_playwright

EXAMPLE = DATA / "site-example"
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
AXE = REPOSITORY / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
IN_CI = os.environ.get("CI") == "true"

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
STUDY_ID, _ = first_record("studies")


def search_words(text: str) -> str:
    """The three longest distinct words of ``text``: a query only its own page answers well."""
    words = sorted(set(re.findall(r"[a-z]{5,}", text.lower())), key=lambda word: (-len(word), word))
    return " ".join(words[:3])


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example project built once by `mkdocs build` (strict, as its mkdocs.yml says) into a temporary folder."""
    site = tmp_path_factory.mktemp("browser") / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(EXAMPLE / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=EXAMPLE,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, check=False)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stdout}\n{result.stderr}"
    return site


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging each request to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        """Say nothing."""


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    """The built site served over HTTP on 127.0.0.1, on a free port, from a background thread."""
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (which cannot download its own browser here)."""
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: install Debian's chromium package (CI=true needs it)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page at a desktop size (Material then shows search in the header) that reaches only the test server."""
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
    """Typing words of a barrier's summary into Material's search lists its page; clicking the result opens it."""
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(search_words(BARRIER["summary"]))
    result = page.locator(f"a.md-search-result__link[href*='barriers/{BARRIER_ID}/']").first
    result.wait_for(state="visible", timeout=10_000)
    result.click()
    page.wait_for_url(re.compile(f"/barriers/{re.escape(BARRIER_ID)}/"))
    assert page.locator("article h1").first.inner_text().strip() == BARRIER["name"]


ACCESSIBILITY_PAGES = {
    "home": "",
    "barrier": f"barriers/{BARRIER_ID}/",
    "study": f"studies/{STUDY_ID}/",
    "listing": "barriers/",
    "references": "references/",
}


@pytest.mark.parametrize("path", ACCESSIBILITY_PAGES.values(), ids=ACCESSIBILITY_PAGES.keys())
def test_no_wcag_violations(page: Page, site_url: str, path: str) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on each kind of page a reader meets."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `bash .ci/setup` (it installs it with npm)")
    response = page.goto(site_url + path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response and response.status}"
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    assert results["violations"] == [], f"/{path}:\n" + describe_violations(results["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per violation (rule id, impact, help) and one per offending element's selector."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    {' '.join(map(str, node['target']))}" for node in violation["nodes"]]
    return "\n".join(lines)
