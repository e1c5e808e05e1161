"""Stage 4, render (references): a BibTeX entry as a CSL-JSON item and as an RIS record, for reference managers.

`csl_item` is also what the reference style lays out, so the site's references and the CSL-JSON download
are the same data: a CSL processor running Cite Them Right Harvard on the download gives the site's text.
Every field an entry has that the format can hold is carried: names (a body's name as a ``literal``), the
date with its month, edition, ``howpublished`` (as the publisher when the entry has none), the article number
(``eid``), a report's number and type, a thesis's kind, series and series number, the access date of a web
page, and fields inherited through ``crossref``. Text is TeX-decoded by `synth.references.latex_text`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from pybtex.database import Entry

from synth.references.bibliography import NEAREST_TYPE, STANDARD_TYPES
from synth.references.latex_text import has_text, latex_to_text
from synth.references.names import NameParts, names_of
from synth.references.reference_nodes import doi_of, lookup, people, url_of

CSL_TYPES = {"article": "article-journal", "book": "book", "inbook": "chapter", "incollection": "chapter",
             "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
             "techreport": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "unpublished": "manuscript",
             "booklet": "pamphlet", "manual": "report", "misc": "document"}
RIS_TYPES = {"article-journal": "JOUR", "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER",
             "report": "RPRT", "thesis": "THES", "manuscript": "UNPB", "pamphlet": "PAMP", "webpage": "ELEC",
             "document": "GEN"}
THESIS_KINDS = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}
PUBLISHERS = ("publisher", "institution", "school", "organization")
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
ISO_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")
YEAR = re.compile(r"^\d{1,4}$")
LONG_FIELDS = frozenset({"abstract", "note"})
PROSE_FIELDS = frozenset({"abstract", "note", "keywords"})
"""Fields a reference list does not show as CSL has them; decoding a long abstract is the costliest step."""
ESCAPED_CHARACTER = re.compile(r"\\([%&$#_{}])")
TEX_COMMAND = re.compile(r"[\\{}$~`]|''")
PLAIN_FIELDS = {"volume": "volume", "edition": "edition", "address": "publisher-place", "pages": "page",
                "chapter": "chapter-number", "isbn": "ISBN", "issn": "ISSN", "abstract": "abstract", "note": "note",
                "keywords": "keyword", "language": "language"}


def standard_type(entry: Entry) -> str:
    """Return the entry's BibTeX type, or for another type (biblatex, Mendeley) the nearest BibTeX type."""
    return entry.type if entry.type in STANDARD_TYPES else NEAREST_TYPE.get(entry.type, "misc")


def field_text(entry: Entry, name: str, bib_data: Any) -> str:
    """A field as plain text (TeX decoded), inherited through ``crossref``; '' when absent."""
    value = lookup(entry, name, bib_data) or ""
    if name in LONG_FIELDS and not TEX_COMMAND.search(ESCAPED_CHARACTER.sub("", value)):
        # Decoding a long abstract takes milliseconds; one with no TeX beyond escaped characters needs none.
        return " ".join(ESCAPED_CHARACTER.sub(r"\1", value).split())
    return latex_to_text(value)


def has_field_text(entry: Entry, name: str, bib_data: Any) -> bool:
    """Tell whether `field_text` gives any text for the field, decoding TeX only when that is needed to know."""
    if name in LONG_FIELDS:
        return bool(field_text(entry, name, bib_data))
    return has_text(lookup(entry, name, bib_data) or "")


def csl_type(entry: Entry, bib_data: Any) -> str:
    """The CSL type: ``@misc`` with a URL is a web page, and ``@inbook`` a chapter only when it names its book."""
    kind = standard_type(entry)
    if kind == "misc" and url_of(entry, bib_data):
        return "webpage"
    if kind == "inbook" and not lookup(entry, "booktitle", bib_data):
        return "book"
    return CSL_TYPES[kind]


