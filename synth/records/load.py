"""Stage 1, load: read every record file into plain data that remembers where each value came from.

Each file is read by `synth.records.yaml_values`, so every field keeps its position and a later stage can
point at the exact line of a bad value. Loading never raises on bad content: each problem becomes a located
`Diagnostic` and the file is skipped.
"""

from __future__ import annotations

import enum
import io
import os
import pickle
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from synth.errors import Diagnostic, Location
from synth.forked import in_two_processes
from synth.project_files import MAX_FILE_BYTES, check_project_file, display_path, list_project_files, read_project_file
from synth.records.cache import ContentCache, FileStatus, content_digest, file_status
from synth.records.schema import FOLDERS
from synth.records.yaml_values import (
    MAX_DEPTH,
    MAX_NODES,
    MAX_TEXT,
    YAML_LOADER,
    KeyPath,
    YamlProblem,
    parse_yaml,
)

__all__ = [  # Re-exported: later stages import them from here.
    "MAX_DEPTH", "MAX_NODES", "MAX_TEXT", "YAML_LOADER", "KeyPath", "YamlProblem", "display_path", "parse_yaml"]


class Positions(Mapping[KeyPath, tuple[int, int]]):
    """Where each value (or key) of a record file is, by key path: (line, column), both from 1.

    Made from the table a parse gives. Pickled (a parse stored between checks, or handed back by a child
    process), it stays the bytes it was pickled to until a position is first asked for: a check reads every
    stored parse but looks up positions only for the problems it reports, and reading them all would cost as
    much as reading the records themselves.
    """

    __slots__ = ("_pickled", "_table")

    def __init__(self, table: Mapping[KeyPath, tuple[int, int]] | bytes) -> None:
        self._table: Mapping[KeyPath, tuple[int, int]] | None = None if isinstance(table, bytes) else table
        self._pickled = table if isinstance(table, bytes) else None

    def _loaded(self) -> Mapping[KeyPath, tuple[int, int]]:
        if self._table is None:
            self._table = _positions_from(self._pickled or b"")
        return self._table

    def __getitem__(self, path: KeyPath) -> tuple[int, int]:
        return self._loaded()[path]

    def __contains__(self, path: object) -> bool:
        return path in self._loaded()

    def __iter__(self) -> Iterator[KeyPath]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Positions) and self._pickled is not None and self._pickled == other._pickled:
            return True
        return isinstance(other, Mapping) and dict(self._loaded()) == dict(other)

    __hash__ = None  # type: ignore[assignment]  # A mapping: unhashable, as dict is.

    def __reduce__(self) -> tuple[type[Positions], tuple[bytes]]:
        pickled = self._pickled
        if pickled is None:
            pickled = self._pickled = pickle.dumps(dict(self._loaded()), protocol=pickle.HIGHEST_PROTOCOL)
        return Positions, (pickled,)


class _PlainUnpickler(pickle.Unpickler):
    """Unpickles plain values only (dicts, tuples, strings, numbers): naming any class or function is refused."""

    def find_class(self, module: str, name: str) -> Any:
        raise pickle.UnpicklingError(f"{module}.{name} is not a plain value")


def _positions_from(pickled: bytes) -> dict[KeyPath, tuple[int, int]]:
    """The table of positions pickled as ``pickled``; empty (every lookup falls back to line 1) if it is not one."""
    try:
        table = _PlainUnpickler(io.BytesIO(pickled)).load()
    except Exception:  # Damaged bytes in the cache folder: a problem is then located at the file's start.
        return {}
    if not isinstance(table, dict) or not all(
            isinstance(path, tuple) and isinstance(place, tuple) and len(place) == 2 for path, place in table.items()):
        return {}
    return table


