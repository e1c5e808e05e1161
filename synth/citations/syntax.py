"""The citation syntax: what a key is, where ``@`` starts a citation, and how a bracketed group reads.

Both the rendering extension and `find_citations` match citations with these patterns, so a page is read
the same way whether it is built or only checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

BARE_KEY = r"\w+(?:[:./'&+?#$%~-]+\w+)*"
"""A letter, digit or ``_``, then more, with inner punctuation: a trailing full stop or comma is not key."""
BRACED_KEY = r"[^\s,;{}\[\]]+"
"""Anything BibTeX allows but white space, ``, ; { } [ ]``, written as ``@{key}``."""
KEY = rf"@(?:\{{(?P<braced>{BRACED_KEY})\}}|(?P<bare>{BARE_KEY}))"
IN_TEXT_RE = re.compile(r"(?<![^\s(\[{\"'“‘«—–*_>|])" + KEY)
"""``@key`` in running text: at the start or after white space or opening punctuation, never inside a word."""
BRACKET_RE = re.compile(r"\[(?P<body>[^\[\]]*@[^\[\]]*)\]")
ITEM_RE = re.compile(rf"(?P<prefix>.*?)(?<!\S)(?P<suppress>-)?{KEY}(?P<suffix>.*)", re.DOTALL)


@dataclass(frozen=True)
class CiteItem:
    """One cited key inside brackets, with the words around it."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False
    offset: int = 0
    """Where the key's ``@`` is in the bracket's body."""


def key_of(match: re.Match[str]) -> str:
    """The key of a match of `KEY`, braced or bare."""
    return match.group("braced") or match.group("bare")


def parse_bracket(body: str) -> list[CiteItem] | None:
    """The items of a bracketed citation, or None unless each ``;``-separated part cites exactly one key."""
    items: list[CiteItem] = []
    offset = 0
    for part in body.split(";"):
        match = ITEM_RE.fullmatch(part)
        if match is None or re.search(KEY, match.group("prefix") + match.group("suffix")):
            return None  # `[@a @b]` is two citations in running text, not one with the words "@b".
        items.append(CiteItem(key_of(match), _words(match.group("prefix")), _words(match.group("suffix")),
                              match.group("suppress") is not None, offset + match.end("prefix")))
        offset += len(part) + 1
    return items


def _words(text: str) -> str:
    """``text`` with its white space collapsed to single spaces."""
    return " ".join(text.split())
