"""Stages 1 and 1b kept between runs (load): record and bibliography parses, stored in the user's cache folder.

`synth check` run again on a project of thousands of records, a few of them edited, parses only the edited
files, as ruff and mypy re-check only what changed. Each record file's parse (its `RawRecord`, or the
`Diagnostic` saying why it could not be read) is stored under its path as shown, its kind and id, and a hash of
its bytes (`synth.records.cache.content_digest`); the bibliography's parse is stored under the paths and hashes
of every `.bib` file (one changed file parses them all again: ``@string`` macros cross files). Validation,
linking and every later check are always done again, so a stored parse can never hide a problem.

The store of a project is a folder in the user's cache folder (``$SYNTH_CACHE_DIR``, else the system's:
``$XDG_CACHE_HOME/synth`` or ``~/.cache/synth`` on Linux), named by a hash of the project's and display
folder's paths; nothing is written in the project. The record parses are spread over `SHARDS` files by a hash
of their key, so an edit rewrites one small file. Each file is written whole to a temporary file and moved into
place, and carries the fingerprint of the code that made it (`code_fingerprint`): a file that is unreadable,
corrupt, from another version of synth, PyYAML, pybtex or Python, or holding anything but parses (only the
classes a parse is made of are unpickled), is ignored and rewritten. Only the parses of the files the last check
read are kept, and only the `MAX_PROJECTS` projects checked most recently.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import shutil
import sys
import tempfile
import zlib
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import platformdirs
import pybtex
import yaml

import synth
from synth.errors import Diagnostic
from synth.project_files import display_path
from synth.records.cache import ContentCache, FileStatus, content_digest
from synth.records.load import RawRecord
from synth.records.yaml_values import YAML_LOADER
from synth.references.bibliography import Bibliography, load_bibliography

CACHE_DIR_ENV = "SYNTH_CACHE_DIR"
"""The environment variable naming the cache folder, instead of the system's cache folder for synth."""
NO_CACHE_ENV = "SYNTH_NO_CACHE"
"""The environment variable that, set to anything but empty or ``0``, turns the stored parses off (`--no-cache`)."""
SHARDS = 32
"""How many files a project's parses are spread over."""
MAX_PROJECTS = 16
"""How many projects' parses are kept; the least recently checked beyond this are removed."""
FORMAT = "synth-record-parses-3"
BIBLIOGRAPHY_FILE = "bibliography.pickle"
BibliographyRead = Callable[[], tuple[Bibliography, list[Diagnostic]]]
STORE_NAME_LENGTH = 24
"""A project's folder name: this many hexadecimal digits of a hash, and nothing else (what pruning removes)."""
ALLOWED_CLASSES = frozenset({
    ("synth.records.load", "RawRecord"), ("synth.records.load", "Positions"), ("synth.errors", "Diagnostic"),
    ("synth.errors", "Location"),
    ("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
    ("datetime", "timezone"), ("builtins", "set"), ("builtins", "frozenset"), ("builtins", "bytearray"),
    ("builtins", "int"), ("collections", "OrderedDict"), ("synth.references.bibliography", "Bibliography"),
    ("pybtex.database", "BibliographyData"), ("pybtex.database", "Entry"), ("pybtex.database", "Person"),
    ("pybtex.utils", "CaseInsensitiveDefaultDict"), ("pybtex.utils", "CaseInsensitiveSet"),
    ("pybtex.utils", "OrderedCaseInsensitiveDict"),
})
"""What a stored parse may hold besides plain values: records, diagnostics, the values YAML gives, and a
bibliography (pybtex's database, entries and people)."""


def stored_parses_disabled() -> bool:
    """Whether ``$SYNTH_NO_CACHE`` turns the stored parses off."""
    return os.environ.get(NO_CACHE_ENV, "") not in ("", "0")


def cache_root() -> Path:
    """The folder holding every project's stored parses: ``$SYNTH_CACHE_DIR``, else the system's cache folder."""
    chosen = os.environ.get(CACHE_DIR_ENV)
    return Path(chosen) if chosen else Path(platformdirs.user_cache_dir("synth", appauthor=False))


def code_fingerprint() -> str:
    """A hash of what decides a parse: synth's version and code, PyYAML's and pybtex's versions, Python's.

    Every module of synth counts, so a change to any code (in a working copy too) stores everything anew.
    """
    digest = hashlib.blake2b(digest_size=16)
    for part in (FORMAT, synth.__version__, yaml.__version__, YAML_LOADER.__name__, pybtex.__version__, sys.version):
        digest.update(part.encode() + b"\0")
    package = Path(synth.__file__).parent
    for module in sorted(package.rglob("*.py")):
        digest.update(module.relative_to(package).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


class _ParseUnpickler(pickle.Unpickler):
    """Unpickles stored parses only: any other class named in the data makes the file unreadable."""

    def find_class(self, module: str, name: str) -> Any:
        """The class, if a stored parse may hold it."""
        if (module, name) not in ALLOWED_CLASSES:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a stored parse")
        return super().find_class(module, name)


def _loads(data: bytes) -> Any:
    """What ``data`` holds, if it is made only of what a stored parse may hold (`_ParseUnpickler`)."""
    return _ParseUnpickler(io.BytesIO(data)).load()


def shard_of(key: Hashable) -> int:
    """Which of the `SHARDS` files holds the parse kept under ``key``: the same on every run."""
    return zlib.crc32(repr(key).encode("utf-8", "surrogatepass")) % SHARDS


class RecordStore:
    """A project's record parses stored between runs: `cache` gives them to `load_records`; `save` stores them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.cache = ContentCache()
        """The parses read from the store; `load_records` keeps in it what it parses."""
        self._fingerprint = code_fingerprint()
        self._read: dict[int, dict[Hashable, tuple[bytes, tuple[int, ...] | None]]] = {}
        """Each shard read whole: its keys, their digests and statuses, to tell whether it must be written again."""

    @classmethod
    def for_project(cls, project: Path, display_root: Path, root: Path | None = None) -> RecordStore:
        """The store of ``project`` with paths shown relative to ``display_root``, read from ``root``."""
        root = cache_root() if root is None else root
        name = hashlib.blake2b(f"{project.resolve()}\0{display_root.resolve()}".encode("utf-8", "surrogatepass"),
                               digest_size=STORE_NAME_LENGTH // 2).hexdigest()
        store = cls(root / name)
        store.read()
        return store

    def read(self) -> None:
        """Read every shard that is readable, current and well formed into `cache`; ignore the others."""
        for shard in range(SHARDS):
            read = self._read_shard(self.folder / f"records-{shard:02d}.pickle")
            if read is not None:
                entries, statuses = read
                self.cache.restore(entries, statuses)
                self._read[shard] = _shard_marks(entries, statuses)

    def _read_shard(self, path: Path) -> tuple[dict[Hashable, tuple[bytes, Any]], dict[Hashable, FileStatus]] | None:
        """One shard's parses and their files' statuses (none when it is missing); None to write it again.

        That is when it is unreadable, corrupt, stale or holds anything but parses.
        """
        try:
            stored = _loads(path.read_bytes())
        except FileNotFoundError:  # No parses in this shard.
            return {}, {}
        except Exception:  # Unreadable or corrupt: as if there were none.
            return None
        if not (isinstance(stored, tuple) and len(stored) == 3 and stored[0] == self._fingerprint
                and isinstance(stored[1], dict) and isinstance(stored[2], dict)):
            return None
        entries: dict[Hashable, tuple[bytes, Any]] = stored[1]
        for key, kept in entries.items():
            if not (isinstance(key, tuple) and len(key) == 3 and all(isinstance(part, str) for part in key)
                    and isinstance(kept, tuple) and len(kept) == 2 and isinstance(kept[0], bytes)
                    and isinstance(kept[1], RawRecord | Diagnostic)):
                return None
        statuses: dict[Hashable, FileStatus] = {}
        for key, status in stored[2].items():
            if not (key in entries and isinstance(status, tuple) and len(status) == len(FileStatus._fields)
                    and all(type(part) is int for part in status)):
                return None
            statuses[key] = FileStatus(*status)
        return entries, statuses

    def bibliography_reader(self, paths: Sequence[Path], display_root: Path) -> BibliographyRead:
        """What reads the bibliography of ``paths``.

        It is read from the store when it is there and current, else parsed (`load_bibliography`) and stored.
        """
        return partial(self._read_bibliography, paths, display_root)

    def _read_bibliography(self, paths: Sequence[Path], display_root: Path) -> tuple[Bibliography, list[Diagnostic]]:
        """The stored bibliography of ``paths`` when it is current, else the one parsed (and stored)."""
        key = b"".join(display_path(path, display_root).encode("utf-8", "surrogatepass") + b"\0" + _digest_of(path)
                       for path in paths)
        stored = self._stored_bibliography(key)
        return stored if stored is not None else self._parse_and_keep(key, paths, display_root)

    def _stored_bibliography(self, key: bytes) -> tuple[Bibliography, list[Diagnostic]] | None:
        """The stored bibliography for files of this ``key``, or None when there is none current and well formed."""
        try:
            stored = _loads((self.folder / BIBLIOGRAPHY_FILE).read_bytes())
            if not (isinstance(stored, tuple) and len(stored) == 3 and stored[:2] == (self._fingerprint, key)):
                return None
            value = _loads(stored[2])
        except Exception:  # Missing, unreadable or corrupt: as if there were none.
            return None
        if not (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], Bibliography)
                and isinstance(value[1], list) and all(isinstance(problem, Diagnostic) for problem in value[1])):
            return None
        return value

    def _parse_and_keep(self, key: bytes, paths: Sequence[Path],
                        display_root: Path) -> tuple[Bibliography, list[Diagnostic]]:
        """Parse the bibliography and store it for the next check (a failure to store it changes nothing)."""
        value = load_bibliography(paths, display_root)
        try:
            payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self._make_folder()
            self._write(self.folder / BIBLIOGRAPHY_FILE, (self._fingerprint, key, payload))
        except (OSError, pickle.PicklingError, RecursionError):
            pass
        return value

    def _make_folder(self) -> None:
        """Make the store's folder, removing the least recently checked projects' if it is new."""
        if not self.folder.is_dir():
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            _prune(self.folder.parent, keep=self.folder)

    def changed(self) -> dict[int, tuple[dict[Hashable, tuple[bytes, Any]], dict[Hashable, tuple[int, ...]]]]:
        """The shards to write again, each with its parses and their files' statuses (no parses: remove it).

        A shard is written again when the parses the last load used in it differ from those read (key or digest),
        or the statuses kept for them do.
        """
        by_shard: dict[int, dict[Hashable, tuple[bytes, Any]]] = {shard: {} for shard in range(SHARDS)}
        for key, kept in self.cache.used_entries().items():
            by_shard[shard_of(key)][key] = kept
        statuses = self.cache.used_statuses()
        changed = {}
        for shard, entries in by_shard.items():
            shard_statuses = {key: tuple(statuses[key]) for key in entries if key in statuses}
            if _shard_marks(entries, shard_statuses) != self._read.get(shard):
                changed[shard] = (entries, shard_statuses)
        return changed

    def save(self, changed: dict[int, tuple[dict[Hashable, tuple[bytes, Any]], dict[Hashable, tuple[int, ...]]]]
             | None = None) -> None:
        """Store the parses the last load used, rewriting only the shards that changed; never fails.

        ``changed`` is what `changed` gave, when the caller asked already.
        """
        try:
            self._make_folder()
            for shard, (entries, statuses) in (self.changed() if changed is None else changed).items():
                path = self.folder / f"records-{shard:02d}.pickle"
                if entries:
                    self._write(path, (self._fingerprint, entries, statuses))
                else:
                    path.unlink(missing_ok=True)
            os.utime(self.folder)  # The most recently checked projects are kept.
        except (OSError, pickle.PicklingError, RecursionError):  # A read-only or full disk: the next check parses.
            return

    def _write(self, path: Path, stored: object) -> None:
        """Write one file whole, to a temporary file moved into place: a reader sees the old or the new file."""
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".synth-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as output:
                pickle.dump(stored, output, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def _shard_marks(entries: Mapping[Hashable, tuple[bytes, Any]],
                 statuses: Mapping[Hashable, tuple[int, ...]]) -> dict[Hashable, tuple[bytes, tuple[int, ...] | None]]:
    """What tells whether a shard must be written again: each key's digest and its file's status, if kept."""
    return {key: (digest, tuple(statuses[key]) if key in statuses else None) for key, (digest, _) in entries.items()}


def _digest_of(path: Path) -> bytes:
    """The `content_digest` of a file's bytes, or a mark that it could not be read (the parse reports why)."""
    try:
        return content_digest(path.read_bytes())
    except OSError as error:
        return f"unreadable {error.errno}".encode()


def _prune(root: Path, keep: Path) -> None:
    """Remove the stores of the projects checked least recently beyond `MAX_PROJECTS`; nothing else in ``root``."""
    stores = [path for path in root.iterdir() if path != keep and len(path.name) == STORE_NAME_LENGTH
              and all(character in "0123456789abcdef" for character in path.name) and path.is_dir()
              and not path.is_symlink()]
    stores.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    for old in stores[MAX_PROJECTS - 1:]:
        shutil.rmtree(old, ignore_errors=True)
