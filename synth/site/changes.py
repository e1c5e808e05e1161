"""Versions on the site: each record's "History" section, the "What's changed" page, the home page's line.

The facts come from `synth.versions` (git history, and the comparison with the previous release); here
they become Markdown pages and page sections. Every date is a commit's date, so the same commit always
gives the same pages. Without git history each place says so instead of guessing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synth.records.diff import Comparison, records_of
from synth.records.git import version_phrase
from synth.records.history import History, RecordHistory
from synth.records.link import KnowledgeBase
from synth.site.markup import render_template
from synth.site.paths import FOLDERS, Links
from synth.versions import SiteChanges

CHANGES = "changes.md"
"""The "What's changed" page."""
HISTORY_DOWNLOAD = "downloads/history.json"
HISTORY_FORMAT_VERSION = 1


@dataclass(frozen=True)
class HistoryView:
    """What a record page's "History" section shows: the record's history, or why there is none."""

    record: RecordHistory | None
    unavailable: str | None
    noun: str
    """'confidence' for a finding, 'strongest confidence' for what findings support, '' for the rest."""


def history_view(changes: SiteChanges, kind: str, record_id: str) -> HistoryView:
    """The "History" section's content for one record."""
    noun = "confidence" if kind == "finding" else ("" if kind in ("study", "theme") else "strongest confidence")
    return HistoryView(changes.history.of(kind, record_id), changes.history.unavailable, noun)


def render_changes_page(changes: SiteChanges, kb: KnowledgeBase, links: Links) -> str:
    """The "What's changed" page: what differs from the previous release, grouped, linking records that exist."""
    comparison = changes.comparison
    known = {kind: set(records_of(kb, kind)) for kind in FOLDERS}
    return render_template("changes.md.j2", changes=changes, comparison=comparison, links=links,
                           version=version_phrase(changes.history.version), linkable=set(FOLDERS), known=known,
                           since=version_phrase(comparison.old) if comparison else None)


def changed_since_line(changes: SiteChanges, links: Links) -> str:
    """The home page's one line: how much changed since the previous release, linking the full list."""
    comparison = changes.comparison
    if comparison is None:
        return ""
    summary = "; ".join(f"{count} {label}".replace("1 ratings", "1 rating").replace("1 links", "1 link")
                        .replace("1 references", "1 reference")
                        for label, count in _counts(comparison).items() if count) or "nothing"
    return (f'<p class="synth-changed-since">Changed since {comparison.old.label}: {summary}. '
            f'<a href="{links.to(CHANGES)}">What’s changed</a></p>')


def _counts(comparison: Comparison) -> Mapping[str, int]:
    return {"added": len(comparison.added), "removed": len(comparison.removed),
            "ratings raised": len(comparison.raised), "ratings lowered": len(comparison.lowered),
            "reworded": len(comparison.reworded),
            "links changed": len(comparison.links_added) + len(comparison.links_removed),
            "references added": len(comparison.references_added)}


def history_download(history: History) -> dict[str, bytes]:
    """The open data's `history.json`: every record's history and the version, byte for byte stable."""
    data: dict[str, Any] = {
        "format": "synth-history", "version": HISTORY_FORMAT_VERSION,
        "knowledge_base": history.version.as_dict() if history.version else None,
        "available": history.available, "unavailable": history.unavailable,
        "records": [record.as_dict() for _, record in sorted(history.records.items())],
    }
    return {HISTORY_DOWNLOAD: (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()}
