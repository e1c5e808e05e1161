"""Listing pages: sortable, filterable tables that phones show as cards, and the one page of themes."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Hashable

import pytest
from conftest import SITE_EXAMPLE

from synth.papers import load_papers
from synth.records.schema import ACTOR_LABELS, EVIDENCE_KIND_LABELS, RATING_LABELS
from synth.site.listings import (
    facet,
    render_factor_listing,
    render_findings_listing,
    render_paper_listing,
    render_study_listing,
    render_tags_page,
    render_themes_page,
)
from synth.site.paths import THEMES, Links
from synth.site.rows import RowCache

ROW_HEADERS = re.compile(r'<th scope="row"><a href="([^"]+)">([^<]+)</a></th>')
ROWS = re.compile(r"<tr( data-filter[^>]*)?>\n(.*?)\n</tr>", re.DOTALL)


def row_filters(page: str) -> list[dict[str, str]]:
    """Each body row's `data-filter-*` attributes, by facet name, in page order."""
    body = page[page.index("<tbody>"):]
    return [{name: html.unescape(value) for name, value in re.findall(r'data-filter-(\w+)="([^"]*)"', attributes or "")}
            for attributes, _ in ROWS.findall(body)]


@pytest.mark.parametrize("kind", ["barrier", "facilitator"])
def test_factor_listing_matches_golden(site_example, golden, kind: str) -> None:  # type: ignore[no-untyped-def]
    """The barriers and facilitators tables of the example."""
    kb, _ = site_example
    golden(f"render/{kind}s-listing.md", render_factor_listing(kb, kind))


@pytest.mark.parametrize(("kind", "heading"), [("barrier", "What gets in the way"), ("facilitator", "What helps")])
def test_factor_listing_is_headed_as_the_menu_names_it(site_example, kind: str, heading: str) -> None:  # type: ignore[no-untyped-def]
    """The page's title and heading use the menu's words ("What helps"), and the intro names the record kind."""
    kb, _ = site_example
    page = render_factor_listing(kb, kind)
    assert f'title: "{heading}"' in page and f"\n# {heading}\n" in page
    assert f"{kind.capitalize()}s: things that" in page


def test_factor_listing_is_an_accessible_filterable_table_ranked_best_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """A captioned, sortable table, best-supported first; counts and confidence sort strongest first on first click."""
    kb, _ = site_example
    page = render_factor_listing(kb, "barrier")
    assert '<table class="synth-table synth-filterable" data-synth-sortable>\n<caption>' in page
    headers = re.findall(r'<th scope="col" data-synth-sort="(\w+)"(?: data-synth-sort-first="(\w+)")?>([^<]+)</th>',
                         page)
    assert headers == [("text", "", "Barrier"), ("number", "descending", "Findings"),
                       ("number", "descending", "Studies and practice examples"),
                       ("number", "descending", "Publications"),
                       ("number", "descending", "Highest confidence in a finding")]
    assert [href for href, _ in ROW_HEADERS.findall(page)] == [
        "professional-habits-decide-who-is-heard/", "lack-of-staff-continuity/", "community-priorities-differ/"]
    assert ('<td data-label="Highest confidence in a finding" data-synth-value="2"><strong class="synth-confidence '
            'synth-confidence--moderate">Moderate</strong></td>') in page


def test_factor_rows_carry_their_themes_and_confidence_as_filters(site_example) -> None:  # type: ignore[no-untyped-def]
    """Each row names its themes, highest confidence, kinds of evidence and who can act in words, for the script."""
    kb, _ = site_example
    page = render_factor_listing(kb, "barrier")
    expected = []
    for barrier_id in kb.ranked("barrier"):
        barrier, summary = kb.barriers[barrier_id], kb.support[("barrier", barrier_id)]
        themes = [kb.themes[t].name for t in barrier.themes if t in kb.themes]
        rating = summary.highest_confidence
        expected.append({"theme": "|".join(themes), "confidence": RATING_LABELS[rating] if rating else "",
                         "evidence": "|".join(label for k, label in EVIDENCE_KIND_LABELS.items()
                                              if k in summary.evidence_kinds),
                         "who": "|".join(ACTOR_LABELS[a] for a in ACTOR_LABELS if a in barrier.who_can_act)})
    assert row_filters(page) == [{k: v for k, v in row.items() if v} for row in expected]
    assert any("theme" in row for row in expected)


