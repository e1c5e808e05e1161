"""Render, print: the whole knowledge base as a short briefing PDF to hand out at a meeting.

The briefing prints the home page's sections (`synth.site.home.home_sections`: what helps, what gets in the
way, and any section the home page gains), each item with its summary, what to do, the confidence in its
best-supported finding and the kinds of evidence behind it, then what the confidence ratings mean. It is
rendered by WeasyPrint, as papers are, from HTML that fetches nothing; its dates come from the build date
(SOURCE_DATE_EPOCH when set), so the same content gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from synth.records.link import KnowledgeBase
from synth.records.schema import RATING_LABELS
from synth.site.confidence import HEADING as CONFIDENCE_HEADING
from synth.site.home import SHOWN, home_sections
from synth.site.markup import kinds_phrase, render_template
from synth.site.page_html import PrintStamp

BRIEFING = "briefing.pdf"
"""The briefing's path in the built site."""


@dataclass(frozen=True)
class BriefingItem:
    """One barrier, facilitator or other home-page item as the briefing prints it."""

    name: str
    summary: str
    what_to_do: str | None
    confidence: str | None
    """The label of the highest confidence among its findings, or None when no finding supports it yet."""
    support: str
    """How much evidence: ``3 findings from 2 studies``."""
    evidence_kinds: str
    """The kinds of evidence behind it, with how many studies of each."""


def records_of(kb: KnowledgeBase, kind: str) -> Mapping[str, Any]:
    """The records of one home-page kind: barriers, facilitators or outcomes."""
    return kb.supported(kind)


def briefing_sections(kb: KnowledgeBase, shown: int = SHOWN) -> list[tuple[str, list[BriefingItem], int]]:
    """The home page's sections: heading, each shown item's text and evidence, and the section's number of items.

    The briefing, like the home page, shows the ``shown`` best-supported items of each section.
    """
    sections = []
    for heading, kind, _, ids in home_sections(kb):
        records = records_of(kb, kind)
        items = []
        for record_id in ids[:shown]:
            record = records[record_id]
            summary = kb.support[(kind, record_id)]
            items.append(BriefingItem(
                name=record.name, summary=" ".join(record.summary.split()),
                what_to_do=" ".join(getattr(record, "what_to_do", "").split()) or None,
                confidence=RATING_LABELS.get(summary.highest_confidence or ""),
                support=summary.count.phrase(), evidence_kinds=kinds_phrase(summary.evidence_kinds)))
        sections.append((heading, items, len(ids)))
    return sections


def briefing_html(kb: KnowledgeBase, stamp: PrintStamp, site_url: str | None = None, shown: int = SHOWN) -> str:
    """The briefing as one HTML document for WeasyPrint, each section's ``shown`` best-supported items."""
    sections = briefing_sections(kb, shown)
    return render_template("briefing.html.j2", stamp=stamp, site_url=site_url, sections=sections,
                           some_left_out=any(total > len(items) for _, items, total in sections),
                           evidence=kb.evidence_count.phrase(), confidence_heading=CONFIDENCE_HEADING)


def stylesheet() -> str:
    """The briefing's print stylesheet, shipped with the package."""
    return resources.files("synth.site").joinpath("briefing.css").read_text(encoding="utf-8")


def render_briefing_pdf(kb: KnowledgeBase, stamp: PrintStamp, site_url: str | None = None,
                        render: Callable[[str, str], bytes] | None = None) -> bytes:
    """The briefing as PDF bytes, made by ``render`` from its HTML and stylesheet (by default, in this process)."""
    return (render or render_in_process)(briefing_html(kb, stamp, site_url), stylesheet())


def render_in_process(html: str, css: str) -> bytes:
    """A PDF of HTML that fetches nothing, rendered by WeasyPrint in this process."""
    from weasyprint import CSS, HTML  # Imported here: loading WeasyPrint and pango costs time the rest never needs.

    document = HTML(string=html, url_fetcher=_refuse, base_url=None)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=css)], pdf_tags=True)
    return pdf


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The URL fetcher: the briefing is built from the knowledge base alone, so any request is a mistake."""
    raise ValueError(f"the briefing fetches nothing; refused {url!r}")