def csl_name(name: NameParts) -> dict[str, str]:
    """One name as CSL-JSON: a body's or one-part name as a ``literal``."""
    if name.corporate or not name.given:
        return {"literal": name.family}
    return {"family": name.family, "given": name.given, **({"suffix": name.suffix} if name.suffix else {})}


def date_parts(year: str, month: str = "", day: str = "") -> dict[str, Any] | None:
    """A CSL date from a year (and month, day): ``date-parts`` when numeric, else a ``literal``."""
    if not year:
        return None
    if not YEAR.match(year):
        return {"literal": year}
    parts = [int(year)]
    number = _month_number(month)
    if number:
        parts.append(number)
        if day.isdigit() and 1 <= int(day) <= 31:
            parts.append(int(day))
    return {"date-parts": [parts]}


def _month_number(month: str) -> int | None:
    """The number of a month written as ``3``, ``mar`` or ``March``."""
    text = month.strip().lower()
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.index(text[:3]) + 1 if text[:3] in MONTHS else None


def csl_item(entry: Entry, bib_data: Any, prose: bool = True) -> dict[str, Any]:
    """One entry as a CSL-JSON item, with every field CSL-JSON can hold (``prose=False``: no abstract or note)."""
    kind, text = standard_type(entry), _reader(entry, bib_data)
    item: dict[str, Any] = {"id": str(entry.key), "type": csl_type(entry, bib_data), **_names(entry, bib_data)}
    plain = PLAIN_FIELDS.items() if prose else ((s, t) for s, t in PLAIN_FIELDS.items() if s not in PROSE_FIELDS)
    item.update({target: value for source, target in plain if (value := text(source))})
    item.update(_titles(text))
    item.update(_numbers(kind, text))
    item.update(_publisher(kind, text))
    doi, url = doi_of(entry, bib_data), url_of(entry, bib_data)
    item.update({"DOI": doi} if doi else {})
    item.update({"URL": url} if url else {})
    issued = date_parts(text("year"), text("month"))
    item.update({"issued": issued} if issued else {})
    accessed = ISO_DATE.match(text("urldate"))
    if accessed:
        item["accessed"] = date_parts(*(part or "" for part in accessed.groups()))
    return item


def label_item(entry: Entry, bib_data: Any) -> dict[str, Any]:
    """The part of `csl_item` that tells works apart in text: the type, the names and the titles.

    Telling every entry of a bibliography apart needs only these, so it need not convert every field of each.
    """
    item: dict[str, Any] = {"id": str(entry.key), "type": csl_type(entry, bib_data), **_names(entry, bib_data)}
    item.update(_titles(_reader(entry, bib_data)))
    return item


def _names(entry: Entry, bib_data: Any) -> dict[str, list[dict[str, str]]]:
    """The authors and editors as CSL names, each role only when it has a name."""
    names = {}
    for role in ("author", "editor"):
        named, _ = names_of(people(entry, role, bib_data))
        if named:
            names[role] = [csl_name(name) for name in named]
    return names


def _reader(entry: Entry, bib_data: Any) -> Callable[[str], str]:
    return lambda name: field_text(entry, name, bib_data)


def _titles(text: Callable[[str], str]) -> dict[str, str]:
    """The title, the container (journal or book), and the series."""
    titles = {"title": text("title"), "container-title": text("journal") or text("booktitle"),
              "collection-title": text("series")}
    return {name: value for name, value in titles.items() if value}


def _numbers(kind: str, text: Callable[[str], str]) -> dict[str, str]:
    """``number`` is an article's issue, a report's number, or else a series number; ``eid`` an article number."""
    number = text("number")
    if kind == "article":
        values = {"issue": number, "number": text("eid")}
    elif kind == "techreport":
        values = {"number": number}
    else:
        values = {"collection-number": number if text("series") else "", "number": "" if text("series") else number}
    return {name: value for name, value in values.items() if value}