def test_every_cell_names_its_column_for_the_phone_layout(site_example) -> None:  # type: ignore[no-untyped-def]
    """On a phone a row is a card: every data cell carries its column's heading as `data-label`."""
    kb, shelf = site_example
    for page in (render_factor_listing(kb, "facilitator"), render_findings_listing(kb, shelf),
                 render_study_listing(kb, shelf)):
        cells = re.findall(r"<td(?: [^>]*)?>", page)
        assert cells and all("data-label=" in cell for cell in cells)


def test_facet_values_are_joined_once_each_and_keep_the_separator_out() -> None:
    """Labels join with `|`, each once, blanks dropped; a `|` inside a label cannot split it."""
    assert facet(["Trust", "Money | time", None, "Trust", "  "]) == "Trust|Money / time"
    assert facet([]) == ""


def test_study_listing_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The studies table: newest first, with reference, design, year, setting and findings."""
    kb, shelf = site_example
    page = render_study_listing(kb, shelf)
    golden("render/studies-listing.md", page)
    assert [name for _, name in ROW_HEADERS.findall(page)] == [
        "Co-production: fostering greater inclusion or reproducing existing exclusion?",
        "Delivering neighbourhood policing in partnership", "The Big Society: Looking after ourselves",
        "Participatory budgeting on a Scarborough estate"]


def test_findings_listing_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """Every finding in one table, most confident first."""
    kb, shelf = site_example
    golden("render/findings-listing.md", render_findings_listing(kb, shelf))


def test_findings_listing_is_one_filterable_table_most_confident_first(site_example) -> None:  # type: ignore[no-untyped-def]
    """One row per finding, high to very low, each row filtered by its themes and its confidence."""
    kb, shelf = site_example
    page = render_findings_listing(kb, shelf)
    assert page.count("<table") == 1 and "synth-filterable" in page
    hrefs = [href for href, _ in ROW_HEADERS.findall(page)]
    assert sorted(hrefs) == sorted(f"{f}/" for f in kb.findings)
    ratings = [kb.findings[href.rstrip("/")].confidence.overall.rating for href in hrefs]
    order = list(RATING_LABELS)
    assert ratings == sorted(ratings, key=order.index)
    for href, filters in zip(hrefs, row_filters(page), strict=True):
        finding = kb.findings[href.rstrip("/")]
        assert filters["confidence"] == RATING_LABELS[finding.confidence.overall.rating]
        assert filters.get("theme", "").split("|") == [kb.themes[t].name for t in finding.themes if t in kb.themes] or (
            "theme" not in filters and not [t for t in finding.themes if t in kb.themes])


def test_themes_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The one page of themes: each theme's barriers, facilitators and findings."""
    kb, _ = site_example
    golden("render/themes.md", render_themes_page(kb))


def test_themes_page_holds_every_member_of_every_theme(site_example) -> None:  # type: ignore[no-untyped-def]
    """Under each theme's heading are links to all its barriers, facilitators, outcomes and findings, only those."""
    kb, _ = site_example
    page = render_themes_page(kb)
    sections = re.split(r"^## ", page, flags=re.MULTILINE)[1:]
    anchors = [re.search(r"\{ #([a-z-]+) \}", section)[1] for section in sections]  # type: ignore[index]
    assert anchors[:len(kb.themes)] == [f"theme-{t}" for t, theme in
                                        sorted(kb.themes.items(), key=lambda item: item[1].name.casefold())]
    for theme_id, section in zip(sorted(kb.themes, key=lambda t: kb.themes[t].name.casefold()), sections, strict=False):
        links = set(re.findall(r'href="\.\./(\w+)/([a-z0-9-]+)/"', section))
        expected = {("findings", f) for f in kb.findings_by_theme.get(theme_id, ())}
        expected |= {(f"{kind}s", i) for kind, i in kb.factors_by_theme.get(theme_id, ())}
        assert links == expected


