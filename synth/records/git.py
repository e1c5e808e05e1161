"""Reading git, for history and versions: the repository, the log in one pass, blobs in one batch, the version.

The knowledge base's version is the tag naming the checked-out commit, or its short id, with the commit's date.

Everything here is a thin, checked call of the `git` command. Nothing guesses: when the project is not in a
git repository, the repository is a shallow clone, or git is not installed, `GitUnavailable` says why, and
callers show that history is not available. Dates are commit dates, never the clock, so the same commit
always gives the same answers.
"""

from __future__ import annotations

import datetime
import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REVISION_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
"""A revision written as a date: the knowledge base as it stood at the end of that day (UTC)."""
SHORT_COMMIT = 10
"""Characters of a commit id shown as the version when no tag names it (fixed, so builds stay identical)."""


class GitUnavailable(Exception):
    """History cannot be read: the reason, in words a reader understands."""


class RevisionError(Exception):
    """A revision, tag or date names no commit."""


@dataclass(frozen=True)
class Commit:
    """One commit: its id, its commit date (UTC) and the first line of its message."""

    sha: str
    timestamp: int
    subject: str

    @property
    def date(self) -> datetime.date:
        """The commit date, in UTC."""
        return datetime.datetime.fromtimestamp(self.timestamp, datetime.UTC).date()

    @property
    def short(self) -> str:
        """The commit id, shortened."""
        return self.sha[:SHORT_COMMIT]


@dataclass(frozen=True)
class Repository:
    """The git repository holding a project, and the project's folder inside it."""

    project: Path
    prefix: str
    """The project folder relative to the repository's top, with a trailing slash ('' at the top)."""
    top: Path
    """The repository's top folder."""

    def run(self, *args: str, data: bytes | None = None) -> bytes:
        """Run ``git args`` in the project folder; raises `GitUnavailable` when it fails."""
        return _git(self.project, *args, data=data)

    def resolve(self, revision: str) -> Commit:
        """The commit a revision, tag or date (``YYYY-MM-DD``) names; raises `RevisionError` if none."""
        if REVISION_DATE.match(revision):
            found = self.run("rev-list", "-1", "--first-parent", f"--before={revision} 23:59:59 +0000", "HEAD")
            if not found.strip():
                raise RevisionError(f"no commit on or before {revision}")
            revision = found.decode().strip()
        try:
            sha = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}")
        except GitUnavailable:
            raise RevisionError(f"'{revision}' names no commit") from None
        return self.commit(sha.decode().strip())

    def commit(self, sha: str) -> Commit:
        """The date and subject of one commit."""
        out = self.run("show", "-s", "--format=%H%x00%ct%x00%s", sha).decode("utf-8", "replace")
        full, timestamp, subject = out.rstrip("\n").split("\0", 2)
        return Commit(full, int(timestamp), subject)

    def tag_at(self, sha: str) -> str | None:
        """The newest tag naming exactly this commit, if any (sorted by name for a stable choice)."""
        tags = self.run("tag", "--points-at", sha, "--sort=-creatordate", "--sort=-version:refname").decode()
        names = [line for line in tags.splitlines() if line]
        return names[0] if names else None

    def previous_tag(self, sha: str) -> str | None:
        """The newest tag reachable from the commit's first parent: the release before this commit."""
        try:
            found = self.run("describe", "--tags", "--abbrev=0", f"{sha}^")
        except GitUnavailable:
            return None
        return found.decode().strip() or None

    def read_blobs(self, blob_ids: Iterable[str]) -> dict[str, bytes]:
        """The contents of many blobs, read by one `git cat-file --batch`."""
        ids = list(dict.fromkeys(blob_ids))
        if not ids:
            return {}
        out = self.run("cat-file", "--batch", data="".join(f"{i}\n" for i in ids).encode())
        blobs: dict[str, bytes] = {}
        position = 0
        for blob_id in ids:
            end = out.index(b"\n", position)
            header = out[position:end].split()
            if len(header) < 3 or header[1] == b"missing":
                position = end + 1
                continue
            size = int(header[2])
            blobs[blob_id] = out[end + 1:end + 1 + size]
            position = end + 1 + size + 1
        return blobs

    def archive(self, sha: str, folders: Iterable[str]) -> bytes:
        """A tar archive of the project's ``folders`` at a commit, paths relative to the project.

        Empty bytes when the commit has none of them (the project folder did not exist yet).
        """
        tree = f"{sha}:{self.prefix}"  # Both commands read paths from the top, wherever the project is.
        try:
            present = _git(self.top, "ls-tree", "--name-only", tree).decode().splitlines()
        except GitUnavailable:
            return b""
        wanted = [folder for folder in folders if folder in present]
        return _git(self.top, "archive", "--format=tar", tree, "--", *wanted) if wanted else b""


