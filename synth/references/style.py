"""Stage 4, render (references): Cite Them Right Harvard references and in-text citations for a bibliography.

`ReferenceFormatter` formats each entry of one bibliography once: the entry becomes a CSL-JSON item
(`synth.references.interchange`, the same item the CSL-JSON download holds), `synth.references.layout` lays
it out as Cite Them Right Harvard does, and `synth.references.disambiguation` gives each work in-text names
and a year label that tell it apart from every other work in the bibliography (``2015a``). An entry of a
non-BibTeX type is laid out as the nearest BibTeX type (the loader has already warned about it). An entry
that lacks a field its type needs (a book with no publisher) is still laid out with whatever it has, with a
`bib.incomplete-entry` warning naming the field: no entry is lost. Every piece of text from an entry is
escaped when rendered to HTML.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from html import escape
from types import MappingProxyType
from typing import Any

from pybtex.backends import html as html_backend
from pybtex.backends import plaintext as plaintext_backend
from pybtex.database import Entry

from synth.errors import Diagnostic
from synth.references import layout
from synth.references.bibliography import Bibliography
from synth.references.disambiguation import Citable, Label, disambiguate
from synth.references.interchange import csl_item, field_text, has_field_text, label_item, standard_type
from synth.references.names import is_others, names_of
from synth.references.reference_nodes import lineage, people

SLUG_UNSAFE = re.compile(r"[^a-z0-9_-]+")
REQUIRED: Mapping[str, tuple[str, ...]] = {
    "article": ("title", "journal"), "book": ("title", "publisher"), "inbook": ("title", "publisher"),
    "incollection": ("title", "booktitle", "publisher"), "inproceedings": ("title", "booktitle"),
    "conference": ("title", "booktitle"), "proceedings": ("title",), "techreport": ("title", "institution"),
    "phdthesis": ("title", "school"), "mastersthesis": ("title", "school"), "manual": ("title",),
    "booklet": ("title",), "misc": (), "unpublished": ("title", "note"),
}
"""The fields each BibTeX type's layout needs; an entry without one is shown with what it has, and warned of."""
NOTE_SHOWN = frozenset({"misc", "unpublished", "booklet", "manual"})
"""Types whose ``note`` synth shows (Cite Them Right leaves notes out): often all that says what the work is."""


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
    """Names for in-text citations: "Alexander", "Bovaird and Loeffler", "Ashcraft et al."."""
    year: str
    """The year as written, with a letter when needed to tell works apart ("2015a"), or "no date"."""
    doi: str | None
    url: str | None
    sort_key: tuple[str, ...]
    """Family names, year and title, case-folded without accents: the reference list's order."""


class _HtmlBackend(html_backend.Backend):  # type: ignore[misc]
    """pybtex's HTML backend, with escaped link targets."""

    symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": "\u00a0"})

    def format_href(self, url: str, text: str, external: bool = False) -> str:
        """Render a link whose target is escaped for an attribute (pybtex writes it as given)."""
        return f'<a href="{escape(url, quote=True)}">{text}</a>' if text else ""


class _TextBackend(plaintext_backend.Backend):  # type: ignore[misc]
    """pybtex's plain-text backend, with real dashes."""

    symbols = MappingProxyType({"ndash": "–", "newblock": " ", "nbsp": "\u00a0"})


Fingerprint = tuple[Hashable, ...]
"""An entry's key, type, fields and names, and those of its ``crossref`` ancestors: what its formatting reads."""


@dataclass
class KeptReferences:
    """What formatting one bibliography leaves for the next (under `mkdocs serve`), by each entry's fingerprint.

    An entry whose own fields and ``crossref`` ancestors are unchanged keeps its CSL item, and keeps its
    formatting too while its in-text label (which depends on the other entries) is unchanged.
    """

    citables: dict[Fingerprint, Citable] = field(default_factory=dict)
    labelled: dict[Fingerprint, Citable] = field(default_factory=dict)
    """Entries as far as telling them apart in text needs (`label_item`), for those never formatted."""
    formatted: dict[tuple[Fingerprint, Label], FormattedReference] = field(default_factory=dict)
    laid_out: int = 0
    """How many entries were laid out rather than reused, since this was made: what tests count."""


