r"""Stage 4, render (citations): author-year citations in hand-written Markdown, as a Python-Markdown extension.

Pages written by hand (papers, guides) cite references the way Pandoc does:

| Markdown | rendered |
| --- | --- |
| ``[@alexander2021]`` | (Alexander, 2021) |
| ``[@alexander2021, p. 12]`` | (Alexander, 2021, p. 12) |
| ``[see @alexander2021; @turley2012]`` | (see Alexander, 2021; Turley, 2012) |
| ``[-@alexander2021]`` | (2021) |
| ``@alexander2021 argues`` | Alexander (2021) argues |

Each author-year links to the reference's anchor. Citations are inline patterns, so code spans and code
blocks are never touched, and the extension works wherever Python-Markdown extensions run.

**Keys.** A bare key starts with a letter, a digit or ``_`` and goes on with letters, digits, ``_`` and the
punctuation ``: . / ' & - + ? # $ % ~`` as long as a letter, digit or ``_`` follows it. So a full stop or comma
after a key in running text is punctuation (``@turley2012.`` cites ``turley2012``), while ``O'Hara_1999``,
``ministry&local2019`` and ``st.jean2007`` are whole keys. Any other key BibTeX allows (one ending in
punctuation, or holding ``(`` or ``*``) is written in braces: ``@{key}``; braces take any characters but
white space, ``, ; { } [ ]``. The braces also end a key before a possessive: ``@{turley2012}'s``.

**Where.** In running text ``@`` starts a citation only at the start of a text or after white space or one of
``( [ { " ' “ ‘ « — – * _ > |``: so ``someone@example.org`` and URLs are not citations. ``\@`` is a literal
``@``. An unknown key is shown in the page as ``@key?`` in a ``citation-unknown`` span and reported.

**Lines.** Python-Markdown keeps no source lines, so a preprocessor first finds every citation outside code
with `find_citations` (the same rules, on the raw text) and each key's lines are handed out, in document
order, to that key's rendered occurrences. Lines count from the first line of the text given to Markdown.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import markdown
import yaml
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, BACKTICK_RE, HTML_RE, BacktickInlineProcessor
from markdown.inlinepatterns import InlineProcessor as MarkdownInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from synth.style import FormattedReference

BARE_KEY = r"\w+(?:[:./'&+?#$%~-]+\w+)*"
BRACED_KEY = r"[^\s,;{}\[\]]+"
KEY = rf"@(?:\{{(?P<braced>{BRACED_KEY})\}}|(?P<bare>{BARE_KEY}))"
IN_TEXT_RE = re.compile(r"(?<![^\s(\[{\"'“‘«—–*_>|])" + KEY)
BRACKET_RE = re.compile(r"\[(?P<body>[^\[\]]*@[^\[\]]*)\]")
ITEM_RE = re.compile(rf"(?P<prefix>.*?)(?<!\S)(?P<suppress>-)?{KEY}(?P<suffix>.*)", re.DOTALL)
UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # STX/ETX would reach Markdown's placeholders.

BRACKET_PRIORITY = 75  # After raw HTML (90) and entities (80), so attributes are left alone; before emphasis.
IN_TEXT_PRIORITY = 74
PREPROCESSOR_PRIORITY = 35  # Before whitespace normalising (30) and snippets (32): the page's own lines.
REPORTER_PRIORITY = 15  # After inline patterns (20), before the table of contents (5).


class CitationResolver(Protocol):
    """What the extension asks of its host: references by key, link targets, and where to report."""

    def lookup(self, key: str) -> FormattedReference | None:
        """The formatted reference for ``key``, or None when the bibliography has none."""

    def href(self, key: str) -> str:
        """The link target of the key's reference anchor, from the page being converted."""

    def unknown(self, key: str, line: int) -> None:
        """Record an unknown key cited at 1-based ``line`` of the page's Markdown."""

    def cited(self, key: str) -> None:
        """Record that a known key is cited on the page being converted."""


