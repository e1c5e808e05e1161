"""Papers, stage 3 (check): what a paper's body may hold, so it cannot crash, stall or fill the PDF renderer.

Papers are trusted authors' Markdown, raw HTML included, but Markdown and the PDF renderer recurse into
nested blocks and take sizes at their word: a 600-deep blockquote, 3,000 nested ``<div>``s or a 200-level
list exhaust Python's stack, ``font-size: 100000000px`` and ``colspan="100000000"`` exhaust the renderer,
and ``<svg><use>`` chains double their work at every level. `check_body` bounds each (`LIMITS`) with a
located error, and warns of what would run in a reader's browser (``<script>``, event-handler attributes,
``javascript:`` links), in a paper or in a hand-written page (`check_page`). Code spans and blocks are text,
so they are skipped.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from synth.citations.syntax import BRACKET_RE, parse_bracket
from synth.errors import Diagnostic, Location
from synth.records.load import display_path

MAX_BLOCKQUOTE_DEPTH = 16
MAX_LIST_DEPTH = 16
MAX_HTML_DEPTH = 64
MAX_CSS_NUMBER = 10_000
MAX_SPAN = 1_000
MAX_SVG_USES = 64
LIMITS = {
    "blockquotes nested": MAX_BLOCKQUOTE_DEPTH, "lists nested": MAX_LIST_DEPTH,
    "HTML elements nested": MAX_HTML_DEPTH, "a number in CSS": MAX_CSS_NUMBER,
    "colspan or rowspan": MAX_SPAN, "<use> elements in SVG": MAX_SVG_USES,
}
"""Every bound on a paper's body, as the README lists them."""

UNSAFE_HINT = "remove it: pages and papers hold text and markup, not scripts"
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")
BLOCKQUOTE = re.compile(r"^(?:[ \t]{0,3}>)+")
LIST_ITEM = re.compile(r"^([ \t]*)(?:[-*+]|\d{1,9}[.)])[ \t]+")
CSS_NUMBER = re.compile(r"(?<![\w#.-])(\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?=[a-z%]*\s*(?:[;}\"'!,)\s]|$))", re.I)
SCRIPT_URL = re.compile(r"^\s*(?:javascript|vbscript|data\s*:\s*text/html)", re.I)
MARKDOWN_LINK_URL = re.compile(r"\]\(\s*<?\s*((?:javascript|vbscript):[^)\s]*)", re.I)
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                           "track", "wbr", "use", "path", "circle", "rect", "line", "polygon", "polyline", "ellipse",
                           "stop"})


@dataclass(frozen=True)
class Place:
    """Where the text being checked is: its path, its record (the paper's slug) and its first line."""

    path: str
    record_id: str | None
    first_line: int


def prose_lines(text: str) -> list[str]:
    """The lines of ``text`` with code blocks, code spans and bracketed citations blanked: prose and markup.

    A bracketed citation's words are shown as text, so markup in them is not raw HTML.
    """
    lines, fence = [], ""
    for line in text.split("\n"):
        opening = FENCE.match(line)
        if fence:
            lines.append("")
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            lines.append("")
            continue
        line = CODE_SPAN.sub(lambda match: " " * len(match.group()), line)
        lines.append(BRACKET_RE.sub(lambda match: " " * len(match.group()) if parse_bracket(match.group("body"))
                                    else match.group(), line))
    return lines


def check_body(text: str, place: Place, *, kind: str = "paper") -> list[Diagnostic]:
    """Every bound the body exceeds (errors) and everything in it that would run in a browser (warnings)."""
    return list((_remembered_body if len(text) <= REMEMBERED_TEXT else _body_problems)(text, place, kind))


def _body_problems(text: str, place: Place, kind: str) -> tuple[Diagnostic, ...]:
    lines = prose_lines(text)
    problems = _depths(lines, place, kind) if kind == "paper" else []
    scanner = _HtmlScanner(place, kind)
    for number, line in enumerate(lines):
        scanner.line = place.first_line + number
        scanner.feed(line + "\n")
        for match in MARKDOWN_LINK_URL.finditer(line):
            scanner.unsafe(f"a link to '{match.group(1)[:40]}'", match.start(1) + 1)
    scanner.close()
    return (*problems, *scanner.problems)


REMEMBERED_TEXT = 256 * 1024
"""The longest text whose problems are remembered: a rebuild under `mkdocs serve` checks every paper and page
again, mostly unchanged, while what is kept of earlier texts stays small (64 at most)."""
_remembered_body = functools.lru_cache(maxsize=64)(_body_problems)


def check_page(text: str, path: str) -> list[Diagnostic]:
    """A hand-written page: warnings for what would run in a reader's browser (its front matter is data)."""
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            return check_body("\n".join(lines[end + 1:]), Place(path, None, end + 2), kind="page")
    return check_body(text, Place(path, None, 1), kind="page")


def check_pages(folder: Path, display_root: Path | None = None) -> list[Diagnostic]:
    """Warnings for every hand-written page (``*.md`` under ``folder``, a project's `docs/`)."""
    if not folder.is_dir():
        return []
    problems = []
    for path in sorted(folder.rglob("*.md")):
        if path.is_file() and not path.is_symlink():
            text = path.read_bytes().decode("utf-8", errors="replace")
            problems += check_page(text, display_path(path, display_root))
    return problems