@dataclass(frozen=True)
class RawRecord:
    """One record as read from YAML: its kind, id, data and the position of every key and value."""

    kind: str
    id: str
    path: str
    data: Mapping[str, Any]
    positions: Mapping[KeyPath, tuple[int, int]] = field(repr=False)
    key_positions: Mapping[KeyPath, tuple[int, int]] = field(repr=False)

    def locate(self, path: KeyPath = (), *, key: bool = False) -> Location:
        """The location of the value (or key) at ``path``, falling back to its nearest located parent."""
        table = self.key_positions if key else self.positions
        for end in range(len(path), -1, -1):
            if path[:end] in table:
                line, column = table[path[:end]]
                return Location(self.path, line, column)
        return Location(self.path, 1, 1)


@dataclass(frozen=True)
class LoadedTree:
    """Everything read from a content folder: raw records in path order, and the problems found."""

    records: tuple[RawRecord, ...]
    diagnostics: tuple[Diagnostic, ...]


def read_yaml_file(path: Path, display: str, kind: str, record_id: str,
                   cache: ContentCache | None = None) -> RawRecord | Diagnostic:
    """Read one record file into a `RawRecord`, or a located `Diagnostic` saying why it could not be read.

    With a ``cache``, a file whose bytes are unchanged since the last read gives the same result unparsed.
    """
    data = read_project_file(path, display, MAX_FILE_BYTES[".yaml"])
    if isinstance(data, Diagnostic):
        return Diagnostic(data.code, data.message, data.location, record_id, data.hint)
    if cache is None:
        return read_yaml_bytes(data, display, kind, record_id)
    return cache.get((display, kind, record_id), data, lambda: read_yaml_bytes(data, display, kind, record_id))


def read_yaml_bytes(data: bytes, display: str, kind: str, record_id: str) -> RawRecord | Diagnostic:
    """Read the bytes of one record file, shown as ``display``, into a `RawRecord` or a located `Diagnostic`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        return Diagnostic("yaml.encoding", f"not UTF-8 text ({error.reason})", Location(display), record_id,
                          "save the file as UTF-8")
    try:
        value, positions, key_positions = parse_yaml(text)
    except YamlProblem as error:
        return Diagnostic(error.code, error.message, Location(display, error.line, error.column), record_id,
                          error.hint)
    except RecursionError:  # libyaml's composer nests deeper than Python can follow.
        return Diagnostic("yaml.too-deep", f"values are nested more than {MAX_DEPTH} levels deep", Location(display),
                          record_id, "records nest a few levels; flatten the lists and mappings")
    if not isinstance(value, dict):
        line, column = positions.get((), (1, 1))
        received = type(value).__name__
        return Diagnostic("yaml.not-mapping", f"expected a mapping of fields but received a {received}",
                          Location(display, line, column), record_id, "write one 'field: value' per line")
    return RawRecord(kind, record_id, display, value, Positions(positions), Positions(key_positions))


@dataclass(frozen=True)
class RecordFile:
    """A record file listed for reading: where it is, how it is shown, and the kind and id of its record."""

    path: Path
    display: str
    kind: str
    record_id: str
    status: FileStatus | None = None
    """The file's status when it was listed (`list_project_files` checked it is a regular file within bounds)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """What a `ContentCache` keeps its parse under."""
        return (self.display, self.kind, self.record_id)


T = TypeVar("T")
PARALLEL_FROM = 400
"""The fewest files to parse worth a second process: below it, starting one costs more than it saves."""


def load_records(content_dir: Path, display_root: Path | None = None, project: Path | None = None,
                 cache: ContentCache | None = None, in_parallel: bool = False) -> LoadedTree:
    """Read every record under ``content_dir``: one folder per kind, plus `themes.yaml`.

    Only regular files inside ``project`` (the folder holding ``content_dir`` when not given) are read. With a
    ``cache`` (kept by the caller from one load to the next), only the files whose bytes changed are parsed.
    ``in_parallel`` (for a process running no other thread) reads and parses many files in two processes, this one and
    a forked child; the records and problems are the same, in the same order.
    """
    return load_records_beside(_nothing, content_dir, display_root, project, cache, in_parallel)[0]


