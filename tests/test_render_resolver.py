"""The citation resolver: what the citation extension asks about each key in a hand-written page."""

from __future__ import annotations

import markdown

from synth.citations import CitationExtension
from synth.errors import Diagnostic
from synth.site.references import ReferenceShelf
from synth.site.resolver import PageCitationResolver


def resolver_for(site_example) -> tuple[PageCitationResolver, list[Diagnostic]]:  # type: ignore[no-untyped-def]
    _, shelf = site_example
    reported: list[Diagnostic] = []
    return PageCitationResolver(ReferenceShelf(shelf.bibliography, shelf.formatter), reported.append), reported


def convert(resolver: PageCitationResolver, text: str) -> str:
    return markdown.markdown(text, extensions=[CitationExtension(resolver=resolver)])


def test_citations_link_to_the_reference_anchor_relative_to_the_page(site_example) -> None:  # type: ignore[no-untyped-def]
    """A known key becomes an author-year link to its entry on the references page, as a source path."""
    resolver, reported = resolver_for(site_example)
    resolver.begin_page("papers/2024/seminar.md", "docs/papers/2024/seminar.md")
    html = convert(resolver, "As shown [@turley2012neighbourhood, p. 3].")
    assert '<a href="../../references.md#ref-turley2012neighbourhood"' in html
    assert ">Turley, Kenny and Smith, 2012</a>, p. 3)" in html
    resolver.begin_page("about.md", "docs/about.md")
    assert resolver.href("ostrom1990governing") == "references.md#ref-ostrom1990governing"
    assert reported == []


def test_unknown_keys_are_reported_at_the_file_and_line(site_example) -> None:  # type: ignore[no-untyped-def]
    """Each unknown key is a warning at the page's file and its line, counting the front matter lines."""
    resolver, reported = resolver_for(site_example)
    resolver.begin_page("papers/seminar.md", "docs/papers/seminar.md", line_offset=3)
    html = convert(resolver, "# Seminar\n\nFirst [@turley2012neighbourhood].\nThen [@turley2012].\n")
    assert '<span class="citation-unknown">@turley2012?</span>' in html
    assert [d.format() for d in reported] == [
        "docs/papers/seminar.md:7:1: warning[bib.unknown-key]: citation: no BibTeX entry has the key 'turley2012'\n"
        "  hint: did you mean 'turley2012neighbourhood'?"]


def test_citing_pages_are_collected_once_each_in_conversion_order(site_example) -> None:  # type: ignore[no-untyped-def]
    """The resolver remembers which pages cite each known key, for the reference list's "cited by"."""
    resolver, _ = resolver_for(site_example)
    for page, text in [("b.md", "[@ostrom1990governing] and @ostrom1990governing"), ("a.md", "[@ostrom1990governing]"),
                       ("c.md", "[@lgg2010bigsociety; @nosuch]")]:
        resolver.begin_page(page, f"docs/{page}")
        convert(resolver, text)
    assert resolver.citing == {"ostrom1990governing": ["b.md", "a.md"], "lgg2010bigsociety": ["c.md"]}


def test_an_unknown_key_with_no_near_match_is_told_where_to_add_it(site_example) -> None:  # type: ignore[no-untyped-def]
    """With no key close enough to suggest, the hint says to add the entry to a .bib file."""
    resolver, reported = resolver_for(site_example)
    resolver.begin_page("about.md", "docs/about.md")
    convert(resolver, "See [@zzqx9999].\n")
    assert [d.format() for d in reported] == [
        "docs/about.md:1:1: warning[bib.unknown-key]: citation: no BibTeX entry has the key 'zzqx9999'\n"
        "  hint: add an entry with this key to a .bib file in bibliography/"]
