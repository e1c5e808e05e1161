"""Open data, field by field: every download compared with the records and the BibTeX it came from.

Expectations are derived from the loaded records (their model fields, walked generically, so a field added to
a model is compared without a change here) and from the BibTeX entries as pybtex parses them, never written
out by hand. Two knowledge bases are compared: the repository's own, and the check example with a
bibliography that uses every field the exports carry, of every entry type.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPOSITORY
from pybtex.database import Entry, Person, parse_string

from synth.pipeline import check_project
from synth.records.link import KnowledgeBase
from synth.references.latex_text import latex_to_text
from synth.references.style import ReferenceFormatter
from synth.site.export import build_downloads

EVERY_FIELD_BIB = r"""
@article{article2020,
  author = {Smith, Jane and {Evidence Review Team} and van der Berg, Jan},
  title = {An article with {every} field: caf\'e \& more},
  journal = {Journal of Things},
  year = {2020},
  volume = {12},
  number = {3},
  pages = {45--67},
  publisher = {Learned Society},
  address = {London},
  issn = {1234-5678},
  doi = {https://doi.org/10.1234/ABC.5},
  url = {https://example.org/article},
  abstract = {A long abstract, \% escaped, on two
              lines.},
  note = {A note with \emph{emphasis}}
}
@book{book2019,
  editor = {Editor, Ed and Second, Sam},
  title = {A Book},
  series = {A Series},
  publisher = {Press},
  address = {Leeds},
  isbn = {978-0-00-000000-0},
  year = {2019}
}
@incollection{chapter2019,
  author = {Chapter, Carol},
  title = {A Chapter},
  crossref = {book2019},
  pages = {1--10}
}
@techreport{report2018,
  author = {Reporter, Rita},
  title = {A Report},
  institution = {An Institute},
  year = {2018},
  number = {7}
}
@phdthesis{thesis2017,
  author = {Student, Sue},
  title = {A Thesis},
  school = {A University},
  year = {2017}
}
@inproceedings{paper2016,
  author = {Speaker, Stan and others},
  title = {A Paper},
  booktitle = {Proceedings of a Meeting},
  organization = {A Society},
  year = {2016},
  pages = {99}
}
@misc{page2015,
  author = {{Office for Things}},
  title = {A Web Page},
  year = {circa 2015},
  howpublished = {Online guidance},
  url = {https://example.org/page}
}
"""

RIS_TAGS = {"title": "TI", "journal": "T2", "booktitle": "T2", "series": "T3", "year": "PY", "volume": "VL",
            "number": "IS", "publisher": "PB", "institution": "PB", "school": "PB", "organization": "PB",
            "howpublished": "PB", "address": "CY", "issn": "SN", "isbn": "SN", "abstract": "AB", "note": "N1"}
CSL_VARIABLES = {"title": "title", "journal": "container-title", "booktitle": "container-title",
                 "series": "collection-title", "volume": "volume", "number": "issue", "pages": "page",
                 "publisher": "publisher", "institution": "publisher", "school": "publisher",
                 "organization": "publisher", "howpublished": "publisher", "address": "publisher-place",
                 "issn": "ISSN", "isbn": "ISBN", "abstract": "abstract", "note": "note"}
"""The standard RIS tag and CSL variable of each BibTeX field; where several fields share one (a container,
a publisher, with `howpublished` standing in when no publisher is given), the entry's first in this order is
the one carried. A series is the CSL collection title (RIS T3), as reference managers read it."""
NOT_COMPARED = {"doi", "url", "pages", "crossref", "month", "edition", "annote", "eid"}
"""Fields compared separately (DOI and URL as the formatter normalises them, pages split in RIS, crossref by
inheritance) or that no RIS tag or CSL variable above carries."""


def project_with_every_field(folder: Path) -> Path:
    """The check example with a second .bib file holding entries that use every exported field."""
    project = folder / "project"
    shutil.copytree(DATA / "check-example", project)
    (project / "bibliography" / "every-field.bib").write_text(EVERY_FIELD_BIB, encoding="utf-8")
    return project


@pytest.fixture(scope="module", params=["repository", "every-field"])
def exported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> \
        tuple[KnowledgeBase, ReferenceFormatter, dict[str, str]]:
    """A checked knowledge base, its formatter, and its downloads as text."""
    project = REPOSITORY if request.param == "repository" else project_with_every_field(tmp_path_factory.mktemp("e"))
    result = check_project(project)
    assert result.errors == []
    formatter = ReferenceFormatter(result.kb.bibliography)
    files = build_downloads(result.kb, formatter)
    return result.kb, formatter, {path.removeprefix("downloads/"): data.decode("utf-8") for path, data in files.items()}


# --- records: CSV tables, one per record kind, over every field of the model ---------------------------------

CSV_FILES = {"study": "studies.csv", "finding": "findings.csv", "barrier": "barriers.csv",
             "facilitator": "facilitators.csv"}
RENAMED = {"appraisal.strengths": "strengths", "appraisal.limitations": "limitations",
           "confidence.overall.rating": "confidence", "confidence.overall.explanation": "confidence_explanation",
           "confidence.overall.departure": "confidence_departure"}
"""Nested fields whose column is not named by the last part of their dotted name."""


def column_of(dotted: str) -> str:
    """The CSV column of a (possibly nested) model field: its last name, or a name from RENAMED."""
    if dotted in RENAMED:
        return RENAMED[dotted]
    parts = dotted.split(".")
    if parts[0] == "confidence":  # confidence.coherence.concern → coherence; ….explanation → coherence_explanation
        return parts[1] if parts[2] == "concern" else f"{parts[1]}_{parts[2]}"
    return parts[-1]


def leaves(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Each scalar or list field of a dumped record, with its dotted name; nested records are walked."""
    for name, item in value.items():
        dotted = f"{prefix}{name}"
        if isinstance(item, dict):
            yield from leaves(item, f"{dotted}.")
        else:
            yield dotted, item


def cell(value: Any) -> str:
    """A field's value as its CSV cell: lists joined with '; ', None empty, quotations with their locators."""
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and set(value[0]) == {"quote", "locator"}:
            return "\n".join(f"“{item['quote']}” ({item['locator']})" for item in value)
        assert all(not isinstance(item, (dict, list)) for item in value), "a list of records needs its own rule"
        return "; ".join(str(item) for item in value)
    return str(value)


def table(files: Mapping[str, str], name: str) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in csv.DictReader(io.StringIO(files[name], newline=""))}


@pytest.mark.parametrize("kind", CSV_FILES)
def test_every_model_field_of_every_record_is_its_csv_cell(exported, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Each field of each record (nested ones too) has its column, holding the record's value."""
    kb, _, files = exported
    rows = table(files, CSV_FILES[kind])
    records = kb.factors(kind) if kind in ("barrier", "facilitator") else getattr(kb, f"{kind}s" if kind != "study"
                                                                                   else "studies")
    assert sorted(rows) == sorted(records)
    compared = 0
    for record_id, model in records.items():
        for dotted, value in leaves(model.model_dump(mode="json")):
            expected = record_id if dotted == "id" else cell(value)
            assert rows[record_id].get(column_of(dotted)) == expected, (kind, record_id, dotted)
            compared += 1
    assert compared >= len(records) * 4


def test_csv_links_are_the_knowledge_bases(exported) -> None:  # type: ignore[no-untyped-def]
    """Columns computed from links: a study's reference, DOI and findings; a finding's study; a factor's evidence."""
    kb, formatter, files = exported
    for study_id, row in table(files, "studies.csv").items():
        reference = formatter.format(kb.studies[study_id].cite)[0]
        assert (row["reference"], row["doi"]) == (reference.text, reference.doi or "")
        assert row["findings"] == "; ".join(kb.findings_by_study.get(study_id, ()))
    for finding_id, row in table(files, "findings.csv").items():
        study = kb.studies[kb.findings[finding_id].study]
        assert (row["study_title"], row["cite"]) == (study.title, study.cite)
    for kind in ("barrier", "facilitator"):
        for factor_id, row in table(files, CSV_FILES[kind]).items():
            support = kb.support[(kind, factor_id)]
            assert row["findings"] == "; ".join(support.findings)
            assert row["studies"] == "; ".join(support.studies)
            assert row["highest_confidence"] == (support.highest_confidence or "")


def test_records_json_references_are_the_formatters(exported) -> None:  # type: ignore[no-untyped-def]
    """Each reference in records.json (and each study's) carries the formatted reference's values, key by key."""
    kb, formatter, files = exported
    data = json.loads(files["records.json"])
    assert data["counts"] == kb.counts
    for item in data["references"]:
        reference = formatter.format(item["key"])[0]
        assert {k: v for k, v in item.items() if k != "cited_by"} == {
            k: getattr(reference, k) for k in item if k != "cited_by"}
        assert item["cited_by"] == list(kb.cited_by.get(item["key"], ()))
    for study in data["studies"]:
        assert study["reference"] == {k: getattr(formatter.format(study["cite"])[0], k) for k in study["reference"]}


# --- references: BibTeX, RIS and CSL-JSON against the parsed BibTeX ------------------------------------------

def entries(kb: KnowledgeBase) -> Mapping[str, Entry]:
    return kb.bibliography.data.entries  # type: ignore[no-any-return]


def parent_of(entry: Entry, kb: KnowledgeBase) -> Entry | None:
    key = entry.fields.get("crossref")
    return entries(kb).get(key) if key else None


def field(entry: Entry, name: str, kb: KnowledgeBase) -> str:
    """A field's value, the crossref parent's when the entry lacks it, as plain text with single spaces."""
    parent = parent_of(entry, kb)
    value = entry.fields.get(name) or (parent.fields.get(name) if parent is not None else None) or ""
    if not value and name == "booktitle" and parent is not None:
        value = parent.fields.get("title", "")
    return " ".join(latex_to_text(value).split())


def persons(entry: Entry, role: str, kb: KnowledgeBase) -> list[Person]:
    parent = parent_of(entry, kb)
    people = entry.persons.get(role) or (parent.persons.get(role) if parent is not None else None) or []
    return [person for person in people if str(person) != "others"]


def family_given(person: Person) -> tuple[str, str]:
    family = latex_to_text(" ".join([*person.prelast_names, *person.last_names, *person.lineage_names]))
    return family, latex_to_text(" ".join([*person.first_names, *person.middle_names]))


def first_of(entry: Entry, kb: KnowledgeBase, names: list[str]) -> str:
    return next((value for value in (field(entry, name, kb) for name in names) if value), "")


def carried(table_: Mapping[str, str], target: str) -> list[str]:
    """The BibTeX fields, in order, that a RIS tag or CSL variable is taken from."""
    return [name for name, to in table_.items() if to == target]


def ris_records(text: str) -> dict[str, dict[str, list[str]]]:
    """RIS text as {ID: {tag: [values]}}."""
    records: dict[str, dict[str, list[str]]] = {}
    for block in text.split("ER  - \n"):
        tags: dict[str, list[str]] = {}
        for line in block.strip().splitlines():
            tag, value = line.split("  - ", 1)
            tags.setdefault(tag, []).append(value)
        if tags:
            records[tags["ID"][0]] = tags
    return records


def test_references_bib_parses_back_to_the_same_entries(exported) -> None:  # type: ignore[no-untyped-def]
    """Every entry's type, every field and every name, as pybtex reads references.bib back."""
    kb, _, files = exported
    parsed = parse_string(files["references.bib"], "bibtex").entries
    assert sorted(parsed) == sorted(entries(kb))
    for key, original in entries(kb).items():
        again = parsed[key]
        assert again.type == original.type, key
        assert dict(again.fields) == dict(original.fields), key
        assert {role: [str(p) for p in people] for role, people in again.persons.items()} == {
            role: [str(p) for p in people] for role, people in original.persons.items()}, key


def test_each_studys_bib_and_ris_hold_its_entry_and_parent(exported) -> None:  # type: ignore[no-untyped-def]
    """A study's own .bib holds its cited entry (and its crossref parent); its .ris is that entry's RIS record."""
    kb, _, files = exported
    whole = ris_records(files["references.ris"])
    for study_id, study in kb.studies.items():
        parsed = parse_string(files[f"studies/{study_id}.bib"], "bibtex").entries
        entry = entries(kb)[study.cite]
        parent = entry.fields.get("crossref")
        assert list(parsed) == [study.cite, *([parent] if parent and parent in entries(kb) else [])]
        assert dict(parsed[study.cite].fields) == dict(entry.fields)
        assert ris_records(files[f"studies/{study_id}.ris"]) == {study.cite: whole[study.cite]}


def test_ris_carries_every_field_of_every_entry(exported) -> None:  # type: ignore[no-untyped-def]
    """Each BibTeX field with an RIS tag is in the record with the field's text; names, pages, DOI and URL too."""
    kb, formatter, files = exported
    ris = ris_records(files["references.ris"])
    assert sorted(ris) == sorted(entries(kb))
    for key, entry in entries(kb).items():
        record, reference = ris[key], formatter.format(key)[0]
        expected: dict[str, list[str]] = {}
        for tag in dict.fromkeys(RIS_TAGS.values()):
            value = first_of(entry, kb, carried(RIS_TAGS, tag))
            if value:
                expected[tag] = [value]
        for tag, role in (("AU", "author"), ("A2", "editor")):
            names = [family_given(p) for p in persons(entry, role, kb)]
            if names:
                expected[tag] = [f"{family}, {given}" if given else family for family, given in names]
        pages = field(entry, "pages", kb)
        if pages:
            expected["SP"] = [pages.replace("–", "-").split("-")[0].strip()]
            if "-" in pages.replace("–", "-"):
                expected["EP"] = [pages.replace("–", "-").rsplit("-", 1)[1].strip()]
        if reference.doi:
            expected["DO"] = [reference.doi]
        if reference.url:
            expected["UR"] = [reference.url]
        for tag, values in expected.items():
            assert [" ".join(v.split()) for v in record.get(tag, [])] == values, (key, tag)
        assert record["TY"] and record["ID"] == [key]


def test_csl_json_carries_every_field_of_every_entry(exported) -> None:  # type: ignore[no-untyped-def]
    """Each BibTeX field with a CSL variable is in the item with the field's text; names, year, DOI and URL too."""
    kb, formatter, files = exported
    items = {item["id"]: item for item in json.loads(files["references.csl.json"])}
    assert sorted(items) == sorted(entries(kb))
    for key, entry in entries(kb).items():
        item, reference = items[key], formatter.format(key)[0]
        for variable in dict.fromkeys(CSL_VARIABLES.values()):
            value = first_of(entry, kb, carried(CSL_VARIABLES, variable))
            # `number` is an article's issue, a report's number or a series number, as CSL names each.
            found = (item.get("issue") or item.get("number") or item.get("collection-number", "")
                     if variable == "issue" and entry.type.lower() != "article" else item.get(variable, ""))
            assert " ".join(str(found).split()) == value, (key, variable)
        for role in ("author", "editor"):
            names = [family_given(p) for p in persons(entry, role, kb)]
            assert [" ".join(n.get("literal", f"{n.get('family')}, {n.get('given')}").split())
                    for n in item.get(role, [])] == [f"{f}, {g}" if g else f for f, g in names], (key, role)
        year = field(entry, "year", kb)
        if year:
            month = item["issued"].get("date-parts", [[0]])[0][1:]  # A month, where the entry gives one.
            assert item["issued"] in ({"date-parts": [[int(year), *month]]} if year.isdigit() else None,
                                      {"literal": year}), key
        assert (item.get("DOI"), item.get("URL")) == (reference.doi, reference.url), key


def test_every_field_in_the_bibliographies_is_compared_or_said_why_not(exported) -> None:  # type: ignore[no-untyped-def]
    """A BibTeX field the comparisons above do not know fails here, so it is either compared or named."""
    kb, _, _ = exported
    used = {name.lower() for entry in entries(kb).values() for name in entry.fields}
    assert used - set(RIS_TAGS) - set(CSL_VARIABLES) - NOT_COMPARED == set()


def test_the_every_field_bibliography_exercises_every_mapping(tmp_path: Path) -> None:
    """The second knowledge base uses every field that has an RIS tag or CSL variable, so none goes untested."""
    kb = check_project(project_with_every_field(tmp_path)).kb
    used = {name.lower() for entry in entries(kb).values() for name in entry.fields}
    assert set(RIS_TAGS) | set(CSL_VARIABLES) <= used

