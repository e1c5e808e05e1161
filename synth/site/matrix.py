"""The evidence matrix page: barriers and facilitators (rows) against the studies that give evidence on them.

Columns are grouped by publication (a study's `cite` key): one booklet holding five practice examples is one
group of five columns under one author-and-year heading, so a reader sees at once that they share a source.
Column headings are short (author and year, or a shortened study title inside a group); the full title is in
each heading's tooltip and in the key inside the table's caption. Above `MATRIX_STUDY_LIMIT` studies the
columns are themes instead, and above `MATRIX_ROWS` barriers (facilitators, outcomes) the rows are the
best-supported of each kind, their tables listing them all. The stylesheet keeps the header row and first
column in view while the table scrolls, and prints it on landscape A4.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from functools import partial
from textwrap import shorten

from synth.papers.render import MATRIX_ROWS
from synth.records.link import KnowledgeBase
from synth.records.schema import RATING_ORDER
from synth.site.listings import FACTOR_LISTINGS
from synth.site.markup import render_template
from synth.site.paths import MATRIX, Links, listing_uri
from synth.site.references import ReferenceLookup
from synth.site.rows import RowCache

MATRIX_LABEL_WIDTH = 24
"""Column and group headings are shortened to this many characters (a work with no author is named by its
title, which can be long); the whole label is in the heading's tooltip and the caption's key."""
MATRIX_STUDY_LIMIT = 40
"""Above this many studies the matrix's columns are themes: a table hundreds of columns wide helps nobody and
its size grows with studies times barriers."""


@dataclass(frozen=True)
class Column:
    """One column: a study (or a theme), its short heading, its full title and the page it links to."""

    id: str
    short: str
    title: str
    href: str


@dataclass(frozen=True)
class ColumnGroup:
    """Adjacent columns from one publication, under one heading; a group of one column has no sub-heading."""

    label: str
    title: str
    """The publication's whole author-and-year label, when `label` is shortened."""
    columns: tuple[Column, ...]


def render_matrix(kb: KnowledgeBase, references: ReferenceLookup, links: Links | None = None,
                  row_cache: RowCache | None = None) -> str:
    """Barriers, facilitators and outcomes (rows) against studies grouped by publication (or themes, if many).

    ``row_cache`` gives the rows the last build rendered (`synth.site.rows`).
    """
    links = links or Links(MATRIX)
    cache = row_cache or RowCache()
    by_study = len(kb.studies) <= MATRIX_STUDY_LIMIT
    if by_study:
        column_groups = _study_groups(kb, references, links)
    else:
        column_groups = [ColumnGroup(short(theme.name), theme.name,
                                     (Column(t, short(theme.name), theme.name, links.to("themes.md", f"theme-{t}")),))
                         for t, theme in kb.themes.items()]
    columns = [column for group in column_groups for column in group.columns]
    context = (links, tuple(columns), by_study)  # What every row shows besides its own records.
    groups = []
    for kind in ("barrier", "facilitator", "outcome"):
        ranked = kb.ranked(kind)
        rows = [cache.record_row("matrix_row", (kind, i), context,
                                 partial(_row_values, kb, kind, i, links, columns, by_study))
                for i in ranked[:MATRIX_ROWS]]
        groups.append((FACTOR_LISTINGS[kind][0], kind, rows, len(ranked), links.to(listing_uri(kind))))
    return render_template("matrix.md.j2", column_groups=column_groups, columns=columns, groups=groups, links=links,
                           column_kind="study" if by_study else "theme", evidence=kb.evidence_count,
                           nested=any(len(group.columns) > 1 for group in column_groups))


def _study_groups(kb: KnowledgeBase, references: ReferenceLookup, links: Links) -> list[ColumnGroup]:
    """Studies grouped by publication in reference-list order; within a publication, studies by title."""
    by_cite: dict[str, list[str]] = {}
    for study_id in sorted(kb.studies, key=lambda s: (kb.studies[s].title.casefold(), s)):
        by_cite.setdefault(kb.studies[study_id].cite, []).append(study_id)
    groups = []
    for cite in sorted(by_cite, key=lambda key: (references[key].sort_key, key)):
        reference = references[cite]
        year = f" ({reference.year})" if reference.year else ""
        label, short_label = f"{reference.author_short}{year}", short(reference.author_short, len(year)) + year
        studies = by_cite[cite]
        if len(studies) == 1:
            study = kb.studies[studies[0]]
            columns: tuple[Column, ...] = (Column(studies[0], short_label, f"{label}: {study.title}",
                                                  links.record("study", studies[0])),)
        else:
            columns = tuple(Column(s, short(kb.studies[s].title), f"{label}: {kb.studies[s].title}",
                                   links.record("study", s)) for s in studies)
        groups.append(ColumnGroup(short_label, label, columns))
    return groups


def short(label: str, room_taken: int = 0) -> str:
    """A heading shortened at a word break, marked with an ellipsis, to fit `MATRIX_LABEL_WIDTH` characters.

    ``room_taken`` characters of something kept whole (a year) sit beside it.
    """
    return shorten(label, width=max(MATRIX_LABEL_WIDTH - room_taken, 8), placeholder="…")


def _row_values(kb: KnowledgeBase, kind: str, factor_id: str, links: Links, columns: list[Column],
                by_study: bool) -> tuple[Hashable, ...]:
    """What a factor's row of the matrix shows: its name and a cell per column."""
    return (links, kind, factor_id, kb.supported(kind)[factor_id].name,
            tuple(_cells(kb, kind, factor_id, columns, by_study)), by_study)


def _cells(kb: KnowledgeBase, kind: str, factor_id: str, columns: list[Column],
           by_study: bool) -> list[tuple[Column, int, str | None]]:
    """One (column, number of findings, highest confidence) per column: a study, or a theme."""
    ratings: dict[str, list[str]] = {}
    for finding_id in kb.support[(kind, factor_id)].findings:
        finding = kb.findings[finding_id]
        for column in [finding.study] if by_study else finding.themes:
            ratings.setdefault(column, []).append(finding.confidence.overall.rating)
    return [(c, len(ratings.get(c.id, ())),
             max(ratings[c.id], key=RATING_ORDER.__getitem__) if c.id in ratings else None) for c in columns]
