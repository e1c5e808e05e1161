"""Splitting a `.bib` file into located commands, so one broken entry never costs the rest of the file.

pybtex's own `Parser` reads a whole file with one scanner: in strict mode one bad entry rejects the file, and
an unbalanced brace swallows every entry after it. Here the file is first cut at each line that starts with
``@name{`` or ``@name(`` (every entry in every real file we measured starts a line, and a brace left open
inside an entry cannot run past the next one), then each piece is read by pybtex's own low-level scanner, so
the grammar is exactly pybtex's. Each command comes back with the 1-based line and column of its ``@``.
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Any

from pybtex.database.input.bibtex import NAME_CHARS, LowLevelParser, SkipEntry, UndefinedMacro
from pybtex.scanner import PrematureEOF, PybtexSyntaxError

ENTRY_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z][\w-]*[ \t]*[{(]", re.MULTILINE)
COMMAND_NAME = re.compile(r"@\s*([^\s{(]*)")
COMMAND_HEAD = re.compile(r"@\s*[A-Za-z][\w-]*\s*[{(]")


@dataclass(frozen=True)
class Command:
    """One command read whole: an entry, a ``@string`` or a ``@preamble``, with its field values flattened."""

    kind: str
    key: str | None
    fields: tuple[tuple[str, str], ...]
    line: int
    column: int
    undefined_macros: tuple[str, ...] = ()


@dataclass(frozen=True)
class BrokenCommand:
    """A command the scanner could not read: where it starts, what it is, and where and why reading stopped."""

    kind: str
    key: str | None
    line: int
    column: int
    reason: str
    stopped_at: tuple[int, int]
    """The line and column where reading stopped."""


class _PieceScanner(LowLevelParser):  # type: ignore[misc]
    """pybtex's scanner over one piece of a file, collecting undefined macros instead of raising on them."""

    pos: int
    lineno: int

    def __init__(self, text: str, macros: MutableMapping[str, str]) -> None:
        super().__init__(text, macros=macros)
        self.undefined: list[str] = []

    def handle_error(self, error: Exception) -> None:
        """Collect an undefined macro (the value reads as empty, as in BibTeX); raise anything else."""
        if isinstance(error, UndefinedMacro):
            self.undefined.append(str(error.args[0]))
            return
        raise error

    def commands(self) -> Iterator[tuple[int, int, Any]]:
        """Yield ``(offset, line, result)`` per command; after a syntax error, yield it and stop.

        An ``@`` that does not open a command (``name@host`` in free text between entries) is text, as
        BibTeX's manual says anything outside an entry is; scanning goes on just after it.
        """
        while self.skip_to([self.AT]):
            offset, line = self.pos - 1, self.lineno
            self.undefined = []
            try:
                yield offset, line, self.parse_command()
            except SkipEntry:
                continue
            except PybtexSyntaxError as error:
                if COMMAND_HEAD.match(self.text, offset):
                    yield offset, line, error
                    return
                self.pos, self.lineno = offset + 1, line


def split_commands(text: str, macros: MutableMapping[str, str]) -> Iterator[Command | BrokenCommand]:
    """Yield every command of a file's ``text`` in order; ``@string`` definitions are added to ``macros``."""
    starts = [0, *(match.start() for match in ENTRY_START.finditer(text) if match.start() > 0), len(text)]
    first_line = 1
    for begin, end in itertools.pairwise(starts):
        yield from _read_piece(text, begin, end, first_line, macros)
        first_line += text.count("\n", begin, end)


def _read_piece(
    text: str, begin: int, end: int, first_line: int, macros: MutableMapping[str, str]
) -> Iterator[Command | BrokenCommand]:
    """Read the commands in ``text[begin:end]``, whose first line is ``first_line`` of the file."""
    piece = text[begin:end]
    command = read_plain_entry(piece, first_line, macros)
    if command is not None:
        yield command
        return
    scanner = _PieceScanner(piece, macros)
    for offset, line, result in scanner.commands():
        file_line = first_line + line - 1
        column = offset - piece.rfind("\n", 0, offset)
        if isinstance(result, PybtexSyntaxError):
            yield _broken(piece, offset, file_line, column, scanner, result, first_line)
        else:
            yield _command(result, file_line, column, scanner.undefined)


def _command(result: tuple[str, tuple[Any, ...]], line: int, column: int, undefined: list[str]) -> Command:
    """Turn the scanner's ``(name, body)`` tuple into a `Command` with flattened values."""
    name, body = result
    kind = name.lower()
    if kind == "string":
        macro, parts = body
        return Command(kind, None, ((macro, "".join(parts)),), line, column, tuple(undefined))
    if kind == "preamble":
        return Command(kind, None, (("preamble", "".join(body[0])),), line, column, tuple(undefined))
    key, fields = body
    flat = tuple((field, "".join(parts)) for field, parts in fields)
    return Command(name, key, flat, line, column, tuple(undefined))


