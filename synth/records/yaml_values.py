"""Stage 1, load (YAML): one YAML document into values that remember where each value came from.

PyYAML's composer (libyaml's, where installed) gives nodes with line and column marks; we build Python values
from those nodes ourselves, so every field keeps its position and a later stage can point at the exact line
of a bad value. A document that cannot be read raises `YamlProblem`, with its code and position.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

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


class YamlProblem(Exception):
    """A problem that stops a YAML text being read, with its code and position (1-based)."""

    def __init__(self, code: str, message: str, line: int, column: int, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.line, self.column, self.hint = code, message, line, column, hint


class _FastResolver(YAML_LOADER):  # type: ignore[valid-type,misc]
    """The record loader: the same tags as `YAML_LOADER`, found faster.

    PyYAML tries its implicit resolvers (bool, int, float, null, timestamp, ...) on every plain scalar, by its
    first character. Most record text starts with a character none of them takes, and is a string outright;
    keys and short values repeat from record to record, so their tags are remembered (for the resolver table
    in force: synth adds no resolver, and one added to a new table is never mixed up with the old).
    """

    def resolve(self, kind: type[yaml.Node], value: str | None, implicit: Any) -> str:
        """The tag of a node, as the safe loader's resolver gives it."""
        if kind is yaml.ScalarNode and value and implicit[0]:
            table = self.yaml_implicit_resolvers
            if value[0] not in table and None not in table:
                return STR_TAG
            kept = _SHORT_TAGS.get(id(table))
            if kept is None or kept[0] is not table:  # Holding the table keeps its id from being reused.
                kept = _SHORT_TAGS[id(table)] = (table, {})
            remembered = kept[1]
            tag = remembered.get(value)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(value) <= 40 and len(remembered) < 10_000:
                    remembered[value] = tag
            return tag
        return str(super().resolve(kind, value, implicit))


STR_TAG = "tag:yaml.org,2002:str"
MERGE_TAG = "tag:yaml.org,2002:merge"
_SHORT_TAGS: dict[int, tuple[object, dict[str, str]]] = {}
"""The tags of short plain scalars already resolved (a bounded number), by resolver table."""


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
    tab = TAB_IN_INDENT.search(text) if "\t" in text else None
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
