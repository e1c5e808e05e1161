"""Page addresses: stable paths from ids, and relative links exactly as MkDocs computes them."""

from __future__ import annotations

import posixpath

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.structure.files import File

from synth.site.paths import Links, listing_uri, page_url, paper_uri, record_uri, relative_path

PAGES = ["index.md", "barriers/index.md", "barriers/lack-of-staff-continuity.md", "studies/turley-2012.md",
         "references.md", "papers/2024/seminar.md"]


def test_record_pages_live_under_their_kind_folder() -> None:
    """A record's page path is its kind's folder and its id."""
    assert record_uri("barrier", "lack-of-staff-continuity") == "barriers/lack-of-staff-continuity.md"
    assert record_uri("study", "turley-2012") == "studies/turley-2012.md"
    assert listing_uri("facilitator") == "facilitators/index.md"


@pytest.mark.parametrize("record_id", ["index", "../etc/passwd", "Upper", "a b", "", "a--b", "-a"])
def test_ids_that_are_not_safe_slugs_never_become_paths(record_id: str) -> None:
    """Anything but a lower-case slug (or the listing page's own name) is refused."""
    with pytest.raises(ValueError, match="cannot be used as a page address"):
        record_uri("barrier", record_id)


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("src_uri", PAGES)
def test_page_urls_match_mkdocs(src_uri: str, directory_urls: bool) -> None:
    """The site URL of a page is the one MkDocs gives it."""
    expected = File(src_uri, "/docs", "/site", directory_urls).url
    assert page_url(src_uri, directory_urls) == expected


@pytest.mark.parametrize("directory_urls", [True, False])
@pytest.mark.parametrize("here", PAGES)
@pytest.mark.parametrize("there", PAGES)
def test_relative_links_match_mkdocs(here: str, there: str, directory_urls: bool) -> None:
    """A link from one page to another is the relative URL MkDocs itself would write."""
    source = File(here, "/docs", "/site", directory_urls)
    target = File(there, "/docs", "/site", directory_urls)
    assert Links(here, directory_urls).to(there) == target.url_relative_to(source)


def test_links_carry_an_anchor() -> None:
    """An anchor is appended after the relative URL."""
    links = Links("barriers/x.md")
    assert links.to("references.md", "ref-turley2012") == "../../references/#ref-turley2012"
    assert links.record("study", "turley-2012", "study-turley-2012") == "../../studies/turley-2012/#study-turley-2012"
    assert links.elsewhere("index.md").record("barrier", "x") == "barriers/x/"


def test_links_from_elsewhere_keep_the_url_style() -> None:
    """Links made for another page use the same setting of `use_directory_urls` as the links they came from."""
    assert Links("barriers/x.md", False).elsewhere("index.md").record("barrier", "x") == "barriers/x.html"


@pytest.mark.parametrize("slug", ["index", "Not_A_Slug", "../escape", ""])
def test_a_paper_slug_that_is_not_a_safe_page_address_is_refused(slug: str) -> None:
    """A paper named `index` (the listing's address) or not a slug never becomes a path; the error names it."""
    with pytest.raises(ValueError, match=f"paper {slug!r} cannot be used as a page address"):
        paper_uri(slug)
    assert paper_uri("example") == "papers/example.md"


SEGMENT = st.sampled_from(["a", "b", "barriers", "x.html", "index.md", ".", "..", "", "é"])
SITE_PATH = st.lists(SEGMENT, min_size=1, max_size=4).map("/".join).filter(bool)


@given(SITE_PATH, SITE_PATH)
def test_relative_path_is_posixpath_relpath(path: str, start: str) -> None:
    """For any two site paths, unusual ones included, the quick relative path is `posixpath.relpath`'s."""
    assert relative_path(path, start) == posixpath.relpath(path, start)
