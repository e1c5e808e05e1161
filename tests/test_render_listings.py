"""Listing pages: accessible sortable tables, findings by theme, themes and the evidence matrix."""

from __future__ import annotations

import html
import re

import pytest
from conftest import SITE_EXAMPLE

from synth.papers import load_papers
from synth.site.listings import (
    render_factor_listing,
    render_findings_by_theme,
    render_matrix,
    render_paper_listing,
    render_study_listing,
    render_tags_page,
    render_themes_page,
)

ROW_HEADERS = re.compile(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>')


@pytest.mark.parametrize("kind", ["barrier", "facilitator"])
def test_factor_listing_matches_golden(site_example, golden, kind: str) -> None:  # type: ignore[no-untyped-def]
    """The barriers and facilitators tables of the example."""
    kb, _ = site_example
    golden(f"render/{kind}s-listing.md", render_factor_listing(kb, kind))


def test_factor_listing_is_an_accessible_table_ranked_best_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """A captioned table with scoped, sortable headers and one row per barrier, best-supported first."""
    kb, _ = site_example
    page = render_factor_listing(kb, "barrier")
    assert "<table data-synth-sortable>\n<caption>Barriers, best-supported first</caption>" in page
    assert re.findall(r'<th scope="col" data-synth-sort="(\w+)">([^<]+)</th>', page) == [
        ("text", "Barrier"), ("number", "Findings"), ("number", "Studies and publications"),
        ("number", "Highest confidence")]
    assert [href for href, _ in ROW_HEADERS.findall(page)] == [
        "professional-habits-decide-who-is-heard/", "lack-of-staff-continuity/", "community-priorities-differ/"]
    assert ('<td>2</td><td data-synth-value="2">2 studies</td><td data-synth-value="2"><strong class="synth-'
            'confidence synth-confidence--moderate">Moderate</strong></td>') in page
    assert ('<tr data-filter-theme="Resources &amp; continuity|Partnership working" data-filter-confidence='
            '"Moderate" data-filter-evidence="Evaluated research" data-filter-who="Police|Council"><th scope="row">'
            '<a href="lack-of-staff-continuity/">') in page


def test_study_listing_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The studies table: newest first, with reference, design, year, setting and findings."""
    kb, shelf = site_example
    page = render_study_listing(kb, shelf)
    golden("render/studies-listing.md", page)
    assert [name for _, name in ROW_HEADERS.findall(page)] == [
        "Co-production: fostering greater inclusion or reproducing existing exclusion?",
        "Delivering neighbourhood policing in partnership", "The Big Society: Looking after ourselves",
        "Participatory budgeting on a Scarborough estate"]


def test_findings_by_theme_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """Every finding under each of its themes, most confident first within a theme."""
    kb, shelf = site_example
    page = render_findings_by_theme(kb, shelf)
    golden("render/findings-by-theme.md", page)
    headings = re.findall(r"^## (.*) \{ #(theme-[a-z-]+) \}$", page, re.MULTILINE)
    assert headings == [("Engagement and representation", "theme-engagement-and-representation"),
                        ("Partnership working", "theme-partnership-working"),
                        ("Resources &#38; continuity", "theme-resources-and-continuity")]
    engagement = page[:page.index("theme-partnership-working")]
    assert re.findall(r"synth-confidence--([a-z-]+)", engagement) == ["high", "moderate", "very-low", "very-low"]


def test_themes_and_tags_pages_match_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The themes page lists each theme's barriers, facilitators and findings; the tags page holds the listing."""
    kb, _ = site_example
    golden("render/themes.md", render_themes_page(kb))
    tags = render_tags_page()
    golden("render/tags.md", tags)
    assert "\n<!-- material/tags -->\n" in tags


def test_matrix_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The evidence matrix of the example."""
    kb, shelf = site_example
    golden("render/matrix.md", render_matrix(kb, shelf))


def test_matrix_cells_say_their_content_in_words(site_example) -> None:  # type: ignore[no-untyped-def]
    """Rows are barriers, facilitators then outcomes, columns are studies; every cell has a text equivalent."""
    kb, shelf = site_example
    page = render_matrix(kb, shelf)
    columns = re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a></th>', page)
    # The two booklet studies add their titles.
    assert columns == ["Alexander (2021)", "Turley, Kenny and Smith (2012)"]
    assert "Which of the 3 studies and 1 practice example from 3 publications give evidence" in page
    row = next(line for line in page.splitlines() if "lack-of-staff-continuity/\">" in line)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells == [
        '<a href="../barriers/lack-of-staff-continuity/#study-alexander-2021">1 finding</a>, highest: moderate',
        '<span aria-hidden="true">—</span><span class="synth-visually-hidden">no findings</span>',
        '<span aria-hidden="true">—</span><span class="synth-visually-hidden">no findings</span>',
        '<a href="../barriers/lack-of-staff-continuity/#study-turley-2012">1 finding</a>, highest: low',
    ]
    assert page.count('<th scope="rowgroup" colspan="5"') == 3
    assert len(re.findall(r"<td", page)) == 7 * 4


def test_matrix_scrolls_in_a_labelled_focusable_region(site_example) -> None:  # type: ignore[no-untyped-def]
    """On a phone the matrix scrolls sideways inside a region keyboard users can reach and screen readers name."""
    kb, shelf = site_example
    page = render_matrix(kb, shelf)
    assert ('<div class="synth-matrix" role="region" aria-labelledby="synth-matrix-caption" tabindex="0">\n'
            '<table class="synth-matrix__table">\n<caption id="synth-matrix-caption">') in page


def test_long_study_labels_are_shortened_but_read_whole(site_example, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """A long column label shows shortened; screen readers get the whole label, and nothing is read twice."""
    kb, shelf = site_example
    monkeypatch.setattr("synth.site.listings.MATRIX_LABEL_WIDTH", 20)
    page = render_matrix(kb, shelf)
    assert ('<th scope="col"><a href="../studies/lgg-2010/"><span aria-hidden="true">Local Government…</span>'
            '<span class="synth-visually-hidden">Local Government Group (2010): The Big Society: Looking after '
            'ourselves</span></a></th>') in page
    assert '<th scope="col"><a href="../studies/alexander-2021/">Alexander (2021)</a></th>' in page


def test_paper_listing_matches_golden(golden) -> None:  # type: ignore[no-untyped-def]
    """The papers page: each paper with its event, date, status and a PDF link named after it."""
    papers, problems = load_papers(SITE_EXAMPLE / "content" / "papers")
    assert problems == []
    page = render_paper_listing(papers)
    golden("render/papers-listing.md", page)
    assert ('<td><a href="staff-continuity.pdf">PDF<span class="synth-visually-hidden"> of Keeping the same people: '
            "a short backing paper</span></a></td>") in page
    assert "<p>No papers yet.</p>" in render_paper_listing([])


def test_matrix_columns_are_themes_when_studies_are_many(site_example, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Above the study limit the columns are themes, so the table's width no longer grows with the studies."""
    kb, shelf = site_example
    monkeypatch.setattr("synth.site.listings.MATRIX_STUDY_LIMIT", 2)
    page = render_matrix(kb, shelf)
    columns = re.findall(r'<th scope="col"><a href="([^"]+)">([^<]+)</a></th>', page)
    assert [html.unescape(name) for _, name in columns] == [theme.name for theme in kb.themes.values()]
    assert all(href.startswith("../themes/#theme-") for href, _ in columns)
    assert "and theme (columns)</caption>" in page
    total = sum(int(n) for n in re.findall(r">(\d+) findings?</a>", page))
    assert total == sum(len(f.themes) * (len(f.barriers) + len(f.facilitators) + len(f.outcomes))
                        for f in kb.findings.values())
