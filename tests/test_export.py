"""Open data: records.json, CSV, BibTeX, RIS and CSL-JSON downloads that carry every record and reference."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, REPOSITORY, SHARED, needs_shared
from hypothesis import given
from hypothesis import strategies as st

from synth.authoring.imports.bibtex import read_entries, target_file
from synth.authoring.imports.eppi import import_eppi
from synth.authoring.jsonschema import SCHEMA_NAMES, record_schema
from synth.pipeline import check_project
from synth.records.link import KnowledgeBase
from synth.references.interchange import csl_item, field_text, ris_record
from synth.references.style import ReferenceFormatter
from synth.site import export
from synth.site.export import build_downloads, render_downloads_page

EXPORT = SHARED / "corpora" / "evidence" / "eppi-reviewer-risrs" / "eppi_export--2021-09-09.json"
KINDS = {"studies": "studies", "findings": "findings", "barriers": "barriers", "facilitators": "facilitators",
         "themes": "themes"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    """The repository's own knowledge base, as the site is built from it."""
    result = check_project(REPOSITORY)
    assert result.errors == []
    return result.kb


@pytest.fixture(scope="module")
def downloads(kb: KnowledgeBase) -> dict[str, bytes]:
    return build_downloads(kb, ReferenceFormatter(kb.bibliography))


def text(downloads: dict[str, bytes], name: str) -> str:
    return downloads[f"downloads/{name}"].decode("utf-8")


def test_records_json_holds_every_record_field_by_field(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """Read back, each record's fields equal the loaded model's, and its id is the file name."""
    data = json.loads(text(downloads, "records.json"))
    assert (data["format"], data["version"]) == ("synth-records", 1)
    for kind in KINDS:
        models = getattr(kb, kind)
        assert [record["id"] for record in data[kind]] == sorted(models)
        for record in data[kind]:
            model = models[record["id"]]
            for field, value in model.model_dump(mode="json").items():
                assert record[field] == (record["id"] if field == "id" else value), (kind, record["id"], field)


def test_records_json_resolves_every_link(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """A study lists its findings and reference; a finding its study's title and key; a factor its evidence."""
    data = json.loads(text(downloads, "records.json"))
    for study in data["studies"]:
        assert study["findings"] == list(kb.findings_by_study.get(study["id"], ()))
        assert study["reference"]["key"] == study["cite"]
    for finding in data["findings"]:
        study = kb.studies[finding["study"]]
        assert (finding["study_title"], finding["cite"]) == (study.title, study.cite)
    for kind in ("barrier", "facilitator", "outcome"):
        for factor in data[f"{kind}s"]:
            support = kb.support[(kind, factor["id"])]
            assert (factor["findings"], factor["studies"]) == (list(support.findings), list(support.studies))
            assert factor["publications"] == sorted({kb.studies[s].cite for s in support.studies})
            assert factor["highest_confidence"] == support.highest_confidence
    for theme in data["themes"]:
        assert theme["findings"] == list(kb.findings_by_theme.get(theme["id"], ()))
    assert [reference["key"] for reference in data["references"]] == sorted(kb.bibliography.keys())
    cited = {reference["key"]: reference["cited_by"] for reference in data["references"]}
    assert all(study_id in cited[study.cite] for study_id, study in kb.studies.items())


@pytest.mark.parametrize(("name", "kind"), [("studies.csv", "studies"), ("findings.csv", "findings"),
                                            ("barriers.csv", "barriers"), ("facilitators.csv", "facilitators"),
                                            ("outcomes.csv", "outcomes")])
def test_each_csv_has_one_row_per_record(kb: KnowledgeBase, downloads: dict[str, bytes], name: str,
                                         kind: str) -> None:
    """The csv module reads every table back with a header and one row per record, in id order."""
    rows = list(csv.DictReader(io.StringIO(text(downloads, name), newline="")))
    assert [row["id"] for row in rows] == sorted(getattr(kb, kind))


def test_findings_csv_keeps_quotations_and_assessments(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """Multi-line cells (all the quotations of a finding) and each GRADE-CERQual component survive the CSV."""
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text(downloads, "findings.csv"), newline=""))}
    for finding_id, finding in kb.findings.items():
        row = rows[finding_id]
        assert row["evidence"].split("\n") == [f"“{q.quote}” ({q.locator})" for q in finding.evidence]
        assert row["coherence"] == finding.confidence.coherence.concern
        assert row["confidence"] == finding.confidence.overall.rating


