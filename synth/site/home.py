"""The home page: what helps and what gets in the way, best-supported first, in plain language.

Practitioners land here, often on a phone. Each facilitator and barrier appears with its summary, the
strongest confidence among its findings and how many studies support it, ordered by `KnowledgeBase.ranked`,
then a short note on reading GRADE-CERQual confidence.
"""

from __future__ import annotations

from synth.records.link import KnowledgeBase
from synth.site.markup import render_template
from synth.site.paths import HOME, Links, listing_uri


def home_sections(kb: KnowledgeBase) -> list[tuple[str, str, str, list[str]]]:
    """The home page's sections: heading, record kind, listing page and ids, best-supported first.

    The briefing PDF (`synth.site.briefing`) prints the same sections, so it follows the home page.
    """
    return [
        ("What helps", "facilitator", listing_uri("facilitator"), kb.ranked("facilitator")),
        ("What gets in the way", "barrier", listing_uri("barrier"), kb.ranked("barrier")),
    ]


def render_home_page(kb: KnowledgeBase, title: str, links: Links | None = None) -> str:
    """The home page as Markdown, headed with the site's ``title``."""
    sections = home_sections(kb)
    factors = {"barrier": kb.barriers, "facilitator": kb.facilitators}
    return render_template("home.md.j2", title=title, kb=kb, sections=sections, factors=factors,
                           support=kb.support, links=links or Links(HOME))
