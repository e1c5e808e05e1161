"""Render, last touches: changes to each page's HTML after Markdown has converted it.

`separate_block_text` puts a line break between adjacent block-level tags, so text that search reads out of
the page keeps a space between a label and its value ("Kind of evidence Practice example", not "Kind of
evidencePractice example"); a browser draws such whitespace as nothing. `PrintStamp` is what a printed page
says of where it came from: the site's name, the date the site was built and its version, which the theme
writes with the page's address in a print-only header at the top of each article
(`partials/synth-print-header.html`). Neither imports MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.records.git import Version, version_phrase

BLOCK_TAGS = "dt|dd|td|th|li|tr|p|caption|figcaption|h[1-6]|div|blockquote|figure|ul|ol|dl|table|thead|tbody"
ADJACENT_BLOCKS = re.compile(rf"(</(?:{BLOCK_TAGS})>)(?=<(?:/?(?:{BLOCK_TAGS}))[\s>])")
"""The end of a block element directly followed by another block element's start or end tag."""
VERBATIM = re.compile(r"<(pre|script|style|textarea)\b.*?</\1>", re.DOTALL)
"""Elements whose text is kept exactly as written."""


def separate_block_text(html: str) -> str:
    """``html`` with a newline after each block end tag that another block tag follows, outside verbatim elements."""
    parts = []
    position = 0
    for block in VERBATIM.finditer(html):
        parts.append(ADJACENT_BLOCKS.sub(r"\1\n", html[position:block.start()]))
        parts.append(block.group())
        position = block.end()
    parts.append(ADJACENT_BLOCKS.sub(r"\1\n", html[position:]))
    return "".join(parts)


@dataclass(frozen=True)
class PrintStamp:
    """What every printed page says about where it came from."""

    site_name: str
    built: str
    """The build date, ``YYYY-MM-DD`` (from SOURCE_DATE_EPOCH when set, so builds stay reproducible)."""
    version: str | None = None


def print_stamp(site_name: str, built: str, configured: str | None, version: Version | None) -> PrintStamp:
    """The stamp of a build: a configured version wins, else the tag or commit and date from git, else none."""
    return PrintStamp(site_name, built, configured or (version_phrase(version) if version else None))


def print_extra(stamp: PrintStamp) -> dict[str, str | None]:
    """The theme's `extra.synth_print`, from which the theme writes each page's print header.

    `partials/synth-print-header.html` escapes every value and adds the page's address.
    """
    return {"site_name": stamp.site_name, "built": stamp.built, "version": stamp.version}
