"""The whole generated site: knowledge-base pages, papers, open-data downloads, the contributor guide, assets.

`build_site` gathers everything the MkDocs plugin adds to a build, as Markdown pages and files keyed by
their paths in the site, and says which pages belong in the navigation: the listings and other single
pages do; record and paper pages never do (they are reached from the listings). It knows nothing of MkDocs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from urllib.parse import urljoin

from synth.authoring.guide import render_confidence_profiles, render_error_codes, render_schema_reference
from synth.citations import find_citations
from synth.papers import Paper, render_paper_page
from synth.records.git import version_phrase
from synth.records.link import KnowledgeBase
from synth.site import LISTING_PAGES, render_site
from synth.site.briefing import BRIEFING
from synth.site.changes import CHANGES, render_changes_page
from synth.site.export import render_downloads_page
from synth.site.incremental import LastRender, changed_since, records_to_render, untouched_papers
from synth.site.markup import render_template
from synth.site.open_data import DeferredDownloads
from synth.site.paths import HOME, Links, page_url, paper_uri, record_uri
from synth.site.references import Citer, ReferenceShelf
from synth.site.rows import RowCache
from synth.versions import SiteChanges

DOWNLOADS = "downloads.md"
ASSETS = ("synth.css", "synth-print.css", "synth.js")
"""Stylesheets and script served under `assets/synth/`: tables, filters, the matrix, print styles."""
GUIDE_PAGES = {"fields.md": render_schema_reference, "error-codes.md": render_error_codes}
"""The contributor guide's generated pages, by file name in the guide's folder."""
CONFIDENCE_PROFILES = "confidence-profiles.md"
"""The contributor guide's generated page of findings by confidence profile, which reads the knowledge base."""


@dataclass(frozen=True)
class SiteOptions:
    """What to publish besides the knowledge base, and how the site addresses its pages."""

    title: str
    directory_urls: bool = True
    site_url: str | None = None
    downloads: bool = True
    guide_folder: str | None = None
    """The site folder of the contributor guide's generated pages, or None to leave them out."""
    briefing: bool = False
    """Link the briefing PDF (written after the build) from the home page and the open-data page."""


@dataclass(frozen=True)
class GeneratedSite:
    """Generated Markdown pages and other files by site path, and which pages belong in the navigation."""

    pages: dict[str, str]
    in_nav: frozenset[str]
    files: dict[str, bytes] = field(default_factory=dict)
    rendered: LastRender | None = None
    """What this build rendered, from what, for the next build to reuse (`synth.site.incremental`)."""
    downloads: DeferredDownloads | None = None
    """The open data, still being made, when `build_site` was asked to defer it."""
    kept_papers: frozenset[str] = frozenset()
    """The slugs of the papers whose page was taken from the last build: nothing they show changed, so their
    PDFs are the last build's too."""