def _depths(lines: list[str], place: Place, kind: str) -> list[Diagnostic]:
    """Errors for blockquotes and lists nested deeper than the limits, once each, at the first such line."""
    problems: list[Diagnostic] = []
    quote_line = list_line = None
    for number, line in enumerate(lines):
        quotes = BLOCKQUOTE.match(line)
        depth = quotes.group().count(">") if quotes else 0
        if depth > MAX_BLOCKQUOTE_DEPTH and quote_line is None:
            quote_line = number
            problems.append(_too_deep(place, number, f"blockquotes nested {depth} deep", MAX_BLOCKQUOTE_DEPTH))
        item = LIST_ITEM.match(line[quotes.end():] if quotes else line)
        indent = len(item.group(1).expandtabs(4)) if item else 0
        if item and indent // 4 + 1 > MAX_LIST_DEPTH and list_line is None:
            list_line = number
            problems.append(_too_deep(place, number, f"a list item indented {indent} columns",
                                      MAX_LIST_DEPTH, "lists nested"))
    return problems


def _too_deep(place: Place, number: int, what: str, limit: int, name: str = "blockquotes nested") -> Diagnostic:
    return Diagnostic("paper.too-deep", f"{what}: {name} more than {limit} deep cannot be printed",
                      Location(place.path, place.first_line + number), place.record_id,
                      "flatten the structure; a paper needs only a few levels")


class _HtmlScanner(HTMLParser):
    """Reads the raw HTML in the text: nesting depth, sizes, <use> count, and what would run."""

    def __init__(self, place: Place, kind: str) -> None:
        super().__init__(convert_charrefs=True)
        self.place, self.kind, self.line = place, kind, place.first_line
        self.open: list[str] = []
        self.uses = 0
        self.in_style = False
        self.problems: list[Diagnostic] = []
        self.reported: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Track depth, check attributes, count <use>."""
        if tag == "script":
            self.unsafe("a <script> element", self.getpos()[1] + 1)
        for name, value in attrs:
            self._attribute(tag, name, value or "")
        if tag == "use":
            self.uses += 1
            if self.uses > MAX_SVG_USES:
                self.too_large("too_many_uses", f"more than {MAX_SVG_USES} <use> elements in SVG")
        if tag == "style":
            self.in_style = True
        if tag not in VOID_ELEMENTS:
            self.open.append(tag)
            if len(self.open) > MAX_HTML_DEPTH and self.kind == "paper" and "depth" not in self.reported:
                self.reported.add("depth")
                self.problems.append(Diagnostic(
                    "paper.too-deep", f"HTML elements nested more than {MAX_HTML_DEPTH} deep cannot be printed",
                    Location(self.place.path, self.line, self.getpos()[1] + 1), self.place.record_id,
                    "flatten the structure; a paper needs only a few levels"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """A self-closing tag: checked like any other, never nested."""
        self.handle_starttag(tag, attrs)
        if self.open and self.open[-1] == tag:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        """Close the innermost open element of that name."""
        if tag == "style":
            self.in_style = False
        if tag in self.open:
            while self.open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        """Inside <style>, bound the numbers."""
        if self.in_style:
            self._css(data)

    def _attribute(self, tag: str, name: str, value: str) -> None:
        if name.startswith("on"):
            self.unsafe(f"an event-handler attribute '{name}' on <{tag}>", self.getpos()[1] + 1)
        elif name in ("href", "src", "xlink:href", "action", "formaction") and SCRIPT_URL.match(value):
            self.unsafe(f"a {name} to '{value.strip()[:40]}' on <{tag}>", self.getpos()[1] + 1)
        elif name == "style":
            self._css(value)
        elif name in ("colspan", "rowspan") and value.strip().isdigit() and int(value) > MAX_SPAN:
            self.too_large(name, f"{name}={value.strip()[:12]} is more than {MAX_SPAN}")

    def _css(self, css: str) -> None:
        for match in CSS_NUMBER.finditer(css):
            if float(match.group(1)) > MAX_CSS_NUMBER:
                self.too_large("css", f"the CSS value {match.group(1)[:16]} is more than {MAX_CSS_NUMBER}")
                return

    def too_large(self, key: str, what: str) -> None:
        """An error for a size past its limit, once per kind of size (only in papers, which are printed)."""
        if self.kind != "paper" or key in self.reported:
            return
        self.reported.add(key)
        self.problems.append(Diagnostic("paper.too-large", f"{what}: too large to print",
                                        Location(self.place.path, self.line, self.getpos()[1] + 1),
                                        self.place.record_id, "use an ordinary size"))

    def unsafe(self, what: str, column: int) -> None:
        """A warning for something that would run in a reader's browser."""
        message, hint = f"{what} would run in a reader's browser", UNSAFE_HINT
        where = Location(self.place.path, self.line, column)
        if self.kind == "paper":
            self.problems.append(Diagnostic("paper.unsafe-html", message, where, self.place.record_id, hint,
                                            "warning"))
        else:
            self.problems.append(Diagnostic("page.unsafe-html", message, where, None, hint, "warning"))