@dataclass(frozen=True)
class CiteItem:
    """One cited key inside brackets, with the words around it."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    offset: int = 0
    """Where the key's ``@`` is in the bracket's body."""


# Finding citations in raw Markdown, outside code.

FENCE_RE = re.compile(r"^[ \t]*(?P<fence>`{3,}(?!.*`)|~{3,})")
CONTAINER_RE = re.compile(r"^[ ]*(?:[*+-][ \t]|\d+[.)][ \t]|!!!|\?\?\?|===|\[\^[^\]]+\]:|:[ \t])")
FRONT_MATTER_RE = re.compile(r"\A-{3}[ \t]*\n(?P<yaml>.*?\n)?(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", re.DOTALL)
COMMENT_BLOCK_RE = re.compile(r"^<!--.*?-->", re.DOTALL | re.MULTILINE)
LINK_TARGET_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)|(?<=\])\([^)]*\)")
ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
ESCAPED_CHARS = frozenset("\\`*_{}[]()>#+-.!@")
MASK = "\0"
CODE_SPAN = BacktickInlineProcessor(BACKTICK_RE)


def find_citations(text: str) -> list[tuple[str, int]]:
    """Every citation outside code in Markdown ``text``, as (key, 1-based line), in document order.

    A leading YAML front matter block (as MkDocs reads it) is skipped but counted in the lines.
    """
    found: list[tuple[str, int]] = []
    for start_line, block in _text_blocks(_mask_code_lines(text)):
        block = _mask_inline(block)
        for match in BRACKET_RE.finditer(block):
            items = _parse_bracket(match.group("body"))
            if items is not None:
                found += _item_lines(block, match, items, start_line)
                block = block[:match.start()] + _masked(match.group()) + block[match.end():]
        found += [(_key(match), start_line + block.count("\n", 0, match.start()))
                  for match in IN_TEXT_RE.finditer(block)]
    return sorted(found, key=lambda pair: pair[1])  # sorted() is stable: same-line keys keep their order.


def _item_lines(block: str, match: re.Match[str], items: list[CiteItem], start_line: int) -> list[tuple[str, int]]:
    """The key and line of each citation in one bracket group."""
    return [(item.key, start_line + block.count("\n", 0, match.start("body") + item.offset)) for item in items]


def _masked(text: str) -> str:
    """``text`` with every character but newlines replaced by the mask character."""
    return re.sub(r"[^\n]", MASK, text)


def _mask_code_lines(text: str) -> str:
    """Mask front matter, fenced and indented code blocks and block comments, keeping every newline."""
    front = FRONT_MATTER_RE.match(text)
    if front and isinstance(_safe_yaml(front.group("yaml") or ""), dict):
        text = _masked(front.group()) + text[front.end():]
    lines = text.split("\n")
    code = _code_line_numbers(lines)
    text = "\n".join(_masked(line) if number in code else line for number, line in enumerate(lines))
    return COMMENT_BLOCK_RE.sub(lambda match: _masked(match.group()), text)


def _safe_yaml(text: str) -> object:
    """Parse YAML, or None when it is not YAML (then it is not front matter either)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _code_line_numbers(lines: list[str]) -> set[int]:
    """The 0-based numbers of the lines inside code blocks, as Python-Markdown and its common extensions see them.

    Indented code needs four more spaces than the content of the innermost container (list item, admonition,
    details, tab, footnote or definition) that is still open, and a blank line before it.
    """
    code: set[int] = set()
    fence: str | None = None
    containers: list[int] = []
    blank_before, in_indented = True, False
    for number, line in enumerate(lines):
        if fence is not None:
            code.add(number)
            if re.fullmatch(rf"[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*\r?", line):
                fence = None
            continue
        if not line.strip():
            blank_before = True
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        opens = CONTAINER_RE.match(line) is not None
        while containers and indent < containers[-1] and (blank_before or opens):
            containers.pop()
        threshold = (containers[-1] if containers else 0) + 4
        in_indented = indent >= threshold and (blank_before or in_indented)
        blank_before = False
        if in_indented:
            code.add(number)
        elif match := FENCE_RE.match(line):
            fence = match.group("fence")
            code.add(number)
        elif opens:
            containers.append(indent + 4)
    return code


