"""Render, again: which record pages a rebuild must render anew, and which it can take from the last build.

Under `mkdocs serve` a researcher edits one record at a time. A record's page shows the record, the records
it links to (a finding's study, barriers, facilitators and outcomes; a study's findings; a barrier's findings)
and, through them, one step further (the study and reference of each finding on a barrier's page); a
finding's page shows only what it links to. So when records change, the pages to render again are those of
the changed records, of every finding within one link of them and of every other record within two, before
or after the change; a study whose reference reads differently counts as changed.
Every other record page is the same as last time. Listings, the home page and other pages that gather many
records are always rendered. Anything else that could change every page (the themes, the site's options,
the history from git) means rendering everything. Nothing here knows of MkDocs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from synth.papers.embed import TABLES, Embed, find_embeds
from synth.papers.model import Paper
from synth.papers.render import table_rows
from synth.records.link import KnowledgeBase
from synth.records.schema import FOLDERS
from synth.site.references import ReferenceLookup
from synth.site.rows import RowCache

RECORD_KINDS = {kind: folder for folder, kind in FOLDERS.items()}
"""Each kind of record that has a page, and the knowledge base's mapping of them (named as its folder)."""
REACH = 2
"""How many links away from a changed record a page can show something of it."""
FINDING_REACH = 1
"""How many links away from a changed record a finding's page (or its row in a listing) can show something of
it: its study and the study's reference, its barriers, facilitators and outcomes."""

Record = tuple[str, str]
"""A record by kind and id."""


@dataclass(frozen=True)
class LastRender:
    """What the last build rendered, and from what: enough to tell which pages an edit touched."""

    kb: KnowledgeBase
    references: ReferenceLookup
    settings: Any
    """Everything else every page depends on (the site's options, the history), compared whole."""
    pages: Mapping[str, str]
    rows: RowCache = field(default_factory=RowCache)
    """The long listings' rows, which a rebuild takes again where they show the same values."""
    papers: Mapping[str, tuple[Paper, str]] = field(default_factory=dict)
    """Each paper's page by its slug, with the paper it was rendered from."""


def changed_since(last: LastRender | None, kb: KnowledgeBase, references: ReferenceLookup,
                  settings: Any) -> set[Record] | None:
    """The records changed since ``last``, a study whose reference reads differently among them.

    None when something every page shows changed too, or there is no last build.
    """
    if last is None or last.settings != settings or last.kb.themes != kb.themes:
        return None
    changed = changed_records(last.kb, kb)
    changed |= {("study", study_id) for study_id, study in kb.studies.items()
                if study_id in last.kb.studies and _reference(last.references, last.kb.studies[study_id].cite)
                != _reference(references, study.cite)}
    return changed


def records_to_render(changed: set[Record], kbs: list[KnowledgeBase]) -> set[Record]:
    """The records whose pages show something of the ``changed`` records, in any of ``kbs``."""
    near = within_reach(changed, kbs, FINDING_REACH)
    return {record for record in within_reach(changed, kbs) if record[0] != "finding" or record in near}


def untouched_papers(last: LastRender | None, kb: KnowledgeBase, changed: set[Record] | None,
                     papers: Iterable[Paper]) -> set[str]:
    """The slugs of the papers whose page (and PDF) show nothing of the ``changed`` records.

    A paper is untouched when it is the same paper as last time, the bibliography is the very same, and no
    changed record is within `REACH` links of a record it embeds or names, nor cites the same work as a study
    within that reach (a study sharing its work with another is cited with its title). A table is untouched
    when its rows show the same (`table_rows`); the matrix shows every finding's study and rating, so a paper
    with it is untouched only when no record changed.
    """
    if last is None or changed is None or kb.bibliography is not last.kb.bibliography:
        return set()
    kbs = [last.kb, kb]
    untouched = set()
    for paper in papers:
        kept = last.papers.get(paper.slug)
        if kept is None or kept[0] != paper:
            continue
        embeds = find_embeds(paper)
        if changed and not all(embed.is_record or _same_table(embed, last.kb, kb) for embed in embeds):
            continue
        shown = within_reach({(embed.kind, embed.target) for embed in embeds if embed.is_record}, kbs)
        cites = {k.studies[i].cite for k in kbs for kind, i in shown if kind == "study" and i in k.studies}
        if shown & changed or any(last.kb.cited_by.get(cite) != kb.cited_by.get(cite) for cite in cites):
            continue
        untouched.add(paper.slug)
    return untouched


def _same_table(embed: Embed, before: KnowledgeBase, after: KnowledgeBase) -> bool:
    """Whether ``embed`` is a table that shows the same rows ``before`` and ``after`` an edit."""
    if embed.kind != "table" or embed.target not in TABLES:
        return False
    kind = embed.target.removesuffix("s")
    return table_rows(before, kind) == table_rows(after, kind)


def changed_records(before: KnowledgeBase, after: KnowledgeBase) -> set[Record]:
    """Records added, removed or changed in any field."""
    changed = set()
    for kind, attribute in RECORD_KINDS.items():
        old, new = getattr(before, attribute), getattr(after, attribute)
        changed |= {(kind, record_id) for record_id in old.keys() | new.keys()
                    if (before_record := old.get(record_id)) is not (after_record := new.get(record_id))
                    and before_record != after_record}  # An unchanged file's record is the very same object.
    return changed


def within_reach(records: set[Record], kbs: list[KnowledgeBase], reach: int = REACH) -> set[Record]:
    """``records`` and every record up to ``reach`` links from them in any of ``kbs``.

    Links run between a finding and its study, barriers, facilitators and outcomes, both ways; they are walked
    from ``records`` only, through each knowledge base's own reverse links.
    """
    reached = set(records)
    frontier = set(records)
    for _ in range(reach):
        frontier = {near for record in frontier for kb in kbs for near in _neighbours(kb, record)} - reached
        reached |= frontier
    return reached


def _neighbours(kb: KnowledgeBase, record: Record) -> list[Record]:
    """The records one link from ``record`` in ``kb``."""
    kind, record_id = record
    if kind == "finding":
        finding = kb.findings.get(record_id)
        if finding is None:
            return []
        return [("study", finding.study), *(("barrier", b) for b in finding.barriers),
                *(("facilitator", f) for f in finding.facilitators), *(("outcome", o) for o in finding.outcomes)]
    by_kind = {"study": kb.findings_by_study, "barrier": kb.findings_by_barrier,
               "facilitator": kb.findings_by_facilitator, "outcome": kb.findings_by_outcome}.get(kind)
    return [("finding", f) for f in by_kind.get(record_id, ())] if by_kind is not None else []


def _reference(references: ReferenceLookup, key: str) -> object:
    """The formatted reference of ``key``, or None when there is none."""
    if key not in references:
        return None
    return references[key]