def build_site(kb: KnowledgeBase, shelf: ReferenceShelf, papers: Sequence[Paper], hand_written: Mapping[str, str],
               options: SiteOptions, changes: SiteChanges | None = None, last: LastRender | None = None,
               downloads_folder: Path | None = None, same_references_in: Path | None = None,
               serving: bool = False) -> GeneratedSite:
    """Everything generated for a build.

    ``hand_written`` maps each page in `docs/` to its Markdown; ``changes`` (history and the comparison with the
    last release) adds the "What's changed" page and records' histories. With ``last`` (the previous build's
    `GeneratedSite.rendered`), only the record pages an edit touched are rendered again. With a
    ``downloads_folder``, the open data is still being written there when this returns (never coming back to
    this process): `GeneratedSite.downloads` has its paths, and the open-data page placeholders for the sizes
    (`synth.site.open_data`); ``same_references_in``, an earlier build's folder for the same bibliography,
    gives its reference files. ``serving`` (under `mkdocs serve`): the references formatted for the open data
    are kept in ``shelf``'s formatter for the next build.
    """
    # The open data is made on the other processor while the pages are rendered here and converted by MkDocs;
    # a build, which renders its record pages on both processors (no other thread runs in it, as in a server),
    # starts the open data once they are rendered. All of them format references: the entries are told apart
    # in text once, here, before a child is forked.
    if options.downloads:
        shelf.formatter.labels()
    in_parallel = not serving

    def open_data() -> DeferredDownloads | None:
        return (DeferredDownloads(kb, shelf.formatter, changes, downloads_folder, same_references_in, serving)
                if options.downloads else None)

    downloads = None if in_parallel else open_data()
    kb_version = version_phrase(changes.history.version) if changes is not None else None
    settings = (options, changes)
    changed = changed_since(last, kb, shelf, settings)
    fresh = records_to_render(changed, [last.kb, kb]) if changed is not None and last is not None else None
    kept_papers = frozenset(untouched_papers(last, kb, changed, papers))
    papers_rendered = {p.slug: (p, last.papers[p.slug][1] if last is not None and p.slug in kept_papers
                                else render_paper(p, kb, shelf, options, kb_version)) for p in papers}
    paper_pages = {paper_uri(slug): page for slug, (_, page) in papers_rendered.items()}
    citations = citations_in_pages({**hand_written, **paper_pages}, shelf)
    rows = RowCache(last.rows if last is not None else None, fresh)
    pages = render_site(kb, shelf, title=options.title, directory_urls=options.directory_urls,
                        page_citers=citations, papers=papers, changes=changes,
                        previous=last.pages if last is not None else None, fresh=fresh, row_cache=rows,
                        in_parallel=in_parallel)
    rows.done()
    if in_parallel:
        downloads = open_data()
    rendered = LastRender(kb, shelf, settings, {uri: text for uri, text in pages.items() if uri.count("/") == 1
                                                 and not uri.endswith("/index.md")}, rows, papers_rendered)
    in_nav = set(LISTING_PAGES)
    if changes is not None:
        pages[CHANGES] = render_changes_page(changes, kb, Links(CHANGES, options.directory_urls))
        in_nav.add(CHANGES)
    files = {f"assets/synth/{name}": (resources.files("synth.site") / "assets" / name).read_bytes() for name in ASSETS}
    if downloads is not None:
        in_nav.add(DOWNLOADS)
        if downloads_folder is not None:
            pages[DOWNLOADS] = downloads.page(kb, DOWNLOADS)
        else:
            files.update(downloads.files())
            pages[DOWNLOADS] = render_downloads_page(downloads.files(), kb, DOWNLOADS)
    if options.briefing:
        link_briefing(pages, options.directory_urls)
    if options.guide_folder:
        folder = options.guide_folder.strip("/")
        guide = {f"{folder}/{name}": render() for name, render in GUIDE_PAGES.items()}
        up = "../" * (folder.count("/") + 1)
        guide[f"{folder}/{CONFIDENCE_PROFILES}"] = render_confidence_profiles(
            kb.findings, lambda finding_id: up + record_uri("finding", finding_id))
        pages.update(guide)
        in_nav.update(guide)
    return GeneratedSite({**pages, **paper_pages}, frozenset(in_nav), files, rendered,
                         downloads if downloads_folder is not None else None, kept_papers)


def link_briefing(pages: dict[str, str], directory_urls: bool) -> None:
    """Add a link to the briefing PDF at the end of the home page and of the open-data page, where present."""
    for uri in (HOME, DOWNLOADS):
        if uri in pages:
            href = Links(uri, directory_urls).file(BRIEFING)
            pages[uri] = pages[uri].rstrip("\n") + "\n\n" + render_template("briefing_link.md.j2", href=href)


def render_paper(paper: Paper, kb: KnowledgeBase, shelf: ReferenceShelf, options: SiteOptions,
                 kb_version: str | None = None) -> str:
    """A paper's page, linking its records' pages and its PDF (written beside the page), naming ``kb_version``."""
    uri = paper_uri(paper.slug)
    links = Links(uri, options.directory_urls)
    url = urljoin(options.site_url, page_url(uri, options.directory_urls)) if options.site_url else None
    return render_paper_page(paper, kb, shelf.formatter, record_href=links.record,
                             pdf_href=links.file(f"{uri.removesuffix('.md')}.pdf"), url=url,
                             kb_version=kb_version)


def citations_in_pages(pages: Mapping[str, str], shelf: ReferenceShelf) -> dict[str, list[Citer]]:
    """A first reading of pages' citations of known keys, before any page is converted.

    It lets the references page carry every entry's anchor when MkDocs checks links; the "cited by" lists
    are written again from what the citation extension reports once every page is converted.
    """
    found: dict[str, list[Citer]] = {}
    for src_uri, text in pages.items():
        for key in dict.fromkeys(key for key, _ in find_citations(text)):
            if key in shelf:
                found.setdefault(key, []).append(Citer(src_uri, src_uri))
    return found
