"""Stage 4, render: the knowledge base as Markdown pages, one module per family of pages.

`render_site` returns every generated page as a Markdown string under its source path; the MkDocs plugin
only hands them to MkDocs. Nothing here imports MkDocs, so every page can be tested (and its golden file
compared) without building a site.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from typing import TYPE_CHECKING

from synth.forked import in_two_processes
from synth.papers.model import Paper
from synth.records.link import KnowledgeBase
from synth.site.changes import HistoryView, changed_since_line, history_view
from synth.site.confidence import render_confidence_page
from synth.site.home import render_home_page
from synth.site.listings import (
    render_factor_listing,
    render_findings_listing,
    render_paper_listing,
    render_study_listing,
    render_tags_page,
    render_themes_page,
)
from synth.site.matrix import render_matrix
from synth.site.outcomes import render_outcome_listing, render_outcome_page
from synth.site.pages import render_factor_page, render_finding_page, render_study_page
from synth.site.paths import (
    CONFIDENCE,
    HOME,
    MATRIX,
    PAPER_LISTING,
    REFERENCES,
    TAGS,
    THEMES,
    Links,
    listing_uri,
    record_uri,
)
from synth.site.references import Citer, ReferenceLookup, render_references_page
from synth.site.rows import RowCache

if TYPE_CHECKING:
    from synth.versions import SiteChanges

LISTING_PAGES = (HOME, listing_uri("barrier"), listing_uri("facilitator"), listing_uri("outcome"), CONFIDENCE,
                 listing_uri("study"), listing_uri("finding"), MATRIX, THEMES, REFERENCES, PAPER_LISTING)
"""The generated pages that belong in the navigation; record pages never do, nor the old address of the
pages-by-theme list (`tags.md`), which only points to the themes page."""


def render_site(kb: KnowledgeBase, references: ReferenceLookup, *, title: str, directory_urls: bool = True,
                page_citers: Mapping[str, Iterable[Citer]] | None = None,
                papers: Sequence[Paper] = (), changes: SiteChanges | None = None,
                previous: Mapping[str, str] | None = None, fresh: Set[tuple[str, str]] | None = None,
                row_cache: RowCache | None = None, in_parallel: bool = False) -> dict[str, str]:
    """Every generated page, by source path.

    Listings first, then record pages kind by kind, ids sorted, then the old address of the pages-by-theme list.

    ``page_citers`` are the citations found in hand-written pages before they are converted; ``papers`` are
    listed on the papers page (their own pages come from `synth.papers.render_paper_page`); ``changes``
    adds a "History" section to each record page and the "changed since" line to the home page. With
    ``previous`` pages and the ``fresh`` records (`synth.site.incremental`), the page of a record not in
    ``fresh`` is taken from ``previous``; ``row_cache`` gives the long listings' rows the last build rendered
    (`synth.site.rows`). ``in_parallel`` (for a process running no other thread) renders many record pages in
    two processes, this one and a forked child (`synth.forked.in_two_processes`): the pages are the same.
    """
    def links(src_uri: str) -> Links:
        return Links(src_uri, directory_urls)

    def history(kind: str, record_id: str) -> HistoryView | None:
        return history_view(changes, kind, record_id) if changes is not None else None

    def again(kind: str, record_id: str) -> str | None:
        """The record's page from the last build, when nothing it shows has changed."""
        if previous is None or fresh is None or (kind, record_id) in fresh:
            return None
        return previous.get(record_uri(kind, record_id))

    def listings() -> dict[str, str]:
        since = changed_since_line(changes, links(HOME)) if changes is not None else ""
        return {
            HOME: render_home_page(kb, title, links(HOME), since),
            listing_uri("barrier"): render_factor_listing(kb, "barrier", links(listing_uri("barrier")), row_cache),
            listing_uri("facilitator"): render_factor_listing(kb, "facilitator", links(listing_uri("facilitator")),
                                                              row_cache),
            listing_uri("outcome"): render_outcome_listing(kb, links(listing_uri("outcome")), row_cache),
            CONFIDENCE: render_confidence_page(links(CONFIDENCE)),
            listing_uri("study"): render_study_listing(kb, references, links(listing_uri("study")), row_cache),
            listing_uri("finding"): render_findings_listing(kb, references, links(listing_uri("finding")), row_cache),
            MATRIX: render_matrix(kb, references, links(MATRIX), row_cache),
            THEMES: render_themes_page(kb, links(THEMES), row_cache),
            REFERENCES: render_references_page(kb, references, links(REFERENCES), page_citers, row_cache),
            PAPER_LISTING: render_paper_listing(papers, links(PAPER_LISTING)),
        }

    def record_page(kind: str, record_id: str) -> str:
        uri = record_uri(kind, record_id)
        if kind in ("barrier", "facilitator"):
            return again(kind, record_id) or render_factor_page(kb, kind, record_id, references, links(uri),
                                                                history(kind, record_id))
        if kind == "outcome":
            return again(kind, record_id) or render_outcome_page(kb, record_id, references, links(uri))
        if kind == "finding":
            return again(kind, record_id) or render_finding_page(kb, record_id, references, links(uri),
                                                                 history(kind, record_id))
        return again(kind, record_id) or render_study_page(kb, record_id, references, links(uri),
                                                           history(kind, record_id))

    records = [(kind, record_id) for kind in ("barrier", "facilitator") for record_id in sorted(kb.factors(kind))]
    records += [("outcome", record_id) for record_id in sorted(kb.outcomes)]
    records += [("finding", record_id) for record_id in sorted(kb.findings)]
    records += [("study", record_id) for record_id in sorted(kb.studies)]
    pages: dict[str, str] = {}
    if in_parallel and len(records) >= PARALLEL_PAGES:
        # Every reference a record page shows is formatted here before the child starts, so that it formats
        # none: a reference's warnings are reported once, by this process. The listings are rendered here while
        # the child starts on the record pages.
        for study in kb.studies.values():
            references[study.cite]
        record_pages = in_two_processes(lambda run: [record_page(*record) for record in run], records, PAGES_RUN,
                                        beside=lambda: pages.update(listings()))
    else:
        pages.update(listings())
        record_pages = [record_page(*record) for record in records]
    pages.update((record_uri(*record), page) for record, page in zip(records, record_pages, strict=True))
    pages[TAGS] = render_tags_page(links(TAGS))
    return pages


PARALLEL_PAGES = 400
"""The fewest record pages worth rendering in two processes (`render_site`'s ``in_parallel``)."""
PAGES_RUN = 20
"""The fewest record pages in a run that one of the two processes takes at a time."""
