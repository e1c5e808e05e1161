"""Open data: every record and reference of the knowledge base as downloadable files, byte for byte stable.

`build_downloads` turns a linked `KnowledgeBase` into files keyed by their site-relative path: the records
with every resolved link as JSON, one CSV per record type for spreadsheets, the references as BibTeX, RIS
and CSL-JSON for reference managers, the JSON Schemas, and each study's reference on its own. The same
knowledge base always gives the same bytes (sorted keys, records in id order, Unix line ends), so a
rebuild changes a download only when the content changed. `render_downloads_page` lists them for readers.
The MkDocs plugin adds both to the site; nothing here knows of MkDocs.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import posixpath
import re
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import orjson
from pybtex.database import Entry

from synth.authoring.imports.bibtex import BibEntry, render_entry
from synth.authoring.jsonschema import SCHEMA_NAMES, render_schemas
from synth.errors import Diagnostic, Location
from synth.records.link import KnowledgeBase
from synth.records.schema import SLUG_PATTERN, Factor, Outcome, Record
from synth.references.interchange import csl_item, ris_of_item
from synth.references.style import FormattedReference
from synth.site.markup import markdown_text

FOLDER = "downloads"
FORMAT_VERSION = 1
COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet may read as the start of a formula in a CSV cell."""
DESCRIPTIONS = {
    "records.json": "Every record (studies, findings, barriers, facilitators, outcomes, themes) and reference, "
                    "with every link between them resolved.",
    "studies.csv": "One row per study: its reference, design, kind of evidence, evaluation status, setting, "
                   "appraisal and findings.",
    "findings.csv": "One row per finding: its study, statement, quotations and GRADE-CERQual assessment.",
    "barriers.csv": "One row per barrier, with the findings and studies that support it.",
    "facilitators.csv": "One row per facilitator, with the findings and studies that support it.",
    "outcomes.csv": "One row per outcome: how it is known, what was found, for whom, and the findings and studies "
                    "behind it.",
    "history.json": "Every record's history from git: when it was added and last changed, and each change of "
                    "its rating, with the date and reason; and the knowledge base's version.",
    "references.bib": "Every reference, as BibTeX.",
    "references.ris": "Every reference, as RIS (for EndNote, Zotero, Mendeley and most reference managers).",
    "references.csl.json": "Every reference, as CSL-JSON (for Zotero, Pandoc and citation processors).",
}
REFERENCE_FILES = ("references.bib", "references.ris", "references.csl.json")
"""The downloads made from the bibliography alone: the same bibliography always gives them the same bytes."""


class Formatter(Protocol):
    """What the downloads need of a `synth.references.style.ReferenceFormatter`."""

    def format(self, key: str) -> tuple[FormattedReference, list[Diagnostic]]:
        """The formatted reference of ``key`` and any warnings."""
        ...


def build_downloads(kb: KnowledgeBase, formatter: Formatter, *, reference_files: bool = True) -> dict[str, bytes]:
    """Every download, keyed by its path in the site (``downloads/...``), as deterministic bytes.

    Without ``reference_files``, the `REFERENCE_FILES` are left out (for a caller that has them already).
    """
    references = {key: formatter.format(key)[0] for key in sorted(kb.bibliography.keys())}
    entries = kb.bibliography.data.entries
    files: dict[str, str] = {
        "records.json": _json(records(kb, references)),
        "studies.csv": _csv(_study_rows(kb, references)),
        "findings.csv": _csv(_finding_rows(kb)),
        "barriers.csv": _csv(_factor_rows(kb, "barrier")),
        "facilitators.csv": _csv(_factor_rows(kb, "facilitator")),
        "outcomes.csv": _csv(_factor_rows(kb, "outcome")),
        **{f"schemas/{name}": text for name, text in render_schemas().items()},
    }
    data = kb.bibliography.data
    items: dict[str, dict[str, Any]] = {}  # Each entry's CSL item, made once for the RIS and CSL-JSON files.
    if reference_files:
        items = {key: csl_item(entries[key], data) for key in references}
        files["references.bib"] = "\n".join(bibtex(entries[key]) for key in references)
        files["references.ris"] = "".join(ris_of_item(items[key]) for key in references)
        files["references.csl.json"] = _json([items[key] for key in references])
    for study_id, study in sorted(kb.studies.items()):
        if study.cite in references:
            folder = f"studies/{_checked_id(study_id)}"
            files[f"{folder}.bib"] = _bibtex_with_parent(entries, study.cite)
            item = items.get(study.cite) or csl_item(entries[study.cite], data)
            files[f"{folder}.ris"] = ris_of_item(item)
    return {f"{FOLDER}/{path}": text.encode("utf-8") for path, text in sorted(files.items())}