def load_records_beside(work: Callable[[], T], content_dir: Path, display_root: Path | None = None,
                        project: Path | None = None, cache: ContentCache | None = None,
                        in_parallel: bool = False) -> tuple[LoadedTree, T]:
    """`load_records`, and the value of ``work()``, done in this process while the child starts on the records.

    So a check reads its bibliography here as the child reads records, and then helps it; a value made here is
    not pickled, as a second child's would be. Without a child, ``work()`` is done before the records are read.
    """
    project = content_dir.parent if project is None else project
    plan = list(_record_files(content_dir, project, display_root))
    done: list[T] = []
    files = [item for item in plan if isinstance(item, RecordFile)]
    read = iter(read_record_files(files, cache, in_parallel, beside=lambda: done.append(work())))
    records: list[RawRecord] = []
    diagnostics: list[Diagnostic] = []
    for item in plan:
        result = next(read) if isinstance(item, RecordFile) else item
        if isinstance(result, Diagnostic):
            diagnostics.append(result)
        else:
            records.append(result)
    themes_file = content_dir / "themes.yaml"
    if os.path.lexists(themes_file):
        shown = display_path(themes_file, display_root)
        problem = check_project_file(themes_file, shown, project.resolve(), MAX_FILE_BYTES[".yaml"])
        if problem is None:
            records.extend(_split_themes(themes_file, shown, diagnostics, cache))
        else:
            diagnostics.append(problem)
    return LoadedTree(tuple(records), tuple(diagnostics)), done[0]


def _nothing() -> None:
    """Nothing to do."""


def read_record_files(files: Sequence[RecordFile], cache: ContentCache | None = None, in_parallel: bool = False,
                      beside: Callable[[], object] = _nothing) -> list[RawRecord | Diagnostic]:
    """Read each file into a `RawRecord` or a located `Diagnostic`, in the order given.

    With a ``cache``, a file whose bytes it holds is not parsed again, and one whose status is the one it had
    when it was read (long enough after it was written: `ContentCache.settled`) is not read again. With
    ``in_parallel``, when there are many files to read, a forked child reads and parses some while this process
    reads and parses the others. ``beside()`` is called once, in this process, after the child has started.
    """
    results: list[RawRecord | Diagnostic | None] = [None] * len(files)
    to_read: list[int] = []
    read_at = time.time_ns()
    for position, file in enumerate(files):
        found, kept = cache.kept_unread(file.key, file.status) if cache is not None else (False, None)
        if found:
            results[position] = kept
        else:
            to_read.append(position)
    outcomes = _read_all([files[position] for position in to_read], cache, in_parallel, beside)
    for position, (outcome, digest, result) in zip(to_read, outcomes, strict=True):
        file = files[position]
        if outcome is _Outcome.KEPT and cache is not None:
            result = cache.kept(file.key, digest)[1]
        elif outcome is _Outcome.PARSED and cache is not None:
            cache.keep(file.key, digest, result)
        results[position] = result
        if outcome is not _Outcome.UNREAD and cache is not None and file.status is not None:
            cache.settled(file.key, file.status, read_at)
    return [result for result in results if result is not None]


class _Outcome(enum.Enum):
    """What reading one record file came to (`_read_one`)."""

    UNREAD = "the file could not be read: the result is the problem"
    KEPT = "the cache holds a parse of these bytes"
    PARSED = "the bytes were parsed: the result is the record or its problem"


Read = tuple[_Outcome, bytes, "RawRecord | Diagnostic | None"]
"""What `_read_one` gives: the outcome, the digest of the bytes read (with a cache) and the result."""


def _read_all(files: list[RecordFile], cache: ContentCache | None, in_parallel: bool,
              beside: Callable[[], object]) -> list[Read]:
    """`_read_one` of each file, in order; in two processes when ``in_parallel`` and there are many files.

    The processes take runs of files in turn (`synth.forked.in_two_processes`). This process calls ``beside()``
    before it reads a file.
    """
    if not in_parallel or len(files) < PARALLEL_FROM:
        beside()
        return _read_each(files, cache)
    return in_two_processes(lambda run: _read_each(run, cache), files, CHUNK, beside)


