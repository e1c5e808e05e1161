"""Formatting: `synth fmt` puts record files in one canonical form, keeping every comment and every value.

The canonical form: the `$schema` comment line first; fields in the order the schema declares them (unknown
fields after, in their own order); two-space indentation with list items indented under their key; quoted
values in double quotes; one newline at the end. Fields are moved as whole blocks of lines together with the
comment lines directly above them, so a comment stays with the field it describes; ruamel.yaml's round trip
then normalises indentation and quoting and keeps every other byte of layout it can.

Nothing is written unless the result reads back (with the same loader `synth check` uses) to exactly the
values the file held, and files are replaced by renaming a finished temporary file, never written in place.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from synth.authoring.fmt_comments import lost_comments, untab
from synth.authoring.jsonschema import schema_comment as project_schema_comment
from synth.errors import Diagnostic, Location
from synth.project_files import (
    MAX_FILE_BYTES,
    FileListing,
    check_project_file,
    list_project_files,
    read_project_file,
)
from synth.records.load import YAML_LOADER, display_path, parse_yaml
from synth.records.schema import FOLDERS, MODELS, Record, Theme

SCHEMA_LINE = re.compile(r"^# yaml-language-server:.*\$schema=.*(?:\n|$)", re.MULTILINE)
COMMENT_OR_BLANK = re.compile(r"^\s*(?:#.*)?$")
THEMES = "themes"
WIDTH = 4096  # never re-wrap: line breaks are the author's, and folded blocks keep theirs


def schema_comment(kind: str) -> str:
    """The `$schema` comment line for a record file of ``kind`` in the standard project layout."""
    return project_schema_comment("theme-file" if kind == THEMES else kind)


def kind_of(path: Path) -> str | None:
    """The record kind of a file from where it sits: `studies/x.yaml` is a study; `themes.yaml` the themes."""
    if path.name == "themes.yaml":
        return THEMES
    return FOLDERS.get(path.parent.name) if path.suffix == ".yaml" else None


def record_paths(project: Path) -> list[Path]:
    """Every readable record file under ``project/content``, in a stable order."""
    return list(record_listing(project).paths)


def record_listing(project: Path, display_root: Path | None = None) -> FileListing:
    """The record files under ``project/content`` that are safe to read, and a diagnostic for each that is not.

    The same listing `synth check` reads, so a pipe or a link out of the project is reported, never opened.
    """
    content = project / "content"
    listings = [list_project_files(content / folder, ".yaml", project=project, display_root=display_root)
                for folder in FOLDERS]
    paths = [path for listing in listings for path in listing.paths]
    problems = [problem for listing in listings for problem in listing.diagnostics]
    themes = content / "themes.yaml"
    if os.path.lexists(themes):
        problem = check_project_file(themes, display_path(themes, display_root), project.resolve(),
                                     MAX_FILE_BYTES[".yaml"])
        paths += [themes] if problem is None else []
        problems += [problem] if problem is not None else []
    return FileListing(tuple(paths), tuple(problems))


class FormatError(Exception):
    """The text could not be formatted safely; carries the diagnostic to report."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class Outcome:
    """What formatting one file came to: its new text (None when it could not be formatted) and why."""

    path: Path
    display: str
    changed: bool
    text: str | None = None
    diagnostic: Diagnostic | None = None


def format_text(text: str, kind: str, display: str = "<text>") -> str:
    """The canonical form of a record file's ``text``; `FormatError` if it is not safe to format."""
    original = _read(text, display)
    unix = untab(text.replace("\r\n", "\n"))
    schema_lines = SCHEMA_LINE.findall(unix)
    body = SCHEMA_LINE.sub("", unix)
    shape = _model(kind)
    data = _ruamel_load(body, display)
    reordered = "\n".join(_reorder_block(body.split("\n"), data, shape, 0, None, top=True))
    result = _round_trip(reordered, data if reordered == body else _ruamel_load(reordered, display), shape)
    first = schema_lines[0].rstrip("\n") if schema_lines else schema_comment(kind)
    result = f"{first}\n{result}".rstrip("\n") + "\n"
    if result != text and _values(result) != original:
        raise FormatError(Diagnostic("fmt.unsafe", "formatting would change a value; the file was left as it is",
                                     Location(display), Path(display).stem, "format this file by hand"))
    lost = lost_comments(text.replace("\r\n", "\n"), result)
    if lost:
        raise FormatError(Diagnostic(
            "fmt.comment-lost", f"formatting would drop the comment {lost[0].text!r}; the file was left as it is",
            Location(display, lost[0].line, lost[0].column), Path(display).stem,
            "move the comment to a line of its own above a field (or remove it), then format again"))
    return result


