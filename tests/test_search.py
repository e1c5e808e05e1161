"""Pagefind indexing (`synth.site.search`) on small folders of pages, and the search filters record pages carry.

The whole site's index is checked in tests/test_plugin.py and in a browser in tests/test_browser_search.py;
here each piece runs on its own: what is indexed, the canonical bundle, errors, and re-indexing in the
background as `mkdocs serve` does.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pagefind_bundle import fragments

import synth.site.search as search_module
from synth.mkdocs_search import SiteSearch
from synth.records.link import KnowledgeBase
from synth.site.filters import page_filters, search_filter_options
from synth.site.search import BUNDLE, BackgroundIndex, SearchIndexError, index_site, keep_bundle

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<nav>Menu words</nav><main data-pagefind-body><h1 id="t">{title}<a class="headerlink" href="#t">¶</a></h1><p>{text}</p>
<table class="synth-filterable"><tr><td>listing row words</td></tr></table>
<span hidden data-pagefind-filter="kind:{kind}"></span><span hidden data-pagefind-filter="theme:{theme}"></span>
</main></body></html>"""


def write_site(folder: Path, pages: dict[str, tuple[str, str, str]]) -> Path:
    """A folder of pages, each ``url: (text, kind, theme)``, titled by their folder name."""
    for name, (text, kind, theme) in pages.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "index.html").write_text(PAGE.format(title=name, text=text, kind=kind, theme=theme),
                                                  encoding="utf-8")
    return folder


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """Three pages of two kinds and three themes."""
    return write_site(tmp_path / "site", {
        "alpha": ("Residents meet the council", "Barrier", "Trust"),
        "beta": ("Officers change often", "Finding", "Power"),
        "gamma": ("Young people are heard", "Finding", "Youth")})


def test_the_article_is_indexed_with_its_filters_and_listing_rows_are_not(site: Path) -> None:
    """The marked article is indexed with its filters; navigation, listing tables and permalinks are left out."""
    index = index_site(site)
    assert index.pages == 3 and index.folder == site / BUNDLE
    pages = fragments(site)
    assert pages["/alpha/"]["content"] == "alpha. Residents meet the council."
    assert pages["/alpha/"]["meta"]["title"] == "alpha"  # Without the heading's permalink.
    assert pages["/beta/"]["filters"] == {"kind": ["Finding"], "theme": ["Power"]}
    assert not (site / BUNDLE / "pagefind-ui.js").exists() and (site / BUNDLE / "pagefind.js").exists()


def test_the_bundle_is_the_same_byte_for_byte_however_often_it_is_made(site: Path, tmp_path: Path) -> None:
    """Indexing the same pages again gives the same files with the same bytes (Pagefind alone does not)."""
    def files() -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / BUNDLE).rglob("*"))
                if p.is_file()}

    runs = []
    for _ in range(4):
        index_site(site)
        runs.append(files())
    assert all(run == runs[0] for run in runs)
    assert len([name for name in runs[0] if name.startswith(f"{BUNDLE}/filter/")]) == 2