def _broken(
    piece: str,
    offset: int,
    line: int,
    column: int,
    scanner: _PieceScanner,
    error: PybtexSyntaxError,
    first_line: int,
) -> BrokenCommand:
    """Describe a command that failed to read: pybtex's reason and the file line and column where it stopped."""
    name = COMMAND_NAME.match(piece, offset)
    kind = name.group(1) if name else ""
    if isinstance(error, PrematureEOF):
        reason = "a brace or quote opened in it is never closed"
    else:
        reason = str(error.args[0]) if error.args else str(error)
    position = min(scanner.pos, len(piece))
    stopped_line = first_line + piece.count("\n", 0, position)
    stopped_column = position - piece.rfind("\n", 0, position)
    return BrokenCommand(kind, scanner.current_entry_key, line, column, reason, (stopped_line, stopped_column))


_NAME = f"[{re.escape(NAME_CHARS)}][{re.escape(NAME_CHARS + string.digits)}]*"
"""pybtex's ``LowLevelParser.NAME``, built as pybtex builds it: an entry type, field name or macro."""


def _braced(depth: int) -> str:
    """Text with braces balanced, nested at most ``depth`` deep (deeper is left to pybtex's scanner)."""
    inner = "[^{}]*+" if depth == 0 else f"(?:[^{{}}]++|\\{{{_braced(depth - 1)}\\}})*+"
    return inner


_BALANCED = _braced(6)
_HEAD = re.compile(rf"@\s*({_NAME})\s*(?:(\{{)\s*([^\s,}}]+)|\(\s*([^\s,]+))")
_FIELD_NAME = re.compile(rf"\s*({_NAME})\s*=\s*")
_PART = re.compile(rf'\{{({_BALANCED})\}}|"((?:[^"{{}}]++|\{{{_BALANCED}\}})*+)"|([0-9]+)|({_NAME})')
_HASH = re.compile(r"\s*#\s*")
_COMMA = re.compile(r"\s*,")
_CLOSE_BRACE = re.compile(r"\s*\}")
_CLOSE_PAREN = re.compile(r"\s*\)")
_SPECIAL_COMMANDS = frozenset({"string", "preamble", "comment"})


def read_plain_entry(piece: str, first_line: int, macros: MutableMapping[str, str]) -> Command | None:
    """Read a piece holding one well-formed entry and nothing else, as pybtex's scanner would; else None.

    Most entries are a header, fields of braced, quoted, numeric or macro values, and the closing brace. Read
    by a few regular expressions of pybtex's own grammar, such an entry costs a small part of what the scanner
    costs token by token. Anything else (``@string``, ``@preamble``, ``@comment``, deep braces, a syntax
    error, a second ``@`` in the piece) gives None, and the piece is left to pybtex's scanner.
    """
    at = piece.find("@")
    head = _HEAD.match(piece, at) if at >= 0 else None
    if head is None or head.group(1).lower() in _SPECIAL_COMMANDS:
        return None
    braced = head.group(2) is not None
    key = head.group(3) if braced else head.group(4)
    fields, undefined, position = _plain_fields(piece, head.end(), macros)
    close = (_CLOSE_BRACE if braced else _CLOSE_PAREN).match(piece, position) if position >= 0 else None
    if close is None or "@" in piece[close.end():]:
        return None
    line = first_line + piece.count("\n", 0, at)
    return Command(head.group(1), key, tuple(fields), line, at - piece.rfind("\n", 0, at), tuple(undefined))


def _plain_fields(
    piece: str, position: int, macros: MutableMapping[str, str]
) -> tuple[list[tuple[str, str]], list[str], int]:
    """The fields from ``position`` (each ``name = part # part ...``, separated by commas) and where they end."""
    fields: list[tuple[str, str]] = []
    undefined: list[str] = []
    while True:
        name = _FIELD_NAME.match(piece, position)
        if name is not None:
            parts: list[str] = []
            position = name.end()
            while (part := _PART.match(piece, position)) is not None:
                braced, quoted, number, macro = part.groups()
                if macro is not None:
                    try:  # As pybtex looks a macro up: a mapping may give a value for any name.
                        parts.append(macros[macro])
                    except KeyError:
                        undefined.append(macro)
                        parts.append("")
                else:
                    parts.append(braced if braced is not None else quoted if quoted is not None else number)
                position = part.end()
                joined = _HASH.match(piece, position)
                if joined is None:
                    break
                position = joined.end()
            else:  # No value where one is needed: a syntax error, left to the scanner.
                return fields, undefined, -1
            fields.append((name.group(1), "".join(parts)))
        comma = _COMMA.match(piece, position)
        if comma is None:
            return fields, undefined, position
        position = comma.end()
