"""What changed between two versions of the knowledge base: records, ratings, wording, links and references.

`compare` reports what differs between two linked knowledge bases: records added and removed, ratings
raised or lowered, statements and summaries reworded, links added or removed, references added or removed.
`synth.versions` loads a knowledge base at a git revision to compare with. Record kinds come from the
schema, so every kind is compared alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from synth.records.git import Version
from synth.records.link import KnowledgeBase
from synth.records.schema import FOLDERS, MODELS, RATING_ORDER, Record

REWORDED_FIELDS = ("statement", "summary", "what_to_do")
"""The text fields whose rewording is reported: what a reader acts on."""
LINK_FIELDS: Mapping[str, str] = {"study": "study", "themes": "theme", **FOLDERS}
"""Fields that name other records, and the kind each names."""
KIND_FOLDERS: Mapping[str, str] = {**{kind: folder for folder, kind in FOLDERS.items()}, "theme": "themes"}


@dataclass(frozen=True)
class Snapshot:
    """The knowledge base as it stood at one version, and how many errors its check found."""

    version: Version
    kb: KnowledgeBase
    errors: int = 0


def records_of(kb: KnowledgeBase, kind: str) -> Mapping[str, Record]:
    """The records of one kind (an empty mapping for a kind this knowledge base does not have)."""
    records: Mapping[str, Record] = getattr(kb, KIND_FOLDERS.get(kind, ""), {})
    return records


def rating_of(kb: KnowledgeBase, kind: str, record_id: str) -> str | None:
    """A finding's overall rating, or the strongest confidence of a record findings support."""
    if kind == "finding":
        return kb.findings[record_id].confidence.overall.rating
    summary = kb.support.get((kind, record_id))
    return summary.highest_confidence if summary is not None else None


def title_of(kb: KnowledgeBase, kind: str, record_id: str) -> str:
    """What a reader calls the record: its name, title or statement."""
    record = records_of(kb, kind)[record_id]
    for name in ("name", "title", "statement"):
        value = getattr(record, name, None)
        if isinstance(value, str):
            return value
    return record_id


@dataclass(frozen=True)
class RecordRef:
    """A record named in a comparison: kind, id and what readers call it."""

    kind: str
    id: str
    title: str

    def as_dict(self) -> dict[str, str]:
        """Plain data."""
        return {"kind": self.kind, "id": self.id, "title": self.title}


@dataclass(frozen=True)
class Comparison:
    """Everything that differs between an older and a newer version of the knowledge base."""

    old: Version
    new: Version | None
    added: tuple[RecordRef, ...] = ()
    removed: tuple[RecordRef, ...] = ()
    ratings: tuple[tuple[RecordRef, str | None, str | None], ...] = ()
    reworded: tuple[tuple[RecordRef, str, str, str], ...] = ()
    links_added: tuple[tuple[RecordRef, str, str], ...] = ()
    links_removed: tuple[tuple[RecordRef, str, str], ...] = ()
    references_added: tuple[str, ...] = ()
    references_removed: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def raised(self) -> list[tuple[RecordRef, str | None, str | None]]:
        """Ratings that went up (or appeared)."""
        return [change for change in self.ratings if direction(change[1], change[2]) == "raised"]

    @property
    def lowered(self) -> list[tuple[RecordRef, str | None, str | None]]:
        """Ratings that went down (or disappeared)."""
        return [change for change in self.ratings if direction(change[1], change[2]) == "lowered"]

    @property
    def empty(self) -> bool:
        """Whether nothing changed."""
        return not (self.added or self.removed or self.ratings or self.reworded or self.links_added
                    or self.links_removed or self.references_added or self.references_removed)

    def as_dict(self) -> dict[str, Any]:
        """The comparison as plain data, for `synth diff --format json`."""
        return {
            "from": self.old.as_dict(), "to": self.new.as_dict() if self.new else None,
            "added": [r.as_dict() for r in self.added], "removed": [r.as_dict() for r in self.removed],
            "ratings": [{**r.as_dict(), "from": old, "to": new, "direction": direction(old, new)}
                        for r, old, new in self.ratings],
            "reworded": [{**r.as_dict(), "field": name, "from": old, "to": new}
                         for r, name, old, new in self.reworded],
            "links_added": [{**r.as_dict(), "field": name, "target": target}
                            for r, name, target in self.links_added],
            "links_removed": [{**r.as_dict(), "field": name, "target": target}
                              for r, name, target in self.links_removed],
            "references_added": list(self.references_added),
            "references_removed": list(self.references_removed),
            "notes": list(self.notes),
        }


