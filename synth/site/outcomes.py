"""Outcome pages: what an approach is reported to achieve or fail to achieve, one page each, and their table.

An outcome's page says first how it is known (measured, observed, perceived or only expected) and what was
found, so a practitioner asking "does it work?" reads the strength of the answer before the answer. The
findings behind it follow, grouped by study, exactly as on a barrier's or facilitator's page.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import partial

from synth.records.link import KnowledgeBase
from synth.site.filters import page_filters, row_filters
from synth.site.markup import render_template
from synth.site.pages import findings_by_study, theme_tags
from synth.site.paths import Links, listing_uri
from synth.site.references import ReferenceLookup
from synth.site.rows import RowCache

OUTCOME_MEANING = "what an approach is reported to achieve, or to fail to achieve"
BASIS_NOTES = {
    "measured": "This outcome was measured.",
    "observed": "This outcome was seen by researchers, not measured.",
    "perceived": "This outcome is what the people involved felt or reported; nobody measured it.",
    "expected": "This outcome is only expected: no source reports it happening.",
}
"""What each basis means for how far a reader can rely on the outcome, in plain words."""


def render_outcome_page(kb: KnowledgeBase, outcome_id: str, references: ReferenceLookup, links: Links) -> str:
    """The page of one outcome: how it is known, what was found, for whom, and the findings behind it."""
    outcome = kb.outcomes[outcome_id]
    summary = kb.support[("outcome", outcome_id)]
    return render_template(
        "outcome.md.j2", outcome=outcome, meaning=OUTCOME_MEANING, basis_note=BASIS_NOTES[outcome.basis],
        summary=summary, groups=findings_by_study(kb, summary.findings, references), findings=kb.findings,
        themes=kb.themes, tags=theme_tags(kb, outcome.themes), links=links,
        search_filters=page_filters(kb, "outcome", outcome_id))


def render_outcome_listing(kb: KnowledgeBase, links: Links | None = None, row_cache: RowCache | None = None) -> str:
    """The table of every outcome, best-supported first: how it is known, what was found, and its evidence.

    ``row_cache`` gives the rows the last build rendered (`synth.site.rows`).
    """
    links = links or Links(listing_uri("outcome"))
    cache = row_cache or RowCache()

    def values(outcome_id: str) -> tuple[Hashable, ...]:
        outcome, summary = kb.outcomes[outcome_id], kb.support[("outcome", outcome_id)]
        return (links, outcome_id, outcome.name, outcome.basis, outcome.direction, len(summary.publications),
                summary.count.phrase(), summary.highest_confidence, row_filters(kb, "outcome", outcome_id))

    rows = [cache.record_row("outcome_row", ("outcome", outcome_id), links, partial(values, outcome_id))
            for outcome_id in kb.ranked("outcome")]
    return render_template("outcomes.md.j2", rows=rows, links=links)
