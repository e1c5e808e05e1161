"""The MkDocs plugin end to end: a strict build of the example tree, and what bad content does to a build.

The two full builds share one module fixture; everything else calls the plugin's hooks directly.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import SITE_EXAMPLE
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, PluginError
from pagefind_bundle import fragments

import synth.records.load as load
import synth.site as site
from synth.cli import main as synth_main
from synth.mkdocs_plugin import SynthConfig, SynthPlugin
from synth.pipeline import check_project

EPOCH = "1700000000"
SITE = "https://example.org/kb/"
"""The example's `site_url`: relative links resolve under it, and so do the 404 page's absolute ones."""


def register_plugin() -> None:
    """Make `plugins: [synth]` resolve when synth runs from a checkout rather than an installed package."""
    installed = MkDocsConfig.plugins.installed_plugins
    installed.setdefault("synth", EntryPoint("synth", "synth.mkdocs_plugin:SynthPlugin", "mkdocs.plugins"))


@pytest.fixture(autouse=True)
def hooks_called_directly_clean_up() -> Iterator[None]:
    """After each test, what MkDocs does when a build fails: a test that calls `on_config` itself leaves nothing.

    The open data's child is stopped and its folder removed (`on_build_error`).
    """
    yield
    plugin = config_for(SITE_EXAMPLE).plugins["synth"]
    assert isinstance(plugin, SynthPlugin)
    plugin.on_build_error(error=RuntimeError("the test is over"))


def config_for(project: Path, site_dir: Path | None = None) -> MkDocsConfig:
    register_plugin()
    overrides = {"site_dir": str(site_dir)} if site_dir else {}
    return load_config(str(project / "mkdocs.yml"), **overrides)


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[str, str]]]:
    """The example built twice with the same SOURCE_DATE_EPOCH, and the example tree's files before building.

    The second build runs in another process with another hash seed, so output that depends on set or dict
    order of strings, or on anything else of one process, differs. The first reads its record files and renders
    its record pages in two processes, in runs of one (as a build does with many), the second in one (as with a
    few); files beside the first site, `<its name>-child-read` and `<its name>-child-rendered`, say the child
    did some of each.
    """
    before = snapshot(SITE_EXAMPLE)
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    parent, read_each, render_finding_page = os.getpid(), load._read_each, site.render_finding_page

    def marked_in_the_child(files: list[load.RecordFile], cache: object) -> list[object]:
        if os.getpid() != parent:
            first.with_name(f"{first.name}-child-read").touch()
        return read_each(files, cache)  # type: ignore[arg-type,return-value]

    def rendered_marked(*args: object) -> str:
        if os.getpid() != parent:
            first.with_name(f"{first.name}-child-rendered").touch()
        return render_finding_page(*args)  # type: ignore[arg-type]

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        patch.setattr(load, "PARALLEL_FROM", 2)
        patch.setattr(load, "CHUNK", 1)
        patch.setattr(load, "_read_each", marked_in_the_child)
        patch.setattr(site, "PARALLEL_PAGES", 2)
        patch.setattr(site, "PAGES_RUN", 1)
        patch.setattr(site, "render_finding_page", rendered_marked)
        build(config_for(SITE_EXAMPLE, first))
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(SITE_EXAMPLE / "mkdocs.yml"),
                    "-d", str(second)], env=env, check=True, capture_output=True)
    yield first, second, before


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def test_generated_pages_are_built_and_nothing_is_written_into_the_project(sites) -> None:  # type: ignore[no-untyped-def]
    """Home, listings, matrix, themes, tags, references and every record page exist; the project is unchanged."""
    site, _, before = sites
    for url in ["", "barriers", "facilitators", "studies", "findings", "matrix", "themes", "tags", "references",
                "papers", "papers/staff-continuity", "about", "barriers/lack-of-staff-continuity",
                "facilitators/shared-aims", "findings/turley-staff-continuity", "studies/alexander-2021"]:
        assert (site / url / "index.html").is_file(), url
    assert (site / "assets/synth/synth.css").is_file() and (site / "assets/synth/synth.js").is_file()
    assert snapshot(SITE_EXAMPLE) == before


def test_record_pages_are_not_in_the_navigation(sites) -> None:  # type: ignore[no-untyped-def]
    """The navigation holds the home page, listings, confidence page, matrix, themes, references, papers and about."""
    site, _, _ = sites
    html = page(site, "barriers/lack-of-staff-continuity")
    nav = set(re.findall(r'<a href="([^"#]*)"[^>]*class="md-nav__link', html))
    assert nav == {"../..", "../", "../../facilitators/", "../../studies/", "../../findings/", "../../matrix/",
                   "../../themes/", "../../confidence/", "../../references/", "../../papers/", "../../downloads/",
                   "../../about/"}


def test_search_text_keeps_a_space_between_a_label_and_its_value(sites) -> None:  # type: ignore[no-untyped-def]
    """The search index reads "Kind of evidence Policy guidance", not "Kind of evidencePolicy guidance"."""
    site, _, _ = sites
    text = fragments(site)["/studies/lgg-2010/"]["content"]
    assert re.search(r"Kind of evidence\s+Policy guidance", text)
    assert "evidencePolicy" not in text


def test_pages_carry_a_print_header_and_the_briefing_is_built(sites) -> None:  # type: ignore[no-untyped-def]
    """Each article opens with the print header (site, address, build date); `briefing.pdf` is built and linked."""
    site, _, _ = sites
    barrier = page(site, "barriers/lack-of-staff-continuity")
    header = re.search(r'<article class="md-content__inner md-typeset">\s*<div class="synth-print-header">(.*?)</div>',
                       barrier)
    assert header is not None
    assert "Example knowledge base" in header[1] and f"{SITE}barriers/lack-of-staff-continuity/" in header[1]
    assert "Built 2023-11-14" in header[1]
    assert (site / "briefing.pdf").read_bytes().startswith(b"%PDF-")
    assert '<a href="briefing.pdf">download the briefing (PDF)</a>' in page(site, "")


def test_search_finds_a_barrier_by_the_words_of_its_summary(sites) -> None:  # type: ignore[no-untyped-def]
    """Pagefind's index holds the barrier's summary as the text of the barrier's own page, under its title."""
    site, _, _ = sites
    pages = fragments(site)
    words = "relationships with residents have to start again"
    assert "/barriers/lack-of-staff-continuity/" in [url for url, page in pages.items() if words in page["content"]]
    assert pages["/barriers/lack-of-staff-continuity/"]["meta"]["title"] == "Lack of staff continuity"


