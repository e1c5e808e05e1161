"""Listing pages: the tables that lead to every record page, the themes, and the evidence matrix.

Record pages are kept out of MkDocs' navigation (building navigation is quadratic in the number of pages),
so these pages are how readers reach them. Every table is a real HTML table with a caption and header
scopes; the sorting script only adds buttons to it, so without JavaScript it is a plain, readable table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from textwrap import shorten

from synth.papers.cite import long_date
from synth.papers.model import Paper
from synth.records.link import KnowledgeBase
from synth.records.schema import RATING_ORDER
from synth.site.markup import render_template
from synth.site.paths import MATRIX, PAPER_LISTING, TAGS, THEMES, Links, listing_uri, paper_uri
from synth.site.references import ReferenceLookup

MATRIX_LABEL_WIDTH = 40
"""Longer study labels are shortened in the matrix's column headings, so columns stay narrow on a phone."""

FACTOR_LISTINGS = {
    "barrier": ("Barriers", "Things that get in the way of residents and services working together on safety."),
    "facilitator": ("Facilitators", "Things that help residents and services work together on safety."),
    "outcome": ("Outcomes", "What working together is reported to achieve, or to fail to achieve."),
}


def render_factor_listing(kb: KnowledgeBase, kind: str, links: Links | None = None) -> str:
    """The table of every barrier or facilitator: findings, studies and highest confidence."""
    heading, intro = FACTOR_LISTINGS[kind]
    return render_template(
        "factors.md.j2", kb=kb, heading=heading, intro=intro, noun=kind, kind=kind, ids=kb.ranked(kind),
        factors=kb.factors(kind), support=kb.support, RATING_ORDER=RATING_ORDER,
        links=links or Links(listing_uri(kind)))


def render_study_listing(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None) -> str:
    """The table of every study: reference, design, year, setting and number of findings; newest first."""
    order = sorted(kb.studies, key=lambda s: (-(kb.studies[s].year or 0), kb.studies[s].title.casefold(), s))
    rows = [(s, kb.studies[s], references[kb.studies[s].cite], len(kb.findings_by_study.get(s, ())))
            for s in order]
    return render_template("studies.md.j2", rows=rows, links=links or Links(listing_uri("study")))


def render_findings_by_theme(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None) -> str:
    """Every finding under each of its themes, most confident first; findings without a theme last."""
    groups = [(f"theme-{t}", theme.name, theme.description, _finding_rows(kb, kb.findings_by_theme.get(t, ()),
                                                                          references))
              for t, theme in sorted(kb.themes.items(), key=lambda item: (item[1].name.casefold(), item[0]))
              if kb.findings_by_theme.get(t)]
    themeless = [f for f, finding in kb.findings.items() if not any(t in kb.themes for t in finding.themes)]
    if themeless:
        groups.append(("no-theme", "Not linked to a theme", "", _finding_rows(kb, themeless, references)))
    return render_template("findings.md.j2", kb=kb, groups=groups, RATING_ORDER=RATING_ORDER,
                           links=links or Links(listing_uri("finding")))


def _finding_rows(kb: KnowledgeBase, finding_ids: tuple[str, ...] | list[str],
                  references: ReferenceLookup) -> list[tuple[str, object, object, object]]:
    """Table rows for findings: most confident first, then by statement."""
    def rank(f: str) -> tuple[int, str, str]:
        return (-RATING_ORDER[kb.findings[f].confidence.overall.rating], kb.findings[f].statement.casefold(), f)

    return [(f, kb.findings[f], kb.studies[kb.findings[f].study], references[kb.studies[kb.findings[f].study].cite])
            for f in sorted(finding_ids, key=rank)]


