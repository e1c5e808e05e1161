"""What Pagefind reads of each page, kept aside while the site is built (`synth.site.search_pages`).

A whole `mkdocs build` keeps each rendered page's head and marked article and indexes those; `mkdocs serve`
and dirty builds index the written site (`synth.site.search.index_site`). Both must give the same search.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pagefind_bundle import bundle_contents, fragments

from synth.site.search import BUNDLE, SearchIndexError, index_site
from synth.site.search_pages import SearchPages, search_document

PAGE = """<!doctype html><html lang="en"><head><title>{title}</title></head><body>
<nav>Menu words</nav><article class="md-content__inner"><div data-pagefind-body><h1>{title}</h1>
<article><p>{text}</p></article><span hidden data-pagefind-filter="kind:{kind}"></span></div>
<p>Edit this page</p></article><footer>Footer words</footer></body></html>"""


def test_the_built_site_has_the_search_that_indexing_its_written_pages_gives(built_site: Path,
                                                                               tmp_path: Path) -> None:
    """The example site's bundle, from the pages kept aside, is the one Pagefind makes reading the written site."""
    written = tmp_path / "site"
    shutil.copytree(built_site, written, ignore=shutil.ignore_patterns(BUNDLE))
    index_site(written)
    kept, read = bundle_contents(built_site / BUNDLE), bundle_contents(written / BUNDLE)
    assert kept["count"] == read["count"] > 20
    assert kept["pages"] == read["pages"]
    assert kept["filters"] == read["filters"] and set(kept["filters"]) >= {"kind", "theme", "confidence"}
    assert kept["words"] == read["words"]

    def files(bundle: Path) -> dict[str, bytes]:
        return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in sorted(bundle.rglob("*"))
                if path.is_file()}

    assert files(built_site / BUNDLE) == files(written / BUNDLE)
    assert not (built_site.parent / f".{built_site.name}.synth-search-pages").exists()


def test_a_page_is_kept_as_its_head_and_its_marked_article() -> None:
    """The navigation and footer are cut; the article's own nested articles are kept; an unmarked page is whole."""
    page = PAGE.format(title="Trust", text="Residents meet the council", kind="Barrier")
    document = search_document(page)
    assert "<title>Trust</title>" in document and "Residents meet the council" in document
    assert "Menu words" not in document and "Footer words" not in document
    assert document.endswith("<p>Edit this page</p></body></html>")
    unmarked = page.replace(" data-pagefind-body", "")
    assert search_document(unmarked) == unmarked


def test_kept_pages_are_indexed_with_their_filters_and_the_folder_goes(tmp_path: Path) -> None:
    """Pages kept one by one, at directory and file addresses, are found with their text, title and filters."""
    pages = SearchPages(tmp_path / "kept")
    pages.add("alpha/index.html", PAGE.format(title="alpha", text="Residents meet the council", kind="Barrier"))
    pages.add("beta.html", PAGE.format(title="beta", text="Officers change often", kind="Finding"))
    site = tmp_path / "site"
    result = pages.index(site / BUNDLE)
    assert result.pages == 2
    found = fragments(site)
    assert found["/alpha/"]["content"] == "alpha. Residents meet the council."
    assert found["/beta.html"]["filters"] == {"kind": ["Finding"]}
    assert not (tmp_path / "kept").exists()


@pytest.mark.parametrize("path", ["../outside/index.html", "/etc/index.html", "a/../../index.html"])
def test_a_page_path_outside_the_folder_is_refused(tmp_path: Path, path: str) -> None:
    """A page is only ever written inside the folder kept for search."""
    pages = SearchPages(tmp_path / "kept")
    with pytest.raises(ValueError, match="inside the site"):
        pages.add(path, PAGE.format(title="x", text="y", kind="Page"))
    assert sorted(tmp_path.rglob("*.html")) == []


def test_no_marked_page_is_a_clear_error_and_the_folder_goes(tmp_path: Path) -> None:
    """A build with no page to index says so instead of writing an empty search, and leaves nothing behind."""
    pages = SearchPages(tmp_path / "kept")
    with pytest.raises(SearchIndexError, match="no page to index"):
        pages.index(tmp_path / "site" / BUNDLE)
    assert not (tmp_path / "kept").exists()