def test_search_reads_the_article_not_the_theme(sites) -> None:  # type: ignore[no-untyped-def]
    """Only the article is indexed: no navigation, footer or print header; hidden pages (tags) are left out."""
    site, _, _ = sites
    pages = fragments(site)
    barrier = pages["/barriers/lack-of-staff-continuity/"]["content"]
    assert barrier.startswith("Lack of staff continuity. Barrier: something that gets in the way")
    assert "What helps" not in barrier and "Made with" not in barrier and "Built 2023" not in barrier
    assert "/tags/" not in pages and "/404.html" not in pages
    assert "/about/" in pages and "/" in pages


def test_listings_are_indexed_by_their_introduction_not_their_rows(sites) -> None:  # type: ignore[no-untyped-def]
    """A listing's rows repeat record pages: search keeps its heading and introduction, and leaves the rows out."""
    site, _, _ = sites
    pages = fragments(site)
    summary = "relationships with residents have to start again"
    assert pages["/barriers/"]["content"].startswith("What gets in the way. Barriers: things that get in the way")
    assert [url for url, page in pages.items() if summary in page["content"]] == ["/barriers/lack-of-staff-continuity/"]


def test_record_pages_carry_their_search_filters(sites) -> None:  # type: ignore[no-untyped-def]
    """Each record page is filtered by its kind, themes, confidence, kind of evidence and who can act."""
    site, _, _ = sites
    pages = fragments(site)
    assert pages["/barriers/lack-of-staff-continuity/"]["filters"] == {
        "kind": ["Barrier"], "theme": ["Resources & continuity", "Partnership working"], "confidence": ["Moderate"],
        "evidence": ["Evaluated research"], "who": ["Police", "Council"]}
    assert pages["/studies/lgg-2010/"]["filters"] == {
        "kind": ["Study"], "theme": ["Engagement and representation"], "confidence": ["Very low"],
        "evidence": ["Policy guidance"]}
    assert pages["/findings/turley-staff-continuity/"]["filters"]["kind"] == ["Finding"]
    assert pages["/about/"]["filters"] == {"kind": ["Page"]}
    kinds = {page["filters"]["kind"][0] for page in pages.values()}
    assert kinds == {"Barrier", "Facilitator", "Outcome", "Finding", "Study", "Page"}


