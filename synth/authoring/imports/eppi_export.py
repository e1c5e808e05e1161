"""Reading an EPPI-Reviewer JSON export, and checking all of it before anything is imported.

The export is read whole and checked first: its encoding (UTF-8, or UTF-16 or UTF-32 as JSON allows, found
from the byte-order mark or the pattern of zero bytes), how deep its arrays and objects nest, its shape (an
object with a ``References`` list), every item (an object) and every code (an object with a numeric id).
A problem with the file as a whole raises `NotAnExport` with its line and column; a problem with one item or
code is a located error, and the importer writes nothing while any is left. Nothing is dropped in silence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth.errors import Diagnostic, Location

MAX_JSON_DEPTH = 64
"""The deepest nesting read: a real export nests its code tree a few levels; far deeper is not an export."""
BYTE_ORDER_MARKS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
                    (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


class NotAnExport(ValueError):
    """The file is not an EPPI-Reviewer JSON export; the message begins with its location."""


@dataclass(frozen=True)
class Item:
    """One EPPI-Reviewer item (a `References` element) and where it is in the export."""

    data: Mapping[str, Any]
    location: Location

    def text(self, name: str) -> str:
        """Field ``name`` as text with white space collapsed ('' when absent)."""
        return " ".join(str(self.data.get(name) or "").split())

    @property
    def label(self) -> str:
        """How messages name the item: its id and EPPI's short title."""
        return f"item {self.data.get('ItemId')} ({self.text('ShortTitle') or self.text('Title')[:40]})"


@dataclass(frozen=True)
class Export:
    """A checked export: its items in file order, a label per code id ("Parent: Code"), and every problem."""

    items: tuple[Item, ...]
    labels: Mapping[int, str]
    problems: tuple[Diagnostic, ...]


