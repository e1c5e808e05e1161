"""Stage 1, load: read every record file into plain data that remembers where each value came from.

PyYAML's composer gives nodes with line and column marks; we build Python values from those nodes ourselves,
so every field keeps its position and a later stage can point at the exact line of a bad value. Loading never
raises on bad content: each problem becomes a located `Diagnostic` and the file is skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from synth.errors import Diagnostic, Location
from synth.project_files import MAX_FILE_BYTES, check_project_file, display_path, list_project_files, read_project_file
from synth.records.cache import ContentCache
from synth.records.schema import FOLDERS

__all__ = ["display_path"]  # Re-exported: later stages import it from here.

KeyPath = tuple[str | int, ...]
# libyaml's composer is about twenty times faster than the pure-Python one and gives the same marks.
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_NODES = 100_000  # Alias expansion beyond this is an attack ("billion laughs"), not a record.
MAX_TEXT = 4 * 1024 * 1024
"""The most text one record file may hold once its aliases are expanded: each alias counts its value again."""
MAX_DEPTH = 100
"""The deepest nesting of lists and mappings a record file may have; real records nest four or five levels."""
ALIAS_HINT = "write each value out once; records do not need YAML aliases (*name)"
TAB_IN_INDENT = re.compile(r"^[ ]*\t", re.MULTILINE)


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


class YamlProblem(Exception):
    """A problem that stops a YAML text being read, with its code and position (1-based)."""

    def __init__(self, code: str, message: str, line: int, column: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.column, self.hint = code, message, line, column, hint


class _FastResolver(YAML_LOADER):  # type: ignore[valid-type,misc]
    """The record loader: the same tags as `YAML_LOADER`, found faster.

    PyYAML tries its implicit resolvers (bool, int, float, null, timestamp, ...) on every plain scalar, by its
    first character. Most record text starts with a character none of them takes, and is a string outright;
    keys and short values repeat from record to record, so their tags are remembered.
    """

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        """The tag of a node, as the safe loader's resolver gives it."""
        if kind is yaml.ScalarNode and value and implicit[0]:
            if value[0] not in _IMPLICIT_FIRST:
                return STR_TAG
            tag = _SHORT_TAGS.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(value) <= 40 and len(_SHORT_TAGS) < 10_000:
                    _SHORT_TAGS[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))


STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
_IMPLICIT_FIRST = frozenset(first for first in yaml.SafeLoader.yaml_implicit_resolvers if first)
"""The first characters some implicit resolver takes (the safe loader has none for any character)."""
_SHORT_TAGS: dict[str, str] = {}
"""The tags of short plain scalars already resolved (a bounded number): keys and short values repeat."""