def _read(text: str, display: str) -> dict[str, Any]:
    """The values of ``text`` as `synth check` reads them, or a `FormatError` with the syntax problem."""
    try:
        value = parse_yaml(text)[0]
    except Exception as error:  # the loader's own located error type is private to it
        code, message = getattr(error, "code", "yaml.syntax"), getattr(error, "message", str(error))
        where = Location(display, getattr(error, "line", 1), getattr(error, "column", 1))
        raise FormatError(Diagnostic(code, message, where, Path(display).stem, getattr(error, "hint", None))) from None
    if not isinstance(value, dict):
        raise FormatError(Diagnostic("yaml.not-mapping", "expected a mapping of fields", Location(display),
                                     Path(display).stem, "write one 'field: value' per line"))
    return value


def _values(text: str) -> Any:
    """The values ``text`` reads back as, or None (equal to no record) if it does not read back at all."""
    try:
        return parse_yaml(text)[0]
    except Exception:  # the safety check itself must never let a broken result through
        return None


def _yaml() -> YAML:
    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = WIDTH
    yaml.preserve_quotes = True
    return yaml


def _ruamel_load(text: str, display: str) -> Any:
    try:
        return _yaml().load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = Location(display, mark.line + 1, mark.column + 1) if mark else Location(display)
        message = f"{error.problem or error.context or 'invalid YAML'}"
        raise FormatError(Diagnostic("yaml.syntax", message, where, Path(display).stem)) from None


Shape = type[Record] | str | None


def _model(kind: str) -> Shape:
    return THEMES if kind == THEMES else MODELS[kind]


def _child(shape: Shape, key: object) -> Shape:
    """The shape of the value under ``key``: a nested model, or None when the schema says nothing of it."""
    if shape == THEMES:
        return Theme
    if not isinstance(shape, type) or str(key) not in shape.model_fields:
        return None
    return _model_inside(shape.model_fields[str(key)].annotation)


def _model_inside(annotation: Any) -> type[Record] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation if issubclass(annotation, Record) else None
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def _order(shape: Shape, keys: Sequence[Any]) -> list[Any]:
    """Keys in schema order, then any the schema does not know, in their own order."""
    if not isinstance(shape, type):
        return list(keys)
    rank = {name: index for index, name in enumerate(shape.model_fields)}
    return sorted(keys, key=lambda k: (0, rank[k]) if k in rank else (1, keys.index(k)))


def _reorder_block(lines: list[str], node: Any, shape: Shape, begin: int, end: int | None, *, top: bool) -> list[str]:
    """Lines ``begin:end`` with the block mapping ``node`` in schema order, each key moving with its comments."""
    end = len(lines) if end is None else end
    if isinstance(node, CommentedSeq) and node and not node.fa.flow_style():
        return _reorder_items(lines, node, shape, begin, end)
    if not isinstance(node, CommentedMap) or not node or node.fa.flow_style():
        return lines[begin:end]
    keys = list(node)
    column = node.lc.key(keys[0])[1]
    starts = [_leading_start(lines, node.lc.key(key)[0], column, begin) for key in keys]
    if top:
        starts[0] = node.lc.key(keys[0])[0]  # comments above the first field are the file's header: they stay
    stop = _footer_start(lines, starts[-1], end, column)
    blocks = {}
    for index, key in enumerate(keys):
        block_end = starts[index + 1] if index + 1 < len(keys) else stop
        key_line = node.lc.key(key)[0]
        inner = _reorder_block(lines, node[key], _child(shape, key), key_line + 1, block_end, top=False)
        blocks[key] = lines[starts[index]:key_line + 1] + inner
    ordered = [line for key in _order(shape, keys) for line in blocks[key]]
    return lines[begin:starts[0]] + ordered + lines[stop:end]


