"""Versions of the knowledge base: load one from git, compare two, and the `synth history` and `synth diff` commands.

A revision's `content/` and `bibliography/` come out of git in one `git archive`, are unpacked into a
temporary folder and go through the normal pipeline (`check_project`), so an old version is read exactly as
the current one is. The site's "What's changed" page compares the build with the previous release: the
newest tag before `HEAD`, or the revision the plugin's `compare_with` option names.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from synth.pipeline import check_project
from synth.records.diff import Comparison, RecordRef, Snapshot, compare
from synth.records.git import (
    Commit,
    GitUnavailable,
    Repository,
    RevisionError,
    Version,
    open_repository,
    read_version,
    version_phrase,
)
from synth.records.history import Event, FindingState, History, RecordHistory, known_findings, read_history
from synth.records.link import KnowledgeBase


def load_revision(repository: Repository, commit: Commit) -> Snapshot:
    """The knowledge base at ``commit``: its files taken out of git into a temporary folder, then checked."""
    archive = repository.archive(commit.sha, ("content", "bibliography"))
    with tempfile.TemporaryDirectory(prefix="synth-revision-") as folder:
        root = Path(folder)
        if archive:
            with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
                tar.extractall(root, filter="data")
        (root / "content").mkdir(exist_ok=True)
        result = check_project(root, display_root=root)
    return Snapshot(Version(commit, repository.tag_at(commit.sha)), result.kb, len(result.errors))


@dataclass(frozen=True)
class SiteChanges:
    """What the site shows of versions: every record's history, and the comparison with the last release."""

    history: History
    comparison: Comparison | None
    unavailable: str | None = None
    """Why there is no comparison (no git, no earlier release); None when there is one."""


def site_changes(project: Path, kb: KnowledgeBase, compare_with: str | None = None,
                 snapshots: dict[str, Snapshot] | None = None,
                 kept_findings: dict[str, tuple[object, str, FindingState]] | None = None) -> SiteChanges:
    """The history of every record, and how ``kb`` differs from the previous release (or ``compare_with``).

    ``snapshots`` keeps releases already loaded, by commit id (a commit never changes), across rebuilds;
    ``kept_findings`` keeps what history knows of each unchanged finding file (`known_findings`).
    """
    history = read_history(project, lambda: known_findings(project, kb, kept_findings))
    if not history.available or history.version is None:
        return SiteChanges(history, None, history.unavailable)
    repository = open_repository(project)
    revision = compare_with or repository.previous_tag(history.version.commit.sha)
    if revision is None:
        return SiteChanges(history, None, "no earlier release has been tagged yet")
    snapshots = {} if snapshots is None else snapshots
    try:
        commit = repository.resolve(revision)
        old = snapshots.get(commit.sha) or snapshots.setdefault(commit.sha, load_revision(repository, commit))
    except RevisionError as error:
        return SiteChanges(history, None, f"the release to compare with could not be found: {error}")
    return SiteChanges(history, compare(old, kb, history.version))


def version_extra(version: Version | None) -> dict[str, str | bool | None]:
    """The theme's `extra.synth_version`: the version as the footer shows it, and its parts."""
    return {"text": version_phrase(version), **(version.as_dict() if version else {})}


def theme_overrides() -> str:
    """The folder of synth's Material theme overrides (the footer with the version)."""
    return str(resources.files("synth.site") / "theme")


def plain(text: str) -> str:
    """Record text for a terminal: on one line, without control characters."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def event_line(event: Event, noun: str) -> str:
    """One event as a line of `synth history`: date, commit, what happened and the commit's message."""
    if event.kind == "added":
        what = f"added ({noun}: {event.new})" if event.new else "added"
    elif event.kind == "removed":
        what = "removed"
    elif event.direction:
        what = f"{noun} {event.direction}: {event.old} -> {event.new}"
    else:
        what = f"{noun}: {event.old or 'none'} -> {event.new or 'none'}"
    return f"  {event.commit.date}  {event.commit.short}  {what}  ({plain(event.commit.subject)})"


def history_text(history: RecordHistory) -> str:
    """A record's history as `synth history` prints it."""
    noun = "confidence" if history.kind == "finding" else "strongest confidence"
    lines = [f"{history.kind} {history.id}"]
    for label, commit in (("added", history.added), ("last changed", history.changed)):
        if commit is not None:
            lines.append(f"  {label}: {commit.date} {commit.short} ({plain(commit.subject)})")
    lines += [event_line(event, noun) for event in history.events]
    return "\n".join(lines)