def test_csvs_carry_the_new_fields_of_every_kind(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """The tables carry every new field: studies' kinds and statuses, findings' titles, who can act, outcomes.

    Lists are joined with '; '.
    """
    def rows(name: str) -> dict[str, dict[str, str]]:
        return {row["id"]: row for row in csv.DictReader(io.StringIO(text(downloads, name), newline=""))}
    studies, findings, barriers, outcomes = (rows(f"{n}.csv") for n in ("studies", "findings", "barriers", "outcomes"))
    assert {i: (r["evidence_kind"], r["evaluation"]) for i, r in studies.items()} == {
        i: (s.evidence_kind, s.evaluation or "") for i, s in kb.studies.items()}
    assert all(findings[i]["title"] == f.title and findings[i]["outcomes"] == "; ".join(f.outcomes)
               for i, f in kb.findings.items())
    assert all(barriers[i]["who_can_act"] == "; ".join(b.who_can_act) and barriers[i]["keywords"] ==
               "; ".join(b.keywords) for i, b in kb.barriers.items())
    assert all((outcomes[i]["basis"], outcomes[i]["direction"], outcomes[i]["for_whom"]) ==
               (o.basis, o.direction, o.for_whom) for i, o in kb.outcomes.items())
    assert len(outcomes) == len(kb.outcomes) > 0


def ris_records(ris: str) -> dict[str, dict[str, list[str]]]:
    """RIS text as {ID: {tag: [values]}}."""
    records: dict[str, dict[str, list[str]]] = {}
    assert ris.endswith("ER  - \n\n")
    for block in ris.split("ER  - \n"):
        tags: dict[str, list[str]] = {}
        for line in block.strip().splitlines():
            tag, value = line.split("  - ", 1)
            tags.setdefault(tag, []).append(value)
        if tags:
            records[tags["ID"][0]] = tags
    return records


def check_reference_formats(kb: KnowledgeBase, downloads: dict[str, bytes], formatter: ReferenceFormatter) -> int:
    """Every reference is in the RIS and CSL-JSON files with its authors, year, title and DOI."""
    ris = ris_records(text(downloads, "references.ris"))
    csl = {item["id"]: item for item in json.loads(text(downloads, "references.csl.json"))}
    assert sorted(ris) == sorted(csl) == sorted(kb.bibliography.keys())
    for key in kb.bibliography.keys():  # noqa: SIM118 (a Bibliography is not a mapping)
        entry = kb.bibliography.data.entries[key]
        reference = formatter.format(key)[0]
        authors = [p for p in entry.persons.get("author", []) if str(p) != "others"]
        assert len(ris[key].get("AU", [])) == len(csl[key].get("author", [])) == len(authors), key
        if "title" in entry.fields:
            assert ris[key]["TI"] == [csl[key]["title"]], key
        else:
            assert "TI" not in ris[key] and "title" not in csl[key], key
        year = field_text(entry, "year", kb.bibliography.data)
        if year:
            assert ris[key]["PY"] == [year], key
            assert csl[key]["issued"]["date-parts"][0][0] == int(year) if year.isdigit() else True, key
        if reference.doi:
            assert ris[key]["DO"] == [reference.doi] and csl[key]["DOI"] == reference.doi, key
    return sum(bool(item.get("DOI")) for item in csl.values())


def test_ris_and_csl_json_carry_every_reference(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """Over the knowledge base's bibliography: authors, year, title and DOI in both formats, for every entry."""
    assert check_reference_formats(kb, downloads, ReferenceFormatter(kb.bibliography)) > 0
    ris = ris_records(text(downloads, "references.ris"))
    assert ris["alexander2021coproduction"]["AU"] == ["Alexander, James"]
    assert ris["alexander2021coproduction"]["TY"] == ["JOUR"]


@needs_shared(EXPORT)
def test_names_kept_whole_are_literal_names_in_csl_and_whole_in_ris(tmp_path: Path) -> None:
    """An imported review of 385 items: every reference exported; a kept-whole name stays one literal name."""
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    import_eppi(project, EXPORT, target_file(project, None))
    kb = check_project(project).kb
    formatter = ReferenceFormatter(kb.bibliography)
    downloads = build_downloads(kb, formatter)
    assert check_reference_formats(kb, downloads, formatter) == 338
    csl = {item["id"]: item for item in json.loads(text(downloads, "references.csl.json"))}
    assert csl["dalre2019analysis"]["author"] == [{"literal": "Dal-Ré Rafael"}]
    assert ris_records(text(downloads, "references.ris"))["dalre2019analysis"]["AU"] == ["Dal-Ré Rafael"]


def test_bibtex_downloads_read_back_as_the_same_entries(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """references.bib and each study's .bib parse back to the bibliography's entries, macros expanded."""
    entries, problems = read_entries(text(downloads, "references.bib"), "references.bib")
    assert problems == []
    assert sorted(entry.key for entry in entries) == sorted(kb.bibliography.keys())
    for entry in entries:
        original = kb.bibliography.data.entries[entry.key]
        assert entry.get("title") == original.fields.get("title")
        authors = entry.get("author")
        assert authors == (" and ".join(str(p) for p in original.persons["author"]) if authors else None)
    for study_id, study in kb.studies.items():
        single, _ = read_entries(text(downloads, f"studies/{study_id}.bib"), "x.bib")
        assert [entry.key for entry in single] == [study.cite]
        assert ris_records(text(downloads, f"studies/{study_id}.ris"))[study.cite]["ID"] == [study.cite]


def test_downloads_are_in_a_stable_form_with_unix_line_ends(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """Files in path order, JSON keys sorted, no carriage returns (two processes' bytes: tests/test_reproducible.py)."""
    assert list(downloads) == sorted(downloads)
    assert all(b"\r\n" not in data for data in downloads.values())
    records = text(downloads, "records.json")
    assert json.dumps(json.loads(records), ensure_ascii=False, indent=2, sort_keys=True) + "\n" == records
    expected = {f"downloads/{name}" for name in ("records.json", "studies.csv", "findings.csv", "barriers.csv",
                                                 "facilitators.csv", "outcomes.csv", "references.bib", "references.ris",
                                                 "references.csl.json")}
    expected |= {f"downloads/schemas/{n}.schema.json" for n in ("study", "finding", "barrier", "facilitator",
                                                                "outcome", "theme-file")}
    expected |= {f"downloads/studies/{i}.{ext}" for i in kb.studies for ext in ("bib", "ris")}
    assert set(downloads) == expected


def standard_json(value: object) -> str:
    """What Python's `json` writes for the open data's JSON files."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def test_the_json_files_are_written_by_orjson_as_json_writes_them(kb: KnowledgeBase,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """records.json and the CSL-JSON of this repository: the same text, made without Python's `json` encoder."""
    formatter = ReferenceFormatter(kb.bibliography)
    references = {key: formatter.format(key)[0] for key in sorted(kb.bibliography.keys())}
    values = [export.records(kb, references),
              [csl_item(kb.bibliography.data.entries[key], kb.bibliography.data) for key in references]]
    expected = [standard_json(value) for value in values]
    monkeypatch.setattr(export.json, "dumps", None)  # Were `json` used, the call would fail.
    assert [export._json(value) for value in values] == expected


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2 ** 70), max_value=2 ** 70) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4), max_leaves=20)


