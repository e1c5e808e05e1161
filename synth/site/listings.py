"""Listing pages: the tables that lead to every record page, and the one page of themes.

Record pages are kept out of MkDocs' navigation (building navigation is quadratic in the number of pages),
so these pages are how readers reach them. Every table is a real HTML table with a caption and header
scopes, and every cell carries its column's name (`data-label`) so a phone shows each row as a card. The
rows of the barrier, facilitator and findings tables carry their facets (`data-filter-*`: theme, confidence,
and later kind of evidence and who can act), from which the script builds filters. Without JavaScript each
is a plain, readable table.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from functools import partial

from markupsafe import Markup

from synth.papers.cite import long_date
from synth.papers.model import Paper
from synth.records.link import KnowledgeBase
from synth.records.schema import RATING_ORDER
from synth.site.filters import filter_values
from synth.site.markup import render_template
from synth.site.paths import PAPER_LISTING, TAGS, THEMES, Links, listing_uri, paper_uri
from synth.site.references import ReferenceLookup
from synth.site.rows import RowCache

FACTOR_LISTINGS = {
    "barrier": ("What gets in the way", "barriers",
                "Barriers: things that get in the way of residents and services working together on safety."),
    "facilitator": ("What helps", "facilitators",
                    "Facilitators: things that help residents and services work together on safety."),
    "outcome": ("What it achieves", "outcomes",
                "Outcomes: what residents and services working together is reported to achieve, or to fail to "
                "achieve, and how each is known."),
}
"""Each factor kind's listing: its heading (the same words as the menu and the home page), plural noun, intro."""

FINDINGS_HEADING = "Findings"
THEMES_HEADING = "Themes"
FILTER_SEPARATOR = "|"
"""Separates the values of one facet in a row's `data-filter-*` attribute."""


def facet(labels: Iterable[str | None]) -> str:
    """A row's values for one filter facet: human-readable labels, each once, joined by `|`."""
    cleaned = (" ".join(label.replace(FILTER_SEPARATOR, "/").split()) for label in labels if label)
    return FILTER_SEPARATOR.join(dict.fromkeys(label for label in cleaned if label))


def facets(kb: KnowledgeBase, kind: str, record_id: str) -> tuple[tuple[str, str], ...]:
    """A record's row filters: each facet's name and its values as `facet` joins them."""
    return tuple((name, facet(values)) for name, values in filter_values(kb, kind, record_id).items())


def theme_names(kb: KnowledgeBase, theme_ids: Iterable[str]) -> list[str]:
    """The names of the known themes among ``theme_ids``, in the order given."""
    return [kb.themes[t].name for t in dict.fromkeys(theme_ids) if t in kb.themes]


def render_factor_listing(kb: KnowledgeBase, kind: str, links: Links | None = None,
                          row_cache: RowCache | None = None) -> str:
    """The table of every barrier or facilitator: findings, studies and highest confidence, with filters.

    ``row_cache`` gives the rows the last build rendered (`synth.site.rows`).
    """
    heading, plural_noun, intro = FACTOR_LISTINGS[kind]
    links = links or Links(listing_uri(kind))
    cache = row_cache or RowCache()
    records = kb.supported(kind)
    rows = []
    def values(record_id: str) -> tuple[Hashable, ...]:
        summary = kb.support[(kind, record_id)]
        return (links, kind, record_id, records[record_id].name, len(summary.findings), len(summary.studies),
                len(summary.publications), summary.highest_confidence, facets(kb, kind, record_id))

    for record_id in kb.ranked(kind):
        rows.append(cache.record_row("factor_row", (kind, record_id), links, partial(values, record_id)))
    return render_template("factors.md.j2", heading=heading, plural_noun=plural_noun, intro=intro, noun=kind,
                           rows=rows, links=links)


def render_study_listing(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None,
                         row_cache: RowCache | None = None) -> str:
    """The table of every study: reference, design, year, setting and number of findings; newest first.

    ``row_cache`` gives the rows the last build rendered (`synth.site.rows`).
    """
    links = links or Links(listing_uri("study"))
    cache = row_cache or RowCache()

    def values(study_id: str) -> tuple[Hashable, ...]:
        study = kb.studies[study_id]
        reference = references[study.cite]
        return (links, study_id, study.title, reference.sort_key, reference.anchor, reference.author_short,
                reference.year, study.design, study.year, study.setting, len(kb.findings_by_study.get(study_id, ())))

    order = sorted(kb.studies, key=lambda s: (-(kb.studies[s].year or 0), kb.studies[s].title.casefold(), s))
    rows = [cache.record_row("study_row", ("study", s), links, partial(values, s)) for s in order]
    return render_template("studies.md.j2", rows=rows)


