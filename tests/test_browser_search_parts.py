"""Search over an index made in parts, in a real browser: it finds and filters across every part.

A site of more pages than one Pagefind run should hold (the plugin's `search_part_pages`) is indexed in parts,
one bundle per part inside `pagefind/`, which the search box merges when search loads. A 300-record knowledge
base (tests/generated_kb.py) is built with parts of at most 100 pages, and served from a sub-folder as in
`test_browser_search`: every page is in exactly one part, each page says how many parts there are, and in
Debian's headless Chromium a word of a barrier's summary finds that barrier and the theme and confidence
filters leave exactly the pages the records say, whichever parts they are in. Each part also holds a page of
every word of the site, so that a part lacking a word does not answer with the pages of a shorter word that
begins it (Pagefind's fallback): the search box leaves that page out of every search. These tests skip only where there
is no Chromium and CI is not "true"; in CI they never skip.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import CHROMIUM, IN_CI, mkdocs_build
from generated_kb import GeneratedKnowledgeBase, make_knowledge_base
from pagefind_bundle import WORDS_URL, _fragment_files, fragments, part_bundles
from playwright.sync_api import Browser, Page
from static_host import counting_server
from test_browser_search import DESKTOP, count_in, expected_pages, new_page, open_search, status_after

RECORDS = 300
PART_PAGES = 100

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not IN_CI, reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[GeneratedKnowledgeBase, Path]:
    """The 300-record knowledge base, built with its index in parts of 100 pages, and its site folder."""
    root = tmp_path_factory.mktemp("parts")
    kb = make_knowledge_base(root / "project", RECORDS)
    config_file = root / "project" / "mkdocs.yml"
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    config["plugins"][1]["synth"]["search_part_pages"] = PART_PAGES
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    mkdocs_build(config_file, root / "public" / "site")
    return kb, root / "public" / "site"


@pytest.fixture(scope="module")
def site(generated: tuple[GeneratedKnowledgeBase, Path]) -> Iterator[str]:
    """The generated site's address, served from the sub-folder `/site/`."""
    with counting_server(generated[1].parent) as running:
        yield f"http://127.0.0.1:{running.server_address[1]}/site/"


@pytest.fixture
def desktop(browser: Browser) -> Iterator[Page]:
    """A page the width of a desktop window."""
    with new_page(browser, DESKTOP) as page:
        yield page


def written_pages(site: Path) -> list[str]:
    """The URL of every page written into the site that carries the element marked for search."""
    urls = []
    for path in site.rglob("index.html"):
        folder = path.parent.relative_to(site).as_posix()
        if "pagefind" not in path.parts and "data-pagefind-body" in path.read_text(encoding="utf-8"):
            urls.append("/" if folder == "." else f"/{folder}/")
    return sorted(urls)


def test_every_page_is_in_one_part_and_every_page_says_how_many(
        generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """As many parts as 100-page parts the site needs, none empty, each page in one, each page naming the count."""
    kb, site = generated
    pages = written_pages(site)
    parts = part_bundles(site)
    assert len(parts) == math.ceil(len(list(site.rglob("index.html"))) / PART_PAGES) >= 3
    sizes = [len(_fragment_files(bundle)) for bundle in parts]
    assert all(size > 1 for size in sizes) and sum(sizes) == len(pages) + len(parts)  # Each has its page of words.
    assert sorted(fragments(site)) == pages  # No page twice (`fragments` checks), none left out.
    for record_id in kb.records["barriers"]:
        html = (site / "barriers" / record_id / "index.html").read_text(encoding="utf-8")
        assert re.search(r'data-synth-parts="(\d+)"', html)[1] == str(len(parts))  # type: ignore[index]
    for bundle in parts[1:]:  # The first part's script and WebAssembly serve them all.
        assert not list(bundle.glob("*.js")) and not list(bundle.glob("wasm.*"))


def test_every_part_has_the_page_of_every_word_of_the_site(generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """Each part's page of words holds every barrier's town, whichever part the barrier is in, and is filtered out."""
    kb, site = generated
    for bundle in part_bundles(site):
        words = next(fragment for _, fragment in _fragment_files(bundle) if fragment["url"] == WORDS_URL)
        assert words["filters"] == {"synth-words": ["yes"]}
        assert all(town in words["content"].split() for town in kb.towns.values()), bundle


def test_search_finds_records_in_every_part(desktop: Page, site: str,
                                            generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """Each of several barriers, in whichever part, is found first by the town its summary names.

    The results are exactly the pages with the town's name: no page of words, no page of a shorter word.
    """
    kb, folder = generated
    holder = {fragment["url"]: bundle for bundle in part_bundles(folder) for _, fragment in _fragment_files(bundle)}
    barriers = sorted(kb.towns)[:6]
    assert len({holder[f"/barriers/{barrier}/"] for barrier in barriers}) >= 2  # They are in different parts.
    open_search(desktop, site)
    for barrier in barriers:
        status = status_after(desktop, lambda town=kb.towns[barrier]: desktop.fill("#synth-search-input", town))
        pages = fragments(folder)  # The site's pages, without the parts' pages of words.
        assert count_in(status) == len([url for url, page in pages.items() if kb.towns[barrier] in page["content"]])
        first = desktop.locator(".synth-search__result a").first
        assert first.evaluate("a => a.pathname") == f"/site/barriers/{barrier}/"


def test_filters_count_the_pages_of_every_part(desktop: Page, site: str,
                                               generated: tuple[GeneratedKnowledgeBase, Path]) -> None:
    """A theme, then a theme and a confidence, give exactly as many results as the records say, across parts."""
    kb, _ = generated
    open_search(desktop, site)
    theme, confidence = "Trust and legitimacy", "High"
    status = status_after(desktop, lambda: desktop.select_option("#synth-search-theme", theme))
    assert count_in(status) == expected_pages(kb, theme) > PART_PAGES // 10
    narrowed = status_after(desktop, lambda: desktop.select_option("#synth-search-confidence", confidence))
    assert 0 < count_in(narrowed) == expected_pages(kb, theme, confidence) < count_in(status)