def _ref(ref: RecordRef) -> str:
    return f"{ref.kind} {ref.id}: {plain(ref.title)}"


def _version(version: Version | None) -> str:
    if version is None:
        return "the files on disk"
    return f"{version.tag} ({version.date}, commit {version.commit.short})" if version.tag else (
        f"{version.commit.short} ({version.date})")


def comparison_text(comparison: Comparison) -> str:
    """A comparison as `synth diff` prints it: one section per kind of change, empty sections left out."""
    lines = [f"changes from {_version(comparison.old)} to {_version(comparison.new)}"]
    sections = [
        ("added", [_ref(r) for r in comparison.added]),
        ("removed", [_ref(r) for r in comparison.removed]),
        ("ratings lowered", [f"{_ref(r)} ({old or 'none'} -> {new or 'none'})" for r, old, new in comparison.lowered]),
        ("ratings raised", [f"{_ref(r)} ({old or 'none'} -> {new or 'none'})" for r, old, new in comparison.raised]),
        ("reworded", [f"{r.kind} {r.id} {name}:\n      was: {plain(old)}\n      now: {plain(new)}"
                      for r, name, old, new in comparison.reworded]),
        ("links added", [f"{r.kind} {r.id} {name}: {target}" for r, name, target in comparison.links_added]),
        ("links removed", [f"{r.kind} {r.id} {name}: {target}" for r, name, target in comparison.links_removed]),
        ("references added", list(comparison.references_added)),
        ("references removed", list(comparison.references_removed)),
    ]
    for title, items in sections:
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {item}" for item in items]
    if comparison.empty:
        lines.append("no changes")
    lines += [f"note: {note}" for note in comparison.notes]
    return "\n".join(lines)


def add_history_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `synth history ID` and `synth diff REV1 [REV2]`."""
    history = commands.add_parser("history", help="show a record's history from git",
                                  description="Show when a record was added and changed, and every change of "
                                              "its rating, from the project's git history.")
    history.add_argument("record", metavar="ID", help="the record's id")
    history.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                         help="the project folder holding content/ (default: .)")
    history.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    history.set_defaults(run=run_history)
    diff = commands.add_parser("diff", help="show what changed between two versions",
                               description="Compare the knowledge base at two git revisions, tags or dates "
                                           "(YYYY-MM-DD).")
    diff.add_argument("old", metavar="REV1", help="the older revision, tag or date")
    diff.add_argument("new", metavar="REV2", nargs="?", help="the newer one (default: the files on disk)")
    diff.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                      help="the project folder holding content/ (default: .)")
    diff.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    diff.set_defaults(run=run_diff)


def _usage_error(message: str) -> int:
    print(f"synth: error: {message}", file=sys.stderr)
    return 2


def run_history(args: argparse.Namespace) -> int:
    """Print the history of every record with the id; 1 when there is none or history is not available."""
    project: Path = args.project
    if not (project / "content").is_dir():
        return _usage_error(f"'{project}' has no content/ folder; pass --project DIR")
    history = read_history(project)
    if not history.available:
        print(f"synth history: {history.unavailable}", file=sys.stderr)
        return 1
    found = history.find(args.record)
    if not found:
        print(f"synth history: no committed record has the id '{plain(args.record)}'", file=sys.stderr)
        return 1
    if args.format == "json":
        print(json.dumps([record.as_dict() for record in found], indent=2, ensure_ascii=False))
    else:
        print("\n\n".join(history_text(record) for record in found))
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Print what changed between two revisions (or a revision and the files on disk)."""
    project: Path = args.project
    if not (project / "content").is_dir():
        return _usage_error(f"'{project}' has no content/ folder; pass --project DIR")
    try:
        repository = open_repository(project)
        old = load_revision(repository, repository.resolve(args.old))
        if args.new is None:
            new_kb, new_version = check_project(project, display_root=project).kb, None
        else:
            snapshot = load_revision(repository, repository.resolve(args.new))
            new_kb, new_version = snapshot.kb, snapshot.version
    except (GitUnavailable, RevisionError) as error:
        print(f"synth diff: {error}", file=sys.stderr)
        return 1
    comparison = compare(old, new_kb, new_version)
    if args.format == "json":
        print(json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(comparison_text(comparison))
    return 0


__all__ = ["SiteChanges", "add_history_commands", "load_revision", "read_version", "site_changes"]