def _git(cwd: Path, *args: str, data: bytes | None = None) -> bytes:
    if shutil.which("git") is None:
        raise GitUnavailable("git is not installed")
    environment = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        result = subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, env=environment,
                                check=False)
    except OSError as error:
        raise GitUnavailable(f"git could not run ({error.strerror})") from None
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitUnavailable(message[0] if message else f"git {args[0]} failed")
    return result.stdout


def open_repository(project: Path, *, need_history: bool = True) -> Repository:
    """The repository holding ``project``.

    Raises `GitUnavailable` when there is none or, when ``need_history``, it is a shallow clone (history cut off).
    """
    try:
        found = _git(project, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository", "--verify",
                     "HEAD")
    except GitUnavailable:
        raise GitUnavailable("the project is not in a git repository with commits") from None
    top, prefix, shallow, _ = found.decode().split("\n", 3)
    if need_history and shallow.strip() == "true":
        raise GitUnavailable("the repository is a shallow clone, so its history is incomplete")
    return Repository(project, prefix.strip(), Path(top))


@dataclass(frozen=True)
class Version:
    """The knowledge base's version: the tag naming its commit, or the short commit, and the commit's date."""

    commit: Commit
    tag: str | None
    modified: bool = False
    """Whether the files read differ from the commit's (records or references changed but not committed)."""

    @property
    def label(self) -> str:
        """The tag, or the short commit id."""
        return self.tag or self.commit.short

    @property
    def date(self) -> datetime.date:
        """The commit's date."""
        return self.commit.date

    def as_dict(self) -> dict[str, str | bool | None]:
        """The version as plain data (``modified`` only when the files differ from the commit)."""
        return {"version": self.label, "tag": self.tag, "commit": self.commit.sha, "date": self.date.isoformat(),
                **({"modified": True} if self.modified else {})}


def version_phrase(version: Version | None) -> str:
    """``v0.2.0 (2026-03-12)``: how pages, papers and citations name the knowledge base's version."""
    if version is None:
        return "version not recorded (no git history)"
    phrase = f"{version.label} ({version.date.isoformat()})"
    return f"{phrase}, with changes not yet committed" if version.modified else phrase


def read_version(project: Path) -> Version | None:
    """The version of the project's checked-out commit, or None outside git (a shallow clone still has one)."""
    try:
        repository = open_repository(project, need_history=False)
        commit = repository.commit("HEAD")
        changed = repository.run("status", "--porcelain", "--", "content", "bibliography")
        return Version(commit, repository.tag_at(commit.sha), bool(changed.strip()))
    except GitUnavailable:
        return None


Change = tuple[str, str, str]
"""One changed file of a commit: its status (A, M or D), its new blob id, and its path in the project."""


def log_changes(repository: Repository, folder: str) -> Iterator[tuple[Commit, list[Change]]]:
    """Each commit touching ``folder``, oldest first along first parents, with its changed files (one `git log`)."""
    out = repository.run("log", "--first-parent", "--diff-merges=first-parent", "--reverse", "--raw", "-z",
                         "--no-abbrev", "--no-renames", "--relative", "--format=%x01%H%x00%ct%x00%s%x00",
                         "HEAD", "--", folder).decode("utf-8", "replace")
    tokens = out.split("\0")
    index = 0
    commit: Commit | None = None
    changes: list[Change] = []
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if token.startswith("\x01"):
            if commit is not None:
                yield commit, changes
            commit, changes = Commit(token[1:], int(tokens[index + 1]), tokens[index + 2]), []
            index += 3
        elif token.startswith(":") and index + 1 < len(tokens):
            fields = token.split()
            changes.append((fields[4][:1], fields[3], tokens[index + 1]))
            index += 2
        else:
            index += 1
    if commit is not None:
        yield commit, changes
