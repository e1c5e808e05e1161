"""Record pages: one page per barrier, facilitator, finding and study, as Markdown strings (outcomes: `outcomes`).

A barrier's or facilitator's page is what a practitioner acts on: its summary, what to do, then the findings
behind it grouped by study, each with its quotations and its GRADE-CERQual confidence, the four components
one click away. Finding and study pages carry the full detail a researcher checks. Pages link to each other
with URLs relative to themselves, so they work under any site address.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from synth.records.link import KnowledgeBase
from synth.references.style import FormattedReference
from synth.site.filters import page_filters
from synth.site.markup import render_template
from synth.site.paths import Links
from synth.site.references import ReferenceLookup

if TYPE_CHECKING:
    from synth.site.changes import HistoryView

FACTOR_MEANINGS = {
    "barrier": "something that gets in the way of residents and services working together on safety",
    "facilitator": "something that helps residents and services work together on safety",
}


def theme_tags(kb: KnowledgeBase, theme_ids: Iterable[str]) -> list[str]:
    """The display names of known themes, once each, in the order given: the page's Material tags."""
    return list(dict.fromkeys(kb.themes[t].name for t in theme_ids if t in kb.themes))


def render_factor_page(kb: KnowledgeBase, kind: str, factor_id: str,
                       references: ReferenceLookup, links: Links, history: HistoryView | None = None) -> str:
    """The page of one barrier (kind 'barrier') or facilitator (kind 'facilitator'); ``history`` ends it."""
    factor = kb.factors(kind)[factor_id]
    summary = kb.support[(kind, factor_id)]
    return render_template(
        "factor.md.j2", factor=factor, noun=kind, meaning=FACTOR_MEANINGS[kind], summary=summary,
        groups=findings_by_study(kb, summary.findings, references), findings=kb.findings, themes=kb.themes,
        tags=theme_tags(kb, factor.themes), links=links, history=history,
        search_filters=page_filters(kb, kind, factor_id))


def findings_by_study(kb: KnowledgeBase, finding_ids: Iterable[str],
                       references: ReferenceLookup) -> list[tuple[str, object, FormattedReference, list[str]]]:
    """Findings grouped by their study, studies in reference-list order, findings by id within each."""
    grouped: dict[str, list[str]] = {}
    for finding_id in sorted(finding_ids):
        grouped.setdefault(kb.findings[finding_id].study, []).append(finding_id)
    order = sorted(grouped, key=lambda s: (references[kb.studies[s].cite].sort_key, s))
    return [(s, kb.studies[s], references[kb.studies[s].cite], grouped[s]) for s in order]


def render_finding_page(kb: KnowledgeBase, finding_id: str, references: ReferenceLookup,
                        links: Links, history: HistoryView | None = None) -> str:
    """The page of one finding: statement, study, quotations, the full CERQual table and what it bears on."""
    finding = kb.findings[finding_id]
    study = kb.studies[finding.study]
    return render_template(
        "finding.md.j2", finding=finding, study=study, reference=references[study.cite],
        barriers=kb.barriers, facilitators=kb.facilitators, outcomes=kb.outcomes, themes=kb.themes,
        tags=theme_tags(kb, finding.themes), links=links, history=history,
        search_filters=page_filters(kb, "finding", finding_id))


def render_study_page(kb: KnowledgeBase, study_id: str, references: ReferenceLookup, links: Links,
                      history: HistoryView | None = None) -> str:
    """The page of one study: its reference, what kind of evidence it is, its appraisal and its findings."""
    study = kb.studies[study_id]
    finding_ids = kb.findings_by_study.get(study_id, ())
    facts = [("Setting", study.setting), ("Country", study.country),
             ("Year", str(study.year) if study.year else None), ("Participants", study.participants)]
    themes = [t for f in finding_ids for t in kb.findings[f].themes]
    return render_template(
        "study.md.j2", study=study, reference=references[study.cite], facts=facts, finding_ids=finding_ids,
        findings=kb.findings, tags=theme_tags(kb, sorted(set(themes))), links=links, history=history,
        search_filters=page_filters(kb, "study", study_id))