def _text_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Runs of lines that Python-Markdown parses as one block of text, each with its 1-based first line."""
    block: list[str] = []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        if line.strip() and line.strip(MASK):
            block.append(line)
        elif block:
            yield number - len(block), "\n".join(block)
            block = []


def _mask_inline(block: str) -> str:
    """Mask what Python-Markdown's inline patterns take before citations: code, escapes, autolinks, raw HTML."""
    block = _mask_code_spans(block)
    block = ESCAPE_RE.sub(lambda m: MASK * 2 if m.group(1) in ESCAPED_CHARS else m.group(), block)
    for pattern in (AUTOLINK_RE, AUTOMAIL_RE, HTML_RE):
        block = re.sub(pattern, lambda m: _masked(m.group()), block, flags=re.DOTALL)
    return LINK_TARGET_RE.sub(lambda m: _masked(m.group()), block)


def _mask_code_spans(block: str) -> str:
    """Mask code spans, found by Python-Markdown's own code span pattern so backticks pair exactly as there."""
    position = 0
    while match := CODE_SPAN.compiled_re.search(block, position):
        span, start, end = CODE_SPAN.handleMatch(match, block)
        assert start is not None and end is not None  # The pattern always says where to go on.
        if isinstance(span, etree.Element):
            block = block[:start] + _masked(block[start:end]) + block[end:]
        position = end
    return block


def _key(match: re.Match[str]) -> str:
    """The key of a match of `KEY`, braced or bare."""
    return match.group("braced") or match.group("bare")


def _parse_bracket(body: str) -> list[CiteItem] | None:
    """The items of a bracketed citation, or None when any ``;``-separated part cites no key."""
    items: list[CiteItem] = []
    offset = 0
    for part in body.split(";"):
        match = ITEM_RE.fullmatch(part)
        if match is None:
            return None
        items.append(CiteItem(_key(match), _words(match.group("prefix")), _words(match.group("suffix")),
                              match.group("suppress") is not None, offset + match.end("prefix")))
        offset += len(part) + 1
    return items


def _words(text: str) -> str:
    """``text`` with its white space collapsed to single spaces."""
    return " ".join(text.split())


# Rendering.


@dataclass
class PageCitations:
    """What the extension learns about one conversion: lines still to hand out, and unknown keys to report."""

    lines: dict[str, deque[int]] = field(default_factory=dict)
    last_line: dict[str, int] = field(default_factory=dict)
    unknown: dict[int, list[str]] = field(default_factory=dict)
    """Unknown keys by ``id()`` of the element that shows them, reported in document order."""

    def take_line(self, key: str) -> int:
        """The line of the key's next occurrence; a repeat of the last one (or 1) when none was found."""
        queue = self.lines.get(key)
        if queue:
            self.last_line[key] = queue.popleft()
        return self.last_line.get(key, 1)


class CitationRenderer:
    """Builds the elements for citations, asking the resolver for each key."""

    def __init__(self, resolver: CitationResolver, page: PageCitations) -> None:
        self.resolver = resolver
        self.page = page

    def bracket(self, items: list[CiteItem]) -> etree.Element:
        """``(see Alexander, 2021, p. 12; Turley, 2012)``: one link per known key."""
        span = etree.Element("span", {"class": "citation"})
        text = _Appender(span, "(")
        for index, item in enumerate(items):
            text.add("; " if index else "")
            text.add(f"{item.prefix} " if item.prefix else "")
            reference = self._lookup(item.key)
            if reference is None:
                text.element(self._unknown(item.key))
            else:
                label = reference.year if item.suppress_author else f"{reference.author_short}, {reference.year}"
                text.element(self._link(item.key, reference, label))
            locator = item.suffix.lstrip(", ")
            text.add(f", {locator}" if locator else "")
        text.add(")")
        return span

    def in_text(self, key: str) -> etree.Element:
        """``Alexander (2021)``, linked; an unknown key shows as ``@key?``."""
        reference = self._lookup(key)
        if reference is None:
            return self._unknown(key)
        span = etree.Element("span", {"class": "citation"})
        span.append(self._link(key, reference, f"{reference.author_short} ({reference.year})"))
        return span

    def _lookup(self, key: str) -> FormattedReference | None:
        """The key's reference, telling the resolver it is cited."""
        reference = self.resolver.lookup(key)
        if reference is not None:
            self.resolver.cited(key)
        return reference

    def _link(self, key: str, reference: FormattedReference, label: str) -> etree.Element:
        """A link to the reference's anchor, titled with the whole reference as text."""
        link = etree.Element("a", {"href": _clean(self.resolver.href(key)), "title": _clean(reference.text)})
        link.text = AtomicString(_clean(label))
        return link

    def _unknown(self, key: str) -> etree.Element:
        """The visible mark of an unknown key, ``@key?``, noted for reporting once its place is known."""
        span = etree.Element("span", {"class": "citation-unknown"})
        span.text = AtomicString(f"@{_clean(key)}?")
        self.page.unknown.setdefault(id(span), []).append(key)
        return span


