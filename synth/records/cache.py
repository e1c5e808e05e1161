"""Stages 1-2 kept (load, validate): what one check of a project keeps for the next, keyed by file content.

`mkdocs serve` checks the whole project again after every save. A file whose bytes are the same as last
time gives the same records and the same problems, so its parse is kept under its path and a hash of its
bytes, and the validation of each record it gave is kept with it. Files that are gone are forgotten at the
end of each check (`ContentCache.forget_unused`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


def content_digest(data: bytes) -> bytes:
    """A short hash of ``data``: equal digests stand for equal bytes."""
    return hashlib.blake2b(data, digest_size=20).digest()


@dataclass
class ContentCache:
    """Results computed from bytes, each kept under a key (a file's path and role) and the bytes' digest."""

    computed: int = 0
    """How many results were computed rather than reused, since the cache was made: what tests count."""
    _entries: dict[Hashable, tuple[bytes, Any]] = field(default_factory=dict)
    _derived: dict[Hashable, tuple[object, Any]] = field(default_factory=dict)
    _used: set[Hashable] = field(default_factory=set)

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

    def keep(self, key: Hashable, digest: bytes, value: Any) -> None:
        """Keep ``value``, computed from bytes of this `content_digest`, for ``key`` (counted as computed)."""
        self._used.add(key)
        self.computed += 1
        self._entries[key] = (digest, value)

    def restore(self, entries: Mapping[Hashable, tuple[bytes, Any]]) -> None:
        """Take results kept elsewhere (a cache stored on disk), each with its digest; none counts as computed."""
        self._entries.update(entries)

    def used_entries(self) -> dict[Hashable, tuple[bytes, Any]]:
        """The results asked for (by `get`, `kept` or `keep`) since the last `forget_unused`, with their digests."""
        return {key: kept for key, kept in self._entries.items() if key in self._used}

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
