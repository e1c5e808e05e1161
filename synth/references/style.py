"""Stage 4, render (references): an author-year (Harvard-like) reference style on pybtex's style API.

pybtex ships numbered styles only, so this one is written with its template language: one template per
BibTeX type, in the order ``Family, I. (Year) Title. Container, details. doi:…``. Each reference is
formatted once, entry by entry with ``format_entry(..., bib_data=...)`` so ``crossref`` children inherit
from their parent; an entry of a non-BibTeX type is formatted as the nearest BibTeX type (the loader has
already warned about it). An entry its template cannot format (a required field is missing) is formatted
again by a generic template that uses whatever it has, with a `bib.incomplete-entry` warning: no entry is
lost. Field text goes through `synth.references.latex_text`, and every piece of it is escaped when rendered to HTML.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from html import escape
from types import MappingProxyType
from typing import Any

from pybtex.backends import html as html_backend
from pybtex.backends import plaintext as plaintext_backend
from pybtex.database import Entry
from pybtex.style.formatting import BaseStyle
from pybtex.style.template import FieldIsMissing, first_of, join, optional, sentence, tag, words

from synth.errors import Diagnostic
from synth.references.bibliography import NEAREST_TYPE, STANDARD_TYPES, Bibliography
from synth.references.latex_text import latex_to_text
from synth.references.reference_nodes import (
    citation_names,
    doi_of,
    family_names,
    field,
    lead,
    lookup,
    names,
    pages,
    people,
    person_label,
    url_of,
    web_link,
)

SLUG_UNSAFE = re.compile(r"[^a-z0-9_-]+")
DOUBLE_STOP = re.compile(r"(?<=[.?!][’”\"'])\.")  # a title ending ‘like this.’ needs no second full stop
PUBLISHING_FIELDS = ("publisher", "institution", "school", "organization")


@dataclass(frozen=True)
class FormattedReference:
    """One entry as it appears in a reference list, and the pieces in-text citations need."""

    key: str
    anchor: str
    """``ref-`` and a slug of the key, unique per key: for HTML ids and file names."""
    html: str
    """The whole reference as HTML; all text from the entry is escaped."""
    text: str
    """The same reference as plain text."""
    author_short: str
    """Names for in-text citations: "Alexander", "Bovaird and Loeffler", "Adler et al."."""
    year: str
    """The year as written, or "n.d." when the entry has none."""
    doi: str | None
    url: str | None
    sort_key: tuple[str, ...]
    """Family names, year and title, case-folded without accents: the reference list's order."""


def _edition(text: str) -> str:
    """Write a bare edition number as an ordinal ("2" → "2nd") and drop a trailing word "edition"."""
    text = re.sub(r"\s*\bed(ition|n)?\.?$", "", text, flags=re.IGNORECASE)
    if not text.isdigit():
        return text
    suffix = "th" if 10 <= int(text) % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(int(text) % 10, "th")
    return text + suffix


def _reference(title: Any, *details: Any, editors_lead: bool = False) -> Any:
    """Lay out ``Who (Year) Title. Details. Link``: the Harvard order every template shares."""
    return join(sep=" ")[(lead(editors_lead=editors_lead)[title], *details, web_link)]


def _published(publisher: Any) -> Any:
    """Lay out ``Place: Publisher.``, the place optional."""
    return sentence[join(sep=": ")[optional[field("address")], publisher]]


TITLE, EM_TITLE = field("title"), tag("em")[field("title")]
NOTE = optional[sentence[field("note")]]
ISSUE = first_of[optional["(", field("number"), ")"], optional["(", field("eid"), ")"]]
VOLUME = first_of[optional[join[field("volume"), ISSUE]], optional[join["no. ", field("number")]]]
EDITION = optional[sentence[words[field("edition", apply=_edition), "edn"]]]
SERIES = optional[sentence[field("series"), optional[words["vol.", field("volume")]]]]
EDITORS = optional[words[names("editor"), person_label("editor", one="(ed.)", many="(eds.)")]]
IN_BOOK = words["In:", EDITORS, sentence[tag("em")[field("booktitle")]]]
PUBLISHER_OR_ORGANIZATION = first_of[optional[field("publisher")], optional[field("organization")]]
ANY_PUBLISHER = first_of[tuple(optional[field(name)] for name in PUBLISHING_FIELDS)]
CONTAINER = first_of[optional[tag("em")[field("journal")]], optional[words["In:", tag("em")[field("booktitle")]]],
                     optional[field("howpublished")]]
