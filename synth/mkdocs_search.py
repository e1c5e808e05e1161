"""The MkDocs plugin's search: which search the site has, and when its Pagefind index is made.

A whole `mkdocs build` gives Pagefind what it reads of every page once MkDocs has converted them all, before
the theme renders them, so that Pagefind indexes while the pages are written; each page is checked against
what Pagefind was given as it is written, and indexed again at the end if any differs
(`synth.site.search_pages`). A dirty build indexes the written site; under `mkdocs serve` the last index
keeps answering while a new one is made in the background after the reload (`synth.site.search`). With
`search: material`, Material's own search plugin does the work and none of this runs.
"""

from __future__ import annotations

import logging
from pathlib import Path

import jinja2
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from synth.records.link import KnowledgeBase
from synth.site.filters import search_filter_options
from synth.site.search import BUNDLE, PART_PAGES, BackgroundIndex, index_site, keep_bundle
from synth.site.search_pages import BODY_START, SearchPages
from synth.site.staging import Staging

SEARCH_ASSETS = ("assets/synth/synth-search.css", "assets/synth/synth-search.js")


def choose_search(config: MkDocsConfig, search: str, kb: KnowledgeBase) -> None:
    """With Pagefind, turn Material's search plugin off (no whole-site index); the header shows synth's box."""
    config.extra["synth_search"] = search
    if search != "pagefind":
        return
    # Each filter's options, made once as HTML: the header of every page repeats them.
    config.extra["synth_search_options"] = {
        name: Markup("".join(f"<option>{escape(value)}</option>" for value in values))
        for name, values in search_filter_options(kb).items()}
    config.extra["synth_search_parts"] = 1  # A whole build of a large site indexes it in parts (`SiteSearch.start`).
    for asset in SEARCH_ASSETS:
        target = config.extra_css if asset.endswith(".css") else config.extra_javascript
        if asset not in target:
            target.append(asset)
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None and "enabled" in plugin.config:
            plugin.config["enabled"] = False


SEARCH_BODY = "partials/synth-search-body.html"
"""synth's partial rendering the element Pagefind reads of a page."""
LANGUAGE = '{% import "partials/language.html" as lang with context %}{{ lang.t("language") }}'
"""Material's language code, as its `base.html` writes it in the `<html>` tag."""


def _title_block(env: jinja2.Environment) -> jinja2.Template:
    """The template defining the `htmltitle` block pages render: `main.html` if it overrides it, else `base.html`."""
    for name in ("main.html", "base.html"):
        template = env.get_template(name)
        if "htmltitle" in template.blocks:
            return template
    raise jinja2.TemplateNotFound("htmltitle")


class SiteSearch:
    """The Pagefind index of one plugin's builds: begun with each build, fed each page, made at its end."""

    def __init__(self, log: logging.Logger | logging.LoggerAdapter[logging.Logger]) -> None:
        self.log = log
        self.pages: SearchPages | None = None
        """In a whole build, what Pagefind reads of each rendered page, kept beside the site to be indexed."""
        self.background = BackgroundIndex(log.info, log.error)
        """Under `mkdocs serve`, Pagefind re-indexes after each reload, in the background."""
        self.unindexed: Path | None = None
        """The served site whose background index a rebuild ended before it was done."""

    def rebuilding(self) -> None:
        """Under `mkdocs serve`, a rebuild begins: end the background index of the served site now.

        The rebuild would drop its bundle at the end anyway (`index`); ended now, it leaves the processors to the
        rebuild. Should the rebuild fail, `rebuild_failed` indexes the served site again.
        """
        self.unindexed = self.background.interrupt()

    def rebuild_failed(self) -> None:
        """The rebuild failed and the last site stays: index it again if `rebuilding` ended its index unfinished."""
        if self.unindexed is not None and self.unindexed.is_dir():
            self.background.start(self.unindexed)
        self.unindexed = None

    def begin(self, staging: Staging, *, serving: bool) -> None:
        """A whole build into ``staging`` begins: keep each page for the index (unless serving)."""
        self.discard()
        if not serving:
            self.pages = SearchPages(staging.search_pages)

    def start(self, env: jinja2.Environment, config: MkDocsConfig, files: Files, part_pages: int = PART_PAGES) -> None:
        """Every page is converted: give Pagefind each page's document and start it.

        The documents are rendered by the theme's own templates. Without the templates this needs (a theme other
        than Material), Pagefind starts at the end. A site of more than ``part_pages`` pages is indexed in parts,
        which the search box merges (`config.extra.synth_search_parts`).
        """
        if self.pages is None:
            return
        pages = files.documentation_pages()
        config.extra["synth_search_parts"] = self.pages.divide(len(pages), part_pages)
        try:
            body = env.get_template(SEARCH_BODY)
            title = _title_block(env)
            lang = env.from_string(LANGUAGE).render(config=config)
        except jinja2.TemplateError:
            return
        for file in pages:
            page = file.page
            if page is None or page.content is None:
                continue
            context = {"page": page, "config": config}
            try:
                document_title = "".join(title.blocks["htmltitle"](title.new_context(context)))
                rendered = body.render(context)
            except jinja2.TemplateError:
                continue  # Given when it is written, and indexed again then.
            marked = rendered.find(BODY_START)
            self.pages.predict(file.dest_uri, lang, document_title, rendered[marked:] if marked >= 0 else None)
        if self.pages.any_marked:
            self.pages.start(Path(config.site_dir) / BUNDLE)

    def page(self, dest_uri: str, html: str) -> None:
        """A page was rendered, to be written at ``dest_uri`` in the site."""
        if self.pages is not None:
            self.pages.add(dest_uri, html)

    def index(self, site_dir: Path, staging: Staging | None, *, serving: bool) -> None:
        """Every page is written into ``site_dir``: index the kept pages or the written site.

        When serving, the last index moves into the new site, to answer until `published` makes a new one.
        """
        if self.pages is not None:
            pages, self.pages = self.pages, None
            index = pages.index(site_dir / BUNDLE)
            self.log.debug("Pagefind indexed %d pages in %.3f s, %s", index.pages, index.seconds, pages.when)
        elif serving:
            self.background.stop()
            if staging is not None:
                keep_bundle(staging.site, site_dir)
        else:
            index = index_site(site_dir)
            self.log.debug("Pagefind indexed %d pages in %.3f s, after the pages were written", index.pages,
                           index.seconds)

    def published(self, site_dir: Path) -> None:
        """The served site is in place: index it again in the background."""
        self.unindexed = None
        self.background.start(site_dir)

    def discard(self) -> None:
        """Drop the pages kept for a build that failed."""
        if self.pages is not None:
            self.pages.discard()
            self.pages = None

    def stop(self) -> None:
        """The server stops: end a background index still running, and drop kept pages."""
        self.background.stop()
        self.discard()