def direction(old: str | None, new: str | None) -> str:
    """'raised' when ``new`` is the stronger rating (or the only one), else 'lowered'."""
    return "raised" if RATING_ORDER.get(new or "", -1) > RATING_ORDER.get(old or "", -1) else "lowered"


def compare(old: Snapshot, new: KnowledgeBase, new_version: Version | None) -> Comparison:
    """What differs between the knowledge base at ``old`` and ``new``, record kinds in schema order."""
    added: list[RecordRef] = []
    removed: list[RecordRef] = []
    ratings: list[tuple[RecordRef, str | None, str | None]] = []
    reworded: list[tuple[RecordRef, str, str, str]] = []
    links_added: list[tuple[RecordRef, str, str]] = []
    links_removed: list[tuple[RecordRef, str, str]] = []
    for kind in MODELS:
        before, after = records_of(old.kb, kind), records_of(new, kind)
        added += [RecordRef(kind, i, title_of(new, kind, i)) for i in sorted(set(after) - set(before))]
        removed += [RecordRef(kind, i, title_of(old.kb, kind, i)) for i in sorted(set(before) - set(after))]
        for record_id in sorted(set(before) & set(after)):
            ref = RecordRef(kind, record_id, title_of(new, kind, record_id))
            old_rating, new_rating = rating_of(old.kb, kind, record_id), rating_of(new, kind, record_id)
            if kind != "study" and kind != "theme" and old_rating != new_rating:
                ratings.append((ref, old_rating, new_rating))
            reworded += [(ref, name, a, b) for name, a, b in _reworded(before[record_id], after[record_id])]
            for name, target, present in _links(before[record_id], after[record_id]):
                (links_added if present else links_removed).append((ref, name, target))
    for ref in added:  # A new record's links are new links too.
        for name, target, _ in _links(None, records_of(new, ref.kind)[ref.id]):
            links_added.append((ref, name, target))
    old_keys, new_keys = set(old.kb.bibliography.keys()), set(new.bibliography.keys())
    notes = (f"the knowledge base at {old.version.label} had {old.errors} error(s); records with errors are left "
             "out of the comparison",) if old.errors else ()
    return Comparison(old.version, new_version, tuple(added), tuple(removed), tuple(ratings), tuple(reworded),
                      tuple(links_added), tuple(links_removed), tuple(sorted(new_keys - old_keys)),
                      tuple(sorted(old_keys - new_keys)), notes)


def _reworded(before: Record, after: Record) -> Iterator[tuple[str, str, str]]:
    for name in REWORDED_FIELDS:
        old, new = getattr(before, name, None), getattr(after, name, None)
        if isinstance(old, str) and isinstance(new, str) and " ".join(old.split()) != " ".join(new.split()):
            yield name, old, new


def _links(before: Record | None, after: Record) -> Iterator[tuple[str, str, bool]]:
    """(field, target, True if added / False if removed) for each link that differs."""
    for name in LINK_FIELDS:
        if name not in type(after).model_fields:
            continue
        old = _targets(getattr(before, name, None)) if before is not None else []
        new = _targets(getattr(after, name, None))
        yield from ((name, target, True) for target in new if target not in old)
        yield from ((name, target, False) for target in old if target not in new)


def _targets(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [item for item in value if isinstance(item, str)]
    return []
