"""Outcome pages and the outcomes table: how each outcome is known, what was found, and the evidence behind it."""

from __future__ import annotations

import dataclasses
import re

from synth.site.filters import filter_values, row_filters
from synth.site.outcomes import render_outcome_listing, render_outcome_page
from synth.site.paths import Links


def test_outcome_page_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The outcome page of the example: basis, direction, for whom, then the findings behind it by study."""
    kb, shelf = site_example
    page = render_outcome_page(kb, "residents-feel-safer", shelf, Links("outcomes/residents-feel-safer.md"))
    golden("render/outcome.md", page)
    facts = re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page)
    assert facts == [("How it is known", "Perceived by those involved"), ("What was found", "Achieved"),
                     ("For whom", "Residents of the six areas")]
    assert "This outcome is what the people involved felt or reported; nobody measured it." in page
    assert 'id="finding-turley-shared-aims"' in page
    assert '<p class="synth-keywords">Also searched as: fear of crime, reassurance</p>' in page


def test_outcome_listing_matches_golden(site_example, golden) -> None:  # type: ignore[no-untyped-def]
    """The outcomes table: one row per outcome, each carrying the filter attributes."""
    kb, _ = site_example
    page = render_outcome_listing(kb)
    golden("render/outcomes-listing.md", page)
    assert ('<tr data-filter-theme="Partnership working" data-filter-confidence="Moderate" '
            'data-filter-evidence="Evaluated research" data-filter-who="">') in page


def test_filter_values_are_the_labels_readers_see(site_example) -> None:  # type: ignore[no-untyped-def]
    """A row's filters are its themes, best confidence, kinds of evidence and who can act, as labels.

    A finding's are its own, its study's kind, and who can act on what it is evidence for.
    """
    kb, _ = site_example
    assert filter_values(kb, "facilitator", "range-of-ways-to-get-involved") == {
        "theme": ["Engagement and representation"], "confidence": ["Very low"],
        "evidence": ["Descriptive practice example", "Policy guidance"], "who": []}
    assert filter_values(kb, "facilitator", "shared-aims")["who"] == ["Police", "Community safety partnership"]
    assert filter_values(kb, "finding", "turley-shared-aims") == {
        "theme": ["Partnership working"], "confidence": ["Moderate"], "evidence": ["Evaluated research"],
        "who": ["Police", "Community safety partnership"]}


def test_filter_attributes_are_escaped_and_keep_the_separator_for_themselves(site_example) -> None:  # type: ignore[no-untyped-def]
    """A theme name with `&` or `|` is escaped for the attribute, and a `|` inside a label never splits it."""
    kb, _ = site_example
    attributes = str(row_filters(kb, "barrier", "lack-of-staff-continuity"))
    assert 'data-filter-theme="Resources &amp; continuity|Partnership working"' in attributes
    assert 'data-filter-who="Police|Council"' in attributes
    renamed = kb.themes["partnership-working"].model_copy(update={"name": 'Work "together" | apart'})
    changed = dataclasses.replace(kb, themes={**kb.themes, "partnership-working": renamed})
    assert 'data-filter-theme="Resources &amp; continuity|Work &#34;together&#34; / apart"' in str(
        row_filters(changed, "barrier", "lack-of-staff-continuity"))