class ReferenceFormatter:
    """Format the entries of one bibliography, each once, told apart from one another in text.

    Given the ``kept`` references of an earlier bibliography, entries unchanged since are not formatted again.
    """

    def __init__(self, bibliography: Bibliography, kept: KeptReferences | None = None) -> None:
        self._bibliography = bibliography
        self._html, self._text = _HtmlBackend(), _TextBackend()
        self._kept = kept
        self._fingerprints: dict[str, Fingerprint] = {}
        self._citables: dict[str, Citable] = {}
        self._labels: dict[str, Label] = {}
        self._cache: dict[str, tuple[FormattedReference, list[Diagnostic]]] = {}

    def format(self, key: str) -> tuple[FormattedReference, list[Diagnostic]]:
        """Format the entry ``key`` (a `KeyError` if the bibliography has none), with any warning about it."""
        entry = self._bibliography.data.entries[key]
        if entry.key not in self._cache:
            self._cache[entry.key] = self._format(entry)
        reference, diagnostics = self._cache[entry.key]
        return reference, list(diagnostics)

    def formatted(self) -> dict[str, tuple[FormattedReference, list[Diagnostic]]]:
        """Every reference formatted so far, by key, with its warnings (what `learn` takes)."""
        return dict(self._cache)

    def learn(self, formatted: Mapping[str, tuple[FormattedReference, list[Diagnostic]]]) -> None:
        """Take references a copy of this formatter formatted (in a child process), as if formatted here.

        A later `format` of them, and a formatter that keeps the same `KeptReferences`, reuse them.
        """
        entries = self._bibliography.data.entries
        for key, (reference, diagnostics) in formatted.items():
            if key in entries and key not in self._cache:
                self._cache[key] = (reference, list(diagnostics))
                if self._kept is not None:
                    self._kept.formatted.setdefault((self._fingerprint(entries[key]), self._label(key)), reference)

    def citable(self, key: str) -> Citable:
        """The CSL item of ``key`` and what citing it needs."""
        entry = self._bibliography.data.entries[key]
        if entry.key not in self._citables:
            self._citables[entry.key] = self._kept_citable(entry)
        return self._citables[entry.key]

    def _fingerprint(self, entry: Entry) -> Fingerprint:
        if entry.key not in self._fingerprints:
            self._fingerprints[entry.key] = fingerprint(entry, self._bibliography)
        return self._fingerprints[entry.key]

    def _kept_citable(self, entry: Entry, *, whole: bool = True) -> Citable:
        """`_citable` of ``entry``, taken from (and left in) the kept references when there are any."""
        if self._kept is None:
            return _citable(entry, self._bibliography, whole=whole)
        kept = self._kept.citables if whole else self._kept.labelled
        mark = self._fingerprint(entry)
        if mark not in kept:
            kept[mark] = _citable(entry, self._bibliography, whole=whole)
        return kept[mark]

    def _labelling(self, entry: Entry) -> Citable:
        """What telling ``entry`` apart needs: its whole citable when known, else one of its type, names and titles."""
        if entry.key in self._citables:
            return self._citables[entry.key]
        if self._kept is not None and (whole := self._kept.citables.get(self._fingerprint(entry))) is not None:
            return whole
        return self._kept_citable(entry, whole=False)

    def labels(self) -> Mapping[str, Label]:
        """Every entry's in-text names and year label, told apart across the whole bibliography (made once)."""
        if not self._labels and self._bibliography.data.entries:
            self._label(next(iter(self._bibliography.data.entries)))
        return self._labels

    def _label(self, key: str) -> Label:
        """The in-text names and year label of ``key``, told apart across the whole bibliography."""
        if not self._labels:
            entries = self._bibliography.data.entries
            self._labels = disambiguate({key: self._labelling(entry) for key, entry in entries.items()})
            if self._kept is not None:  # Forget the entries this bibliography no longer has.
                current = {self._fingerprint(entry) for entry in entries.values()}
                self._kept.citables = {mark: c for mark, c in self._kept.citables.items() if mark in current}
                self._kept.labelled = {mark: c for mark, c in self._kept.labelled.items() if mark in current}
                self._kept.formatted = {mark: f for mark, f in self._kept.formatted.items() if mark[0] in current}
        return self._labels[key]

    def _format(self, entry: Entry) -> tuple[FormattedReference, list[Diagnostic]]:
        """Lay the entry out (or take it from `KeptReferences`), warning when its type's layout lacks a field."""
        label = self._label(entry.key)
        if self._kept is None:
            return self._lay_out(entry, label), self._incomplete(entry)
        mark = (self._fingerprint(entry), label)
        if mark not in self._kept.formatted:
            self._kept.formatted[mark] = self._lay_out(entry, label)
            self._kept.laid_out += 1
        return self._kept.formatted[mark], self._incomplete(entry)

    def _lay_out(self, entry: Entry, label: Label) -> FormattedReference:
        citable = self.citable(entry.key)
        data = self._bibliography.data
        note = field_text(entry, "note", data) if standard_type(entry) in NOTE_SHOWN else ""
        rich = layout.reference(citable.item, label.year, citable.others, note, label.shown)
        return FormattedReference(
            key=entry.key, anchor=anchor(entry.key),
            html=rich.render(self._html), text=rich.render(self._text),
            author_short=label.names or entry.key, year=label.year,
            doi=citable.item.get("DOI"), url=citable.item.get("URL"), sort_key=citable.sort_key,
        )

    def _incomplete(self, entry: Entry) -> list[Diagnostic]:
        """Warn that an entry lacks a field its type's layout needs, naming the first one."""
        return incomplete_entry(entry, self._bibliography)