REPORT_KIND = first_of[optional[sentence[words[first_of[optional[field("type")], "Report"], field("number")]]],
                       optional[sentence[field("type")]]]


class HarvardStyle(BaseStyle):  # type: ignore[misc]
    """Author-year references: who, (year), title, then where the work appeared, then its DOI or URL."""

    def get_article_template(self, e: Entry) -> Any:
        """Journal articles: Title. *Journal*, volume(number), pages."""
        return _reference(TITLE, sentence[tag("em")[field("journal")], optional[VOLUME], optional[pages]])

    def get_book_template(self, e: Entry) -> Any:
        """Books: *Title*. Edition. Series. Place: Publisher."""
        return _reference(EM_TITLE, EDITION, SERIES, _published(field("publisher")), editors_lead=True)

    def get_inbook_template(self, e: Entry) -> Any:
        """A chapter or pages of a book: *Title*. Place: Publisher, chapter, pages."""
        chapter = optional[join["ch. ", field("chapter")]]
        where = sentence[join(sep=": ")[optional[field("address")], field("publisher")], chapter, optional[pages]]
        return _reference(EM_TITLE, EDITION, SERIES, where, editors_lead=True)

    def get_incollection_template(self, e: Entry) -> Any:
        """A part of a book: Title. In: Editors (eds.) *Book*. Place: Publisher, pages."""
        where = sentence[join(sep=": ")[optional[field("address")], field("publisher")], optional[pages]]
        return _reference(TITLE, IN_BOOK, where)

    def get_inproceedings_template(self, e: Entry) -> Any:
        """A conference paper: Title. In: Editors (eds.) *Proceedings*. Place: Publisher, pages."""
        where = sentence[join(sep=": ")[optional[field("address")], PUBLISHER_OR_ORGANIZATION], optional[pages]]
        return _reference(TITLE, IN_BOOK, optional[where])

    get_conference_template = get_inproceedings_template

    def get_proceedings_template(self, e: Entry) -> Any:
        """Proceedings: Editors (eds.) (Year) *Title*. Place: Publisher or organisation."""
        return _reference(EM_TITLE, EDITION, SERIES, optional[_published(PUBLISHER_OR_ORGANIZATION)], editors_lead=True)

    def get_techreport_template(self, e: Entry) -> Any:
        """Reports: *Title*. Type and number. Place: Institution."""
        return _reference(EM_TITLE, REPORT_KIND, _published(field("institution")))

    def get_phdthesis_template(self, e: Entry, kind: str = "PhD thesis") -> Any:
        """Doctoral theses: *Title*. PhD thesis. School, place."""
        return _reference(EM_TITLE, sentence[first_of[optional[field("type")], kind]],
                          sentence[field("school"), optional[field("address")]])

    def get_mastersthesis_template(self, e: Entry) -> Any:
        """Master's theses: as doctoral ones."""
        return self.get_phdthesis_template(e, kind="Master's thesis")

    def get_manual_template(self, e: Entry) -> Any:
        """Manuals: *Title*. Edition. Place: Organisation. Note."""
        return _reference(EM_TITLE, EDITION, optional[_published(field("organization"))], NOTE)

    def get_booklet_template(self, e: Entry) -> Any:
        """Booklets: *Title*. How published. Place. Note."""
        howpublished, address = optional[sentence[field("howpublished")]], optional[sentence[field("address")]]
        return _reference(EM_TITLE, howpublished, address, NOTE)

    def get_misc_template(self, e: Entry) -> Any:
        """Anything else (web pages, data, software): *Title*. How published. Note. Link; all optional."""
        return _reference(optional[EM_TITLE], optional[sentence[field("howpublished")]], NOTE, editors_lead=True)

    def get_unpublished_template(self, e: Entry) -> Any:
        """Unpublished work: *Title*. The note saying what it is."""
        return _reference(EM_TITLE, sentence[field("note")])

    def get_fallback_template(self, e: Entry) -> Any:
        """Whatever an entry has, in the usual order: for entries their own template cannot format."""
        details = optional[sentence[CONTAINER, optional[VOLUME], optional[pages]]]
        return _reference(optional[TITLE], details, optional[_published(ANY_PUBLISHER)], NOTE, editors_lead=True)


