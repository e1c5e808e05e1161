"""Stage 1 and 4 (references): reading a BibTeX or biblatex name, and the one way synth writes a name.

`parse_person` reads a name as BibTeX does (``First von Last, Jr``), and also biblatex's extended form
(``family=Flummox, given=Fred, prefix=von, useprefix=true``), whose options (``useprefix``, ``given-i``,
``sortingnamekeytemplatename`` and the like) only steer biblatex's sorting and are read past. `name_parts`
turns a parsed name into plain text parts; `sort_order` and `display_order` write them as Cite Them Right
Harvard does (``Sartre, J.-P.`` in a list, ``J.-P. Sartre`` for a book's editors), with `initials` the one
place given names are abbreviated. Reference lists, in-text citations, downloads and a paper's own
reference all go through these functions, so a name is written the same way everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pybtex.database import Person

from synth.references.latex_text import latex_to_text

EXTENDED_PART = re.compile(r"^\s*([A-Za-z-]+)\s*=\s*(.*?)\s*$", re.DOTALL)
EXTENDED_ROLES = {"family": "last", "given": "first", "prefix": "prelast", "suffix": "lineage"}
INITIAL_BREAK = re.compile(r"[\s.]+")


@dataclass(frozen=True)
class NameParts:
    """One person's or body's name as plain text: ``family`` alone for a body or a one-part name."""

    family: str
    """The family name with any particle ("van Ryzin"), or a body's whole name."""
    given: str = ""
    """Given names as written ("Jean-Paul", "E. A.")."""
    suffix: str = ""
    """A lineage part such as "Jr"."""
    corporate: bool = False
    """A body's name, braced whole in BibTeX (``{{Local Government Group}}``): never abbreviated or split."""


def _split_extended(text: str) -> list[tuple[str, str]] | None:
    """Return the ``key=value`` parts of a biblatex extended name, or None when ``text`` is a plain name."""
    if "=" not in text:  # Every part of an extended name is ``key=value``.
        return None
    parts, depth, current = [], 0, ""
    for character in text:
        depth += {"{": 1, "}": -1}.get(character, 0)
        if character == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    matches = [EXTENDED_PART.match(part) for part in parts]
    if not all(matches) or not any(m.group(1).lower() == "family" for m in matches if m):
        return None
    return [(m.group(1).lower(), _unbrace(m.group(2))) for m in matches if m]


def _unbrace(value: str) -> str:
    """Remove one pair of braces around a whole value (``given={Jean Paul}``)."""
    if value.startswith("{") and value.endswith("}") and value.count("{") == 1:
        return value[1:-1].strip()
    return value


def parse_person(text: str) -> Person:
    """Read one name of an ``author`` or ``editor`` list: a BibTeX name, or a biblatex extended name."""
    extended = _split_extended(text)
    if extended is None:
        return Person(text)
    roles = {EXTENDED_ROLES[key]: value for key, value in extended if key in EXTENDED_ROLES and value}
    family = roles.get("last", "")
    return Person(first=roles.get("first", ""), prelast=roles.get("prelast", ""), lineage=roles.get("lineage", ""),
                  last=f"{{{family}}}" if " " in family and not family.startswith("{") else family)


def is_others(person: Person) -> bool:
    """Tell whether a name is BibTeX's ``and others``, which means "et al."."""
    return not person.first_names and [name.lower() for name in person.last_names] == ["others"]


def is_corporate(person: Person) -> bool:
    """Tell whether a name is one braced unit with no given names: a body's name, kept whole."""
    parts = [*person.first_names, *person.middle_names, *person.prelast_names, *person.last_names]
    return len(parts) == 1 and parts[0].startswith("{") and parts[0].endswith("}")


def name_parts(person: Person) -> NameParts:
    """Return a parsed name's parts as plain text (TeX decoded)."""
    family = latex_to_text(" ".join([*person.prelast_names, *person.last_names]))
    given = latex_to_text(" ".join([*person.first_names, *person.middle_names]))
    return NameParts(family, given, latex_to_text(" ".join(person.lineage_names)), is_corporate(person))


def names_of(persons: Sequence[Person]) -> tuple[list[NameParts], bool]:
    """Return the names of a list as parts, and whether it ended in ``and others``."""
    named = [name_parts(person) for person in persons if not is_others(person)]
    return named, len(named) < len(persons)


def initials(given: str) -> str:
    """Abbreviate given names: "Jean-Paul" → "J.-P.", "E. A." → "E.A.", "Roger P. G." → "R.P.G."."""
    result = []
    for word in INITIAL_BREAK.split(given):
        letters = [next((c for c in part if c.isalnum()), "") for part in word.split("-")]
        letters = [letter for letter in letters if letter]
        if letters:
            result.append("-".join(f"{letter.upper()}." for letter in letters))
    return "".join(result)


def sort_order(name: NameParts) -> str:
    """Write a name family first, as a reference list does: ``Sartre, J.-P.``; a body's name whole."""
    if name.corporate or not name.given:
        return ", ".join(part for part in (name.family, name.suffix) if part)
    return ", ".join(part for part in (name.family, initials(name.given), name.suffix) if part)


def display_order(name: NameParts) -> str:
    """Write a name initials first, as for a book's editors: ``J.-P. Sartre``; a body's name whole."""
    if name.corporate or not name.given:
        return name.family
    return " ".join(part for part in (initials(name.given), name.family) if part) + (
        f", {name.suffix}" if name.suffix else "")


def join_names(written: Sequence[str], et_al: bool = False) -> str:
    """Join written names as ``A, B and C``, or ``A et al.`` when the list is cut."""
    if et_al:
        return f"{written[0]} et al." if written else ""
    if len(written) <= 1:
        return "".join(written)
    return ", ".join(written[:-1]) + " and " + written[-1]
