"""The home page: a short summary, then what helps, what gets in the way and what it achieves.

Practitioners land here, often on a phone. The first screen holds one sentence of what the knowledge base is,
with its evidence counted honestly (findings, studies and practice examples, and the publications they come
from), links to the three sections, and a note that confidence is about the finding, not the size of an
effect. Each facilitator, barrier and outcome appears with its summary, the strongest confidence among its
findings and its evidence, ordered by `KnowledgeBase.ranked`. "What it achieves" says plainly how its
outcomes are known and whether any practice example was evaluated.
"""

from __future__ import annotations

from collections import Counter

from synth.records.counts import count
from synth.records.link import KnowledgeBase
from synth.records.schema import BASES
from synth.site.markup import render_template
from synth.site.paths import HOME, Links, listing_uri

SECTIONS = (
    ("what-helps", "What helps", "facilitator", "All the things that help, in a table you can sort"),
    ("what-gets-in-the-way", "What gets in the way", "barrier",
     "All the things that get in the way, in a table you can sort"),
    ("what-it-achieves", "What it achieves", "outcome", "All the outcomes, in a table you can sort"),
)
SHOWN = 20
"""How many items each home-page section (and the briefing) shows, best supported first; the listing has all."""
BASIS_PHRASES = {"observed": "seen by researchers", "perceived": "felt or reported by the people involved",
                 "expected": "only expected"}


def outcome_caveats(kb: KnowledgeBase) -> list[str]:
    """Plain sentences on how the outcomes are known and on practice examples that were never evaluated."""
    sentences = []
    bases: Counter[str] = Counter(outcome.basis for outcome in kb.outcomes.values())
    if kb.outcomes and not bases["measured"]:
        parts = [f"{bases[b]} {BASIS_PHRASES[b]}" for b in BASES if b in BASIS_PHRASES and bases[b]]
        sentences.append(f"None of these outcomes was measured: {_listed(parts)}.")
    elif bases["measured"]:
        sentences.append(f"{count(bases['measured'], 'outcome')} of {len(kb.outcomes)} "
                         f"{'was' if bases['measured'] == 1 else 'were'} measured; the rest were not.")
    statuses = Counter(s.evaluation for s in kb.studies.values() if s.evidence_kind == "practice-example")
    examples = sum(statuses.values())
    if examples and not statuses["evaluated-positive"] + statuses["evaluated-mixed-or-no-effect"]:
        noun = "the practice example was" if examples == 1 else f"the {examples} practice examples was"
        sentences.append(f"None of {noun} evaluated: they are described, not tested.")
    proposals = sum(s.evidence_kind == "proposal" for s in kb.studies.values())
    if proposals:
        sentences.append(f"The {count(proposals, 'proposal')} {'has' if proposals == 1 else 'have'} "
                         "not been tried.")
    return sentences


def _listed(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def home_sections(kb: KnowledgeBase) -> list[tuple[str, str, str, tuple[str, ...]]]:
    """The home page's sections: heading, record kind, listing page and ids, best-supported first.

    The ids are all of the kind's; the home page and the briefing show the first `SHOWN`. The briefing PDF
    (`synth.site.briefing`) prints the same sections, so it follows the home page.
    """
    return [(heading, kind, listing_uri(kind), kb.ranked(kind)) for _, heading, kind, _ in SECTIONS]


def render_home_page(kb: KnowledgeBase, title: str, links: Links | None = None, changed_since: str = "",
                     shown: int = SHOWN) -> str:
    """The home page as Markdown, headed with the site's ``title``; ``changed_since`` is its "changed since" line.

    Each section lists its ``shown`` best-supported items and links the listing that has them all.
    """
    sections = [(anchor, heading, kind, listing_uri(kind), more, kb.ranked(kind))
                for anchor, heading, kind, more in SECTIONS]
    records = {kind: kb.supported(kind) for _, _, kind, _ in SECTIONS}
    return render_template("home.md.j2", title=title, kb=kb, sections=sections, records=records,
                           support=kb.support, caveats=outcome_caveats(kb), evidence=kb.evidence_count,
                           links=links or Links(HOME), changed_since=changed_since, shown=shown)
