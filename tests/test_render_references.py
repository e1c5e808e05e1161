"""The reference list: every cited work in author-year order, with anchors, links and "cited by"."""

from __future__ import annotations

import re
from pathlib import Path

from synth.errors import Diagnostic
from synth.references.bibliography import load_bibliography
from synth.references.style import ReferenceFormatter
from synth.site.paths import Links
from synth.site.references import (
    BEGIN_MARKER,
    END_MARKER,
    Citer,
    ReferenceShelf,
    fill_reference_list,
    merge_citers,
    record_citers,
    reference_list,
    render_references_page,
)
from synth.site.rows import RowCache

ENTRY_IDS = re.compile(r'<li id="(ref-[^"]+)">')


def test_references_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The references page of the example, as written before pages are converted."""
    kb, shelf = site_example
    golden("render/references.md", render_references_page(kb, shelf))


def test_entries_are_sorted_and_cited_by_their_studies(site_example) -> None:  # type: ignore[no-untyped-def]
    """Only cited entries are listed, by sort key, each linking back to every study citing it."""
    kb, shelf = site_example
    page = render_references_page(kb, shelf)
    assert ENTRY_IDS.findall(page) == ["ref-alexander2021coproduction", "ref-lgg2010bigsociety",
                                       "ref-turley2012neighbourhood"]
    assert ('Cited by: <a href="../studies/turley-2012/">Delivering neighbourhood policing in partnership</a> (study)'
            in page)
    assert ('Available at: <a href="https://doi.org/10.1007/s43545-021-00058-0">'
            'https://doi.org/10.1007/s43545-021-00058-0</a>') in page
    assert '<a href="https://www.local.gov.uk/big-society">' in page


def test_pages_citations_join_the_list_after_conversion(site_example) -> None:  # type: ignore[no-untyped-def]
    """A hand-written page's citations add its entries and "cited by" links; the list is replaced whole."""
    kb, shelf = site_example
    page_citers = {"ostrom1990governing": [Citer("about.md", "About <this>")],
                   "turley2012neighbourhood": [Citer("papers/a.md", "A paper")]}
    listing = reference_list(shelf, merge_citers(record_citers(kb), page_citers), Links("references.md"))
    html = f"<h1>References</h1>\n{BEGIN_MARKER}\n<ul>old</ul>\n{END_MARKER}\n<p>after</p>"
    filled = fill_reference_list(html, listing)
    assert filled == f"<h1>References</h1>\n{BEGIN_MARKER}\n{listing}{END_MARKER}\n<p>after</p>"
    assert ENTRY_IDS.findall(filled) == ["ref-alexander2021coproduction", "ref-lgg2010bigsociety",
                                         "ref-ostrom1990governing", "ref-turley2012neighbourhood"]
    assert 'Cited by: <a href="../about/">About &lt;this&gt;</a></p>' in filled
    assert ('(study); <a href="../papers/a/">A paper</a></p>') in filled


def test_fill_leaves_a_page_without_markers_alone() -> None:
    """Only the references page, with both markers, is rewritten."""
    assert fill_reference_list("<p>no markers</p>", "<ul></ul>") == "<p>no markers</p>"


def write_bib(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return path


INCOMPLETE = "@article{nojournal, author = {Doe, Jane}, title = {Untitled work}, year = {2001}}\n"


def test_an_incomplete_entry_is_still_listed_and_warned_about_once(tmp_path: Path) -> None:
    """An entry missing a field its type needs is formatted with what it has, and its warning reported once."""
    path = write_bib(tmp_path, INCOMPLETE)
    bibliography, problems = load_bibliography([path], tmp_path)
    assert problems == []
    warnings: list[Diagnostic] = []
    shelf = ReferenceShelf(bibliography, ReferenceFormatter(bibliography), warnings.append)
    listing = reference_list(shelf, {"nojournal": [Citer("about.md", "About")]}, Links("references.md"))
    shelf.get("nojournal")
    assert ENTRY_IDS.findall(listing) == ["ref-nojournal"]
    assert "Doe, J. (2001) ‘Untitled work’." in listing
    assert [(d.code, d.severity, str(d.location)) for d in warnings] == [
        ("bib.incomplete-entry", "warning", "refs.bib:1:1")]


def test_unknown_keys_are_not_on_the_shelf(site_example) -> None:  # type: ignore[no-untyped-def]
    """A key with no entry (or with another letter case) gives None, and is left out of the list."""
    _, shelf = site_example
    assert shelf.get("nosuchkey") is None
    assert shelf.get("Turley2012Neighbourhood") is None
    assert "nosuchkey" not in shelf
    assert reference_list(shelf, {"nosuchkey": [Citer("a.md", "A")]}, Links("references.md")).count("<li") == 0


def test_a_list_made_again_renders_only_the_entries_that_differ(site_example) -> None:  # type: ignore[no-untyped-def]
    """Each entry is a row taken from the last list while its reference and citers are the same.

    The list is the one made from nothing.
    """
    kb, shelf = site_example
    links = Links("references.md")
    citers = merge_citers(record_citers(kb), {"turley2012neighbourhood": [Citer("about.md", "About")]})
    first = RowCache()
    listing = reference_list(shelf, citers, links, first)
    assert first.rendered == 3
    again = RowCache(first)
    assert reference_list(shelf, citers, links, again) == listing
    assert again.rendered == 0
    citers["turley2012neighbourhood"] = [Citer("about.md", "About us")]
    edited = RowCache(again)
    made = reference_list(shelf, citers, links, edited)
    assert edited.rendered == 1
    assert made == reference_list(shelf, citers, links) != listing
    assert ">About us</a>" in made
