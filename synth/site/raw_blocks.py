"""Render, for MkDocs: a generated page's raw HTML blocks set aside, so Markdown converts only the rest.

Generated pages are Markdown whose body is mostly raw HTML blocks (tables, quotations, lists of links) between
Markdown headings. Python-Markdown passes raw HTML through unchanged, but only after reading every tag of it
with Python's HTML parser, and MkDocs reads it once more for its anchors: at thousands of pages that is most of
a build's time. `set_aside` swaps each raw HTML block for a placeholder paragraph before conversion, so the
engine converts only the headings and any other Markdown (keeping its table of contents, heading ids, permalinks
and title exactly as configured), and `put_back` puts the blocks back into the converted HTML: the same page,
as Python-Markdown does it itself with its own placeholders. The blocks are our own escaped HTML, so their
tags can be balanced with a regular expression; anything this cannot be sure of stays Markdown.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown.util import BLOCK_LEVEL_ELEMENTS

PLACEHOLDER = "synthrawhtmlblock{}end"
"""A paragraph no extension changes and no record text can make: record text reaches a page only escaped,
inside raw HTML, or in a heading, never as a paragraph of its own."""
PUT_BACK = re.compile(r"<p>synthrawhtmlblock(\d+)end</p>")
TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?(/?)>")
"""A start or end tag in generated HTML, where every `<` and `>` in text and attribute values is escaped."""
BLOCK_START = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)[\s>/]")
VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"))
VERBATIM = frozenset(("pre", "script", "style", "textarea"))
"""Elements whose text may hold anything: a page with one stays wholly Markdown."""
ID = re.compile(r"""\sid=(?:"([^"]*)"|'([^']*)')""")
REUSE_WINDOW = 4
"""How many of a page's earlier blocks, from the next unmatched one, a block is compared with: an edit adds,
removes or changes a few blocks, and the rest follow in the same order."""


@dataclass(frozen=True)
class SetAside:
    """A page's Markdown with its raw HTML blocks replaced by placeholders, and the blocks, in order."""

    markdown: str
    blocks: tuple[str, ...]

    @functools.cached_property
    def anchor_ids(self) -> frozenset[str]:
        """The `id`s of elements in the blocks set aside, which links from other pages may name (found once)."""
        return frozenset(a or b for block in self.blocks for a, b in ID.findall(block))


def set_aside(markdown: str, last: SetAside | None = None) -> SetAside | None:
    """The page with each raw HTML block set aside, or None when the page has none or anything is unclear.

    A raw HTML block begins with a block-level start tag at the start of a line after a blank line or another
    block, and ends with the line where its tags balance; a block that ends mid-line, holds a comment or a
    verbatim element, or never balances leaves the whole page to Markdown.

    ``last``, the same page's blocks before an edit, spares walking the tags of a block that is one of them:
    where a block starts with the very text of the next unmatched earlier block, followed by the end of a line,
    the walk would end where that block ends (it reads nothing past the line that balances the tags).
    """
    earlier = last.blocks if last is not None else ()
    next_earlier = 0
    out: list[str] = []
    blocks: list[str] = []
    position = 0
    previous_blank = True
    while position < len(markdown):
        line_end = _line_end(markdown, position)
        start = BLOCK_START.match(markdown, position)
        if start is None or start.group(1).lower() not in BLOCK_LEVEL_ELEMENTS or not previous_blank:
            line = markdown[position:line_end]
            if line.startswith(("```", "~~~")):
                return None  # A fenced code block may hold anything.
            out.append(line)
            previous_blank = not line.strip()
            position = line_end + 1
            continue
        end = None
        for candidate in range(next_earlier, min(next_earlier + REUSE_WINDOW, len(earlier))):
            block = earlier[candidate]
            after = position + len(block)
            if markdown.startswith(block, position) and (after == len(markdown) or markdown[after] == "\n"):
                end, next_earlier = after, candidate + 1
                break
        if end is None:
            end = _block_end(markdown, position)
        if end is None:
            return None
        blocks.append(markdown[position:end])
        out.extend(("", PLACEHOLDER.format(len(blocks) - 1), ""))
        previous_blank = True
        position = end + 1
    if not blocks:
        return None
    return SetAside("\n".join(out), tuple(blocks))


def _line_end(text: str, position: int) -> int:
    """Where the line holding ``position`` ends (its newline, or the end of the text)."""
    end = text.find("\n", position)
    return len(text) if end < 0 else end


def _block_end(text: str, start: int) -> int | None:
    """The end of the line that closes the raw HTML block starting at ``start``, or None if unsure."""
    depth = 0
    for tag in TAG.finditer(text, start):
        closing, name, self_closing = tag.groups()
        name = name.lower()
        if name in VERBATIM:
            return None
        if name in VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth < 0:
            return None
        if depth == 0:
            end = _line_end(text, tag.end())
            block = text[start:end]
            if text[tag.end():end].strip() or "<!--" in block or "<![" in block or "<?" in block:
                return None  # Text after the block's end on its line, or a comment: leave the page to Markdown.
            return end
    return None


def split_front_matter(markdown: str) -> tuple[str, str]:
    """A generated page's front matter block (``---`` lines and what is between them) and the rest."""
    if markdown.startswith("---\n") and (end := markdown.find("\n---\n", 3)) >= 0:
        return markdown[:end + 5], markdown[end + 5:]
    return "", markdown


def put_back(html: str, aside: SetAside) -> str | None:
    """The converted page with its blocks in place of their placeholders, or None if any placeholder was changed."""
    found: list[int] = []

    def block(match: re.Match[str]) -> str:
        number = int(match.group(1))
        found.append(number)
        return aside.blocks[number] if number < len(aside.blocks) else match.group()

    result = PUT_BACK.sub(block, html)
    return result if found == list(range(len(aside.blocks))) else None