def render_themes_page(kb: KnowledgeBase, links: Links | None = None) -> str:
    """Each theme with its description, its barriers and facilitators, and a link to its findings."""
    rows = []
    for theme_id, theme in sorted(kb.themes.items(), key=lambda item: (item[1].name.casefold(), item[0])):
        members = kb.factors_by_theme.get(theme_id, ())
        rows.append((theme_id, theme, [i for k, i in members if k == "barrier"],
                     [i for k, i in members if k == "facilitator"], len(kb.findings_by_theme.get(theme_id, ()))))
    return render_template("themes.md.j2", rows=rows, barriers=kb.barriers, facilitators=kb.facilitators,
                           links=links or Links(THEMES))


def render_paper_listing(papers: Sequence[Paper], links: Links | None = None) -> str:
    """The table of every paper, newest first, linking to its page and its PDF."""
    links = links or Links(PAPER_LISTING)
    order = sorted(papers, key=lambda paper: (-paper.meta.date.toordinal(), paper.slug))
    rows = [(links.to(paper_uri(p.slug)), links.file(paper_uri(p.slug).removesuffix(".md") + ".pdf"), p.meta,
             long_date(p.meta.date)) for p in order]
    return render_template("papers.md.j2", rows=rows)


def render_tags_page() -> str:
    """The page where Material's tags plugin lists every page under each of its tags."""
    return render_template("tags.md.j2", links=Links(TAGS))


MATRIX_STUDY_LIMIT = 40
"""Above this many studies the matrix's columns are themes: a table hundreds of columns wide helps nobody and
its size grows with studies times barriers."""


def render_matrix(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None) -> str:
    """Barriers and facilitators (rows) against studies, or themes when there are many studies (columns)."""
    links = links or Links(MATRIX)
    by_study = len(kb.studies) <= MATRIX_STUDY_LIMIT
    if by_study:
        studies = sorted(kb.studies, key=lambda s: (references[kb.studies[s].cite].sort_key, s))
        columns = [(s, whole, short, links.record("study", s))
                   for s, whole, short in _study_labels(kb, studies, references)]
    else:
        columns = [(t, theme.name, theme.name, links.to("themes.md", f"theme-{t}")) for t, theme in kb.themes.items()]
    groups = [(FACTOR_LISTINGS[kind][0], kind, [(i, kb.supported(kind)[i], _cells(kb, kind, i, columns, by_study))
                                                 for i in kb.ranked(kind)])
              for kind in ("barrier", "facilitator", "outcome")]
    return render_template("matrix.md.j2", columns=columns, groups=groups, links=links, evidence=kb.evidence_count,
                           column_kind="study" if by_study else "theme")


def _cells(kb: KnowledgeBase, kind: str, factor_id: str, columns: list[tuple[str, str, str, str]],
           by_study: bool) -> list[tuple[str, int, str | None]]:
    """One (column id, number of findings, highest confidence) per column: a study, or a theme."""
    ratings: dict[str, list[str]] = {}
    for finding_id in kb.support[(kind, factor_id)].findings:
        finding = kb.findings[finding_id]
        for column in [finding.study] if by_study else finding.themes:
            ratings.setdefault(column, []).append(finding.confidence.overall.rating)
    return [(c, len(ratings.get(c, ())), max(ratings[c], key=RATING_ORDER.__getitem__) if c in ratings else None)
            for c, *_ in columns]


def _study_labels(kb: KnowledgeBase, studies: list[str],
                  references: ReferenceLookup) -> list[tuple[str, str, str]]:
    """Column labels: author and year, with the study's title added where two studies share them.

    Each label comes whole and shortened (a work with no author is named by its title, which can be long).
    """
    labels = {s: f"{references[kb.studies[s].cite].author_short} ({references[kb.studies[s].cite].year})"
              for s in studies}
    shared = Counter(labels.values())
    whole = {s: f"{labels[s]}: {kb.studies[s].title}" if shared[labels[s]] > 1 else labels[s] for s in studies}
    return [(s, whole[s], shorten(whole[s], width=MATRIX_LABEL_WIDTH, placeholder="…")) for s in studies]