def test_a_folder_without_pages_is_a_clear_error(tmp_path: Path) -> None:
    """No page to index: the error says so, names the folder and what marks a page for search."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(SearchIndexError, match=r"found no page to index in \S*empty; .*data-pagefind-body"):
        index_site(tmp_path / "empty")


def test_the_background_index_replaces_the_kept_one_when_ready(site: Path, tmp_path: Path) -> None:
    """Serving: the last bundle moves into the new site and answers until the new index is swapped in."""
    index_site(site)
    new_site = write_site(tmp_path / "new", {"alpha": ("Residents meet the police now", "Barrier", "Trust")})
    keep_bundle(site, new_site)
    assert not (site / BUNDLE).exists() and "/beta/" in fragments(new_site)
    done = threading.Event()
    reports: list[str] = []
    background = BackgroundIndex(lambda message: (reports.append(message), done.set()), reports.append)
    background.start(new_site)
    assert done.wait(60)
    background.stop()
    assert list(fragments(new_site)) == ["/alpha/"] and "police" in fragments(new_site)["/alpha/"]["content"]
    assert reports == ["search index rebuilt in the background: 1 pages in " + reports[0].split(" in ")[-1]]
    assert not (tmp_path / ".new.pagefind-next").exists()


def test_a_newer_start_drops_the_run_still_going(site: Path) -> None:
    """A rebuild while indexing: the older run is stopped and only the newer bundle is put in place."""
    failures: list[str] = []
    done = threading.Event()
    background = BackgroundIndex(lambda message: done.set(), failures.append)
    background.start(site)
    background.start(site)
    assert done.wait(60)
    background.stop()
    assert failures == [] and len(fragments(site)) == 3
    assert not (site.parent / ".site.pagefind-next").exists()


def test_record_filters_are_escaped_and_every_value_is_offered(site_example: tuple[KnowledgeBase, object]) -> None:
    """A record's filter values are escaped for an attribute; the search box offers each value the records use."""
    kb, _ = site_example
    markup = str(page_filters(kb, "barrier", "lack-of-staff-continuity"))
    assert markup.startswith('<div class="synth-search-filters" hidden><span data-pagefind-filter="kind:Barrier">')
    assert 'data-pagefind-filter="theme:Resources &amp; continuity"' in markup
    options = search_filter_options(kb)
    assert options["kind"] == ["Barrier", "Facilitator", "Outcome", "Finding", "Study", "Page"]
    assert options["confidence"] == ["High", "Moderate", "Low", "Very low"]
    assert "Resources & continuity" in options["theme"] and "Police" in options["who"]


def test_a_rebuild_ends_the_unfinished_background_index_and_a_failed_one_starts_it_again(
        site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Serving: a rebuild ends the served site's unfinished index at once; a failed one starts it again.

    The rebuild would drop that index's bundle anyway; a finished index is left alone.
    """
    runs: list[Path] = []

    def slow_index(folder: Path, *, output: Path, started: Callable[[subprocess.Popen[str]], None],
                   background: bool) -> None:
        assert background  # Pagefind at the lowest priority, behind the next rebuild.
        runs.append(folder)
        process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], text=True)
        started(process)
        process.wait()
        raise SearchIndexError("ended")

    monkeypatch.setattr(search_module, "index_site", slow_index)
    search = SiteSearch(logging.getLogger("test"))
    search.published(site)
    search.rebuilding()  # Ends the run without waiting for its thread, which then ends by itself.
    assert search.unindexed == site and search.background.thread is not None
    search.background.thread.join(30)
    assert runs == [site] and not search.background.thread.is_alive()
    search.rebuild_failed()
    assert wait_for(lambda: runs == [site, site])
    search.rebuilding()
    search.published(site)  # A rebuild that succeeds indexes its own site.
    search.rebuild_failed()  # Nothing was ended unfinished since: nothing starts.
    assert wait_for(lambda: len(runs) == 3)
    search.stop()
    assert len(runs) == 3


def wait_for(condition: Callable[[], bool], seconds: float = 30) -> bool:
    """Whether ``condition`` holds within ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_background_index_runs_pagefind_at_the_lowest_priority(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `mkdocs serve` Pagefind indexes the served site again in the background, behind the next rebuild.

    A stand-in for Pagefind reports the priority it was started with, in its error report.
    """
    stand_in = tmp_path / "pagefind"
    stand_in.write_text(f"#!{sys.executable}\nimport os, sys\nsys.exit(f'niceness {{os.nice(0)}}')\n",
                        encoding="utf-8")
    stand_in.chmod(0o755)
    monkeypatch.setattr(search_module, "pagefind_executable", lambda: stand_in)
    niceness = {}
    for background in (False, True):
        with pytest.raises(SearchIndexError) as failed:
            index_site(tmp_path, output=tmp_path / "bundle", background=background)
        niceness[background] = int(str(failed.value).split("niceness ")[1].split()[0])
    assert niceness == {False: os.nice(0), True: 19}
