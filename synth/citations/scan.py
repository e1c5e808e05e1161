"""Finding citations in raw Markdown, outside code, with the line of each: for checks without a site build.

Python-Markdown keeps no source lines, so this reads the text as Python-Markdown and its common extensions
(fenced code as pymdownx.superfences nests it, admonitions, details, tabs) would: code blocks and code spans,
escapes, links' targets, images, autolinks and raw HTML are masked, then the patterns of
`synth.citations.syntax` are matched block by block. Raw HTML blocks other than comments are read as text.
"""

from __future__ import annotations

import functools
import itertools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml
from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE, BACKTICK_RE, HTML_RE, BacktickInlineProcessor

from synth.citations.syntax import BRACKET_RE, IN_TEXT_RE, key_of, parse_bracket

FENCE_RE = re.compile(r"(?P<fence>[ \t]*(?:`{3,}|~{3,}))[ \t]*(?:\{[^\n]*\}|\.?[\w#.+-]*"
                      r"(?:[ \t]+[a-zA-Z]\w*(?:=(?:\"[^\"]*\"|'[^']*'))?)*)[ \t]*\r?")
CONTAINER_RE = re.compile(r"^[ ]*(?:[*+-][ \t]|\d+[.)][ \t]|!!!|\?\?\?|===|\[\^[^\]]+\]:|:[ \t])")
FRONT_MATTER_RE = re.compile(r"\A-{3}[ \t]*\n(?P<yaml>.*?\n)?(?:-{3}|\.{3})[ \t]*(?:\n|\Z)", re.DOTALL)
HEADING_RE = re.compile(r"#{1,6}")
LIST_ITEM_RE = re.compile(r"[ ]*(?:[*+-]|\d+[.)])[ \t]")
QUOTE_RE = re.compile(r"^(?:[ ]{0,3}>[ ]?)+")
COMMENT_BLOCK_RE = re.compile(r"^<!--.*?-->", re.DOTALL | re.MULTILINE)
LINK_RE = re.compile(r"(?P<image>!?)\[(?P<text>[^\[\]]*)\]\([^()]*\)")
ESCAPE_RE = re.compile(r"\\(.)", re.DOTALL)
ESCAPED_CHARS = frozenset("\\`*_{}[]()>#+-.!@")
MASK = "\0"
CODE_SPAN = BacktickInlineProcessor(BACKTICK_RE)
RAW_PATTERNS = tuple(re.compile(pattern, re.DOTALL) for pattern in (AUTOLINK_RE, AUTOMAIL_RE, HTML_RE))
"""Autolinks, e-mail autolinks and raw HTML, which Markdown takes before citations."""


def find_citations(text: str) -> list[tuple[str, int]]:
    """Every citation outside code in Markdown ``text``, as (key, 1-based line), in document order.

    A leading YAML front matter block (as MkDocs reads it) is skipped but counted in the lines.
    """
    if "@" not in text:  # Most generated pages: nothing to look for.
        return []
    return list(_citations_in(text))


@functools.lru_cache(maxsize=512)
def _citations_in(text: str) -> tuple[tuple[str, int], ...]:
    """`find_citations` of a text that may cite: kept, since a rebuild under `mkdocs serve` reads the same pages."""
    found: list[tuple[str, int]] = []
    for start_line, block in _text_blocks(_mask_code_lines(text)):
        found += [(key, start_line + block.count("\n", 0, offset)) for offset, key in _block_citations(block)]
    return tuple(found)


def _block_citations(block: str) -> list[tuple[int, str]]:
    """The citations in one block of text, as (offset, key) in order."""
    if "@" not in block:
        return []
    return sorted(_inline_citations(_mask_escapes(_mask_code_spans(block))))


def _inline_citations(text: str) -> list[tuple[int, str]]:
    """The citations in text whose code spans and escapes are masked, taking what Markdown takes first in its order.

    A link's text is read on its own (Markdown reads it after making the link); an image's text not at all.
    Every mask keeps the text's length, so offsets stay those of the block.
    """
    found: list[tuple[int, str]] = []

    def link(match: re.Match[str]) -> str:
        if not match["image"]:
            found.extend((match.start("text") + offset, key) for offset, key in _inline_citations(match["text"]))
        return _masked(match.group())

    def bracket(match: re.Match[str]) -> str:
        items = parse_bracket(match.group("body"))
        if items is None:
            return match.group()
        found.extend((match.start("body") + item.offset, item.key) for item in items)
        return _masked(match.group())

    text = LINK_RE.sub(link, text)
    for pattern in RAW_PATTERNS:
        text = pattern.sub(lambda match: _masked(match.group()), text)
    text = BRACKET_RE.sub(bracket, text)
    return found + [(match.start(), key_of(match)) for match in IN_TEXT_RE.finditer(text)]


def _masked(text: str) -> str:
    """``text`` with every character but newlines replaced by the mask character."""
    return "\n".join(MASK * len(line) for line in text.split("\n"))


def _mask_code_lines(text: str) -> str:
    """Mask front matter, fenced and indented code blocks and block comments, keeping every newline."""
    front = FRONT_MATTER_RE.match(text)
    if front and isinstance(_safe_yaml(front.group("yaml") or ""), dict):
        text = _masked(front.group()) + text[front.end():]
    lines = text.split("\n")
    code = code_line_numbers(lines)
    text = "\n".join(_masked(line) if number in code else line for number, line in enumerate(lines))
    return COMMENT_BLOCK_RE.sub(lambda match: _masked(match.group()), text)


