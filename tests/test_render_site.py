"""Everything a build adds: pages, papers, downloads, the contributor guide and assets, and what is in the nav."""

from __future__ import annotations

import pytest
import yaml
from conftest import REPOSITORY, SITE_EXAMPLE

from synth.papers import load_papers
from synth.site import LISTING_PAGES
from synth.site.build import SiteOptions, build_site, citations_in_pages
from synth.site.references import Citer

ABOUT = (SITE_EXAMPLE / "docs" / "about.md").read_text(encoding="utf-8")


def example_site(site_example, options: SiteOptions):  # type: ignore[no-untyped-def]
    kb, shelf = site_example
    papers, problems = load_papers(SITE_EXAMPLE / "content" / "papers")
    assert problems == []
    return build_site(kb, shelf, papers, {"about.md": ABOUT}, options)


def test_record_and_paper_pages_stay_out_of_the_navigation(site_example) -> None:  # type: ignore[no-untyped-def]
    """Listings, downloads and guide pages are in the navigation; record and paper pages are not."""
    site = example_site(site_example, SiteOptions("Example", guide_folder="contributing"))
    assert site.in_nav == {*LISTING_PAGES, "downloads.md", "contributing/fields.md", "contributing/error-codes.md",
                           "contributing/confidence-profiles.md"}
    outside = set(site.pages) - site.in_nav
    assert "papers/staff-continuity.md" in outside and "barriers/lack-of-staff-continuity.md" in outside
    assert all(uri.split("/")[0] in {"barriers", "facilitators", "outcomes", "findings", "studies", "papers"}
               for uri in outside if uri != "tags.md")
    assert "tags.md" in outside  # The old address of the pages-by-theme list only points to the themes page.


def test_options_leave_out_downloads_and_the_guide(site_example) -> None:  # type: ignore[no-untyped-def]
    """Without downloads or a guide folder, only the knowledge base, the papers and the assets are added."""
    site = example_site(site_example, SiteOptions("Example", downloads=False))
    assert "downloads.md" not in site.pages and not any(uri.startswith("contributing/") for uri in site.pages)
    assert sorted(site.files) == ["assets/synth/synth-print.css", "assets/synth/synth.css", "assets/synth/synth.js"]


def test_the_briefing_is_linked_from_the_home_and_open_data_pages(site_example) -> None:  # type: ignore[no-untyped-def]
    """With the briefing on, the home page and the open-data page end with a link to it, relative to each."""
    site = example_site(site_example, SiteOptions("Example", briefing=True))
    assert '<a href="briefing.pdf">download the briefing (PDF)</a>' in site.pages["index.md"]
    assert '<a href="../briefing.pdf">download the briefing (PDF)</a>' in site.pages["downloads.md"]
    flat = example_site(site_example, SiteOptions("Example", directory_urls=False, briefing=True))
    assert '<a href="briefing.pdf">download the briefing (PDF)</a>' in flat.pages["downloads.md"]
    off = example_site(site_example, SiteOptions("Example"))
    assert "briefing.pdf" not in off.pages["index.md"] + off.pages["downloads.md"]


def test_downloads_are_files_listed_on_their_page(site_example) -> None:  # type: ignore[no-untyped-def]
    """The open-data files are added as bytes, and the downloads page links each of them."""
    site = example_site(site_example, SiteOptions("Example"))
    assert "downloads/records.json" in site.files and "downloads/references.bib" in site.files
    assert "(downloads/records.json)" in site.pages["downloads.md"]


def test_papers_link_records_and_their_pdf_for_the_url_style(site_example) -> None:  # type: ignore[no-untyped-def]
    """A paper's page links its PDF beside it and its records' pages, for either URL style, and cites its URL."""
    pretty = example_site(site_example, SiteOptions("Example", site_url="https://example.org/kb/"))
    plain = example_site(site_example, SiteOptions("Example", directory_urls=False))
    paper = pretty.pages["papers/staff-continuity.md"]
    assert '<a href="../staff-continuity.pdf">' in paper
    assert '<a href="../../barriers/lack-of-staff-continuity/">' in paper
    assert "https://example.org/kb/papers/staff-continuity/" in paper
    assert '<a href="staff-continuity.pdf">' in plain.pages["papers/staff-continuity.md"]
    assert '<a href="../barriers/lack-of-staff-continuity.html">' in plain.pages["papers/staff-continuity.md"]


def test_pages_citations_are_read_before_conversion(site_example) -> None:  # type: ignore[no-untyped-def]
    """Known keys cited in pages are found outside code; unknown keys and code are left to the extension."""
    _, shelf = site_example
    pages = {"a.md": "See [@ostrom1990governing] and [@nosuch].\n\n    [@lgg2010bigsociety]\n",
             "b.md": "`@lgg2010bigsociety` and @ostrom1990governing."}
    assert citations_in_pages(pages, shelf) == {"ostrom1990governing": [Citer("a.md", "a.md"), Citer("b.md", "b.md")]}
    site = example_site(site_example, SiteOptions("Example"))
    assert '<li id="ref-ostrom1990governing">' in site.pages["references.md"]


def nav_targets(items: list[object]) -> list[str]:
    """Every page a `nav:` list names, sections walked."""
    targets: list[str] = []
    for item in items:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        targets += nav_targets(value) if isinstance(value, list) else [str(value)]
    return targets


@pytest.mark.parametrize("config", [REPOSITORY / "mkdocs.yml", SITE_EXAMPLE / "mkdocs.yml"],
                         ids=["repository", "example"])
def test_the_menu_names_each_page_once(config) -> None:  # type: ignore[no-untyped-def]
    """No page appears twice in the menu (a merged menu once listed Studies and the matrix twice)."""
    targets = nav_targets(yaml.safe_load(config.read_text(encoding="utf-8"))["nav"])
    assert sorted(targets) == sorted(set(targets))

