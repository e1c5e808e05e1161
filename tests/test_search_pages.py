"""What Pagefind reads of each page, kept aside while the site is built (`synth.site.search_pages`).

A whole `mkdocs build` gives Pagefind each page's language, title and marked article once every page is
converted, lets it index while the pages are written, and checks each written page against what it was given;
`mkdocs serve` and dirty builds index the written site (`synth.site.search.index_site`). All must give the
search of the pages as written.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path

import pytest
from conftest import SITE_EXAMPLE
from mkdocs.commands.build import build
from mkdocs.config import load_config
from pagefind_bundle import WORDS_URL, bundle_contents, fragments, part_bundles
from test_plugin import register_plugin

from synth.site.search import BUNDLE, SearchIndexError, index_site
from synth.site.search_pages import WORDS_FILTER, SearchPages, search_document

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

    assert files_of(built_site / BUNDLE) == files_of(written / BUNDLE)
    assert not (built_site.parent / f".{built_site.name}.synth-search-pages").exists()


def files_of(bundle: Path) -> dict[str, bytes]:
    """Every file of a search bundle, by its path in the bundle."""
    return {path.relative_to(bundle).as_posix(): path.read_bytes() for path in sorted(bundle.rglob("*"))
            if path.is_file()}


def build_example(site: Path, hooks: tuple[Path, ...] = ()) -> list[str]:
    """Build the example (without PDFs) into ``site``, with MkDocs ``hooks``; synth's log messages."""
    register_plugin()
    config = load_config(str(SITE_EXAMPLE / "mkdocs.yml"), site_dir=str(site), hooks=[str(hook) for hook in hooks])
    config.plugins["synth"].config.update(paper_pdfs=False, briefing_pdf=False)
    messages: list[str] = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = lambda record: messages.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("mkdocs.plugins.synth")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        build(config)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return messages


def test_a_whole_build_indexes_while_its_pages_are_written(tmp_path: Path) -> None:
    """Pagefind is given every page before the theme renders it, and that index is the written site's."""
    site = tmp_path / "site"
    messages = build_example(site)
    assert any("Pagefind indexed" in message and message.endswith("while the pages were written")
               for message in messages), messages
    written = tmp_path / "written"
    shutil.copytree(site, written, ignore=shutil.ignore_patterns(BUNDLE))
    index_site(written)
    assert files_of(site / BUNDLE) == files_of(written / BUNDLE)


CHANGE_A_PAGE = """
def on_page_context(context, page, config, nav):
    if page.file.src_uri == "about.md":
        page.content = page.content + "<p>Quokkas were counted after the pages were converted.</p>"
    return context
"""


def test_a_page_changed_after_pagefind_was_given_it_is_indexed_as_written(tmp_path: Path) -> None:
    """Another plugin changing a page's text later makes the index be made again, from the pages as written."""
    hook = tmp_path / "late_change.py"
    hook.write_text(CHANGE_A_PAGE, encoding="utf-8")
    site = tmp_path / "site"
    messages = build_example(site, hooks=(hook,))
    assert any(message.endswith("again after the pages were written: 1 page(s) differed from what it was given, "
                                "such as about/index.html") for message in messages), messages
    assert "Quokkas were counted" in fragments(site)["/about/"]["content"]


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


def marked_body(page: str) -> str:
    """The element marked for search of a page made from `PAGE`, as the theme's partial renders it."""
    start = page.index("<div data-pagefind-body")
    return page[start:page.index("</div>", start) + len("</div>")]


def test_pages_given_before_they_are_written_are_indexed_once(tmp_path: Path) -> None:
    """Pages written as they were given keep Pagefind's first run; the bundle is that of the pages as written."""
    pages = SearchPages(tmp_path / "kept")
    written = {f"{name}/index.html": PAGE.format(title=name, text=f"{name} residents meet", kind="Barrier")
               for name in ("alpha", "beta")}
    for path, page in written.items():
        pages.predict(path, "en", f"<title>{path.split('/')[0]}</title>", marked_body(page))
    pages.start(tmp_path / "site" / BUNDLE)
    for path, page in written.items():
        pages.add(path, page)
    pages.index(tmp_path / "site" / BUNDLE)
    assert pages.when == "while the pages were written"
    assert fragments(tmp_path / "site")["/alpha/"]["content"] == "alpha. alpha residents meet."


def test_a_page_given_but_never_written_is_not_searchable(tmp_path: Path) -> None:
    """A page Pagefind was given that the build did not write is dropped, and the pages indexed again."""
    pages = SearchPages(tmp_path / "kept")
    alpha = PAGE.format(title="alpha", text="Residents meet", kind="Barrier")
    gamma = PAGE.format(title="gamma", text="Never written", kind="Barrier")
    pages.predict("alpha/index.html", "en", "<title>alpha</title>", marked_body(alpha))
    pages.predict("gamma/index.html", "en", "<title>gamma</title>", marked_body(gamma))
    pages.start(tmp_path / "site" / BUNDLE)
    pages.add("alpha/index.html", alpha)
    result = pages.index(tmp_path / "site" / BUNDLE)
    assert result.pages == 1 and set(fragments(tmp_path / "site")) == {"/alpha/"}
    assert pages.when.startswith("again after the pages were written: 1 page(s) differed")


