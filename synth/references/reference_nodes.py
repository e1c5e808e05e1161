"""Stage 4, render (references): the field values a reference is made of, read as the reference style needs them.

`lookup` reads a field through ``crossref`` (and a biblatex parent's ``title`` as its children's
``booktitle``), `people` the authors or editors (a parent's when the entry names none), and `doi_of` and
`url_of` the DOI without its prefix and the first URL, TeX escapes undone.
"""

from __future__ import annotations

import re
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


def lookup(entry: Entry, name: str, bib_data: Any) -> str | None:
    """Return a field's raw value, inherited through ``crossref`` when the entry lacks it."""
    try:
        value: str = entry._find_field(name, bib_data=bib_data)
        return value
    except KeyError:
        parent = crossref_parent(entry, bib_data)
        if name == "booktitle" and parent is not None:  # biblatex: a child's booktitle is its parent's title
            inherited: str | None = parent.fields.get("title")
            return inherited
        return None


def people(entry: Entry, role: str, bib_data: Any) -> list[Person]:
    """Return the authors or editors of an entry, or of its ``crossref`` parent when it names none."""
    if role in entry.persons:
        return list(entry.persons[role])
    parent = crossref_parent(entry, bib_data)
    return list(parent.persons[role]) if parent is not None and role in parent.persons else []


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