@given(JSON_VALUES)
def test_any_value_without_floats_is_written_as_json_writes_it(value: object) -> None:
    """Any text (every code point but lone surrogates), integer (within 64 bits or not), list and dict."""
    assert export._json(value) == standard_json(value)


def test_what_orjson_would_write_otherwise_is_left_to_json() -> None:
    """Keys that are not strings, subclasses and every code point: json's text; what json refuses, refused."""
    class Label(str):
        pass

    every_character = "".join(chr(point) for point in range(0x110000) if not 0xD800 <= point <= 0xDFFF)
    for value in ({2: "two", 10: [True, None]}, {"label": Label("x")}, {"big": [2 ** 64, -(2 ** 63) - 1]},
                  {every_character: every_character}):
        assert export._json(value) == standard_json(value)
    for refused in ({"when": datetime.date(2024, 1, 31)}, {("a", "b"): 1}):
        with pytest.raises(TypeError):
            standard_json(refused)
        with pytest.raises(TypeError):
            export._json(refused)


def test_no_record_field_is_a_number_with_a_fraction() -> None:
    """Some floats (1e-05, NaN) are written differently by orjson and json: the open data must hold none.

    A record field that is a float would need the open data's JSON written by `json` alone (`export._json`).
    """
    def types(schema: object) -> set[str]:
        """Every JSON type named anywhere in ``schema`` (``"type": "x"`` or ``"type": ["x", "y"]``)."""
        if isinstance(schema, dict):
            named = schema.get("type")
            found = {named} if isinstance(named, str) else {t for t in named if isinstance(t, str)} \
                if isinstance(named, list) else set()
            return found.union(*(types(value) for value in schema.values()))
        return set().union(*(types(value) for value in schema)) if isinstance(schema, list) else set()

    named = {name: types(record_schema(name)) for name in SCHEMA_NAMES}
    assert all("string" in found for found in named.values()) and "integer" in named["study"]  # The walk works.
    assert [name for name, found in named.items() if "number" in found] == []


