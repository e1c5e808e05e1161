"""History of every record from git, in one pass over the log, and the knowledge base's version.

One `git log --raw` over `content/` lists, commit by commit along the main line (first parents), every
record file added, changed or removed with its blob ids; one `git cat-file --batch` then reads the changed
findings (and `themes.yaml`), parsed with the loader every other stage uses. Walking the commits oldest
first, we keep each finding's overall rating and links, so each barrier's, facilitator's (or any other
kind a finding links to) strongest confidence is recomputed at every commit that could change it. Each
record gets when it was added and last changed, and every change of its rating with the commit's date and
message as the reason. Record kinds come from the schema's folders, so a new kind is covered as it lands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from synth.records.git import (
    Change,
    Commit,
    GitUnavailable,
    Version,
    log_changes,
    open_repository,
    read_version,
)
from synth.records.link import KnowledgeBase
from synth.records.load import YamlProblem, parse_yaml
from synth.records.schema import FOLDERS, MODELS, RATING_ORDER, RATINGS

THEMES_FILE = "content/themes.yaml"
RATED_KIND = "finding"
"""The kind whose own rating is recorded; kinds a finding links to get the strongest of their findings."""
LINK_FIELDS: Mapping[str, str] = {
    folder: kind for folder, kind in FOLDERS.items()
    if kind not in ("study", RATED_KIND) and folder in MODELS[RATED_KIND].model_fields}
"""A finding's link fields (``barriers``) and the kind each names: every kind of record a finding supports."""
RecordKey = tuple[str, str]
EventKind = Literal["added", "removed", "rating"]


@dataclass(frozen=True)
class Event:
    """One moment in a record's history: added, removed, or a rating changed from ``old`` to ``new``."""

    kind: EventKind
    commit: Commit
    old: str | None = None
    new: str | None = None

    @property
    def direction(self) -> str | None:
        """'raised' or 'lowered' for a rating change between two ratings; None otherwise."""
        if self.kind != "rating" or self.old is None or self.new is None:
            return None
        return "raised" if RATING_ORDER[self.new] > RATING_ORDER[self.old] else "lowered"

    def as_dict(self) -> dict[str, Any]:
        """The event as plain data for the open data and `--format json`."""
        return {"event": self.kind, "date": self.commit.date.isoformat(), "commit": self.commit.sha,
                "reason": self.commit.subject, "from": self.old, "to": self.new, "direction": self.direction}


@dataclass(frozen=True)
class RecordHistory:
    """A record's history: when it was added and last changed, and its events in date order."""

    kind: str
    id: str
    added: Commit | None
    changed: Commit | None
    events: tuple[Event, ...]

    @property
    def rating_changes(self) -> tuple[Event, ...]:
        """Only the changes of rating."""
        return tuple(event for event in self.events if event.kind == "rating")

    def as_dict(self) -> dict[str, Any]:
        """The history as plain data."""
        return {"kind": self.kind, "id": self.id,
                "added": _commit_dict(self.added), "last_changed": _commit_dict(self.changed),
                "events": [event.as_dict() for event in self.events]}


def _commit_dict(commit: Commit | None) -> dict[str, str] | None:
    if commit is None:
        return None
    return {"date": commit.date.isoformat(), "commit": commit.sha, "reason": commit.subject}


@dataclass(frozen=True)
class History:
    """Every record's history, or why there is none (``unavailable``), and the version when known."""

    records: Mapping[RecordKey, RecordHistory]
    version: Version | None = None
    unavailable: str | None = None
    """Why history could not be read (no git, a shallow clone); None when it was read."""

    @property
    def available(self) -> bool:
        """Whether history was read."""
        return self.unavailable is None

    def of(self, kind: str, record_id: str) -> RecordHistory | None:
        """One record's history; None when the record has none (not committed yet, or no history)."""
        return self.records.get((kind, record_id))

    def find(self, record_id: str) -> list[RecordHistory]:
        """Every record with this id, whatever its kind."""
        return [history for (_, found), history in sorted(self.records.items()) if found == record_id]


