"""Rendering citations: the Python-Markdown extension, and the elements it puts in the page.

Citations are inline patterns, so code spans and blocks are never touched. They run after raw HTML and
entities (so attributes are left alone) and before emphasis. Everything from the bibliography is set as
element text or attributes, which Python-Markdown escapes, and stripped of control characters so it cannot
reach Markdown's placeholders. Unknown keys are reported after inline processing, in document order, each
with the line `find_citations` found it on.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import markdown
from markdown import util as markdown_util
from markdown.inlinepatterns import InlineProcessor as MarkdownInlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from synth.citations.scan import find_citations
from synth.citations.syntax import BRACKET_RE, IN_TEXT_RE, CiteItem, key_of, parse_bracket
from synth.references.style import FormattedReference

STASHED_HTML = markdown_util.HTML_PLACEHOLDER_RE
STASHED_INLINE = markdown_util.INLINE_PLACEHOLDER_RE
MARKUP_START = re.compile(r"[<&@]")
ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
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

    def __init__(self, renderer: CitationRenderer, md: markdown.Markdown) -> None:
        super().__init__(BRACKET_RE.pattern, md)
        self.renderer = renderer

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the group, or decline (None) when a part of the brackets cites nothing."""
        items = parse_bracket(m.group("body"))
        if items is None:
            return None, None, None
        assert self.md is not None
        items = [replace(item, prefix=unstash_html(item.prefix, self.md), suffix=unstash_html(item.suffix, self.md))
                 for item in items]
        return self.renderer.bracket(items), m.start(), m.end()


def unstash_html(text: str, md: markdown.Markdown) -> str:
    """``text`` with the raw HTML Python-Markdown set aside put back as text, so the words around a key are text.

    Raw HTML and entities are read before citations, so ``[see @key, p. <b>3</b>]`` reaches the bracket with
    placeholders for ``<b>`` and ``</b>``; they are put back as the text they were, and an entity as the character
    it stands for, each character that could start markup or a citation written as a backslash escape is (the words
    after a key are read again from the first inline pattern). Other placeholders (code spans, escapes) are kept.
    """
    inline = md.treeprocessors["inline"] if "inline" in md.treeprocessors else None  # noqa: SIM401 (no get())
    inline_stash: dict[str, object] = getattr(inline, "stashed_nodes", {})

    def raw_html(match: re.Match[str]) -> str:
        index = int(match.group(1))
        blocks = md.htmlStash.rawHtmlBlocks
        raw = blocks[index] if index < len(blocks) else ""
        raw = raw if isinstance(raw, str) else etree.tostring(raw, encoding="unicode")
        return as_escapes(_clean(html.unescape(raw) if ENTITY.fullmatch(raw) else raw))

    def inline_node(match: re.Match[str]) -> str:
        node = inline_stash.get(match.group(1))
        if isinstance(node, str) and STASHED_HTML.fullmatch(node):
            return STASHED_HTML.sub(raw_html, node)
        return match.group(0)

    return STASHED_HTML.sub(raw_html, STASHED_INLINE.sub(inline_node, text))


def as_escapes(text: str) -> str:
    """``text`` with ``< & @`` as Python-Markdown keeps backslash-escaped characters, restored as escaped text."""
    return MARKUP_START.sub(lambda match: f"{markdown_util.STX}{ord(match.group())}{markdown_util.ETX}", text)


class InTextCitations(MarkdownInlineProcessor):
    """``@key`` in running text."""

    def __init__(self, renderer: CitationRenderer) -> None:
        super().__init__(IN_TEXT_RE.pattern)
        self.renderer = renderer

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        """Render the citation."""
        return self.renderer.in_text(key_of(m)), m.start(), m.end()


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
        md.inlinePatterns.register(BracketCitations(renderer, md), "citation_bracket", BRACKET_PRIORITY)
        md.inlinePatterns.register(InTextCitations(renderer), "citation_in_text", IN_TEXT_PRIORITY)
        md.treeprocessors.register(UnknownCitationReporter(md, self.resolver, page), "citation_unknown",
                                   REPORTER_PRIORITY)
