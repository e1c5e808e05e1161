"""Stages 1-2 kept (load, validate): what one check of a project keeps for the next, keyed by file content.

`mkdocs serve` checks the whole project again after every save. A file whose bytes are the same as last
time gives the same records and the same problems, so its parse is kept under its path and a hash of its
bytes, and the validation of each record it gave is kept with it. Files that are gone are forgotten at the
end of each check (`ContentCache.forget_unused`). A file whose status (place, size, modification and change
times) is the one it had when it was read, long enough after it was written, is not even read again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


def content_digest(data: bytes) -> bytes:
    """A short hash of ``data``: equal digests stand for equal bytes."""
    return hashlib.blake2b(data, digest_size=20).digest()


class FileStatus(NamedTuple):
    """What the system says of a file that changes whenever its bytes do: where it is, its size and its times.

    The change time (``changed``) cannot be set back by a program, as the modification time can.
    """

    device: int
    inode: int
    size: int
    modified: int
    changed: int


SETTLED_NS = 2_000_000_000
"""How long before it was read a file must have been last written for its status to stand for its bytes (two
seconds: file systems stamp times in ticks of the clock, up to a few milliseconds, or two seconds on FAT)."""


def file_status(status: os.stat_result) -> FileStatus:
    """The `FileStatus` part of a file's status (``os.stat``, or a folder listing's)."""
    return FileStatus(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


@dataclass
class ContentCache:
    """Results computed from bytes, each kept under a key (a file's path and role) and the bytes' digest."""

    computed: int = 0
    """How many results were computed rather than reused, since the cache was made: what tests count."""
    _entries: dict[Hashable, tuple[bytes, Any]] = field(default_factory=dict)
    _derived: dict[Hashable, tuple[object, Any]] = field(default_factory=dict)
    _used: set[Hashable] = field(default_factory=set)
    _statuses: dict[Hashable, FileStatus] = field(default_factory=dict)
    """For a key whose file was read well after it was last written, that file's status then (`file_status`)."""

    def get(self, key: Hashable, data: bytes, compute: Callable[[], T]) -> T:
        """The result kept for ``key`` when ``data`` is unchanged, else ``compute()`` (then kept)."""
        digest = content_digest(data)
        self._used.add(key)
        kept = self._entries.get(key)
        if kept is not None and kept[0] == digest:
            result: T = kept[1]
            return result
        self.computed += 1
        value = compute()
        self._entries[key] = (digest, value)
        return value

    def kept(self, key: Hashable, digest: bytes) -> tuple[bool, Any]:
        """Whether a result is kept for ``key`` from bytes of this `content_digest`, and that result (else None)."""
        self._used.add(key)
        kept = self._entries.get(key)
        if kept is not None and kept[0] == digest:
            return True, kept[1]
        return False, None

    def has(self, key: Hashable, digest: bytes) -> bool:
        """Whether a result is kept for ``key`` from bytes of this `content_digest`; unlike `kept`, changes nothing."""
        kept = self._entries.get(key)
        return kept is not None and kept[0] == digest

    def keep(self, key: Hashable, digest: bytes, value: Any) -> None:
        """Keep ``value``, computed from bytes of this `content_digest`, for ``key`` (counted as computed)."""
        self._used.add(key)
        self.computed += 1
        self._entries[key] = (digest, value)
        self._statuses.pop(key, None)

    def kept_unread(self, key: Hashable, status: FileStatus | None) -> tuple[bool, Any]:
        """Whether the result kept for ``key`` was read from its file in this ``status``, and that result (else None).

        Then the file's bytes are unchanged, and need not be read.
        """
        if status is None or self._statuses.get(key) != status or key not in self._entries:
            return False, None
        self._used.add(key)
        return True, self._entries[key][1]

    def settled(self, key: Hashable, status: FileStatus, read_at: int) -> None:
        """The result kept for ``key`` was read, from ``read_at`` (`time.time_ns`), from a file of this ``status``.

        Kept for `kept_unread` only when the file was last written well before then: a file written in the same
        tick of the clock as it was read could be written again with the same times and size.
        """
        if status.modified < read_at - SETTLED_NS and key in self._entries:
            self._statuses[key] = status

    def restore(self, entries: Mapping[Hashable, tuple[bytes, Any]],
                statuses: Mapping[Hashable, FileStatus] | None = None) -> None:
        """Take results kept elsewhere (a cache stored on disk), each with its digest; none counts as computed.

        ``statuses`` are the statuses of the files they were read from (see `settled`).
        """
        self._entries.update(entries)
        self._statuses.update(statuses or {})

    def used_entries(self) -> dict[Hashable, tuple[bytes, Any]]:
        """The results asked for (by `get`, `kept` or `keep`) since the last `forget_unused`, with their digests."""
        return {key: kept for key, kept in self._entries.items() if key in self._used}

    def used_statuses(self) -> dict[Hashable, FileStatus]:
        """The file statuses kept (`settled`) for the results `used_entries` gives."""
        return {key: status for key, status in self._statuses.items() if key in self._used}

    def derived(self, key: Hashable, source: object, compute: Callable[[], T]) -> T:
        """A result computed from a kept result (``source``): kept while ``get`` gives back that same object."""
        self._used.add(key)
        kept = self._derived.get(key)
        if kept is not None and kept[0] is source:
            result: T = kept[1]
            return result
        value = compute()
        self._derived[key] = (source, value)
        return value

    def forget_unused(self) -> None:
        """Drop every entry not asked for since the last call: the files deleted or renamed since."""
        for key in set(self._entries) - self._used:
            del self._entries[key]
            self._statuses.pop(key, None)
        for key in set(self._derived) - self._used:
            del self._derived[key]
        self._used = set()

    def __len__(self) -> int:
        """How many results are kept."""
        return len(self._entries)


@dataclass
class ObjectMemo:
    """Results computed from an object kept by a `ContentCache`, remembered while that same object comes back."""

    computed: int = 0
    """How many results were computed rather than reused, since the memo was made."""
    _entries: dict[int, tuple[object, Any]] = field(default_factory=dict)
    _used: set[int] = field(default_factory=set)

    def get(self, source: object, compute: Callable[[], T]) -> T:
        """The result kept for this very ``source`` object, else ``compute()`` (then kept)."""
        self._used.add(id(source))
        kept = self._entries.get(id(source))
        if kept is not None and kept[0] is source:
            result: T = kept[1]
            return result
        self.computed += 1
        value = compute()
        self._entries[id(source)] = (source, value)  # Holding the source keeps its id from being reused.
        return value

    def forget_unused(self) -> None:
        """Drop every entry not asked for since the last call."""
        self._entries = {key: kept for key, kept in self._entries.items() if key in self._used}
        self._used = set()
