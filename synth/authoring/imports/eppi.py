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

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from synth.authoring.imports.bibtex import (
    BibEntry,
    MergeReport,
    append_entries,
    cited_keys,
    classify,
    project_entries,
)
from synth.authoring.imports.eppi_export import Item, NotAnExport, item_tags, read_export
from synth.authoring.scaffold import existing_ids, render_study, slugify, unique_id, write_new_file
from synth.errors import Diagnostic
from synth.records.load import display_path
from synth.records.schema import PLACEHOLDER
from synth.references.tex_escape import tex_escape

__all__ = ["EppiReport", "Item", "NotAnExport", "import_eppi", "tex_escape"]

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
VERBATIM_FIELDS = frozenset({"doi", "url"})
TITLE_STOP_WORDS = frozenset({"a", "an", "the", "of", "on", "in", "and", "for", "to", "is", "are", "do", "does"})


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


def import_eppi(project: Path, path: Path, target: Path, display_root: Path | None = None) -> EppiReport:
    """Import every item of the export at ``path`` into ``project``: entries into ``target``, one study each.

    The whole export is checked first; while it has an error nothing is written. Then every entry and study
    text is prepared, and only then written: if a write fails, what was written is taken back.
    """
    display = display_path(path, display_root)
    export = read_export(path, display)
    empty = MergeReport(target, (), {})
    if any(problem.severity == "error" for problem in export.problems):
        return EppiReport(len(export.items), (), empty, export.problems)
    existing = project_entries(project, display_root)
    by_item = {entry.get("eppi-item-id"): entry.key for entry in existing if entry.get("eppi-item-id")}
    taken = {entry.key.casefold() for entry in existing}
    entries, problems = [], list(export.problems)
    for item in export.items:
        key = by_item.get(str(item.data.get("ItemId"))) or citation_key(item, taken)
        entry, warnings = item_entry(item, key)
        entries.append(entry)
        problems += warnings
    new, classified = classify(entries, existing)
    studies, skipped = _plan_studies(project, export.items, entries, classified.key_for, (display, export.labels))
    _write_all(target, new, studies)
    merge = MergeReport(target, classified.added, classified.key_for, classified.diagnostics)
    return EppiReport(len(export.items), tuple(path for path, _ in studies), merge, tuple(problems + skipped))


def _plan_studies(project: Path, items: Sequence[Item], entries: Sequence[BibEntry], key_for: Mapping[str, str],
                  source: tuple[str, Mapping[int, str]]) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """The path and text of one study per item, unless a study already cites the item's entry (an earlier import)."""
    folder = project / "content" / "studies"
    cited, taken = cited_keys(project), existing_ids(folder)
    planned: list[tuple[Path, str]] = []
    skipped: list[Diagnostic] = []
    for item, entry in zip(items, entries, strict=True):
        cite = key_for.get(entry.key, entry.key)
        if cite.lower() in cited:
            skipped.append(Diagnostic("import.already-cited", f"{item.label}: '{cite}' is already cited by "
                                      f"{cited[cite.lower()]}; no second study is written", item.location,
                                      entry.key, severity="warning"))
            continue
        base = slugify(f"{item.text('ShortTitle')} {item.text('Title')}") or f"eppi-{item.data.get('ItemId')}"
        record_id = unique_id(base, taken)
        taken.append(record_id)
        study = folder / f"{record_id}.yaml"
        planned.append((study, study_text(item, cite, *source)))
        cited[cite.lower()] = study
    return planned, skipped


def _write_all(target: Path, new: Sequence[BibEntry], studies: Sequence[tuple[Path, str]]) -> None:
    """Append the entries and write the studies; if any write fails, remove the studies and restore ``target``."""
    before = target.read_bytes() if target.is_file() else None
    written: list[Path] = []
    try:
        append_entries(target, new)
        for path, text in studies:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_new_file(path, text)
            written.append(path)
    except OSError:
        for path in written:
            path.unlink(missing_ok=True)
        if before is None:
            target.unlink(missing_ok=True)
        elif target.read_bytes() != before:
            target.write_bytes(before)
        raise