def download_paths(kb: KnowledgeBase) -> list[str]:
    """The paths `build_downloads` gives ``kb``'s files, in its order, known before any file is made."""
    names = [name for name in DESCRIPTIONS if name != "history.json"]
    names += [f"schemas/{name}.schema.json" for name in SCHEMA_NAMES]
    keys = set(kb.bibliography.keys())
    for study_id, study in sorted(kb.studies.items()):
        if study.cite in keys:
            names += [f"studies/{_checked_id(study_id)}.bib", f"studies/{_checked_id(study_id)}.ris"]
    return [f"{FOLDER}/{name}" for name in sorted(names)]


def _bibtex_with_parent(entries: Mapping[str, Entry], key: str) -> str:
    """An entry as BibTeX, followed by its `crossref` parent, which reference managers need to resolve it."""
    parent = entries[key].fields.get("crossref")
    text = bibtex(entries[key])
    if parent and parent in entries and parent != key:
        text += "\n" + bibtex(entries[parent])
    return text


def _checked_id(record_id: str) -> str:
    """A record id, checked to be a slug before it becomes part of a path."""
    if not re.fullmatch(SLUG_PATTERN, record_id):
        raise ValueError(f"record id {record_id!r} is not a slug")
    return record_id


ORJSON_OPTIONS = (orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS
                  | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS)
"""What makes orjson write what `json` writes: a value other than a plain one (a date or time, a dataclass, a
subclass of str, int, dict or list), which orjson would write its own way, makes it stop, and `_json` leaves the
whole value to `json`, which writes it (or refuses it) as before."""


def _json(value: object) -> str:
    """``value`` as JSON, keys sorted, indented by two spaces: what the standard library writes, made by orjson.

    That is ``json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True)`` and a newline (`json` indents
    in Python, five times slower). The two write strings, integers, booleans, nulls, lists and dicts alike and
    differ only on some floats (``1e-05`` against ``0.00001``) and NaN, which no record or reference field holds
    (no field of the schema is a number with a fraction). Whatever orjson refuses (an integer beyond 64 bits, a
    key that is not a string, a value left to `json` by `ORJSON_OPTIONS`) `json` writes.
    """
    try:
        return orjson.dumps(value, option=ORJSON_OPTIONS).decode("utf-8") + "\n"
    except TypeError:  # orjson.JSONEncodeError is a TypeError.
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _dump(record_id: str, model: Record) -> dict[str, Any]:
    return {**model.model_dump(mode="json"), "id": record_id}


def records(kb: KnowledgeBase, references: Mapping[str, FormattedReference]) -> dict[str, Any]:
    """Every record as its fields plus its resolved links, and every reference; the content of records.json."""
    return {
        "format": "synth-records", "version": FORMAT_VERSION, "counts": kb.counts,
        "studies": [{**_dump(i, s), "findings": list(kb.findings_by_study.get(i, ())),
                     "reference": _reference(references[s.cite]) if s.cite in references else None}
                    for i, s in sorted(kb.studies.items())],
        "findings": [{**_dump(i, f), "study_title": kb.studies[f.study].title if f.study in kb.studies else None,
                      "cite": kb.studies[f.study].cite if f.study in kb.studies else None}
                     for i, f in sorted(kb.findings.items())],
        "barriers": [_factor(kb, "barrier", i, b) for i, b in sorted(kb.barriers.items())],
        "facilitators": [_factor(kb, "facilitator", i, f) for i, f in sorted(kb.facilitators.items())],
        "outcomes": [_factor(kb, "outcome", i, o) for i, o in sorted(kb.outcomes.items())],
        "themes": [{**_dump(i, t), "findings": list(kb.findings_by_theme.get(i, ())),
                    **{f"{kind}s": [f for k, f in kb.factors_by_theme.get(i, ()) if k == kind]
                       for kind in ("barrier", "facilitator", "outcome")}} for i, t in sorted(kb.themes.items())],
        "references": [{**_reference(reference), "cited_by": list(kb.cited_by.get(key, ()))}
                       for key, reference in references.items()],
    }