def test_the_downloads_page_lists_every_file_with_its_size(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """Each file is linked relative to the page, with its size; record text is escaped."""
    page = render_downloads_page(downloads, kb, "downloads/index.md")
    links = re.findall(r"\]\(([^)]+)\)", page)
    assert sorted(links) == sorted(path.removeprefix("downloads/") for path in downloads)
    size = len(downloads["downloads/records.json"])
    assert "| [`records.json`](records.json) | Every record" in page
    assert f"| {size / 1000:.1f} kB |" in page
    assert render_downloads_page(downloads, kb, "about/data.md").count("](../downloads/") == len(downloads)


def test_record_text_in_the_page_cannot_become_markup(kb: KnowledgeBase, downloads: dict[str, bytes]) -> None:
    """A title with table pipes, HTML or link syntax is shown as text."""
    study_id, study = next(iter(sorted(kb.studies.items())))
    hostile = study.model_copy(update={"title": "A | B <script>alert(1)</script> [x](javascript:y)"})
    fake: Any = type("KB", (), {"studies": {study_id: hostile}})()
    page = render_downloads_page(downloads, fake)
    row = next(line for line in page.splitlines() if f"{study_id}.bib" in line)
    assert "<script>" not in row and "](javascript" not in row and row.count(" | ") == 2


def test_a_studys_bibtex_carries_its_crossref_parent(tmp_path: Path) -> None:
    """A study citing a `crossref` child gets the parent too, so a reference manager can resolve the child."""
    import shutil

    from synth.pipeline import check_project
    from synth.references.style import ReferenceFormatter

    project = tmp_path / "project"
    shutil.copytree(DATA / "check-example", project)
    (project / "bibliography" / "more.bib").write_text(
        "@incollection{turley2012neighbourhood,\n  author = {Turley, Caroline},\n  title = {Delivering},\n"
        "  crossref = {book2012},\n  pages = {1--10}\n}\n\n"
        "@book{book2012,\n  editor = {Editor, Ed},\n  title = {The Book},\n  publisher = {P},\n  year = {2012}\n}\n",
        encoding="utf-8")
    kb = check_project(project).kb
    downloads = build_downloads(kb, ReferenceFormatter(kb.bibliography))
    study_bib = downloads["downloads/studies/turley-2012.bib"].decode("utf-8")
    assert study_bib.startswith("@incollection{turley2012neighbourhood,")
    assert "\n@book{book2012," in study_bib


CARRIED = {"title": ("title", "TI"), "journal": ("container-title", "T2"), "booktitle": ("container-title", "T2"),
           "series": ("collection-title", "T3"), "volume": ("volume", "VL"), "edition": ("edition", "ET"),
           "eid": ("number", "C7"), "pages": ("page", "SP"), "publisher": ("publisher", "PB"),
           "institution": ("publisher", "PB"), "school": ("publisher", "PB"), "organization": ("publisher", "PB"),
           "address": ("publisher-place", "CY"), "doi": ("DOI", "DO"), "url": ("URL", "UR"),
           "urldate": ("accessed", "Y2"), "year": ("issued", "PY"), "month": ("issued", "DA"),
           "note": ("note", "N1"), "type": ("genre", "M3"), "chapter": ("chapter-number", None),
           "isbn": ("ISBN", "SN")}
"""Each BibTeX field and where CSL-JSON and RIS hold it."""


def test_csl_json_and_ris_carry_every_field_an_entry_has() -> None:
    """Over entries of every type: each field the formats can hold is there, howpublished and numbers included."""
    from synth.references.bibliography import load_bibliography

    bibliography, _ = load_bibliography([REPOSITORY / "tests" / "fixtures" / "cite-them-right" / "entries.bib"])
    data = bibliography.data
    for key, entry in data.entries.items():
        item, ris = csl_item(entry, data), ris_records(ris_record(entry, data))[key]
        for name in entry.fields:
            target, tag = CARRIED.get(name, (None, None))
            assert target is None or target in item, (key, name)
            assert tag is None or tag in ris, (key, name)
        if "howpublished" in entry.fields:
            assert item["publisher"] == ris["PB"][0] == field_text(entry, "howpublished", data), key
        if "number" in entry.fields:
            number = field_text(entry, "number", data)
            assert number in (item.get("issue"), item.get("number"), item.get("collection-number")), key


@pytest.mark.parametrize(("key", "kind", "ris_kind"), [("webpage2021", "webpage", "ELEC"),
                                                       ("noauthor2010", "document", "GEN"),
                                                       ("inbook2007", "book", "BOOK"),
                                                       ("chapter2013", "chapter", "CHAP"),
                                                       ("manual2020", "report", "RPRT")])
def test_types_are_those_reference_managers_expect(key: str, kind: str, ris_kind: str) -> None:
    """A ``@misc`` with a URL is a web page; an ``@inbook`` naming no book is a book; a manual a report."""
    from synth.references.bibliography import load_bibliography

    bibliography, _ = load_bibliography([REPOSITORY / "tests" / "fixtures" / "cite-them-right" / "entries.bib"])
    entry = bibliography.data.entries[key]
    assert csl_item(entry, bibliography.data)["type"] == kind
    assert ris_records(ris_record(entry, bibliography.data))[key]["TY"] == [ris_kind]


def test_months_article_numbers_and_access_dates_are_dates_and_numbers() -> None:
    """``month = oct`` is in the date, ``eid`` the article number, ``urldate`` the access date."""
    from synth.references.bibliography import load_bibliography

    bibliography, _ = load_bibliography([REPOSITORY / "tests" / "fixtures" / "cite-them-right" / "entries.bib"])
    data = bibliography.data
    corporate = csl_item(data.entries["corporate2010"], data)
    article = csl_item(data.entries["articlenumber2021"], data)
    assert corporate["issued"] == {"date-parts": [[2010, 10]]} and corporate["author"] == [
        {"literal": "Local Government Group"}]
    assert article["number"] == "56" and "issue" not in article
    web = ris_records(ris_record(data.entries["webpage2021"], data))["webpage2021"]
    assert web["Y2"] == ["2021/05/01"] and web["PY"] == ["2010"]
    numbered = ris_records(ris_record(data.entries["articlenumber2021"], data))["articlenumber2021"]
    assert numbered["C7"] == ["56"] and "IS" not in numbered
