"""Importing an EPPI-Reviewer JSON export: one study record and one BibTeX entry for every item, none lost.

EPPI-Reviewer is where systematic reviews and evidence gap maps are screened and coded; its JSON export holds a
tree of codes (`CodeSets`) and the items (`References`), each with its bibliographic fields and the codes it
was given. Each item becomes:

- a BibTeX entry, merged into the bibliography like `synth import bibtex` (an item whose DOI is already there
  cites the existing entry instead of adding a second one);
- a study record citing it, with its title, year and abstract (as the summary, to be rewritten in plain
  language), and its codes as `tags`. Codes become tags, not themes: themes are the knowledge base's own
  controlled list for findings and factors, while an EPPI code tree is another review's coding frame for
  studies, kept as it was coded.

What only a researcher can judge is left as the placeholder that `synth check` rejects: the study's design
and its appraisal (and the summary of an item without an abstract).

EPPI-Reviewer stores authors as "Family Given" with no comma, so where the family name ends cannot be read
from the text ("van Leeuwen Thed", "Foo Jong Yong Abdiel"). Such a name is kept whole, as written, as a
braced (corporate-style) BibTeX name, with a warning: it is never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from synth.authoring.imports.bibtex import BibEntry, MergeReport, cited_keys, merge_entries, project_entries
from synth.authoring.scaffold import existing_ids, render_study, slugify, unique_id, write_new_file
from synth.errors import Diagnostic, Location
from synth.records.load import display_path
from synth.records.schema import PLACEHOLDER

BIBTEX_TYPES: Mapping[str, str] = {
    "Journal, Article": "article", "Article In A Periodical": "article", "Conference Proceedings": "inproceedings",
    "Report": "techreport", "Book, Chapter": "incollection", "Book, Whole": "book", "Dissertation": "phdthesis",
}
"""EPPI-Reviewer's item types and the BibTeX type of each; any other type is `misc`."""
CONTAINER_FIELD: Mapping[str, str] = {
    "article": "journal", "inproceedings": "booktitle", "incollection": "booktitle", "book": "series",
    "phdthesis": "type", "techreport": "institution", "misc": "howpublished",
}
"""The BibTeX field that holds an item's `ParentTitle` (journal, book, conference...)."""
NUMBER_FIELD: Mapping[str, str] = {"article": "issn"}
"""Where `StandardNumber` goes: an ISSN for a journal article, else an ISBN (as Zotero maps it)."""
TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "{": r"\{", "}": r"\}"}
TEX_SPECIAL = re.compile(r"[\\&%$#_~^{}]")
VERBATIM_FIELDS = frozenset({"doi", "url"})
TITLE_STOP_WORDS = frozenset({"a", "an", "the", "of", "on", "in", "and", "for", "to", "is", "are", "do", "does"})


class NotAnExport(ValueError):
    """The file is not an EPPI-Reviewer JSON export."""


@dataclass(frozen=True)
class Item:
    """One EPPI-Reviewer item (a `References` element) and where it is in the export."""

    data: Mapping[str, Any]
    location: Location

    def text(self, name: str) -> str:
        """Field ``name`` as text with white space collapsed ('' when absent)."""
        return " ".join(str(self.data.get(name) or "").split())

    @property
    def label(self) -> str:
        """How messages name the item: its id and EPPI's short title."""
        return f"item {self.data.get('ItemId')} ({self.text('ShortTitle') or self.text('Title')[:40]})"


@dataclass(frozen=True)
class EppiReport:
    """What an import did: the studies written, the bibliography merge, and every warning."""

    items: int
    studies: tuple[Path, ...]
    merge: MergeReport
    diagnostics: tuple[Diagnostic, ...]

    def counts(self) -> dict[str, int]:
        """How many diagnostics of each code, from the import and the merge."""
        counts: dict[str, int] = {}
        for diagnostic in (*self.diagnostics, *self.merge.diagnostics):
            counts[diagnostic.code] = counts.get(diagnostic.code, 0) + 1
        return dict(sorted(counts.items()))