def test_pagefind_replaces_materials_whole_site_index(sites) -> None:  # type: ignore[no-untyped-def]
    """With the default `search: pagefind`, Material's index is not written and its search box is not drawn."""
    site, _, _ = sites
    assert not (site / "search").exists()
    assert (site / "pagefind" / "pagefind.js").is_file() and (site / "pagefind" / "pagefind-entry.json").is_file()
    home = page(site, "")
    assert 'data-md-component="search"' not in home
    assert 'class="synth-search"' in home and "assets/synth/synth-search.js" in home


def test_hostile_record_text_shows_as_text(sites) -> None:  # type: ignore[no-untyped-def]
    """A <script> and javascript: links planted in records are text on the page, never elements or links."""
    site, _, _ = sites
    barrier = page(site, "barriers/professional-habits-decide-who-is-heard")
    assert "speak their language: &lt;script&gt;alert('x')&lt;/script&gt;." in barrier
    facilitator = page(site, "facilitators/independent-neighbourhood-manager")
    assert "see [the guide](javascript:alert(1))." in facilitator
    assert "the manager &lt;b&gt;represented&lt;/b&gt; the community [link](javascript:alert(2))." in facilitator
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "<script>alert" not in text and "<b>represented" not in text, path
        assert not re.search(r"""href=["']?\s*javascript:""", text, re.IGNORECASE), path


def test_titles_with_markup_are_escaped_in_the_head(sites) -> None:  # type: ignore[no-untyped-def]
    """A record name with '&' is escaped in <title> and in the page heading."""
    site, _, _ = sites
    html = page(site, "facilitators/shared-aims")
    assert "<title>Shared aims &amp; objectives - Example knowledge base</title>" in html
    assert '<h1 id="shared-aims-objectives">Shared aims &#38; objectives</h1>' in html


def test_references_list_pages_citations_after_conversion(sites) -> None:  # type: ignore[no-untyped-def]
    """Works cited only by a hand-written page are listed, and "cited by" links back to that page."""
    site, _, _ = sites
    references = page(site, "references")
    assert re.findall(r'<li id="(ref-[^"]+)">', references) == [
        "ref-alexander2021coproduction", "ref-lgg2010bigsociety", "ref-ostrom1990governing",
        "ref-turley2012neighbourhood"]
    assert ('Cited by: <a href="../studies/turley-2012/">Delivering neighbourhood policing in partnership</a> (study); '
            '<a href="../about/">About</a>; <a href="../papers/staff-continuity/">Keeping the same people: a short '
            "backing paper</a></p>") in references
    about = page(site, "about")
    assert '<a href="../references/#ref-ostrom1990governing" title="Ostrom, E. (1990)' in about


def test_papers_are_published_as_pages_and_pdfs(sites) -> None:  # type: ignore[no-untyped-def]
    """A paper in content/papers/ gets a page (listed on the papers page) and a PDF beside it."""
    site, _, _ = sites
    listing = page(site, "papers")
    assert '<a href="staff-continuity/">Keeping the same people: a short backing paper</a>' in listing
    paper = page(site, "papers/staff-continuity")
    assert '<a href="../staff-continuity.pdf">Download this paper as a PDF</a>' in paper
    assert '<a href="#ref-ostrom1990governing" title="Ostrom, E. (1990)' in paper
    assert '<li id="ref-ostrom1990governing">' in paper
    assert (site / "papers/staff-continuity.pdf").read_bytes().startswith(b"%PDF-")


def test_every_relative_link_in_the_site_resolves(sites) -> None:  # type: ignore[no-untyped-def]
    """Each relative href in every built page names a file (or folder index) that exists, and its anchor."""
    site, _, _ = sites
    for path in site.rglob("*.html"):
        base = SITE + path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]+)"', text):
            target = urljoin(base, href)
            if not target.startswith(SITE):
                continue
            parts = urlsplit(target)
            local = site / parts.path.removeprefix(urlsplit(SITE).path)
            file = local / "index.html" if parts.path.endswith("/") else local
            assert file.exists(), f"{path}: {href}"
            if parts.fragment and file.suffix == ".html":
                assert f'id="{parts.fragment}"' in file.read_text(encoding="utf-8"), f"{path}: {href}"