def _factor(kb: KnowledgeBase, kind: str, factor_id: str, factor: Factor | Outcome) -> dict[str, Any]:
    support = kb.support[(kind, factor_id)]
    return {**_dump(factor_id, factor), "findings": list(support.findings), "studies": list(support.studies),
            "publications": list(support.publications), "highest_confidence": support.highest_confidence,
            "designs": dict(support.designs), "evidence_kinds": dict(support.evidence_kinds)}


def _reference(reference: FormattedReference) -> dict[str, Any]:
    return {"key": reference.key, "text": reference.text, "author_short": reference.author_short,
            "year": reference.year, "doi": reference.doi, "url": reference.url}


def _csv(rows: Iterable[Mapping[str, object]]) -> str:
    rows = [{name: csv_cell(value) for name, value in row.items()} for row in rows]
    stream = io.StringIO()
    if rows:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return stream.getvalue()


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text, never runs as a formula (the OWASP advice on CSV injection).

    Text starting with ``= + - @``, a tab or a carriage return gets a leading ``'``.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def _joined(values: Iterable[str]) -> str:
    return "; ".join(values)


def _date(value: datetime.date | None) -> str:
    """A review date as ``YYYY-MM-DD``, or empty."""
    return value.isoformat() if value else ""


def _study_rows(kb: KnowledgeBase, references: Mapping[str, FormattedReference]) -> Iterable[dict[str, object]]:
    for study_id, s in sorted(kb.studies.items()):
        reference = references.get(s.cite)
        yield {"id": study_id, "title": s.title, "cite": s.cite, "reference": reference.text if reference else "",
               "doi": reference.doi or "" if reference else "", "design": s.design,
               "evidence_kind": s.evidence_kind, "evaluation": s.evaluation or "", "year": s.year or "",
               "country": s.country or "", "setting": s.setting or "", "participants": s.participants or "",
               "summary": s.summary, "strengths": s.appraisal.strengths, "limitations": s.appraisal.limitations,
               "source": s.source or "", "tags": _joined(s.tags), "keywords": _joined(s.keywords),
               "reviewed": _date(s.reviewed), "findings": _joined(kb.findings_by_study.get(study_id, ()))}


def _finding_rows(kb: KnowledgeBase) -> Iterable[dict[str, object]]:
    for finding_id, f in sorted(kb.findings.items()):
        study = kb.studies.get(f.study)
        row: dict[str, object] = {
            "id": finding_id, "study": f.study, "study_title": study.title if study else "",
            "cite": study.cite if study else "", "title": f.title, "statement": f.statement,
            "barriers": _joined(f.barriers), "facilitators": _joined(f.facilitators), "outcomes": _joined(f.outcomes),
            "themes": _joined(f.themes), "keywords": _joined(f.keywords), "reviewed": _date(f.reviewed),
            "evidence": "\n".join(f"“{q.quote}” ({q.locator})" for q in f.evidence)}
        for component in COMPONENTS:
            assessment = getattr(f.confidence, component)
            row[component] = assessment.concern
            row[f"{component}_explanation"] = assessment.explanation
        row["confidence"] = f.confidence.overall.rating
        row["confidence_explanation"] = f.confidence.overall.explanation
        row["confidence_departure"] = f.confidence.overall.departure
        yield row