def _safe_yaml(text: str) -> object:
    """Parse YAML, or None when it is not YAML (then it is not front matter either)."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def _unquoted(lines: list[str]) -> list[tuple[str, bool]]:
    """Each line with block quote markers removed, as Python-Markdown parses a quote's content, and whether quoted.

    From a block's first ``>`` line to its end, every line belongs to the quote (later lines without ``>``
    are lazy continuations), and a line holding only ``>`` is a blank line inside the quote.
    """
    result, in_quote = [], False
    for line in lines:
        in_quote = bool(line.strip()) and (in_quote or QUOTE_RE.match(line) is not None)
        result.append((QUOTE_RE.sub("", line), True) if in_quote else (line, False))
    return result


def code_line_numbers(lines: list[str]) -> set[int]:
    """The 0-based numbers of the lines inside code blocks, as Python-Markdown and its common extensions see them."""
    state = _BlockState()
    code: set[int] = set()
    for number, (line, quoted) in enumerate(_unquoted(lines)):
        if state.is_code(lines, number, line, quoted):
            code.add(number)
    return code


@dataclass
class _BlockState:
    """What the code finder knows between lines: an open fence, the open containers, how the last line ended.

    Indented code needs four more spaces than the content of the innermost open container (a list item,
    admonition, details, tab, footnote or definition, whose content is indented four), and must start a
    block: after a blank line, a heading, a fenced block or other indented code. A container's marker opens
    one only at the start of a block or inside a list; elsewhere it is paragraph text.
    """

    fence: str | None = None
    containers: list[int] = field(default_factory=list)
    after_blank: bool = True
    starts_block: bool = True
    in_indented: bool = False
    in_container_block: bool = False
    quoted: bool = False

    def is_code(self, lines: list[str], number: int, line: str, quoted: bool) -> bool:
        """Take line ``number`` of ``lines``, also given without quote markers; say whether it is code or a fence.

        Fences are found in the lines as written, as Markdown's preprocessors find them: not inside quotes.
        """
        raw = lines[number]
        if self.fence is not None:
            if _is_closing(self.fence, raw):  # Markdown puts the block between blank lines.
                self.fence, self.after_blank, self.starts_block = None, True, True
            return True
        if raw.strip() and quoted != self.quoted:  # Containers do not reach into or out of a block quote.
            self.containers, self.quoted = [], quoted
        if not line.strip():
            self.after_blank = self.starts_block = True
            return False
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        opens = CONTAINER_RE.match(line) is not None and (self.starts_block or self.in_container_block)
        while self.containers and indent < self.containers[-1] and (self.after_blank or opens):
            self.containers.pop()
        threshold = (self.containers[-1] if self.containers else 0) + 4
        self.in_indented = indent >= threshold and self.starts_block
        self.in_container_block = opens or (self.in_container_block and not self.starts_block)
        self.after_blank = False
        self.starts_block = self.in_indented or HEADING_RE.match(line) is not None
        if self.in_indented:
            return True
        fence = FENCE_RE.fullmatch(raw)
        if fence and indent == threshold - 4 and _closes(fence["fence"], lines, number + 1):
            self.fence = fence["fence"]
            return True
        if opens:
            self.containers.append(indent + 4)
        return False


def _is_closing(fence: str, line: str) -> bool:
    """Whether ``line`` closes a code block opened by ``fence`` (its indentation and marks).

    It takes the same indentation and the same mark, at least as many.
    """
    marks = fence.lstrip()
    indent = re.escape(fence[:len(fence) - len(marks)])
    return re.fullmatch(rf"{indent}{re.escape(marks[0])}{{{len(marks)},}}[ \t]*\r?", line) is not None


def _closes(fence: str, lines: list[str], start: int) -> bool:
    """Whether a fence is closed at or after line ``start``; an unclosed fence is text to Python-Markdown."""
    return any(_is_closing(fence, line) for line in itertools.islice(lines, start, None))


def _text_blocks(text: str) -> Iterator[tuple[int, str]]:
    """Runs of lines that Python-Markdown reads as one text, each with its 1-based first line.

    Blank and code lines end a run; a heading is a run of its own, and each item of a list starts one.
    """
    block: list[str] = []
    for number, line in enumerate([*text.split("\n"), ""], start=1):
        starts = HEADING_RE.match(line) or (block and LIST_ITEM_RE.match(block[0]) and LIST_ITEM_RE.match(line))
        if block and (starts or not line.strip(MASK + " \t\r") or HEADING_RE.match(block[0])):
            yield number - len(block), "\n".join(block)
            block = []
        if line.strip(MASK + " \t\r"):
            block.append(line)


def _mask_escapes(text: str) -> str:
    """Mask backslash escapes, as Markdown's escape pattern (with ``@`` added) takes them."""
    return ESCAPE_RE.sub(lambda m: MASK * 2 if m.group(1) in ESCAPED_CHARS else m.group(), text)


def _mask_code_spans(block: str) -> str:
    """Mask code spans, found by Python-Markdown's own code span pattern so backticks pair exactly as there."""
    pieces: list[str] = []
    position = done = 0
    while match := CODE_SPAN.compiled_re.search(block, position):
        span, start, end = CODE_SPAN.handleMatch(match, block)
        assert start is not None and end is not None  # The pattern always says where to go on.
        if isinstance(span, etree.Element):
            pieces += [block[done:start], _masked(block[start:end])]
            done = end
        position = end
    return "".join([*pieces, block[done:]])
