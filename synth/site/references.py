"""The reference list: every work cited by a study or a hand-written page, in author-year order.

Each entry keeps a stable anchor (from `synth.references.style`), its DOI or URL, and "cited by" links back to every
record and page that cites it. Records' citations are known before anything is converted (`kb.cited_by`);
hand-written pages' citations are known only once every page has been converted, so the list is written
between two markers and written again, whole, at that point (`fill_reference_list`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from markupsafe import Markup

from synth.errors import Diagnostic
from synth.records.link import KnowledgeBase
from synth.references.bibliography import Bibliography
from synth.references.style import FormattedReference, ReferenceFormatter
from synth.site.markup import render_template
from synth.site.paths import REFERENCES, Links, record_uri
from synth.site.rows import RowCache

BEGIN_MARKER = "<!-- synth:reference-list -->"
END_MARKER = "<!-- /synth:reference-list -->"


class ReferenceLookup(Protocol):
    """Formatted references by key: a dict in tests, a `ReferenceShelf` in a build."""

    def __getitem__(self, key: str) -> FormattedReference: ...
    def __contains__(self, key: object) -> bool: ...


@dataclass
class ReferenceShelf:
    """The formatted references of one build: each key formatted once, on first use, its warnings reported once."""

    bibliography: Bibliography
    formatter: ReferenceFormatter
    warn: Callable[[Diagnostic], None] = lambda diagnostic: None
    _formatted: dict[str, FormattedReference] = field(default_factory=dict)

    def get(self, key: str) -> FormattedReference | None:
        """The formatted reference of ``key``, or None when no entry has exactly that key."""
        if key not in self.bibliography:
            return None
        if key not in self._formatted:
            reference, diagnostics = self.formatter.format(key)
            for diagnostic in diagnostics:
                self.warn(diagnostic)
            self._formatted[key] = reference
        return self._formatted[key]

    def __getitem__(self, key: str) -> FormattedReference:
        """The formatted reference of a key known to be in the bibliography."""
        reference = self.get(key)
        if reference is None:
            raise KeyError(key)
        return reference

    def __contains__(self, key: object) -> bool:
        """Whether the bibliography has an entry with exactly this key."""
        return key in self.bibliography


@dataclass(frozen=True)
class Citer:
    """A record or page that cites a reference: where it is and what to call it."""

    src_uri: str
    title: str
    kind: str = "page"
    """``study`` for a study record; ``page`` for a hand-written page."""


def record_citers(kb: KnowledgeBase) -> dict[str, list[Citer]]:
    """Each cited key's citing studies, from the knowledge base's reverse links."""
    return {key: [Citer(record_uri("study", s), kb.studies[s].title, "study") for s in studies]
            for key, studies in kb.cited_by.items()}


def reference_list(shelf: ReferenceLookup, citers: Mapping[str, Iterable[Citer]],
                   links: Links, row_cache: RowCache | None = None) -> str:
    """The HTML list of every cited reference, sorted by `sort_key`, each with its "cited by" links.

    Each entry is a row of ``row_cache`` (`synth.site.rows`), taken from the last build where it is the same.
    """
    cache = row_cache or RowCache()
    entries = [(shelf[key], tuple(sorted(set(by), key=lambda c: (c.kind != "study", c.title.casefold(), c.src_uri))))
               for key, by in citers.items() if key in shelf and by]
    entries.sort(key=lambda entry: (entry[0].sort_key, entry[0].key))
    rows = [cache.row("reference_entry", links, reference, by) for reference, by in entries]
    return render_template("reference_list.html.j2", rows=rows)


def render_references_page(kb: KnowledgeBase, shelf: ReferenceLookup, links: Links | None = None,
                           page_citers: Mapping[str, Iterable[Citer]] | None = None,
                           row_cache: RowCache | None = None) -> str:
    """The references page as Markdown: what studies cite, and what pages are expected to cite.

    ``page_citers`` is a first reading of hand-written pages (so every entry's anchor is there when MkDocs
    checks links); the list is written again once the pages are converted. ``row_cache`` gives the entries
    the last build rendered.
    """
    links = links or Links(REFERENCES)
    listing = reference_list(shelf, merge_citers(record_citers(kb), page_citers or {}), links, row_cache)
    return render_template("references.md.j2", begin=Markup(BEGIN_MARKER), end=Markup(END_MARKER),
                           listing=Markup(listing))


def merge_citers(*sources: Mapping[str, Iterable[Citer]]) -> dict[str, list[Citer]]:
    """One mapping of key to citers from several (records' and pages')."""
    merged: dict[str, list[Citer]] = {}
    for source in sources:
        for key, by in source.items():
            merged.setdefault(key, []).extend(by)
    return merged


def fill_reference_list(html: str, listing: str) -> str:
    """The converted references page with the list between the markers replaced by ``listing``."""
    start, end = html.find(BEGIN_MARKER), html.find(END_MARKER)
    if start < 0 or end < start:
        return html
    return html[:start + len(BEGIN_MARKER)] + "\n" + listing + html[end:]
