"""The MkDocs plugin: a thin adapter from MkDocs' build events to synth's pipeline and page renderers.

Each hook names the event it serves and hands off to code that knows nothing of MkDocs, or to the adapter's
own modules named below. The content is
checked in `on_config`, before MkDocs cleans the site folder, so a content error leaves the last good site
as it was; errors become one `PluginError` carrying exactly the lines `synth check` prints, and warnings go
to the plugin's logger, each beginning with its file location, so `mkdocs build --strict` fails on them.
Generated pages live in memory only (`File.generated`): nothing is written into the repository. The
options are declared in `synth.mkdocs_options`, generated pages' way through MkDocs is in `synth.mkdocs_pages`
and the search's part of each build in `synth.mkdocs_search`.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import logging
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar, cast

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, get_files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_build_date

from synth.citations import CitationExtension
from synth.errors import Diagnostic, SynthError
from synth.mkdocs_options import SynthConfig
from synth.mkdocs_pages import GeneratedPages
from synth.mkdocs_search import SiteSearch, choose_search
from synth.mkdocs_templates import TemplateCache
from synth.papers import Paper
from synth.papers.pdf import paper_pdfs
from synth.papers.sandbox import render_bounded
from synth.pipeline import CheckResult, ProjectCache, check_project, folder_problems
from synth.records.diff import Snapshot
from synth.records.git import version_phrase
from synth.records.history import FindingState
from synth.records.link import KnowledgeBase
from synth.records.load import display_path
from synth.site.briefing import BRIEFING, render_briefing_pdf
from synth.site.build import ASSETS, DOWNLOADS, GeneratedSite, SiteOptions, build_site
from synth.site.concurrent import PdfCache, PdfJobs
from synth.site.incremental import LastRender
from synth.site.page_html import PrintStamp, print_extra, print_stamp
from synth.site.paths import (
    PAPERS,
    REFERENCES,
    Links,
    paper_uri,
)
from synth.site.references import (
    Citer,
    ReferenceShelf,
    fill_reference_list,
    merge_citers,
    record_citers,
    reference_list,
)
from synth.site.resolver import PageCitationResolver
from synth.site.rows import RowCache
from synth.site.search import SearchIndexError
from synth.site.staging import Staging, WarningCounter
from synth.site.titles import theme_description, theme_title
from synth.versions import SiteChanges, site_changes, theme_overrides, version_extra

log = get_plugin_logger("synth")

REQUIRED_EXTENSIONS = ("toc", "attr_list")
"""Markdown extensions the generated pages use (heading ids for stable anchors)."""


P = ParamSpec("P")
R = TypeVar("R")


def own_work(hook: Callable[P, R]) -> Callable[P, R]:
    """Add the time a hook takes to the build's count of synth's own work (logged at the end of each build)."""
    @functools.wraps(hook)
    def timed(*args: P.args, **kwargs: P.kwargs) -> R:
        started = time.perf_counter()
        try:
            return hook(*args, **kwargs)
        finally:
            plugin = cast("SynthPlugin", args[0])
            plugin.own_seconds += time.perf_counter() - started
            if hook.__name__ == "on_post_build":
                log.debug("synth's own work in this build: %.3f s", plugin.own_seconds)
                if (peak := _peak_memory_mib()) is not None:
                    log.debug("peak memory of the build process: %.0f MiB (Pagefind and PDF renderers are others)",
                              peak)
    return timed


def _peak_memory_mib() -> float | None:
    """The peak resident memory of the build's own process in MiB, where the system says (not on Windows)."""
    try:
        import resource
    except ImportError:
        return None
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_report(result: CheckResult) -> str:
    """The report `synth check` prints: every diagnostic, then the summary line."""
    return "\n".join([*(diagnostic.format() for diagnostic in result.diagnostics), result.summary()])


def report_warning(diagnostic: Diagnostic) -> None:
    """Log a diagnostic as a warning, beginning with its file location."""
    log.warning(diagnostic.format())