class _Appender:
    """Appends text and child elements to an element in order, placing text in ``text`` or a child's tail."""

    def __init__(self, element: etree.Element, text: str) -> None:
        self.target = element
        self.last: etree.Element | None = None
        element.text = text

    def add(self, text: str) -> None:
        if self.last is None:
            self.target.text = (self.target.text or "") + text
        else:
            self.last.tail = (self.last.tail or "") + text

    def element(self, child: etree.Element) -> None:
        self.target.append(child)
        self.last = child


def _clean(text: str) -> str:
    """Text from the bibliography without control characters (STX/ETX would be read as Markdown placeholders)."""
    return UNSAFE_TEXT.sub("", text)


# The Python-Markdown extension.


class CitationLines(Preprocessor):
    """Before parsing, find the line of every citation outside code; changes no line."""

    def __init__(self, md: markdown.Markdown, page: PageCitations) -> None:
        super().__init__(md)
        self.page = page

    def run(self, lines: list[str]) -> list[str]:
        """Record each key's lines for this conversion and return the lines unchanged."""
        self.page.lines.clear()
        self.page.last_line.clear()
        self.page.unknown.clear()
        for key, line in find_citations("\n".join(lines)):
            self.page.lines.setdefault(key, deque()).append(line)
        return lines


class BracketCitations(MarkdownInlineProcessor):
    """``[see @a, p. 3; -@b]``: a bracketed group of one or more citations."""

    def __init__(self, renderer: CitationRenderer) -> None:
        super().__init__(BRACKET_RE.pattern)
        self.renderer = renderer

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the group, or decline (None) when a part of the brackets cites nothing."""
        items = _parse_bracket(m.group("body"))
        if items is None:
            return None, None, None
        return self.renderer.bracket(items), m.start(), m.end()


class InTextCitations(MarkdownInlineProcessor):
    """``@key`` in running text."""

    def __init__(self, renderer: CitationRenderer) -> None:
        super().__init__(IN_TEXT_RE.pattern)
        self.renderer = renderer

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        """Render the citation."""
        return self.renderer.in_text(_key(m)), m.start(), m.end()


class UnknownCitationReporter(Treeprocessor):
    """After inline patterns, report unknown keys in document order, each with its line."""

    def __init__(self, md: markdown.Markdown, resolver: CitationResolver, page: PageCitations) -> None:
        super().__init__(md)
        self.resolver = resolver
        self.page = page

    def run(self, root: etree.Element) -> None:
        """Call the resolver's ``unknown`` for each unknown key shown in the page, top to bottom."""
        for element in root.iter():
            for key in self.page.unknown.pop(id(element), []):
                self.resolver.unknown(key, self.page.take_line(key))
        for keys in self.page.unknown.values():  # Elements another extension left out of the tree.
            for key in keys:
                self.resolver.unknown(key, self.page.take_line(key))
        self.page.unknown.clear()


class CitationExtension(markdown.Extension):
    """Resolve ``[@key]``, ``[@key, p. 12]``, ``[see @a; @b]``, ``[-@key]`` and ``@key`` through a resolver."""

    def __init__(self, resolver: CitationResolver, **kwargs: Any) -> None:
        self.resolver = resolver
        super().__init__(**kwargs)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        r"""Register the line finder, both inline patterns and the reporter; make ``\@`` an escape."""
        page = PageCitations()
        renderer = CitationRenderer(self.resolver, page)
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")
        md.preprocessors.register(CitationLines(md, page), "citation_lines", PREPROCESSOR_PRIORITY)
        md.inlinePatterns.register(BracketCitations(renderer), "citation_bracket", BRACKET_PRIORITY)
        md.inlinePatterns.register(InTextCitations(renderer), "citation_in_text", IN_TEXT_PRIORITY)
        md.treeprocessors.register(UnknownCitationReporter(md, self.resolver, page), "citation_unknown",
                                   REPORTER_PRIORITY)