def incomplete_entry(entry: Entry, bibliography: Bibliography) -> list[Diagnostic]:
    """The warning `ReferenceFormatter.format` gives when an entry lacks a field its type's layout needs.

    It needs no layout, so a check can find it for every cited entry without formatting one.
    """
    kind, data = standard_type(entry), bibliography.data
    missing = next((name for name in REQUIRED[kind] if not has_field_text(entry, name, data)), None)
    if missing is None:
        return []
    message = (f"'{entry.key}' has no '{missing}' field, which the @{kind} layout needs; "
               "it is shown with the fields it has")
    hint = f"add {missing} = {{...}}, or use the entry type that fits the work"
    where = bibliography.locations.get(entry.key)
    return [Diagnostic("bib.incomplete-entry", message, where, entry.key, hint, "warning")]


def fingerprint(entry: Entry, bibliography: Bibliography) -> Fingerprint:
    """Everything formatting ``entry`` reads from the bibliography: it and its ``crossref`` ancestors' content."""
    return tuple((ancestor.key, ancestor.type, tuple(ancestor.fields.items()),
                  tuple((role, tuple(map(str, persons))) for role, persons in ancestor.persons.items()))
                 for ancestor in lineage(entry, bibliography.data))


def _citable(entry: Entry, bibliography: Bibliography, *, whole: bool = True) -> Citable:
    """An entry's CSL item, its ``and others``, year (or "no date") and reference-list order.

    Without ``whole``, the item holds only what tells works apart in text (`label_item`).
    """
    data = bibliography.data
    item = typographic(csl_item(entry, data, prose=False) if whole else label_item(entry, data))
    persons = people(entry, "author", data) or people(entry, "editor", data)
    named, others = names_of(persons)
    year = field_text(entry, "year", data) or "no date"
    title = item.get("title", "")
    who = " ".join(name.family for name in named) or title
    return Citable(item, others and any(not is_others(p) for p in persons), year,
                   tuple(_sortable(part) for part in (who, year, title)))


def typographic(item: Mapping[str, Any]) -> dict[str, Any]:
    """A CSL item for display: straight apostrophes as typographic ones ("Master’s"), links left as they are."""
    def shown(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace("'", "’")
        if isinstance(value, list):
            return [shown(part) for part in value]
        return {name: shown(part) for name, part in value.items()} if isinstance(value, dict) else value
    return {name: value if name in {"URL", "DOI", "id"} else shown(value) for name, value in item.items()}


def anchor(key: str) -> str:
    """Return ``ref-`` and a slug of ``key``: lower case, other characters as "-", then a short hash if any were."""
    slug = SLUG_UNSAFE.sub("-", key.lower()).strip("-")
    if slug == key.lower():  # keys equal but for case cannot both be in a bibliography: the slug is unique
        return f"ref-{slug}"
    return f"ref-{slug}-{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:6]}"


def _sortable(text: str) -> str:
    """Case-fold and strip accents, so "Ångström" sorts with "angstrom"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