CHUNK = 20
"""The fewest files in a run that one process takes at a time."""


def _read_each(files: list[RecordFile], cache: ContentCache | None) -> list[Read]:
    """`_read_one` of each file."""
    limit = MAX_FILE_BYTES[".yaml"]
    return [_read_one(file, cache, limit) for file in files]


def _read_one(file: RecordFile, cache: ContentCache | None, limit: int) -> Read:
    """Read one record file and parse its bytes, unless ``cache`` holds a parse of the same bytes.

    Only asks the cache, never changes what it keeps, so a child process can do it for the process that forked it.
    """
    data = read_project_file(file.path, file.display, limit)
    if isinstance(data, Diagnostic):
        return _Outcome.UNREAD, b"", Diagnostic(data.code, data.message, data.location, file.record_id, data.hint)
    if cache is None:
        return _Outcome.PARSED, b"", read_yaml_bytes(data, file.display, file.kind, file.record_id)
    digest = content_digest(data)
    if cache.has(file.key, digest):
        return _Outcome.KEPT, digest, None
    return _Outcome.PARSED, digest, read_yaml_bytes(data, file.display, file.kind, file.record_id)


def _record_files(content_dir: Path, project: Path, display_root: Path | None) -> Iterator[RecordFile | Diagnostic]:
    """Each readable record file, and each problem of a file that cannot be read or is misnamed, in that order.

    Each file is shown as its listing shows it (`FileListing.shown`: its folder made relative once, not per file).
    """
    for folder, kind in FOLDERS.items():
        directory = content_dir / folder
        listing = list_project_files(directory, ".yaml", project=project, display_root=display_root)
        yield from listing.diagnostics
        for path, status, shown in zip(listing.paths, listing.statuses, listing.shown, strict=True):
            yield RecordFile(path, shown, kind, path.stem, file_status(status))
        for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
            yield Diagnostic(
                "content.stray-file", "record files must end in '.yaml'; this file was not read",
                Location(display_path(path, display_root)), path.stem,
                f"rename it to {path.stem}.yaml", "warning")


def _split_themes(path: Path, display: str, diagnostics: list[Diagnostic],
                  cache: ContentCache | None = None) -> list[RawRecord]:
    """`themes.yaml` maps theme ids to fields; each entry becomes a theme record located in that file."""
    whole = read_yaml_file(path, display, "themes", "themes", cache)
    if isinstance(whole, Diagnostic):
        diagnostics.append(whole)
        return []
    if cache is None:
        themes, problems = _themes_of(whole, display)
    else:  # The same theme records while the file is unchanged, so their validation is kept too.
        themes, problems = cache.derived(("themes of", display), whole, lambda: _themes_of(whole, display))
    diagnostics.extend(problems)
    return themes


def _themes_of(whole: RawRecord, display: str) -> tuple[list[RawRecord], list[Diagnostic]]:
    """The theme records of a read `themes.yaml`, and a problem for each entry that is not a mapping."""
    themes: list[RawRecord] = []
    diagnostics: list[Diagnostic] = []
    for theme_id, data in whole.data.items():
        prefix = (theme_id,)
        positions = {k[1:]: v for k, v in whole.positions.items() if k[:1] == prefix}
        key_positions = {k[1:]: v for k, v in whole.key_positions.items() if k[:1] == prefix}
        key_positions[()] = whole.key_positions[prefix]
        if not isinstance(data, dict):
            line, column = positions.get((), (1, 1))
            diagnostics.append(Diagnostic("yaml.not-mapping", f"theme '{theme_id}' must be a mapping with a name",
                                          Location(display, line, column), theme_id, "write 'name: ...' under it"))
            continue
        themes.append(RawRecord("theme", theme_id, display, data, positions, key_positions))
    return themes, diagnostics