def read_export(path: Path, display: str) -> tuple[list[Item], dict[int, str]]:
    """The items of an export, in file order, and a label for every code id ("Parent: Code")."""
    text = path.read_text(encoding="utf-8-sig")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotAnExport(f"{display}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("References"), list):
        raise NotAnExport(f"{display}: not an EPPI-Reviewer export: expected an object with a 'References' list")
    offsets = {match.group(1): match.start() for match in re.finditer(r'"ItemId"\s*:\s*"?(\d+)', text)}
    items = [Item(item, _location(text, offsets.get(str(item.get("ItemId"))), display))
             for item in data["References"] if isinstance(item, dict)]
    return items, dict(_code_labels(data.get("CodeSets") or []))


def _location(text: str, offset: int | None, display: str) -> Location:
    if offset is None:
        return Location(display)
    line = text.count("\n", 0, offset) + 1
    return Location(display, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)


def _code_labels(code_sets: Sequence[Any]) -> Iterator[tuple[int, str]]:
    """Every code in the tree, labelled with its parent code's name when it has one."""
    def walk(attributes: Any, parent: str | None) -> Iterator[tuple[int, str]]:
        for attribute in (attributes or {}).get("AttributesList") or []:
            name = " ".join(str(attribute.get("AttributeName", "")).split())
            yield int(attribute["AttributeId"]), f"{parent}: {name}" if parent else name
            yield from walk(attribute.get("Attributes"), name)

    for code_set in code_sets:
        yield from walk(code_set.get("Attributes"), None)


def tex_escape(text: str) -> str:
    """Plain text as a BibTeX value that reads back as the same text (TeX's special characters escaped)."""
    return TEX_SPECIAL.sub(lambda match: TEX_SPECIALS[match.group()], text)


def names(item: Item, field: str) -> tuple[str, list[str]]:
    """A BibTeX name list from an EPPI author field, and the names that had to be kept whole."""
    kept, whole = [], []
    for name in (" ".join(part.split()) for part in str(item.data.get(field) or "").split(";")):
        if not name:
            continue
        if "," in name:
            kept.append(tex_escape(name))
            continue
        kept.append(f"{{{tex_escape(name)}}}")  # a one-word name is braced too, as Zotero writes it
        if " " in name:
            whole.append(name)
    return " and ".join(kept), whole


def item_entry(item: Item, key: str) -> tuple[BibEntry, list[Diagnostic]]:
    """The BibTeX entry of one item under ``key``, and a warning for names kept whole."""
    kind = BIBTEX_TYPES.get(item.text("TypeName"), "misc")
    authors, whole = names(item, "Authors")
    editors, whole_editors = names(item, "ParentAuthors")
    place = ", ".join(part for part in (item.text("City"), item.text("Country")) if part)
    keywords = ", ".join(" ".join(word.split()) for word in str(item.data.get("Keywords") or "").splitlines()
                         if word.strip())
    fields: list[tuple[str, str]] = [
        ("author", authors), ("editor", editors), ("title", tex_escape(item.text("Title"))),
        (CONTAINER_FIELD.get(kind, "howpublished"), tex_escape(item.text("ParentTitle"))),
        ("school" if kind == "phdthesis" else "institution" if kind == "techreport" else "affiliation",
         tex_escape(item.text("Institution"))),
        ("publisher", tex_escape(item.text("Publisher"))), ("address", tex_escape(place)),
        ("edition", tex_escape(item.text("Edition"))), ("year", tex_escape(item.text("Year"))),
        ("month", tex_escape(item.text("Month"))), ("volume", tex_escape(item.text("Volume"))),
        ("number", tex_escape(item.text("Issue"))), ("pages", tex_escape(item.text("Pages"))),
        (NUMBER_FIELD.get(kind, "isbn"), tex_escape(item.text("StandardNumber"))),
        ("doi", item.text("DOI")), ("url", item.text("URL")), ("keywords", tex_escape(keywords)),
        ("abstract", tex_escape(item.text("Abstract"))), ("annote", tex_escape(item.text("Comments"))),
        ("eppi-item-id", str(item.data.get("ItemId", ""))),
    ]
    fields = _merge_duplicate_fields([(name, value) for name, value in fields if value])
    problems = [_kept_whole(item, key, whole + whole_editors)] if whole or whole_editors else []
    return BibEntry(kind, key, tuple(fields), item.location), problems


def _merge_duplicate_fields(fields: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One value per field name: when two EPPI fields map to one BibTeX field, both values are kept, joined."""
    merged: dict[str, str] = {}
    for name, value in fields:
        merged[name] = f"{merged[name]}; {value}" if name in merged else value
    return list(merged.items())


def _kept_whole(item: Item, key: str, whole: list[str]) -> Diagnostic:
    shown = "; ".join(whole[:3]) + ("; ..." if len(whole) > 3 else "")
    return Diagnostic(
        "import.name-kept-whole",
        f"{item.label}: {len(whole)} name(s) have no comma between family and given names and are kept whole, "
        f"as written: {shown}", item.location, key,
        f"where the family name ends is not guessed; write 'Family, Given' in the entry '{key}' to correct them",
        "warning")


def citation_key(item: Item, taken: set[str]) -> str:
    """A key in the usual `familyYEARword` shape, from EPPI's short title and the title; unique in ``taken``."""
    short = re.sub(r"\(\d{4}\)", "", item.text("ShortTitle")) or item.text("Authors").split(";")[0]
    family = slugify(short.split(" ")[0] if short else "").replace("-", "") or "item"
    words = [word for word in slugify(item.text("Title")).split("-") if word not in TITLE_STOP_WORDS]
    base = f"{family}{item.text('Year')}{words[0] if words else ''}"
    key = unique_id(base, taken)
    taken.add(key.casefold())
    return key


def study_text(item: Item, cite: str, display: str, labels: Mapping[int, str]) -> str:
    """The study record of an item: what the export says, placeholders for what a researcher must judge."""
    year_text = item.text("Year")
    year = int(year_text) if year_text.isdigit() and 1800 <= int(year_text) <= 2100 else None
    notes = [f"Imported from EPPI-Reviewer {item.label} in {Path(display).name}. The summary is its abstract: "
             "rewrite it in plain language."]
    return render_study(item.text("Title") or item.label, cite, year=year,
                        summary=item.text("Abstract") or PLACEHOLDER, tags=item_tags(item, labels), notes=notes)


def item_tags(item: Item, labels: Mapping[int, str]) -> tuple[str, ...]:
    """The labels of the codes an item was given, in the order of the code tree."""
    order = {code: index for index, code in enumerate(labels)}
    codes = {int(code["AttributeId"]) for code in item.data.get("Codes") or [] if "AttributeId" in code}
    return tuple(labels[code] for code in sorted(codes, key=lambda c: order.get(c, len(order))) if code in labels)


def import_eppi(project: Path, path: Path, target: Path, display_root: Path | None = None) -> EppiReport:
    """Import every item of the export at ``path`` into ``project``: entries into ``target``, one study each."""
    display = display_path(path, display_root)
    items, labels = read_export(path, display)
    existing = project_entries(project, display_root)
    by_item = {entry.get("eppi-item-id"): entry.key for entry in existing if entry.get("eppi-item-id")}
    taken = {entry.key.casefold() for entry in existing}
    entries, problems = [], []
    for item in items:
        key = by_item.get(str(item.data.get("ItemId"))) or citation_key(item, taken)
        entry, warnings = item_entry(item, key)
        entries.append(entry)
        problems += warnings
    merge = merge_entries(project, entries, target, display_root)
    studies, skipped = _write_studies(project, items, entries, merge, (display, labels))
    return EppiReport(len(items), tuple(studies), merge, tuple(problems + skipped))


def _write_studies(project: Path, items: Sequence[Item], entries: Sequence[BibEntry], merge: MergeReport,
                   source: tuple[str, Mapping[int, str]]) -> tuple[list[Path], list[Diagnostic]]:
    """One study per item, unless a study already cites the item's entry (an earlier import)."""
    folder = project / "content" / "studies"
    folder.mkdir(parents=True, exist_ok=True)
    cited, taken = cited_keys(project), existing_ids(folder)
    written, skipped = [], []
    for item, entry in zip(items, entries, strict=True):
        cite = merge.key_for.get(entry.key, entry.key)
        if cite.lower() in cited:
            skipped.append(Diagnostic("import.already-cited", f"{item.label}: '{cite}' is already cited by "
                                      f"{cited[cite.lower()]}; no second study is written", item.location,
                                      entry.key, severity="warning"))
            continue
        base = slugify(f"{item.text('ShortTitle')} {item.text('Title')}") or f"eppi-{item.data.get('ItemId')}"
        record_id = unique_id(base, taken)
        taken.append(record_id)
        study = folder / f"{record_id}.yaml"
        write_new_file(study, study_text(item, cite, *source))
        cited[cite.lower()] = study
        written.append(study)
    return written, skipped