def read_history(project: Path,
                 known: Mapping[str, FindingState] | Callable[[], Mapping[str, FindingState]] | None = None) -> History:
    """The history of every record under ``project/content``, from the commits up to ``HEAD``.

    ``known`` maps blob ids to finding versions already read (see `known_findings`): those are not read again.
    It may be given as what makes it, which is then called only when there is history to read.
    """
    version = read_version(project)
    try:
        repository = open_repository(project)
        commits = list(log_changes(repository, "content"))
    except GitUnavailable as error:
        return History({}, version, f"history is not available: {error}")
    known = (known() if commits else {}) if callable(known) else known or {}
    blobs = repository.read_blobs(blob for blob in _blobs_to_read(commits) if blob not in known)
    return History(_Walk(blobs, known).run(commits), version)


def blob_id(data: bytes) -> str:
    """The id git gives a file's content (its blob id)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def known_findings(project: Path, kb: KnowledgeBase,
                   kept: dict[str, tuple[object, str, FindingState]] | None = None) -> dict[str, FindingState]:
    """The findings a build has already read and validated, by the blob id of their files on disk.

    A committed finding whose file is unchanged has the same blob id, so history need not parse it again. A
    file git would store differently (line-end conversion) simply has another id, and is read from git.
    ``kept`` (held by the caller across the rebuilds of `mkdocs serve`, whose check gives an unchanged file's
    finding as the very same object) keeps each finding's blob id and state, so an unchanged file is not read.
    """
    known: dict[str, FindingState] = {}
    for finding_id, finding in kb.findings.items():
        last = kept.get(finding_id) if kept is not None else None
        if last is not None and last[0] is finding:
            known[last[1]] = last[2]
            continue
        path = project / "content" / "findings" / f"{finding_id}.yaml"
        try:
            data = path.read_bytes()
        except OSError:
            continue
        links = {(kind, target) for field, kind in LINK_FIELDS.items() for target in getattr(finding, field)}
        blob, state = blob_id(data), FindingState(finding.confidence.overall.rating, frozenset(links))
        known[blob] = state
        if kept is not None:
            kept[finding_id] = (finding, blob, state)
    if kept is not None:
        for gone in kept.keys() - kb.findings.keys():
            del kept[gone]
    return known


def record_of(path: str) -> RecordKey | None:
    """The (kind, id) of a record file path such as ``content/findings/x.yaml``; None for other files."""
    parts = path.split("/")
    if len(parts) == 3 and parts[0] == "content" and parts[1] in FOLDERS and parts[2].endswith(".yaml"):
        return FOLDERS[parts[1]], parts[2].removesuffix(".yaml")
    return None


def _blobs_to_read(commits: list[tuple[Commit, list[Change]]]) -> Iterator[str]:
    """The new blobs of every added or changed finding, and of `themes.yaml`: what ratings come from."""
    for _, changes in commits:
        for status, blob, path in changes:
            key = record_of(path)
            if status != "D" and ((key is not None and key[0] == RATED_KIND) or path == THEMES_FILE):
                yield blob


@dataclass(frozen=True)
class FindingState:
    """What a finding version contributes: its rating (None if unreadable) and the records it links to."""

    rating: str | None
    links: frozenset[RecordKey]


def read_finding(data: bytes) -> FindingState:
    """The rating and links of one finding version; an unreadable version has no rating and no links."""
    try:
        value, _, _ = parse_yaml(data.decode("utf-8"))
    except (YamlProblem, UnicodeDecodeError, RecursionError):
        return FindingState(None, frozenset())
    if not isinstance(value, dict):
        return FindingState(None, frozenset())
    overall = (value.get("confidence") or {}).get("overall") if isinstance(value.get("confidence"), dict) else None
    rating = overall.get("rating") if isinstance(overall, dict) else None
    links = {(kind, target) for field, kind in LINK_FIELDS.items() if isinstance(value.get(field), list)
             for target in value[field] if isinstance(target, str)}
    return FindingState(rating if rating in RATINGS else None, frozenset(links))


class _Walk:
    """The walk over the commits, oldest first, keeping the state each rating is computed from."""

    def __init__(self, blobs: Mapping[str, bytes], known: Mapping[str, FindingState]) -> None:
        self.blobs = blobs
        self.parsed: dict[str, FindingState] = dict(known)
        self.findings: dict[str, FindingState] = {}
        self.linking: dict[RecordKey, set[str]] = {}
        self.present: set[RecordKey] = set()
        self.strongest: dict[RecordKey, str | None] = {}
        self.themes: dict[str, Any] = {}
        self.added: dict[RecordKey, Commit] = {}
        self.changed: dict[RecordKey, Commit] = {}
        self.events: dict[RecordKey, list[Event]] = {}

    def run(self, commits: list[tuple[Commit, list[Change]]]) -> dict[RecordKey, RecordHistory]:
        for commit, changes in commits:
            self._commit(commit, changes)
        return {key: RecordHistory(key[0], key[1], self.added.get(key), self.changed.get(key),
                                   tuple(self.events.get(key, ())))
                for key in sorted(self.changed)}

    def _commit(self, commit: Commit, changes: list[Change]) -> None:
        touched: set[RecordKey] = set()
        for status, blob, path in changes:
            key = record_of(path)
            if path == THEMES_FILE:
                self._themes(commit, None if status == "D" else self.blobs.get(blob))
            elif key is not None:
                self._record(commit, key, status, blob, touched)
        for key in sorted(touched):
            self._update_strongest(commit, key)

    def _record(self, commit: Commit, key: RecordKey, status: str, blob: str, touched: set[RecordKey]) -> None:
        self.changed[key] = commit
        if status == "D":
            self.present.discard(key)
            self._event(key, Event("removed", commit))
        elif key not in self.present:
            self.present.add(key)
            self.added.setdefault(key, commit)
            self._event(key, Event("added", commit))
        if key[0] in LINK_FIELDS.values():
            touched.add(key)
        if key[0] == RATED_KIND:
            self._finding(commit, key, None if status == "D" else self._parse(blob), touched)

    def _parse(self, blob: str) -> FindingState:
        if blob not in self.parsed:
            data = self.blobs.get(blob)
            self.parsed[blob] = read_finding(data) if data is not None else FindingState(None, frozenset())
        return self.parsed[blob]

    def _finding(self, commit: Commit, key: RecordKey, state: FindingState | None, touched: set[RecordKey]) -> None:
        finding_id = key[1]
        old = self.findings.pop(finding_id, None)
        if old is not None:
            for target in old.links:
                self.linking.get(target, set()).discard(finding_id)
            touched.update(old.links)
        if state is None:
            return
        if state.rating is None and old is not None:  # An unreadable version keeps the last rating it had.
            state = FindingState(old.rating, state.links)
        self.findings[finding_id] = state
        for target in state.links:
            self.linking.setdefault(target, set()).add(finding_id)
        touched.update(state.links)
        if old is not None and state.rating != old.rating:
            self._event(key, Event("rating", commit, old.rating, state.rating))
        elif self.events[key][-1].kind == "added" and self.events[key][-1].commit == commit:
            self.events[key][-1] = Event("added", commit, None, state.rating)

    def _update_strongest(self, commit: Commit, key: RecordKey) -> None:
        """Recompute a linked record's strongest confidence; note a change while the record exists."""
        ratings = [self.findings[f].rating for f in self.linking.get(key, ()) if self.findings[f].rating]
        strongest = max(ratings, key=lambda r: RATING_ORDER[r or ""]) if ratings else None
        previous = self.strongest.get(key)
        self.strongest[key] = strongest
        if key not in self.present:
            return
        last = self.events[key][-1]
        if last.kind == "added" and last.commit == commit:
            self.events[key][-1] = Event("added", commit, None, strongest)
        elif strongest != previous:
            self._event(key, Event("rating", commit, previous, strongest))

    def _themes(self, commit: Commit, data: bytes | None) -> None:
        """`themes.yaml` holds every theme: compare each theme's fields with the version before."""
        themes: dict[str, Any] = {}
        if data is not None:
            try:
                value, _, _ = parse_yaml(data.decode("utf-8"))
                themes = value if isinstance(value, dict) else {}
            except (YamlProblem, UnicodeDecodeError, RecursionError):
                return
        for theme_id in sorted(set(themes) | set(self.themes)):
            key = ("theme", str(theme_id))
            if theme_id not in themes:
                self.present.discard(key)
                self._event(key, Event("removed", commit))
            elif theme_id not in self.themes:
                self.present.add(key)
                self.added.setdefault(key, commit)
                self._event(key, Event("added", commit))
            elif themes[theme_id] == self.themes[theme_id]:
                continue
            self.changed[key] = commit
        self.themes = themes

    def _event(self, key: RecordKey, event: Event) -> None:
        self.events.setdefault(key, []).append(event)