def read_export(path: Path, display: str) -> Export:
    """Read and check the whole export at ``path``; raises `NotAnExport` when it is not one at all."""
    text = decode(path.read_bytes(), display)
    _check_depth(text, display)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotAnExport(f"{display}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    except ValueError as error:  # a number too long for Python to convert
        raise NotAnExport(f"{display}: not an EPPI-Reviewer export: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("References"), list):
        raise NotAnExport(f"{display}: not an EPPI-Reviewer export: expected an object with a 'References' list")
    where = _Locator(text, display)
    labels: dict[int, str] = {}
    problems = list(_code_labels(data.get("CodeSets"), where, labels))
    items: list[Item] = []
    for index, value in enumerate(data["References"]):
        if not isinstance(value, dict):
            problems.append(Diagnostic("import.bad-export", f"References[{index}] is {_kind(value)}, not an item "
                                       "(an object); nothing was imported", where.item(index), None,
                                       "remove it from the export, or export again from EPPI-Reviewer"))
            continue
        item = Item(value, where.item(index))
        items.append(item)
        problems += _item_problems(item, index)
    return Export(tuple(items), labels, tuple(problems))


def decode(raw: bytes, display: str) -> str:
    """The export's text: UTF-8, or UTF-16/32 by its byte-order mark or zero bytes; anything else is refused."""
    encoding = next((name for mark, name in BYTE_ORDER_MARKS if raw.startswith(mark)), None)
    encoding = encoding or json.detect_encoding(raw)
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise NotAnExport(f"{display}:{line}:{column}: not {encoding.upper()} text (byte 0x{raw[error.start]:02x}); "
                          "JSON exports are UTF-8: export again, or save the file as UTF-8") from None


def _check_depth(text: str, display: str) -> None:
    """Refuse nesting deeper than `MAX_JSON_DEPTH` before parsing, which would otherwise recurse without bound."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                raise NotAnExport(f"{display}:{line}:{column}: arrays and objects nest more than {MAX_JSON_DEPTH} "
                                  "levels deep; this is not an EPPI-Reviewer export")
        elif token in "]}":
            depth -= 1


class _Locator:
    """Finds where things are in the export's text, for messages: the n-th item, a code's name."""

    def __init__(self, text: str, display: str) -> None:
        self.text, self.display = text, display
        key = re.search(r'(?<!\\)"References"\s*:\s*\[', text)
        self.items = _top_level_starts(text, key.end() - 1) if key else []

    def item(self, index: int) -> Location:
        """The location of item ``index`` of the References list."""
        return self.at(self.items[index] if index < len(self.items) else None)

    def code(self, name: object) -> Location:
        """The location of the code named ``name`` in the code tree (the file's start when not found)."""
        offset = self.text.find(json.dumps(str(name), ensure_ascii=False)) if name is not None else -1
        return self.at(offset if offset >= 0 else None)

    def at(self, offset: int | None) -> Location:
        """The 1-based line and column of ``offset``."""
        if offset is None:
            return Location(self.display)
        line = self.text.count("\n", 0, offset) + 1
        return Location(self.display, line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1)


def _top_level_starts(text: str, opening: int) -> list[int]:
    """The offset where each element of the JSON array opening at ``opening`` begins."""
    starts: list[int] = []
    depth = 0
    expecting = True
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{\]},]|[^\s\[{\]},"]+', text[opening:]):
        token, offset = match.group(), opening + match.start()
        if token in "[{":
            depth += 1
            if depth == 2 and expecting:
                starts.append(offset)
                expecting = False
        elif token in "]}":
            depth -= 1
            if depth == 0:
                break
        elif token == ",":
            expecting = expecting or depth == 1
        elif depth == 1 and expecting:
            starts.append(offset)
            expecting = False
    return starts


def _code_labels(code_sets: Any, where: _Locator, labels: dict[int, str]) -> Iterator[Diagnostic]:
    """Fill ``labels`` with every code of the tree ("Parent: Code"), in tree order; yield an error per bad one.

    The tree is walked with a stack, not recursion, so no depth of codes can exhaust Python's stack.
    """
    if code_sets is None:
        return
    if not isinstance(code_sets, list):
        yield _bad_code(where.at(None), f"CodeSets is {_kind(code_sets)}, not a list of code sets")
        return
    top: list[tuple[Any, str | None, object]] = []  # each code, its parent's name, and a name to locate it by
    for code_set in code_sets:
        set_name = code_set.get("SetName") if isinstance(code_set, dict) else None
        listed, problem = _children(code_set)
        if problem:
            yield _bad_code(where.code(set_name), f"a code set {problem}")
        top += [(attribute, None, set_name) for attribute in listed]
    stack = list(reversed(top))
    while stack:
        attribute, parent, near = stack.pop()
        problem = _attribute_problem(attribute)
        if problem is None:
            name = " ".join(str(attribute.get("AttributeName", "")).split())
            labels[int(attribute["AttributeId"])] = f"{parent}: {name}" if parent else name
            listed, problem = _children(attribute)
            stack += [(child, name, attribute.get("AttributeName")) for child in reversed(listed)]
        if problem:
            named = attribute.get("AttributeName") if isinstance(attribute, dict) else None
            yield _bad_code(where.code(named if named is not None else near), problem)


def _children(holder: Any) -> tuple[list[Any], str | None]:
    """The codes directly under a code set or code (its ``Attributes.AttributesList``), or why they are unusable."""
    if not isinstance(holder, dict):
        return [], f"is {_kind(holder)}, not an object"
    attributes = holder.get("Attributes")
    if attributes is None:
        return [], None
    listed = attributes.get("AttributesList") if isinstance(attributes, dict) else None
    if not isinstance(attributes, dict) or not isinstance(listed, list | None):
        return [], f"{holder.get('AttributeName', holder.get('SetName', ''))!r}: its Attributes are not an object " \
                   "with an AttributesList list"
    return listed or [], None


def _attribute_problem(attribute: Any) -> str | None:
    """Why one code of the tree cannot be used, or None."""
    if not isinstance(attribute, dict):
        return f"a code is {_kind(attribute)}, not an object"
    if not _is_id(attribute.get("AttributeId")):
        return f"the code {attribute.get('AttributeName', '(no name)')!r} has no numeric AttributeId"
    return None


def _item_problems(item: Item, index: int) -> list[Diagnostic]:
    """The problems of one item: codes that are not objects with a numeric id."""
    codes = item.data.get("Codes")
    if codes is None:
        return []
    if not isinstance(codes, list):
        return [_bad_item(item, index, f"its Codes are {_kind(codes)}, not a list")]
    return [_bad_item(item, index, f"its code {code!r} is not an object with a numeric AttributeId")
            for code in codes if not (isinstance(code, dict) and _is_id(code.get("AttributeId")))]


def _is_id(value: Any) -> bool:
    """Whether ``value`` is an EPPI-Reviewer id: a whole number (or its digits), of at most 18 digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return 0 <= value < 10**18
    return isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) <= 18


def _bad_item(item: Item, index: int, problem: str) -> Diagnostic:
    return Diagnostic("import.bad-export", f"References[{index}], {item.label}: {problem}; nothing was imported",
                      item.location, None, "export again from EPPI-Reviewer, or correct the item")


def _bad_code(location: Location, problem: str) -> Diagnostic:
    return Diagnostic("import.bad-export", f"{problem}; nothing was imported", location, None,
                      "export again from EPPI-Reviewer, or correct the code tree")


def _kind(value: Any) -> str:
    """A JSON value's kind in words: "a number", "a string", "null"."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", int: "a number",
             float: "a number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


def item_tags(item: Item, labels: Mapping[int, str]) -> tuple[str, ...]:
    """The labels of the codes an item was given, in the order of the code tree (codes already checked)."""
    order = {code: index for index, code in enumerate(labels)}
    codes = {int(code["AttributeId"]) for code in item.data.get("Codes") or []}
    return tuple(labels[code] for code in sorted(codes, key=lambda c: order.get(c, len(order))) if code in labels)