class _Builder:
    """Turns a composed YAML node tree into Python values, recording positions as it goes."""

    def __init__(self) -> None:
        self.positions: dict[KeyPath, tuple[int, int]] = {}
        self.key_positions: dict[KeyPath, tuple[int, int]] = {}
        self._scalars = SafeConstructor()
        self._count = 0
        self._text = 0
        self._active: set[int] = set()

    def build(self, node: yaml.Node, path: KeyPath = ()) -> Any:
        """Build the value of ``node`` at ``path``, counting its expanded size against the limits."""
        self._count += 1
        scalar = node.__class__ is yaml.ScalarNode
        self._text += len(node.value) if scalar else 1
        if self._count > MAX_NODES:
            raise YamlProblem("yaml.too-large", f"more than {MAX_NODES} values (alias expansion?)", *_mark(node),
                              hint=ALIAS_HINT)
        if self._text > MAX_TEXT:
            raise YamlProblem("yaml.too-large", f"the record expands to more than {MAX_TEXT // (1024 * 1024)} MiB "
                              "of text (aliases count each time they are used)", *_mark(node), hint=ALIAS_HINT)
        if len(path) > MAX_DEPTH:
            raise YamlProblem("yaml.too-deep", f"values are nested more than {MAX_DEPTH} levels deep", *_mark(node),
                              hint="records nest a few levels; flatten the lists and mappings")
        mark = node.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        if scalar:  # A scalar contains nothing, so it cannot contain itself.
            return node.value if node.tag == STR_TAG else self._scalar(node)
        if id(node) in self._active:
            raise YamlProblem("yaml.recursive", "an alias refers to a value that contains it", *_mark(node))
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, path)
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar that is not a plain string: a number, date, boolean, null, or one with an explicit tag."""
        try:
            return self._scalars.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as error:
            reason = error.problem
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            reason = str(error)
        raise YamlProblem("yaml.syntax", f"cannot read value {node.value!r}: {reason}", *_mark(node))

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        """A mapping's keys must be plain words, each once; YAML merge keys (`<<`) are refused, not half-supported."""
        result: dict[str, Any] = {}
        key_positions = self.key_positions
        for key_node, value_node in node.value:
            if key_node.__class__ is not yaml.ScalarNode:
                raise YamlProblem("yaml.bad-key", "a key must be a plain word, not a list or mapping",
                                  *_mark(key_node))
            if key_node.tag == MERGE_TAG:
                raise YamlProblem("yaml.merge-key", "merge keys (<<) are not supported in records", *_mark(key_node))
            key = str(key_node.value)
            inner = (*path, key)
            if key in result:
                line, column = key_positions[inner]
                raise YamlProblem(
                    "yaml.duplicate-key",
                    f"duplicate key '{key}' (first defined at line {line}, column {column})",
                    *_mark(key_node),
                    hint="remove one of the two, or merge their values",
                )
            mark = key_node.start_mark
            key_positions[inner] = (mark.line + 1, mark.column + 1)
            value = value_node.value
            if value_node.__class__ is yaml.ScalarNode and value_node.tag == STR_TAG and self._count < MAX_NODES \
                    and self._text + len(value) <= MAX_TEXT and len(inner) <= MAX_DEPTH:
                # What `build` does for the commonest value, a string within every limit, without the call.
                self._count += 1
                self._text += len(value)
                mark = value_node.start_mark
                self.positions[inner] = (mark.line + 1, mark.column + 1)
                result[key] = value
            else:
                result[key] = self.build(value_node, inner)
        return result


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def parse_yaml(text: str) -> tuple[Any, dict[KeyPath, tuple[int, int]], dict[KeyPath, tuple[int, int]]]:
    """Parse one YAML document into values and positions; raises `YamlProblem` on any problem."""
    tab = TAB_IN_INDENT.search(text)
    if tab:
        line = text.count("\n", 0, tab.start()) + 1
        column = tab.end() - tab.start()
        raise YamlProblem("yaml.tab", "a tab character in indentation", line, column, "indent with spaces")
    try:
        node = yaml.compose(text, Loader=_FastResolver)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or error.context or "invalid YAML"
        raise YamlProblem("yaml.syntax", f"{problem}", line, column, _syntax_hint(problem)) from None
    except yaml.reader.ReaderError as error:  # A control character: locate it by its offset.
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise YamlProblem("yaml.syntax", f"a control character (#x{error.character:04x}) is not allowed",
                         line, column, "remove it; copy-pasted text sometimes carries invisible characters") from None
    except yaml.YAMLError as error:
        raise YamlProblem("yaml.syntax", str(error).splitlines()[0], 1, 1) from None
    if node is None:
        raise YamlProblem("yaml.not-mapping", "the file is empty; expected a mapping of fields", 1, 1)
    builder = _Builder()
    value = builder.build(node)
    return value, builder.positions, builder.key_positions


def _syntax_hint(problem: str) -> str | None:
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted, or written as a block with '>-'"
    if "could not find expected ':'" in problem or "did not find expected key" in problem:
        return "each field needs 'name: value'; check the quoting of the line above"
    if "expected a single document" in problem:
        return "one record per file: remove the '---' separator"
    return None


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
    return RawRecord(kind, record_id, display, value, positions, key_positions)


def load_records(content_dir: Path, display_root: Path | None = None, project: Path | None = None,
                 cache: ContentCache | None = None) -> LoadedTree:
    """Read every record under ``content_dir``: one folder per kind, plus `themes.yaml`.

    Only regular files inside ``project`` (the folder holding ``content_dir`` when not given) are read. With a
    ``cache`` (kept by the caller from one load to the next), only the files whose bytes changed are parsed.
    """
    project = content_dir.parent if project is None else project
    records: list[RawRecord] = []
    diagnostics: list[Diagnostic] = []
    for path, kind, folder in _record_files(content_dir, project, diagnostics, display_root):
        display = path.name if folder == "." else f"{folder}/{path.name}"
        result = read_yaml_file(path, display, kind, path.stem, cache)
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
    return LoadedTree(tuple(records), tuple(diagnostics))


def _record_files(
    content_dir: Path, project: Path, diagnostics: list[Diagnostic], display_root: Path | None
) -> Iterator[tuple[Path, str, str]]:
    """Each readable record file with its kind and its folder as shown (made relative once, not per file).

    What cannot be read, or is misnamed, goes to ``diagnostics``.
    """
    for folder, kind in FOLDERS.items():
        directory = content_dir / folder
        listing = list_project_files(directory, ".yaml", project=project, display_root=display_root)
        diagnostics.extend(listing.diagnostics)
        shown = display_path(directory, display_root)
        yield from ((path, kind, shown) for path in listing.paths)
        for path in sorted(directory.glob("*.yml")) if directory.is_dir() else []:
            diagnostics.append(Diagnostic(
                "content.stray-file", "record files must end in '.yaml'; this file was not read",
                Location(display_path(path, display_root)), path.stem,
                f"rename it to {path.stem}.yaml", "warning"))


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
