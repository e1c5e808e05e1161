"""Stage 4, render (references): the field values a reference is made of, read as the reference style needs them.

`lookup` reads a field through ``crossref`` (and a biblatex parent's ``title`` as its children's
``booktitle``), `people` the authors or editors (a parent's when the entry names none), and `doi_of` and
`url_of` the DOI without its prefix and the first URL, TeX escapes undone.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable, Iterator
from typing import Any

from pybtex.database import Entry, Person

DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")
TEX_ESCAPE = re.compile(r"\\([_%&#$~{}])")


def crossref_parent(entry: Entry, bib_data: Any) -> Entry | None:
    """Return the entry ``entry`` names in its ``crossref`` field, if the database has it."""
    key = entry.fields.get("crossref")
    if bib_data is None or key is None:
        return None
    parent: Entry | None = bib_data.entries.get(key)
    return parent


def lineage(entry: Entry, bib_data: Any) -> Iterator[Entry]:
    """Yield ``entry``, its ``crossref`` parent, that entry's parent, and so on, each entry once.

    A loop rather than pybtex's recursive lookup, so a chain of any length resolves, and a cycle (which the
    loader reports and breaks) ends instead of looping.
    """
    seen: set[int] = set()
    current: Entry | None = entry
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = crossref_parent(current, bib_data)


_MEMOS: dict[int, tuple[weakref.ref[Any], dict[tuple[int, str], Any]]] = {}
"""What each entry of a database inherits through ``crossref``, by database identity: (entry id, field) → value.

Without it every field of every entry of a long chain would walk the chain again, which is quadratic work.
A database is never changed once loaded; its memo goes when it does.
"""


def _memo(bib_data: Any) -> dict[tuple[int, str], Any]:
    """The memo of ``bib_data``, made on first use."""
    key = id(bib_data)
    held = _MEMOS.get(key)
    if held is None or held[0]() is not bib_data:
        held = (weakref.ref(bib_data, _forget(key)), {})
        _MEMOS[key] = held
    return held[1]


def _forget(key: int) -> Callable[[weakref.ref[Any]], None]:
    """A callback that drops the memo of the database with identity ``key`` once it is gone."""
    def forget(_: weakref.ref[Any]) -> None:
        _MEMOS.pop(key, None)
    return forget


def _nearest(entry: Entry, bib_data: Any, name: str, own: Callable[[Entry], Any]) -> Any:
    """The first value ``own`` finds along ``entry``'s crossref lineage (None if none), memoised per database."""
    found = own(entry)
    if found is not None or bib_data is None:
        return found
    table = _memo(bib_data)
    walked: list[Entry] = []
    for ancestor in lineage(entry, bib_data):
        if (id(ancestor), name) in table:
            found = table[(id(ancestor), name)]
            break
        found = own(ancestor)
        walked.append(ancestor)
        if found is not None:
            break
    for ancestor in walked:
        table[(id(ancestor), name)] = found
    return found


def lookup(entry: Entry, name: str, bib_data: Any) -> str | None:
    """Return a field's raw value, inherited through ``crossref`` when the entry lacks it.

    A person field (``author``) reads as its names joined by ``and``, as in pybtex; a biblatex child with no
    ``booktitle`` takes its parent's ``title``.
    """
    def own(holder: Entry) -> str | None:
        if name in holder.fields:
            value: str = holder.fields[name]
            return value
        if name in holder.persons:
            return " and ".join(str(person) for person in holder.persons[name])
        return None

    found: str | None = _nearest(entry, bib_data, f"field:{name}", own)
    parent = crossref_parent(entry, bib_data) if found is None else None
    if name == "booktitle" and parent is not None:  # biblatex: a child's booktitle is its parent's title
        inherited: str | None = parent.fields.get("title")
        return inherited
    return found


def people(entry: Entry, role: str, bib_data: Any) -> list[Person]:
    """Return the authors or editors of an entry, or of the nearest ``crossref`` ancestor that names some."""
    found = _nearest(entry, bib_data, f"role:{role}",
                     lambda holder: list(holder.persons[role]) if role in holder.persons else None)
    return list(found) if found else []


def raw_text(value: str) -> str:
    """Undo TeX escapes and braces in a value that is not prose (a DOI, a URL)."""
    return TEX_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "").strip()


def doi_of(entry: Entry, bib_data: Any) -> str | None:
    """Return the entry's DOI without any ``https://doi.org/`` or ``doi:`` prefix, if it looks like a DOI."""
    value = lookup(entry, "doi", bib_data)
    doi = DOI_PREFIX.sub("", raw_text(value)) if value else ""
    return doi if DOI_SHAPE.match(doi) else None


def url_of(entry: Entry, bib_data: Any) -> str | None:
    """Return the entry's URL (the first, when the field holds several), as written."""
    value = lookup(entry, "url", bib_data)
    urls = raw_text(value).split() if value else []
    return urls[0] if urls else None