def test_the_old_pages_by_theme_address_points_to_the_themes_page() -> None:
    """`tags/` no longer lists pages (the themes page does); it links there, and search leaves it out."""
    page = render_tags_page()
    assert '<a href="../themes/">themes page</a>' in page
    assert "material/tags" not in page and "exclude: true" in page


def test_paper_listing_matches_golden(golden) -> None:  # type: ignore[no-untyped-def]
    """The papers page: each paper with its event, date, status and a PDF link named after it."""
    papers, problems = load_papers(SITE_EXAMPLE / "content" / "papers")
    assert problems == []
    page = render_paper_listing(papers)
    golden("render/papers-listing.md", page)
    assert ('<td data-label="PDF"><a href="staff-continuity.pdf">PDF<span class="synth-visually-hidden"> of '
            "Keeping the same people: a short backing paper</span></a></td>") in page
    assert "<p>No papers yet.</p>" in render_paper_listing([])


def test_a_row_is_taken_from_the_last_build_only_while_every_value_it_shows_is_the_same() -> None:
    """A listing row is rendered again when its text, rating or page (its links) differs from the last build's."""
    first = RowCache()
    row = first.row("theme_finding", Links(THEMES), "f1", "Residents & <officers> meet", "high")
    assert "Residents &amp; &lt;officers&gt; meet" in row and first.rendered == 1
    first.done()
    again = RowCache(first)
    assert again.row("theme_finding", Links(THEMES), "f1", "Residents & <officers> meet", "high") == row
    assert again.rendered == 0
    lower = again.row("theme_finding", Links(THEMES), "f1", "Residents & <officers> meet", "low")
    assert RATING_LABELS["low"] in lower and again.rendered == 1
    elsewhere = again.row("theme_finding", Links(THEMES, directory_urls=False), "f1", "Residents & <officers> meet",
                          "high")
    assert 'href="findings/f1.html"' in elsewhere and elsewhere != row and again.rendered == 2
    again.done()
    assert RowCache(again).row("theme_finding", Links(THEMES), "f1", "Other words", "high") != row


def test_a_record_row_is_taken_without_its_values_only_while_nothing_within_reach_or_its_context_changed() -> None:
    """A row by record skips working out its values when nothing within reach of its record changed.

    Only while what else it shows (its context) is the same; otherwise its values are worked out and the row
    rendered from them.
    """
    def values(statement: str) -> Callable[[], tuple[Hashable, ...]]:
        return lambda: (Links(THEMES), "f1", statement, "high")

    first = RowCache()
    row = first.record_row("theme_finding", ("finding", "f1"), "columns", values("Residents meet"))
    assert "Residents meet" in row and (first.worked_out, first.rendered) == (1, 1)
    first.done()
    untouched = RowCache(first, fresh=frozenset({("finding", "f2")}))
    assert untouched.record_row("theme_finding", ("finding", "f1"), "columns", values("Not asked for")) == row
    assert (untouched.worked_out, untouched.rendered) == (0, 0)
    untouched.done()
    # Taken again, the row is still known by its values to the build after.
    assert RowCache(untouched).row("theme_finding", Links(THEMES), "f1", "Residents meet", "high") == row
    within_reach = RowCache(first, fresh=frozenset({("finding", "f1")}))
    assert "Edited" in within_reach.record_row("theme_finding", ("finding", "f1"), "columns", values("Edited"))
    other_context = RowCache(first, fresh=frozenset())
    assert "Edited" in other_context.record_row("theme_finding", ("finding", "f1"), "other", values("Edited"))
    anything_changed = RowCache(first, fresh=None)
    assert "Edited" in anything_changed.record_row("theme_finding", ("finding", "f1"), "columns", values("Edited"))
    assert within_reach.worked_out == other_context.worked_out == anything_changed.worked_out == 1