class SynthPlugin(BasePlugin[SynthConfig]):  # type: ignore[no-untyped-call]
    """Check the project, then add its generated pages to the site."""

    def __init__(self) -> None:
        self.check_cache = ProjectCache()
        """Parsed records, the bibliography and formatted references, by file content, across rebuilds."""
        self.kb: KnowledgeBase | None = None
        self.shelf: ReferenceShelf | None = None
        self.resolver: PageCitationResolver | None = None
        self.files: Files | None = None
        self.site: GeneratedSite | None = None
        self.papers: list[Paper] = []
        self.paper_pages: dict[str, Paper] = {}
        """The papers by the source path of their page."""
        self.changes: SiteChanges | None = None
        self.releases: dict[str, Snapshot] = {}
        self.kept_findings: dict[str, tuple[object, str, FindingState]] = {}
        """What the history knows of each finding file, kept across rebuilds (`known_findings`)."""
        self.stamp: PrintStamp | None = None
        self.staging: Staging | None = None
        self.warnings = WarningCounter()
        self.dirty = False
        self.serving = False
        """Under `mkdocs serve`: keep what the next rebuild can reuse (otherwise let it go as soon as used)."""
        self.pages = GeneratedPages()
        self.last_pages: dict[str, str] = {}
        """The last build's generated pages, whose unchanged pages a dirty build leaves as they are."""
        self.downloads_folder: Path | None = None
        """Where the open data is written while the pages are built, and copied from into the site."""
        self.downloads_complete: object | None = None
        """The bibliography whose open data is complete in `downloads_folder`, which a rebuild under `mkdocs serve`
        of the same bibliography takes its reference files from."""
        self.earlier_downloads_folder: Path | None = None
        """The last build's open data, kept while this build's is made from it."""
        self.pdf_cache = PdfCache()
        self.last_rendered: LastRender | None = None
        """What the last build rendered, which this build's pages were rendered against."""
        self.paper_pdfs: tuple[object, dict[str, bytes]] = (None, {})
        """Under `mkdocs serve`, paper PDFs by file name, for the papers an edit leaves untouched, with the
        `GeneratedSite.rendered` of the build that made them."""
        self.pdf_jobs: PdfJobs | None = None
        self.search = SiteSearch(log)
        self.templates = TemplateCache()
        """Under `mkdocs serve`, the theme's templates as compiled in the last build."""
        self.removals: list[threading.Thread] = []
        """Folders of earlier builds' open data being removed in the background."""
        self.reference_rows: RowCache | None = None
        """Under `mkdocs serve`, the entries of the last build's reference list as written once pages were
        converted."""
        self.own_seconds = 0.0
        """Time spent in this plugin's hooks during the current build."""
        self.shown_paths: dict[str, str] = {}
        """Each page's source file as a diagnostic shows it, by its path (worked out once per process)."""

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        """Startup: with this hook, one plugin object (and its reference cache) lasts across `mkdocs serve` rebuilds."""
        self.dirty = dirty
        self.serving = self.pages.serving = command == "serve"

    def on_shutdown(self) -> None:
        """Shutdown: stop a background search indexing still running, and remove the open data's folders."""
        self.search.stop()
        self._drop_downloads_folder()
        for thread in self.removals:
            thread.join()
        self.removals = []

    def _remove_meanwhile(self, folder: Path | None) -> None:
        """Remove a folder of this plugin's own making in a background thread, which shutdown waits for."""
        if folder is not None:
            self.removals = [thread for thread in self.removals if thread.is_alive()]
            thread = threading.Thread(target=_remove_folder, args=(folder,), name="synth-remove-open-data")
            thread.start()
            self.removals.append(thread)

    def project(self, config: MkDocsConfig) -> Path:
        """The project folder, resolved against the folder of `mkdocs.yml`."""
        return Path(config.config_file_path).parent / self.config.project_dir

    @own_work
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Config: check the content (before the site folder is cleaned) and register the citation extension.

        The site is then built into a staging folder beside the site folder (`synth.site.staging`), which
        replaces the site in `on_post_build` only when the build is complete.
        """
        self.own_seconds = 0.0
        if self.serving and self.config.search == "pagefind":
            self.search.rebuilding()
        self._count_warnings(config)
        project = self.project(config)
        sources = Path(config.config_file_path).parent / self.config.sources if self.config.sources else None
        problems = folder_problems(project, sources)
        if self.config.search_part_pages < 1:
            problems.append(f"search_part_pages must be a whole number of pages, 1 or more, not "
                            f"{self.config.search_part_pages}")
        if problems:
            raise PluginError("\n".join(f"synth plugin: {problem}" for problem in problems))
        result = check_project(project, sources=sources, strict=self.config.strict_content, display_root=Path.cwd(),
                               review_age=self.config.review_age,
                               cache=self.check_cache if self.serving else None,  # A build reads each file once.
                               max_shared_explanation=self.config.max_shared_explanation,
                               in_parallel=not self.serving)  # No thread runs yet in a build: a child can fork.
        if result.errors:
            raise PluginError(check_report(result))
        for diagnostic in result.warnings:
            report_warning(diagnostic)
        self.kb = result.kb
        self.papers = list(result.papers)
        self.paper_pages = {paper_uri(paper.slug): paper for paper in self.papers}
        assert result.formatter is not None
        reported = {diagnostic.format() for diagnostic in result.warnings}
        self.shelf = ReferenceShelf(result.kb.bibliography, result.formatter,
                                    lambda diagnostic: None if diagnostic.format() in reported
                                    else report_warning(diagnostic))
        self.resolver = PageCitationResolver(self.shelf, report_warning)
        _add_markdown_extensions(config, self.resolver)
        self.changes = site_changes(project, result.kb, self.config.compare_with, self.releases, self.kept_findings)
        version = self.changes.history.version
        self.stamp = print_stamp(config.site_name, get_build_date(), self.config.version, version)
        config.extra["synth_version"] = version_extra(self.changes.history.version)
        config.extra["synth_print"] = print_extra(self.stamp)
        if theme_overrides() not in config.theme.dirs:
            config.theme.dirs.insert(0, theme_overrides())
        choose_search(config, self.config.search, result.kb)
        self._render_site(config)
        self._start_pdfs(config)
        for name in ASSETS:
            target = config.extra_css if name.endswith(".css") else config.extra_javascript
            if f"assets/synth/{name}" not in target:
                target.append(f"assets/synth/{name}")
        self._stage(config)
        return config

    def _start_pdfs(self, config: MkDocsConfig) -> None:
        """Render the papers' PDFs and the briefing in the background while MkDocs builds the pages.

        Each PDF renders in a bounded child process; one whose HTML is unchanged since the last build is reused.
        """
        assert self.kb is not None and self.shelf is not None and self.stamp is not None and self.changes is not None
        assert self.site is not None
        kb, formatter, stamp, site_url = self.kb, self.shelf.formatter, self.stamp, config.site_url or None
        papers = self.papers if self.config.paper_pdfs else []
        # A paper that shows nothing the edit changed has the PDF the last build made (`GeneratedSite.kept_papers`).
        made_by, made = self.paper_pdfs
        earlier = made if made_by is not None and made_by is self.last_rendered else {}
        kept = {name: pdf for paper in papers if paper.slug in self.site.kept_papers
                and (pdf := earlier.get(name := f"{paper.slug}.pdf")) is not None}
        papers = [paper for paper in papers if f"{paper.slug}.pdf" not in kept]
        version = version_phrase(self.changes.history.version)
        briefing = self.config.briefing_pdf
        cache = self.pdf_cache

        def render(html: str, css: str) -> bytes:
            return cache.render(html, css, render_bounded)

        rendered = self.site.rendered

        def jobs() -> dict[str, bytes]:
            pdfs = {**paper_pdfs(papers, kb, formatter, version, render), **kept}
            if self.serving:
                self.paper_pdfs = (rendered, pdfs)
            files = {f"{PAPERS}/{name}": pdf for name, pdf in pdfs.items()}
            if briefing:
                files[BRIEFING] = render_briefing_pdf(kb, stamp, site_url, render)
            cache.forget_unused()
            return files

        self.pdf_jobs = PdfJobs(jobs)

    def _count_warnings(self, config: MkDocsConfig) -> None:
        """In a strict build, count warnings from here on: a build that will fail on them is not published."""
        self.warnings.count = 0
        if config.strict:
            logging.getLogger("mkdocs").addHandler(self.warnings)

    def _stage(self, config: MkDocsConfig) -> None:
        """Point MkDocs at an empty staging folder beside the site folder."""
        if not self.dirty:  # A dirty build updates the site in place, as asked.
            self.staging = Staging(Path(config.site_dir).absolute())
            config.site_dir = str(self.staging.begin())
            if self.config.search == "pagefind":
                self.search.begin(self.staging, serving=self.serving)

    @own_work
    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        """Files: add every generated page and file, in memory; nothing is written into the project.

        In a dirty build (`mkdocs serve --dirty`), a generated page whose Markdown is the same as in the last
        build counts as unmodified, so MkDocs leaves its page as it is and rebuilds only the changed ones.
        """
        assert self.site is not None
        self.pages.add(self.site.pages, self.site.in_nav, config, files,
                       unchanged=self.last_pages if self.dirty else None)
        if not self.serving:  # Nothing is reused by a later build: let the pages go as they are converted.
            self.site.pages.clear()
            self.site = dataclasses.replace(self.site, rendered=None)
        for path, content in self.site.files.items():
            files.append(File.generated(config, path, content=content))
        downloads = self.site.downloads
        if downloads is not None:  # Being made: `on_env` waits for them before MkDocs copies files.
            assert downloads.folder is not None
            for path in downloads.paths:
                source = str(downloads.folder / path)
                file = File.generated(config, path, abs_src_path=source)
                if self.dirty:  # Each build writes its open data anew: copy only what differs from the site's.
                    file.is_modified = functools.partial(_differs, source, file.abs_dest_path)  # type: ignore[method-assign]
                files.append(file)
        self.files = files
        self.pages.forget_others(files)
        return files

    def _render_site(self, config: MkDocsConfig) -> None:
        """Render every generated page now, in `on_config`, so a clash stops the build before `site/` is cleaned."""
        assert self.kb is not None and self.shelf is not None
        hand_written = {file.src_uri: file.content_string for file in get_files(config).documentation_pages()}
        options = SiteOptions(config.site_name, config.use_directory_urls, config.site_url or None,
                              self.config.downloads, self.config.contributor_guide, self.config.briefing_pdf)
        last = self.last_rendered = self.site.rendered if self.site is not None else None
        self.last_pages = self.site.pages if self.site is not None else {}
        # Under `mkdocs serve`, the last build's reference files serve again while the bibliography is the same.
        earlier = self.downloads_folder if self.serving and self.downloads_complete is self.kb.bibliography else None
        if earlier is not None:
            self.downloads_folder = None  # Kept, until this build's open data is made from it.
        self._drop_downloads_folder()
        self.earlier_downloads_folder = earlier
        self.downloads_folder = Path(tempfile.mkdtemp(prefix="synth-downloads-"))
        self.site = build_site(self.kb, self.shelf, self.papers, hand_written, options, self.changes, last,
                               downloads_folder=self.downloads_folder, same_references_in=earlier,
                               serving=self.serving)
        clashes = sorted(set(self.site.pages) & set(hand_written))
        if clashes:
            raise PluginError("\n".join(f"{config.docs_dir}/{uri}: this page would replace a generated page; "
                                        "rename or remove it" for uri in clashes))

    @own_work
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Page markdown: tell the citation resolver which page (file and first line) is being converted.

        A generated page's raw HTML blocks are set aside (`synth.site.raw_blocks`): Markdown converts the rest,
        and `on_page_content` puts them back.
        """
        assert self.resolver is not None and self.site is not None
        generated = page.file.src_uri in self.pages.generated
        if generated:  # MkDocs read only the front matter: here is the rest.
            markdown = self.pages.body(page.file.src_uri)
        paper = self.paper_pages.get(page.file.src_uri)
        if paper is not None:
            self.resolver.begin_page(page.file.src_uri, paper.path, own_reference_list=True)
            return markdown
        source = page.file.content_string
        if generated:
            offset = source.count("\n")  # The front matter's lines.
        else:
            offset = source[: len(source) - len(markdown)].count("\n") if source.endswith(markdown) else 0
        path = self._shown_path(page.file.abs_src_path) if page.file.abs_src_path else page.file.src_uri
        self.resolver.begin_page(page.file.src_uri, path, offset)
        return self.pages.for_markdown(page.file.src_uri, markdown) if generated else markdown

    def _shown_path(self, path: str) -> str:
        """A source file's path as a diagnostic shows it: relative to the working folder."""
        if path not in self.shown_paths:
            self.shown_paths[path] = display_path(Path(path), Path.cwd())
        return self.shown_paths[path]

    @event_priority(100)  # First, before anything renders a template.
    @own_work
    def _keep_templates(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Env, first: under `mkdocs serve`, take the theme's templates as the last build compiled them."""
        if self.serving:
            self.templates.install(env)
        return env

    @event_priority(-100)  # Last: the pages as every plugin left them.
    @own_work
    def _fill_pages(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Env, last: every page is converted; fill in what needed them all, and start the search index.

        The open data, made meanwhile, goes into its files before they are copied, and its page gets their
        sizes; the reference list gets every page's citations; Pagefind starts indexing the pages while MkDocs
        renders and writes them.
        """
        downloads = self.site.downloads if self.site is not None else None
        if downloads is not None:
            downloads.sizes()  # Every file is written once the sizes are known.
            self.downloads_complete = self.kb.bibliography if self.kb is not None else None
            self._remove_meanwhile(self.earlier_downloads_folder)
            self.earlier_downloads_folder = None
        if downloads is not None and (page := _page(files, DOWNLOADS)) is not None and page.content is not None:
            page.content = downloads.fill_sizes(page.content)
        if (page := _page(files, REFERENCES)) is not None and page.content is not None:
            assert self.kb is not None and self.shelf is not None
            citers = merge_citers(record_citers(self.kb), self._page_citers())
            rows = RowCache(self.reference_rows)
            listing = reference_list(self.shelf, citers, Links(REFERENCES, config.use_directory_urls), rows)
            rows.done()
            self.reference_rows = rows if self.serving else None
            page.content = fill_reference_list(page.content, listing)
        if self.config.search == "pagefind":
            self.search.start(env, config, files, self.config.search_part_pages)
        return env

    on_env = CombinedEvent(_keep_templates, _fill_pages)

    @event_priority(-100)  # Last: the page as it will be written.
    @own_work
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """Post page, last: keep what Pagefind will read of the page as it is written."""
        self.search.page(page.file.dest_uri, output)
        return output

    @event_priority(100)  # First: other plugins see the whole page.
    @own_work
    def _restore_blocks(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Page content, first: a generated page's raw HTML blocks back in place."""
        return self.pages.restore(html, page, config, files)

    @event_priority(-100)  # Last, after any other plugin has changed the title.
    @own_work
    def _title_and_blocks(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        """Page content: a metadata title and description escaped once, and block text kept apart.

        The theme prints the title and description raw; a space between adjacent blocks' text keeps search
        snippets' labels apart from their values.
        """
        generated = page.file.src_uri in self.pages.generated
        title = theme_title(page.title, page.meta, rendered_title=getattr(page, "_title_from_render", None),
                            generated=generated,  # Asked only of a page without a metadata title.
                            is_homepage="title" not in page.meta and page.is_homepage)
        if title is not None:
            page.meta["title"] = title
        description = theme_description(page.meta, generated=generated)
        if description is not None:
            page.meta["description"] = description
        return self.pages.separate(page.file.src_uri, html)

    on_page_content = CombinedEvent(_restore_blocks, _title_and_blocks)

    def _page_citers(self) -> dict[str, list[Citer]]:
        """Hand-written pages' citations, each page with its title as MkDocs read it (which keeps entities)."""
        assert self.resolver is not None and self.files is not None
        citers: dict[str, list[Citer]] = {}
        for key, uris in self.resolver.citing.items():
            for uri in uris:
                file = self.files.get_file_from_path(uri)
                title = file.page.title if file is not None and file.page is not None and file.page.title else uri
                citers.setdefault(key, []).append(Citer(uri, html.unescape(str(title))))
        return citers

    @event_priority(-100)  # Last: every other plugin has written its files into the staging folder.
    @own_work
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Post build: write each paper's PDF beside its page and the briefing, then publish the complete site."""
        try:
            if self.config.search == "pagefind":
                self.search.index(Path(config.site_dir), self.staging, serving=self.serving)
            assert self.pdf_jobs is not None
            for path, pdf in self.pdf_jobs.wait().items():
                target = Path(config.site_dir) / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(pdf)
        except SearchIndexError as error:
            self._unstage(config, publish=False)
            raise PluginError(str(error)) from None
        except SynthError as error:
            self._unstage(config, publish=False)
            raise PluginError(str(error)) from None
        except BaseException:
            self._unstage(config, publish=False)
            raise
        if not self.serving:  # Under `mkdocs serve`, the next build may take the reference files from it.
            self._drop_downloads_folder()
        # A strict build with warnings fails once this hook returns: its site must not replace the last one.
        publish = not (config.strict and self.warnings.count)
        self._unstage(config, publish=publish)
        if self.config.search == "pagefind" and self.serving:
            if publish:
                self.search.published(Path(config.site_dir))
            else:
                self.search.rebuild_failed()

    def _drop_downloads_folder(self) -> None:
        """Remove the folders the open data was written to, once copied into the site (or the build failed)."""
        if self.site is not None and self.site.downloads is not None:
            self.site.downloads.cancel()  # A child still writing would make its folder again.
        for folder in (self.downloads_folder, self.earlier_downloads_folder):
            _remove_folder(folder)
        self.downloads_folder = self.earlier_downloads_folder = self.downloads_complete = None

    def on_build_error(self, *, error: Exception) -> None:
        """Build error: drop the staging folder; the last site stays as it was (and is searched)."""
        self.search.discard()
        self.search.rebuild_failed()
        self._drop_downloads_folder()
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.staging is not None:
            self.staging.discard()
            self.staging = None

    def _unstage(self, config: MkDocsConfig, *, publish: bool) -> None:
        """Swap the staging folder in (or drop it), and point MkDocs back at the site folder."""
        logging.getLogger("mkdocs").removeHandler(self.warnings)
        if self.staging is None:
            return
        if publish:
            self.staging.publish()
        else:
            self.staging.discard()
        config.site_dir = str(self.staging.site)
        self.staging = None

    def on_serve(self, server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        """Serve: rebuild when records, references or (when checked) the sources change."""
        project = self.project(config)
        for folder in (project / "content", project / "bibliography"):
            if folder.is_dir():
                server.watch(str(folder))
        if self.config.sources:
            server.watch(str(Path(config.config_file_path).parent / self.config.sources))
        return server


def _remove_folder(folder: Path | None) -> None:
    """Remove a folder of this plugin's own making, if there is one."""
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _differs(source: str, target: str) -> bool:
    """`File.is_modified` of an open-data file in a dirty build: unless the site has the very same bytes."""
    try:
        if os.path.getsize(source) != os.path.getsize(target):
            return True
        return Path(source).read_bytes() != Path(target).read_bytes()
    except OSError:
        return True


def _page(files: Files, src_uri: str) -> Page | None:
    """The page of ``src_uri``, if the build has it."""
    file = files.get_file_from_path(src_uri)
    return file.page if file is not None else None


def _add_markdown_extensions(config: MkDocsConfig, resolver: PageCitationResolver) -> None:
    """Make sure the extensions generated pages use are on, and add the citation extension."""
    for name in REQUIRED_EXTENSIONS:
        if name not in config.markdown_extensions:
            config.markdown_extensions.append(name)
    # Python-Markdown takes extension objects as well as names, though MkDocs types the list as names.
    extensions = cast(list[object], config.markdown_extensions)
    extensions.append(CitationExtension(resolver=resolver))