def _factor_rows(kb: KnowledgeBase, kind: str) -> Iterable[dict[str, object]]:
    """Rows of barriers, facilitators or outcomes: their own fields, then the evidence computed for them."""
    records: list[tuple[str, Factor | Outcome]] = [*(kb.outcomes if kind == "outcome" else kb.factors(kind)).items()]
    for record_id, record in sorted(records, key=lambda item: item[0]):
        support = kb.support[(kind, record_id)]
        if isinstance(record, Outcome):
            own: dict[str, object] = {"summary": record.summary, "for_whom": record.for_whom, "basis": record.basis,
                                      "direction": record.direction}
        else:
            own = {"summary": record.summary, "what_to_do": record.what_to_do,
                   "who_can_act": _joined(record.who_can_act)}
        yield {"id": record_id, "name": record.name, **own, "themes": _joined(record.themes),
               "keywords": _joined(record.keywords), "reviewed": _date(record.reviewed),
               "findings": _joined(support.findings),
               "studies": _joined(support.studies), "publications": _joined(support.publications),
               "highest_confidence": support.highest_confidence or ""}


def bibtex(entry: Entry) -> str:
    """One entry as BibTeX, with its names and fields as the bibliography holds them (macros expanded)."""
    persons = [(role, " and ".join(str(person) for person in entry.persons[role])) for role in entry.persons]
    fields = [(name, value) for name, value in entry.fields.items()]
    return render_entry(BibEntry(entry.type, str(entry.key), tuple(persons + fields), Location("")))


def render_downloads_page(downloads: Mapping[str, bytes], kb: KnowledgeBase, page: str = "downloads.md") -> str:
    """A Markdown page listing every download with its size and what it holds; ``page`` is its path in the site."""
    return downloads_page({path: size_text(len(data)) for path, data in downloads.items()}, kb, page)


def downloads_page(sizes: Mapping[str, str], kb: KnowledgeBase, page: str = "downloads.md") -> str:
    """The open-data page for downloads whose sizes, as text, are ``sizes`` (by path in the site)."""
    folder = posixpath.dirname(page)

    def link(path: str) -> str:  # A page at the top links each file by its path (made of slugs) as it is.
        return f"[`{posixpath.basename(path)}`]({posixpath.relpath(path, folder) if folder else path})"

    lines = ["# Open data", "",
             "Everything in this knowledge base can be downloaded and reused: the records with every link "
             "between them, tables for spreadsheets, and the references for reference managers. The files "
             "are rebuilt with the site and change only when the content does.", "",
             "| File | What it holds | Size |", "| --- | --- | --: |"]
    for name, description in DESCRIPTIONS.items():
        path = f"{FOLDER}/{name}"
        if path in sizes:
            lines.append(f"| {link(path)} | {description} | {sizes[path]} |")
    lines += ["", CSV_NOTE]
    lines += ["", "## Schemas", "", "JSON Schemas of the record files, for validating records or writing tools "
              "that read them.", "", "| File | Size |", "| --- | --: |"]
    lines += [f"| {link(path)} | {size} |" for path, size in sizes.items() if path.startswith(f"{FOLDER}/schemas/")]
    lines += ["", "## Each study's reference", "", "| Study | BibTeX | RIS |", "| --- | --- | --- |"]
    for study_id, study in sorted(kb.studies.items()):
        bib, ris_path = f"{FOLDER}/studies/{study_id}.bib", f"{FOLDER}/studies/{study_id}.ris"
        if bib in sizes:
            lines.append(f"| {markdown_text(study.title)} | {link(bib)} ({sizes[bib]}) | "
                         f"{link(ris_path)} ({sizes[ris_path]}) |")
    return "\n".join(lines) + "\n"


CSV_NOTE = ("In the CSV tables, a value that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is written "
            "with a `'` in front, so a spreadsheet shows it as text and never runs it as a formula.")


def size_text(count: int) -> str:
    """A byte count for people: 512 bytes, 1.2 kB, 3.4 MB."""
    if count < 1000:
        return f"{count} bytes"
    value = count / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"