def render_findings_listing(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None,
                            row_cache: RowCache | None = None) -> str:
    """Every finding in one table, most confident first, filterable by theme and confidence.

    ``row_cache`` gives the rows the last build rendered (`synth.site.rows`).
    """
    links = links or Links(listing_uri("finding"))
    cache = row_cache or RowCache()
    table = []
    def values(finding_id: str) -> tuple[Hashable, ...]:
        finding = kb.findings[finding_id]
        reference = references[kb.studies[finding.study].cite]
        return (links, finding_id, finding.statement, finding.study, reference.author_short, reference.year,
                tuple(theme_names(kb, finding.themes)), finding.confidence.overall.rating,
                facets(kb, "finding", finding_id))

    for finding_id in ranked_findings(kb):
        table.append(cache.record_row("finding_row", ("finding", finding_id), links, partial(values, finding_id)))
    return render_template("findings.md.j2", heading=FINDINGS_HEADING, rows=table, links=links)


def ranked_findings(kb: KnowledgeBase) -> tuple[str, ...]:
    """Every finding id, most confident first, then by statement (worked out once per knowledge base)."""
    def rank(finding_id: str) -> tuple[int, str, str]:
        finding = kb.findings[finding_id]
        return (-RATING_ORDER[finding.confidence.overall.rating], finding.statement.casefold(), finding_id)

    return kb.derived(("ranked findings",), lambda: tuple(sorted(kb.findings, key=rank)))


def _finding_places(kb: KnowledgeBase) -> dict[str, int]:
    """Each finding's place in `ranked_findings`, to put any of them in that order."""
    return kb.derived(("finding places",), lambda: {f: n for n, f in enumerate(ranked_findings(kb))})


def render_themes_page(kb: KnowledgeBase, links: Links | None = None, row_cache: RowCache | None = None) -> str:
    """The one page of themes: each theme's description, barriers, facilitators, outcomes and findings.

    Findings come most confident first; findings without a known theme close the page. ``row_cache`` gives
    the findings' list items the last build rendered (`synth.site.rows`).
    """
    links = links or Links(THEMES)
    cache = row_cache or RowCache()

    def items(finding_ids: Iterable[str]) -> list[Markup]:
        return [cache.row("theme_finding", links, f, kb.findings[f].statement,
                          kb.findings[f].confidence.overall.rating) for f in finding_ids]

    def member_list(members: Iterable[tuple[str, str]], kind: str) -> Markup:
        records = kb.supported(kind)
        return cache.row("theme_members", links, kind, tuple((i, records[i].name) for k, i in members if k == kind))

    place = _finding_places(kb)
    themes = []
    for theme_id, theme in sorted(kb.themes.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        members = kb.factors_by_theme.get(theme_id, ())
        findings = sorted(kb.findings_by_theme.get(theme_id, ()), key=place.__getitem__)
        themes.append((theme_id, theme, member_list(members, "barrier"), member_list(members, "facilitator"),
                       member_list(members, "outcome"), items(findings)))
    themeless = [f for f in ranked_findings(kb) if not any(t in kb.themes for t in kb.findings[f].themes)]
    return render_template("themes.md.j2", heading=THEMES_HEADING, rows=themes, themeless=items(themeless))


def render_paper_listing(papers: Sequence[Paper], links: Links | None = None) -> str:
    """The table of every paper, newest first, linking to its page and its PDF."""
    links = links or Links(PAPER_LISTING)
    order = sorted(papers, key=lambda paper: (-paper.meta.date.toordinal(), paper.slug))
    rows = [(links.to(paper_uri(p.slug)), links.file(paper_uri(p.slug).removesuffix(".md") + ".pdf"), p.meta,
             long_date(p.meta.date)) for p in order]
    return render_template("papers.md.j2", rows=rows)


def render_tags_page(links: Links | None = None) -> str:
    """The old address of the pages-by-theme list: a pointer to the themes page, which now holds it all."""
    return render_template("tags.md.j2", links=links or Links(TAGS))
