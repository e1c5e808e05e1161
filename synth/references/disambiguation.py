"""Stage 4, render (references): in-text citation names, told apart as Cite Them Right's CSL style does.

An in-text citation reads ``(Alexander, 2021)``, ``(Bovaird and Loeffler, 2012)``, ``(Adler, Heckscher and
Prusak, 1999)``, or from four names ``(Ashcraft et al., 2012)``; a work with no author is cited by its
editors, else its title. When two works would read alike, the style's disambiguation applies, in its order:
more names (``Bovaird, Stoker, et al.`` and ``Bovaird, Van Ryzin, et al.``), then initials (``J. Smith`` and
``K. Smith``), and when nothing else tells them apart a letter after the year (``2015a``, ``2015b``, in
reference-list order), which the reference list shows too.
"""

from __future__ import annotations

import string
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synth.references.layout import ARTICLES, ET_AL_MIN, ITALIC_TITLES, parts_of, quoted, title_case
from synth.references.names import display_order

Item = Mapping[str, Any]


@dataclass(frozen=True)
class Citable:
    """What citing one entry needs: its CSL item, whether its names end in ``and others``, its list order."""

    item: Item
    others: bool
    year: str
    """The year as written, or "no date"."""
    sort_key: tuple[str, ...]


def short_names(citable: Citable, shown: int = 1, initials: bool = False) -> str:
    """The names of an in-text citation; ``shown`` names before "et al." when the list is cut."""
    item = citable.item
    names = item.get("author") or item.get("editor") or ()
    if not names:
        if item["type"] in ARTICLES and item.get("container-title"):
            return title_case(item["container-title"])
        title = item.get("title", "")
        return title if item["type"] in ITALIC_TITLES or not title else quoted(title)
    written = [display_order(parts_of(n)) if initials else parts_of(n).family for n in names]
    if (citable.others or len(written) >= ET_AL_MIN) and (citable.others or shown < len(written)):
        return ", ".join(written[:shown]) + (", et al." if min(shown, len(written)) > 1 else " et al.")
    return written[0] if len(written) == 1 else ", ".join(written[:-1]) + " and " + written[-1]


@dataclass(frozen=True)
class Label:
    """How one work is cited, told apart from the others."""

    names: str
    """The in-text names: "Bovaird, Stoker, et al."."""
    year: str
    """The year with any letter: "2015a"."""
    shown: int = 1
    """How many names come before "et al." (in text and in the reference list alike)."""


def disambiguate(citables: Mapping[str, Citable]) -> dict[str, Label]:
    """The in-text names and year label of every entry, each telling its work apart from the others."""
    labels = {key: Label(short_names(c), c.year) for key, c in citables.items()}
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, label in labels.items():
        groups[(label.names, label.year)].append(key)
    for group in groups.values():
        if len(group) > 1:
            labels.update(_told_apart({key: citables[key] for key in group}))
    return labels


def _told_apart(group: Mapping[str, Citable]) -> dict[str, Label]:
    """Labels for works that read alike: more names, else initials, else letters after the year."""
    longest = max(_count(c) for c in group.values())
    for shown in range(2, longest + 1):
        names = {key: short_names(c, shown) for key, c in group.items()}
        if _distinct(names):
            return {key: Label(names[key], c.year, shown) for key, c in group.items()}
    names = {key: short_names(c, initials=True) for key, c in group.items()}
    if _distinct(names):
        return {key: Label(names[key], c.year) for key, c in group.items()}
    ordered = sorted(group, key=lambda key: (group[key].sort_key, key))
    return {key: Label(short_names(group[key]), _suffixed(group[key].year, index)) for index, key in enumerate(ordered)}


def _count(citable: Citable) -> int:
    return len(citable.item.get("author") or citable.item.get("editor") or ())


def _distinct(names: Mapping[str, str]) -> bool:
    return len(set(names.values())) == len(names)


def _suffixed(year: str, index: int) -> str:
    """``2015a`` … ``2015z``, then ``2015aa`` … and ``2015aaa`` after ``zz``; ``no date a`` when there is no year."""
    return f"{year} {letter_suffix(index)}" if year == "no date" else year + letter_suffix(index)


def letter_suffix(index: int) -> str:
    """The ``index``-th (from 0) of ``a`` … ``z``, ``aa`` … ``zz``, ``aaa`` …: as spreadsheet columns are named."""
    letters = string.ascii_lowercase
    suffix = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        suffix = letters[remainder] + suffix
    return suffix

