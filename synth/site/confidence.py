"""The plain-language page on confidence: what a GRADE-CERQual rating means to someone acting on a finding.

Every badge on the site links here. The page is generated rather than written by hand so that every
knowledge base has it at the same address (`confidence/`), with the same ratings and components the record
pages use (`synth.site.markup`).
"""

from __future__ import annotations

from collections.abc import Mapping

from synth.records.schema import EVIDENCE_KIND_LABELS
from synth.site.markup import render_template
from synth.site.paths import CONFIDENCE, Links

HEADING = "What confidence means"

ADVICE: Mapping[str, str] = {
    "high": "You can plan with it, while still checking it fits your area.",
    "moderate": "It is a sound basis for action; look at the reasons given for any concerns.",
    "low": "Treat it as a lead worth testing locally, not as settled.",
    "very-low": "Treat it as an idea or a single account, and look for more evidence before relying on it.",
}
"""What each rating suggests a practitioner does with the finding."""

COMPONENT_EXPLANATIONS: Mapping[str, str] = {
    "methodological_limitations": (
        "For example, a scheme described only by the people who ran it, or interviews with no account of who "
        "was asked, gives more cause for concern than a study that explains how it was done."),
    "coherence": (
        "A finding is coherent when the accounts behind it point the same way, or when the differences between "
        "them are explained, rather than stretched to fit."),
    "adequacy": (
        "One short quotation from one place supports a finding less well than many detailed accounts from "
        "several places."),
    "relevance": (
        "Evidence from a different country, a different service or a much earlier time may not carry over to "
        "neighbourhood safety work here and now."),
}
"""A practitioner's example for each GRADE-CERQual component."""

KIND_MEANINGS = {
    "evaluated-research": "A study that set out to find out what happened and how, using a stated method "
                          "(interviews, case studies, surveys, observation), and reports what it found, including "
                          "what did not work.",
    "practice-example": "An account of what one place did, written by or for practitioners, describing the scheme "
                        "and its reported benefits without an independent evaluation.",
    "policy-guidance": "Advice from a government body, inspectorate or national organisation on how work should be "
                       "done, drawing on experience and other sources.",
    "expert-opinion": "The view of someone with experience or standing in the field, such as a commentary, blog "
                      "post or speech, not based on a study of its own.",
    "proposal": "An idea or model that has been put forward but not yet tried, or not yet reported on.",
}
EVIDENCE_KINDS: tuple[tuple[str, str], ...] = tuple((EVIDENCE_KIND_LABELS[kind], meaning)
                                                    for kind, meaning in KIND_MEANINGS.items())
"""The kinds of evidence a finding can rest on, strongest claim to having been tested first."""


def render_confidence_page(links: Links | None = None) -> str:
    """The page on confidence as Markdown."""
    return render_template("confidence.md.j2", heading=HEADING, advice=ADVICE, explanations=COMPONENT_EXPLANATIONS,
                           kinds=EVIDENCE_KINDS, links=links or Links(CONFIDENCE))
