"""Formatting's safety net for comments and separating white space, which values alone cannot show.

`synth fmt` checks that a formatted file reads back to the same values; that says nothing of comments, which
ruamel.yaml drops in a few places (between a key and its value, inside a flow list, after a ``...`` line).
Here every comment of a file is found from PyYAML's tokens (a ``#`` that starts a comment is outside every
token), so formatting can refuse a file rather than lose one. The same tokens show which tab characters only
separate a value from what follows, which ruamel.yaml refuses though YAML (and `synth check`) allow them.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

import yaml

from synth.records.load import YAML_LOADER

COMMENT_START = re.compile(r"(?:(?<=[ \t])|^)#", re.MULTILINE)


@dataclass(frozen=True)
class Comment:
    """One comment: its text from ``#`` to the end of the line, and its 1-based line and column."""

    text: str
    line: int
    column: int


def _token_spans(text: str) -> tuple[list[int], list[int]]:
    """The start and end offsets of every token of ``text``, sorted by start."""
    spans = sorted((token.start_mark.index, token.end_mark.index) for token in yaml.scan(text, Loader=YAML_LOADER)
                   if token.end_mark.index > token.start_mark.index)
    return [start for start, _ in spans], [end for _, end in spans]


def _inside(offset: int, starts: list[int], ends: list[int]) -> bool:
    """Whether ``offset`` falls inside a token (tokens do not overlap)."""
    index = bisect.bisect_right(starts, offset) - 1
    return index >= 0 and starts[index] <= offset < ends[index]


def comments(text: str) -> list[Comment]:
    """Every comment of ``text``, in order; a ``#`` inside a value is not one."""
    starts, ends = _token_spans(text)
    found = []
    for match in COMMENT_START.finditer(text):
        offset = match.start()
        if not _inside(offset, starts, ends):
            found.append(Comment(text[offset:_line_end(text, offset)].rstrip(), text.count("\n", 0, offset) + 1,
                                 offset - (text.rfind("\n", 0, offset) + 1) + 1))
    return found


def _line_end(text: str, offset: int) -> int:
    """The offset of the end of the line holding ``offset``."""
    end = text.find("\n", offset)
    return end if end >= 0 else len(text)


def lost_comments(before: str, after: str) -> list[Comment]:
    """The comments of ``before`` that ``after`` no longer has (each counted as often as it occurs)."""
    kept = Counter(comment.text for comment in comments(after))
    lost = []
    for comment in comments(before):
        if kept[comment.text] > 0:
            kept[comment.text] -= 1
        else:
            lost.append(comment)
    return lost


def untab(text: str) -> str:
    """``text`` with each tab that only separates tokens (``value<TAB>`` or ``value<TAB># note``) made a space.

    Tabs inside values and comments are kept; a tab in indentation is refused earlier by the loader.
    """
    if "\t" not in text:
        return text
    starts, ends = _token_spans(text)
    comment_spans = [(m.start(), _line_end(text, m.start())) for m in COMMENT_START.finditer(text)
                     if not _inside(m.start(), starts, ends)]
    characters = list(text)
    for offset, character in enumerate(characters):
        if character == "\t" and not _inside(offset, starts, ends) and not any(
                start <= offset < end for start, end in comment_spans):
            characters[offset] = " "
    return "".join(characters)