def test_two_builds_are_byte_identical(sites) -> None:  # type: ignore[no-untyped-def]
    """With SOURCE_DATE_EPOCH set, building the same input twice gives the same files, byte for byte.

    Whether the record files are read, and the record pages rendered, in one process or two makes no difference
    either.

    The search bundle is among them: its filter files, metadata and entry file as well as its fragments.
    """
    first, second, _ = sites
    assert first.with_name(f"{first.name}-child-read").exists(), "the first build read record files in two processes"
    assert first.with_name(f"{first.name}-child-rendered").exists(), "and rendered finding pages in two"
    assert snapshot(first) == snapshot(second)
    assert {"pagefind/pagefind-entry.json", "pagefind/pagefind.js"} <= set(snapshot(first))
    assert len([name for name in snapshot(first) if name.startswith("pagefind/filter/")]) == 5
    assert "<lastmod>2023-11-14</lastmod>" in (first / "sitemap.xml").read_text(encoding="utf-8")


def broken_project(tmp_path: Path) -> Path:
    """A copy of the example with one error: a finding naming a study that does not exist."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    finding = project / "content/findings/turley-shared-aims.yaml"
    finding.write_text(finding.read_text(encoding="utf-8").replace("study: turley-2012", "study: turley-2021"),
                       encoding="utf-8")
    return project


def test_content_errors_leave_the_earlier_site_untouched(sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The content is checked before MkDocs cleans the site folder, so a failed build keeps the last good site."""
    good, _, _ = sites
    site = tmp_path / "site"
    shutil.copytree(good, site)
    before = snapshot(site)
    with pytest.raises(Abort, match="Aborted with a BuildError"):
        build(config_for(broken_project(tmp_path), site))
    assert snapshot(site) == before


def test_the_error_message_is_exactly_what_synth_check_prints(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The PluginError carries the `synth check` report, line for line."""
    project = broken_project(tmp_path)
    config = config_for(project)
    with pytest.raises(PluginError) as raised:
        config.plugins.on_config(config)
    assert synth_main(["check", str(project)]) == 1
    printed = capsys.readouterr().out
    assert str(raised.value) == printed.rstrip("\n")
    assert "error[ref.unknown-study]: study: no study has the id 'turley-2021'" in str(raised.value)
    assert "Traceback" not in str(raised.value)


def project_with_warning(tmp_path: Path) -> Path:
    """A copy of the example with one warning: a barrier no finding supports."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "content/barriers/lonely.yaml").write_text(
        "name: Lonely\nsummary: Nothing links here.\nwhat_to_do: Nothing.\n", encoding="utf-8")
    return project


def test_content_warnings_go_to_the_plugin_logger_located(tmp_path: Path, caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A content warning is logged by mkdocs.plugins.synth, beginning with its file location."""
    project = project_with_warning(tmp_path)
    monkeypatch.chdir(project)
    config = config_for(project)
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.synth"):
        config.plugins.on_config(config)
    records = [(r.name, r.levelname, r.getMessage()) for r in caplog.records if r.name.startswith("mkdocs")]
    assert records == [("mkdocs.plugins.synth", "WARNING",
                        "synth: content/barriers/lonely.yaml:1:1: "
                        "warning[evidence.unsupported]: no finding links to this barrier; its page would show no "
                        "evidence\n  hint: add 'lonely' to the 'barriers:' list of a finding that supports it, "
                        "or remove it")]


def test_strict_content_turns_warnings_into_errors(tmp_path: Path) -> None:
    """With `strict_content: true`, a content warning stops the build as an error."""
    project = project_with_warning(tmp_path)
    settings = project / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("  - synth\n", "  - synth:\n      strict_content: true\n"), encoding="utf-8")
    config = config_for(project)
    with pytest.raises(PluginError, match=r"lonely.yaml:1:1: error\[evidence.unsupported\]"):
        config.plugins.on_config(config)


def test_the_shared_explanation_limit_is_a_plugin_option(tmp_path: Path) -> None:
    """`max_shared_explanation` sets the limit the build checks, as `synth check --max-shared-explanation` does."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    findings = project / "content" / "findings"
    shutil.copy(findings / "turley-staff-continuity.yaml", findings / "turley-staff-continuity-again.yaml")
    settings = project / "mkdocs.yml"
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("  - synth\n", "  - synth:\n      strict_content: true\n"), encoding="utf-8")
    config = config_for(project)
    config.plugins.on_config(config)
    settings.write_text(text.replace("  - synth\n", "  - synth:\n      strict_content: true\n"
                                                    "      max_shared_explanation: 1\n"), encoding="utf-8")
    config = config_for(project)
    with pytest.raises(PluginError, match=r"turley-staff-continuity-again.yaml:\d+:\d+: "
                                          r"error\[confidence.repeated-explanation\]"):
        config.plugins.on_config(config)