def test_a_failed_build_stops_pagefind_and_leaves_no_bundle(tmp_path: Path) -> None:
    """Discarding the pages of a failed build ends the Pagefind run and removes what it was given."""
    pages = SearchPages(tmp_path / "kept")
    alpha = PAGE.format(title="alpha", text="Residents meet", kind="Barrier")
    pages.predict("alpha/index.html", "en", "<title>alpha</title>", marked_body(alpha))
    pages.start(tmp_path / "site" / BUNDLE)
    run = pages.run
    assert run is not None
    pages.discard()
    assert not run.thread.is_alive() and (run.run is None or run.run.process.poll() is not None)
    assert not (tmp_path / "kept").exists() and not (tmp_path / "site" / BUNDLE).exists()


def test_a_page_is_kept_as_its_language_title_and_marked_article() -> None:
    """The head keeps the language and title; navigation and footer are cut; an unmarked page is whole."""
    page = PAGE.format(title="Trust", text="Residents meet the council", kind="Barrier")
    document = search_document(page)
    assert document.startswith('<!DOCTYPE html><html lang="en"><head><title>Trust</title></head><body><div ')
    assert "Residents meet the council" in document and "<article><p>" in document
    assert "Menu words" not in document and "Footer words" not in document
    assert document.endswith("<p>Edit this page</p></body></html>")
    assert search_document(page, len(marked_body(page))).endswith("</div></body></html>")
    unmarked = page.replace(" data-pagefind-body", "")
    assert search_document(unmarked) == unmarked


NAMES = ("alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu")


def test_pages_divided_into_parts_are_each_indexed_once_with_every_word_in_each(tmp_path: Path) -> None:
    """Twelve pages in parts of at most four: three bundles, each page in one, each part with every word's page."""
    pages = SearchPages(tmp_path / "kept")
    assert pages.divide(len(NAMES), 4) == 3
    written = {f"{name}/index.html": PAGE.format(title=name, text=f"{name}town residents meet", kind="Barrier")
               for name in NAMES}
    for path, page in written.items():
        pages.predict(path, "en", f"<title>{path.split('/')[0]}</title>", marked_body(page))
    pages.start(tmp_path / "site" / BUNDLE)
    for path, page in written.items():
        pages.add(path, page)
    result = pages.index(tmp_path / "site" / BUNDLE)
    assert pages.when == "while the pages were written" and result.pages == len(NAMES)
    parts = part_bundles(tmp_path / "site")
    assert [part.name for part in parts] == [BUNDLE, "part-1", "part-2"]
    assert sorted(fragments(tmp_path / "site")) == sorted(f"/{name}/" for name in NAMES)  # Each in one part.
    for part in parts:
        contents = bundle_contents(part)
        words = contents["pages"][WORDS_URL]
        assert words["filters"] == {WORDS_FILTER: ["yes"]}
        assert {f"{name}town" for name in NAMES} <= set(re.findall(r"\w+", words["content"]))
        assert {f"{name}town" for name in NAMES} <= set(contents["words"])  # Every part knows every word.
    assert not (tmp_path / "kept").exists()


def test_a_part_that_cannot_be_prepared_is_a_clear_error_and_leaves_no_bundle(tmp_path: Path) -> None:
    """When the page of every word cannot be made, the build is told why, and no part of a bundle is left."""
    pages = SearchPages(tmp_path / "kept")
    pages.divide(len(NAMES), 4)
    for name in NAMES:
        pages.add(f"{name}/index.html", PAGE.format(title=name, text="Residents meet", kind="Barrier"))
    shutil.rmtree(tmp_path / "kept")  # What the pages were given to is gone before indexing begins.
    with pytest.raises(SearchIndexError, match="could not be prepared"):
        pages.index(tmp_path / "site" / BUNDLE)
    assert not (tmp_path / "site" / BUNDLE).exists()


def test_stopping_pages_in_parts_ends_every_run_and_leaves_no_bundle(tmp_path: Path) -> None:
    """A failed build stops the parts still to index and the one being indexed."""
    pages = SearchPages(tmp_path / "kept")
    pages.divide(len(NAMES), 4)
    for name in NAMES:
        page = PAGE.format(title=name, text="Residents meet", kind="Barrier")
        pages.predict(f"{name}/index.html", "en", f"<title>{name}</title>", marked_body(page))
    pages.start(tmp_path / "site" / BUNDLE)
    run = pages.run
    assert run is not None
    pages.discard()
    assert not run.thread.is_alive() and run.stopped
    assert not (tmp_path / "kept").exists() and not (tmp_path / "site" / BUNDLE).exists()