def _reorder_items(lines: list[str], node: CommentedSeq, shape: Shape, begin: int, end: int) -> list[str]:
    """Lines ``begin:end`` holding the block list ``node``, with each item that is a mapping in schema order.

    An item's first key shares its line with the dash; the dash is blanked while the item's fields are put
    in order, then set before whichever field comes first.
    """
    starts = [node.lc.item(index) for index in range(len(node))]
    result = lines[begin:starts[0][0]]
    for index, (line, column) in enumerate(starts):
        stop = starts[index + 1][0] if index + 1 < len(starts) else end
        item = node[index]
        dash = column - 2
        if not isinstance(item, CommentedMap) or dash < 0 or lines[line][dash:column] != "- ":
            result += lines[line:stop]
            continue
        blanked = [*lines[:line], lines[line][:dash] + "  " + lines[line][column:], *lines[line + 1:]]
        ordered = _reorder_block(blanked, item, shape, line, stop, top=False)
        first = next(i for i, text in enumerate(ordered) if text.strip() and not text.lstrip().startswith("#"))
        ordered[first] = ordered[first][:dash] + "- " + ordered[first][column:]
        result += ordered
    return result


def _leading_start(lines: list[str], key_line: int, column: int, floor: int) -> int:
    """The first line of the comment lines (at the key's column) directly above ``key_line``."""
    start = key_line
    while start - 1 >= floor and lines[start - 1].strip().startswith("#") and _indent(lines[start - 1]) == column:
        start -= 1
    return start


def _footer_start(lines: list[str], last_start: int, end: int, column: int) -> int:
    """Where trailing comment and blank lines at or left of ``column`` begin at the end of a block."""
    stop = end
    while stop - 1 > last_start and COMMENT_OR_BLANK.match(lines[stop - 1]) and (
            not lines[stop - 1].strip() or _indent(lines[stop - 1]) <= column):
        stop -= 1
    return stop


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _round_trip(text: str, data: Any, shape: Shape) -> str:
    """Re-emit ``text`` (loaded as ``data``) through ruamel.yaml: canonical indentation and quotes."""
    yaml = _yaml()
    _normalise(data, shape)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return _reindent_comments(text, stream.getvalue())


def _reindent_comments(before: str, after: str) -> str:
    """Indent each comment line as the line it was indented with before re-indentation (ruamel keeps columns).

    A comment indented like the line below it moves with that line, else one indented like the line above it
    moves with that; any other comment keeps its column. Nothing changes unless the comments are the same
    and in the same order on both sides.
    """
    if before == after:
        return after
    old, new = before.split("\n"), after.split("\n")
    old_comments, new_comments = _comment_lines(before), _comment_lines(after)
    if [old[i].strip() for i in old_comments] != [new[j].strip() for j in new_comments]:
        return after
    for i, j in zip(old_comments, new_comments, strict=True):
        target = _matching_indent(old, new, i, j, 1, old_comments, new_comments)
        if target is None:
            target = _matching_indent(old, new, i, j, -1, old_comments, new_comments)
        if target is not None:
            new[j] = " " * target + new[j].lstrip()
    return "\n".join(new)


def _matching_indent(old: list[str], new: list[str], i: int, j: int, step: int,
                     old_comments: list[int], new_comments: list[int]) -> int | None:
    """The new indentation of the content line next to comment ``i`` (below if ``step`` is 1, else above)."""
    old_neighbour = _next_content(old, i, step, set(old_comments))
    new_neighbour = _next_content(new, j, step, set(new_comments))
    if old_neighbour is None or new_neighbour is None or _key_column(old[old_neighbour]) != _indent(old[i]):
        return None
    return _key_column(new[new_neighbour])


def _next_content(lines: list[str], start: int, step: int, comments: set[int]) -> int | None:
    index = start + step
    while 0 <= index < len(lines):
        if lines[index].strip() and index not in comments:
            return index
        index += step
    return None


def _key_column(line: str) -> int:
    """Where a line's key starts: its indentation, past any list dashes (`  - quote:` → 4)."""
    column, rest = _indent(line), line.lstrip(" ")
    while rest.startswith("- "):
        column, rest = column + 2 + _indent(rest[2:]), rest[2:].lstrip(" ")
    return column


def _comment_lines(text: str) -> list[int]:
    """Indexes of the lines of ``text`` that are whole-line comments (not text inside a multi-line value)."""
    inside = _scalar_lines(text)
    return [index for index, line in enumerate(text.split("\n"))
            if line.lstrip().startswith("#") and index not in inside]


def _scalar_lines(text: str) -> set[int]:
    """The continuation lines of every multi-line value, where a `#` is text and not a comment."""
    lines: set[int] = set()
    stack = [yaml.compose(text, Loader=YAML_LOADER)]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            last = node.end_mark.line if node.end_mark.column else node.end_mark.line - 1
            lines.update(range(node.start_mark.line + 1, last + 1))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(part for pair in node.value for part in pair)
    return lines