def test_a_hand_written_page_may_not_replace_a_generated_one(sites, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A docs/index.md would silently replace the generated home page: it is refused before the site is cleaned."""
    good, _, _ = sites
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    (project / "docs/index.md").write_text("# Home\n", encoding="utf-8")
    with pytest.raises(PluginError, match=r"docs/index.md: this page would replace a generated page"):
        config_for(project).plugins.on_config(config_for(project))
    site = tmp_path / "site"
    shutil.copytree(good, site)
    before = snapshot(site)
    with pytest.raises(Abort):
        build(config_for(project, site))
    assert snapshot(site) == before


def test_a_paper_named_index_is_refused_by_the_check(tmp_path: Path) -> None:
    """`papers/index.md` is the papers listing, so a paper may not take that name; `synth check` says so."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    papers = project / "content" / "papers"
    paper = next(papers.glob("*.md"))
    paper.rename(papers / "index.md")
    result = check_project(project, display_root=project)
    assert [(d.code, str(d.location)) for d in result.errors] == [("id.reserved", "content/papers/index.md:1:1")]


def test_the_plugin_object_and_its_reference_formatter_last_across_rebuilds() -> None:
    """`on_startup` keeps the plugin between `mkdocs serve` rebuilds, and unchanged .bib files keep the formatter."""
    assert "on_startup" in vars(SynthPlugin)
    config = config_for(SITE_EXAMPLE)
    plugin = config.plugins["synth"]
    assert isinstance(plugin, SynthPlugin)
    plugin.on_startup(command="serve", dirty=False)
    plugin.on_config(config_for(SITE_EXAMPLE))
    assert plugin.shelf is not None
    formatter = plugin.shelf.formatter
    parsed = plugin.check_cache.records.computed
    plugin.on_config(config_for(SITE_EXAMPLE))
    assert plugin.shelf.formatter is formatter
    assert plugin.check_cache.records.computed == parsed  # No record file was read again.
    plugin.on_startup(command="build", dirty=False)  # MkDocs keeps one plugin object per process.


def test_serve_watches_content_and_bibliography() -> None:
    """`mkdocs serve` rebuilds when a record or a .bib file changes, though both live outside docs/."""
    config = config_for(SITE_EXAMPLE)
    plugin = config.plugins["synth"]
    watched: list[str] = []
    server = SimpleNamespace(watch=watched.append)
    plugin.on_serve(server, config=config, builder=None)  # type: ignore[arg-type]
    assert watched == [str(SITE_EXAMPLE / "content"), str(SITE_EXAMPLE / "bibliography")]


def test_every_plugin_option_is_documented_in_the_readme() -> None:
    """Each option of the plugin's config has a row in the README's options table."""
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The site: the `synth` MkDocs plugin"):]
    options = [name for name, _ in SynthConfig._schema]
    assert options == ["project_dir", "sources", "strict_content", "max_shared_explanation", "paper_pdfs", "downloads",
                       "briefing_pdf", "version", "contributor_guide", "compare_with", "review_age", "search",
                       "search_part_pages"]
    for name in options:
        assert f"\n| `{name}` | " in section, name


def test_an_id_that_would_take_a_listing_address_is_refused(tmp_path: Path) -> None:
    """A barrier named `index` would replace the barriers table: the check stops the build, naming the file."""
    project = tmp_path / "project"
    shutil.copytree(SITE_EXAMPLE, project)
    shutil.copy(project / "content/barriers/lack-of-staff-continuity.yaml", project / "content/barriers/index.yaml")
    config = config_for(project)
    with pytest.raises(PluginError, match=r"content/barriers/index.yaml:1:1: error\[id.reserved\]"):
        config.plugins.on_config(config)