def _publisher(kind: str, text: Callable[[str], str]) -> dict[str, str]:
    """The publisher (or institution, school, organisation, else ``howpublished``), and the genre of the work."""
    publisher = next((value for value in map(text, PUBLISHERS) if value), "")
    howpublished = text("howpublished")
    values = {"publisher": publisher or howpublished, "medium": howpublished if publisher else "",
              "genre": text("type") or THESIS_KINDS.get(kind, "")}
    if kind == "techreport" and text("number") and not values["genre"]:
        values["genre"] = "Report"
    return {name: value for name, value in values.items() if value}


def ris_record(entry: Entry, bib_data: Any) -> str:
    """One entry as an RIS record, with every field RIS can hold."""
    return ris_of_item(csl_item(entry, bib_data))


def ris_of_item(item: dict[str, Any]) -> str:
    """The RIS record of an entry whose whole CSL item (`csl_item`) is ``item``."""
    lines = [("TY", RIS_TYPES.get(item["type"], "GEN")), ("ID", item["id"])]
    lines += [(tag, _ris_name(name)) for tag, role in (("AU", "author"), ("A2", "editor"))
              for name in item.get(role, ())]
    pages = re.split(r"\s*[-–]+\s*", item.get("page", ""), maxsplit=1)
    issued = item.get("issued", {})
    lines += [(tag, str(item.get(name, ""))) for tag, name in RIS_FIELDS]
    lines += [("PY", _ris_date(issued, year_only=True)), ("DA", _ris_date(issued)),
              ("Y2", _ris_date(item.get("accessed", {}))), ("SP", pages[0]),
              ("EP", pages[1] if len(pages) > 1 else ""), ("IS", _issue(item)),
              ("C7", item.get("number", "") if item["type"] == "article-journal" else "")]
    return "".join(f"{tag}  - {' '.join(value.split())}\n" for tag, value in _ordered(lines) if value) + "ER  - \n\n"


def _issue(item: dict[str, Any]) -> str:
    """RIS ``IS``: an article's issue, or a report's (or other work's) number; never an article number."""
    if item["type"] == "article-journal":
        return str(item.get("issue", ""))
    return str(item.get("issue") or item.get("number", ""))


RIS_FIELDS = (("TI", "title"), ("T2", "container-title"), ("T3", "collection-title"), ("VL", "volume"),
              ("ET", "edition"), ("PB", "publisher"), ("CY", "publisher-place"), ("M3", "genre"),
              ("SN", "ISBN"), ("SN", "ISSN"), ("DO", "DOI"), ("UR", "URL"), ("AB", "abstract"), ("N1", "note"),
              ("KW", "keyword"), ("LA", "language"))
RIS_ORDER = ("TY", "ID", "AU", "A2", "TI", "T2", "T3", "PY", "DA", "VL", "IS", "C7", "SP", "EP", "ET", "PB", "CY",
             "M3", "SN", "DO", "UR", "Y2", "AB", "N1", "KW", "LA")


def _ordered(lines: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """RIS lines in the usual order (TY first), keeping the order of lines with the same tag."""
    return sorted(lines, key=lambda line: RIS_ORDER.index(line[0]))


def _ris_name(name: dict[str, str]) -> str:
    """``Family, Given`` (a body's name whole), as RIS writes a name."""
    if "literal" in name:
        return name["literal"]
    return ", ".join(part for part in (name["family"], name["given"], name.get("suffix", "")) if part)


def _ris_date(date: dict[str, Any], year_only: bool = False) -> str:
    """A CSL date as RIS writes it: ``2010`` for PY, ``2010/03/`` for DA and Y2."""
    if "literal" in date:
        return str(date["literal"]) if year_only else ""
    parts = date.get("date-parts", [[]])[0]
    if not parts:
        return ""
    if year_only:
        return str(parts[0])
    month = f"{parts[1]:02d}" if len(parts) > 1 else ""
    day = f"{parts[2]:02d}" if len(parts) > 2 else ""
    return f"{parts[0]}/{month}/{day}" if month else ""