class _HtmlBackend(html_backend.Backend):  # type: ignore[misc]
    """pybtex's HTML backend, minus the spans around protected text, with escaped link targets."""

    symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": "\u00a0"})

    def format_protected(self, text: str) -> str:
        """Render protected text as it is: braces only protect letter case, and nothing here changes it."""
        return text

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        """Render a link whose target is escaped for an attribute (pybtex writes it as given)."""
        return f'<a href="{escape(url, quote=True)}">{text}</a>' if text else ""


class _TextBackend(plaintext_backend.Backend):  # type: ignore[misc]
    """pybtex's plain-text backend, with real dashes."""

    symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": "\u00a0"})


class ReferenceFormatter:
    """Format the entries of one bibliography, each once: the style is built once and results are cached."""

    def __init__(self, bibliography: Bibliography) -> None:
        self._bibliography = bibliography
        self._style = HarvardStyle()
        self._html, self._text = _HtmlBackend(), _TextBackend()
        self._cache: dict[str, tuple[FormattedReference, list[Diagnostic]]] = {}

    def format(self, key: str) -> tuple[FormattedReference, list[Diagnostic]]:
        """Format the entry ``key`` (a `KeyError` if the bibliography has none), with any warning about it."""
        entry = self._bibliography.data.entries[key]
        if entry.key not in self._cache:
            self._cache[entry.key] = self._format(entry)
        reference, diagnostics = self._cache[entry.key]
        return reference, list(diagnostics)

    def _format(self, entry: Entry) -> tuple[FormattedReference, list[Diagnostic]]:
        """Format with the entry's own template, or with the fallback and a warning saying what is missing."""
        data = self._bibliography.data
        try:
            rich = self._style.format_entry(entry.key, _as_standard_type(entry), bib_data=data).text
            diagnostics = []
        except (FieldIsMissing, AttributeError) as error:
            context = {"entry": entry, "style": self._style, "bib_data": data}
            rich = self._style.get_fallback_template(entry).format_data(context)
            diagnostics = [self._incomplete(entry, error)]
        return self._reference(entry, rich), diagnostics

    def _incomplete(self, entry: Entry, error: Exception) -> Diagnostic:
        """Warn that an entry lacks what its type's layout needs, naming the field."""
        layout = NEAREST_TYPE.get(entry.type, "misc") if entry.type not in STANDARD_TYPES else entry.type
        missing = getattr(error, "field_name", None)
        reason = f"has no '{missing}' field" if missing else f"cannot be laid out ({error})"
        message = f"'{entry.key}' {reason}, which the @{layout} layout needs; it is shown with the fields it has"
        hint = f"add {missing} = {{...}}, or use the entry type that fits the work" if missing else None
        where = self._bibliography.locations.get(entry.key)
        return Diagnostic("bib.incomplete-entry", message, where, entry.key, hint, "warning")

    def _reference(self, entry: Entry, rich: Any) -> FormattedReference:
        """Collect the rendered reference and the pieces citations and sorting need."""
        data = self._bibliography.data
        year = latex_to_text(lookup(entry, "year", data) or "") or "n.d."
        title = latex_to_text(lookup(entry, "title", data) or "")
        persons = people(entry, "author", data) or people(entry, "editor", data)
        who = family_names(persons)
        return FormattedReference(
            key=entry.key,
            anchor=anchor(entry.key),
            html=DOUBLE_STOP.sub("", rich.render(self._html)),
            text=DOUBLE_STOP.sub("", rich.render(self._text)),
            author_short=citation_names(persons) or title or entry.key,
            year=year,
            doi=doi_of(entry, data),
            url=url_of(entry, data),
            sort_key=tuple(_sortable(part) for part in (" ".join(who) or title, year, title)),
        )


def anchor(key: str) -> str:
    """Return ``ref-`` and a slug of ``key``: lower case, other characters as "-", then a short hash if any were."""
    slug = SLUG_UNSAFE.sub("-", key.lower()).strip("-")
    if slug == key.lower():  # keys equal but for case cannot both be in a bibliography: the slug is unique
        return f"ref-{slug}"
    return f"ref-{slug}-{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:6]}"


def _as_standard_type(entry: Entry) -> Entry:
    """Return the entry, or for a non-BibTeX type a copy typed as the nearest BibTeX type."""
    if entry.type in STANDARD_TYPES:
        return entry
    standard = Entry(NEAREST_TYPE.get(entry.type, "misc"), fields=entry.fields, persons=entry.persons)
    standard.key = entry.key
    return standard


def _sortable(text: str) -> str:
    """Case-fold and strip accents, so "Ångström" sorts with "angstrom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