def _normalise(node: Any, shape: Shape) -> None:
    """Double-quote single-quoted values and put keys in schema order, throughout ``node``."""
    if isinstance(node, CommentedMap):
        for key in _order(shape, list(node)):
            node.move_to_end(key)
        for key, value in node.items():
            if isinstance(value, SingleQuotedScalarString):
                node[key] = DoubleQuotedScalarString(str(value))
            _normalise(value, _child(shape, key))
    elif isinstance(node, CommentedSeq):
        for index, value in enumerate(node):
            if isinstance(value, SingleQuotedScalarString):
                node[index] = DoubleQuotedScalarString(str(value))
            _normalise(value, shape)


def format_file(path: Path, display: str) -> Outcome:
    """Format one file in memory (nothing is written): its new text, or the diagnostic why not."""
    kind = kind_of(path)
    if kind is None:
        message = "not a record file: expected content/<kind folder>/<id>.yaml or content/themes.yaml"
        return Outcome(path, display, False, diagnostic=Diagnostic("fmt.not-a-record", message, Location(display)))
    data = read_project_file(path, display, MAX_FILE_BYTES[".yaml"])
    if isinstance(data, Diagnostic):
        return Outcome(path, display, False, diagnostic=data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        message = f"not UTF-8 text ({error.reason})"
        diagnostic = Diagnostic("yaml.encoding", message, Location(display), path.stem, "save the file as UTF-8")
        return Outcome(path, display, False, diagnostic=diagnostic)
    try:
        formatted = format_text(text, kind, display)
    except FormatError as error:
        return Outcome(path, display, False, diagnostic=error.diagnostic)
    return Outcome(path, display, formatted != text, formatted)


def replace_file(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` by renaming a finished temporary file over it (never a half-written file).

    A link is written through: the file it points to is replaced, and the link stays a link.
    """
    path = path.resolve() if path.is_symlink() else path
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def format_paths(paths: Iterable[Path], *, check: bool, display_root: Path | None = None) -> list[Outcome]:
    """Format every file in ``paths``; write the changed ones unless ``check``."""
    outcomes = []
    for path in paths:
        outcome = format_file(path, display_path(path, display_root))
        if outcome.changed and outcome.text is not None and not check:
            replace_file(path, outcome.text)
        outcomes.append(outcome)
    return outcomes


def _expand(paths: Sequence[Path]) -> Iterator[Path]:
    """Files as given; a folder stands for the record files under it."""
    for path in paths:
        if path.is_dir():
            yield from (p for p in sorted(path.rglob("*.yaml")) if kind_of(p) is not None)
        else:
            yield path


def add_fmt_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth fmt [--check] [PATHS...]`: put record files in canonical form."""
    fmt = commands.add_parser("fmt", help="put record files in one canonical form",
                              description="Put record files in canonical form: the $schema line first, fields in "
                                          "schema order, two-space indentation, double quotes. Comments and values "
                                          "are kept exactly.")
    fmt.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                     help="record files or folders (default: every record under content/)")
    fmt.add_argument("--check", action="store_true", help="change nothing; list the files that would change")
    fmt.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                     help="the project folder whose content/ is formatted when no PATH is given (default: .)")
    fmt.set_defaults(run=run_fmt)


def run_fmt(args: argparse.Namespace) -> int:
    """Format and report; 1 when a file could not be formatted or, with --check, would change."""
    listing = FileListing(tuple(_expand(args.paths))) if args.paths else record_listing(args.project, Path.cwd())
    missing = [path for path in listing.paths if not os.path.lexists(path)]
    if missing:
        print(f"synth: error: no such file: {missing[0]}", file=sys.stderr)
        return 2
    outcomes = format_paths(listing.paths, check=args.check, display_root=Path.cwd())
    outcomes += [Outcome(Path(), str(d.location), False, diagnostic=d) for d in listing.diagnostics]
    for outcome in outcomes:
        if outcome.diagnostic is not None:
            print(outcome.diagnostic.format())
        elif outcome.changed:
            print(f"{'would reformat' if args.check else 'reformatted'} {outcome.display}")
    changed = sum(outcome.changed for outcome in outcomes)
    failed = sum(outcome.diagnostic is not None for outcome in outcomes)
    verb = "would be reformatted" if args.check else "reformatted"
    print(f"{changed} {_files(changed)} {verb}, {len(outcomes) - changed - failed} unchanged, {failed} not formatted")
    return 1 if failed or (args.check and changed) else 0


def _files(count: int) -> str:
    return "file" if count == 1 else "files"
