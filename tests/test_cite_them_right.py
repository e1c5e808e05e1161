"""Stage 4, references: synth's references and in-text citations against citeproc-js running Cite Them Right.

The expected text was written once by citeproc-js with the CSL style ``harvard-cite-them-right`` and the
en-GB locale (tests/fixtures/cite-them-right/README.md says how), from synth's own CSL-JSON of two sets:
entries made to cover every BibTeX type and edge case, and every entry of the repository's bibliography
(the round trip BibTeX → CSL-JSON → Cite Them Right). Each difference is listed; the only ones allowed are
those the contributor guide's references page names.
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
from types import ModuleType
from typing import Any

import pytest
from conftest import REPOSITORY

from synth.references.bibliography import load_bibliography
from synth.references.interchange import field_text
from synth.references.style import ReferenceFormatter

FIXTURES = REPOSITORY / "tests" / "fixtures" / "cite-them-right"
SETS = {"entries": [FIXTURES / "entries.bib"], "repository": sorted((REPOSITORY / "bibliography").glob("*.bib"))}
NOTE_SHOWN = {"entries": {"unpublished2016"},
              "repository": {"bigsocietynetwork", "blog2010coproduction", "bovaird2009coproduction", "cardiff_project"}}
"""Entries whose note synth shows and Cite Them Right leaves out (docs/contributing/references.md)."""
AND_OTHERS = {"entries": {"others2011"}, "repository": set()}
"""Entries whose BibTeX names end in ``and others``, which CSL-JSON cannot say (docs/contributing/references.md)."""


def items_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cite_them_right_items", FIXTURES / "items.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def expected(name: str) -> dict[str, Any]:
    items: dict[str, Any] = json.loads((FIXTURES / f"{name}.expected.json").read_text(encoding="utf-8"))["items"]
    return items


def comparable_html(text: str) -> str:
    """HTML with links unwrapped, ``<em>`` read as ``<i>`` and character references decoded."""
    text = re.sub(r"</?a\b[^>]*>", "", text).replace("<em>", "<i>").replace("</em>", "</i>")
    return html.unescape(text).strip()


def differences(name: str) -> dict[str, list[str]]:
    """Each entry's differences from the expected reference, citation and italics, described."""
    bibliography, _ = load_bibliography(SETS[name], REPOSITORY)
    formatter = ReferenceFormatter(bibliography)
    found: dict[str, list[str]] = {}
    for key, want in expected(name).items():
        reference, _ = formatter.format(key)
        got = {"reference": reference.text, "citation": f"({reference.author_short}, {reference.year})",
               "italics": comparable_html(reference.html)}
        wanted = {"reference": want["reference"], "citation": want["citation"],
                  "italics": comparable_html(want["reference_html"])}
        found.update({key: [f"{part}: synth {got[part]!r}, Cite Them Right {wanted[part]!r}"
                            for part in got if got[part] != wanted[part]]})
    return {key: listed for key, listed in found.items() if listed}


@pytest.mark.parametrize("name", sorted(SETS))
def test_fixture_items_are_synths_csl_json_of_today(name: str) -> None:
    """The CSL-JSON the expected text was rendered from is what synth writes now (else regenerate the fixtures)."""
    items = items_module().items_of(SETS[name])
    committed = json.loads((FIXTURES / f"{name}.csl.json").read_text(encoding="utf-8"))
    assert items == committed


def test_fixture_entries_cover_every_type_and_edge_case() -> None:
    """The entries hold every BibTeX type and each case the style treats apart."""
    bibliography, _ = load_bibliography(SETS["entries"], REPOSITORY)
    entries = bibliography.data.entries
    types = {entry.type for entry in entries.values()}
    assert types >= {"article", "book", "inbook", "incollection", "inproceedings", "conference", "proceedings",
                     "techreport", "phdthesis", "mastersthesis", "manual", "booklet", "misc", "unpublished", "online"}
    authors = [len(entry.persons.get("author", ())) for entry in entries.values()]
    assert {0, 1, 2, 3, 4, 7} <= set(authors)
    for name in ("eid", "edition", "crossref", "urldate", "institution", "series", "howpublished"):
        assert any(name in entry.fields for entry in entries.values()), name
    assert any("year" not in entry.fields for entry in entries.values())


@pytest.mark.parametrize("name", sorted(SETS))
def test_references_and_citations_read_as_cite_them_right(name: str) -> None:
    """Every reference, citation and italic reads as citeproc-js wrote it, but for the differences the guide names."""
    found = differences(name)
    kept = NOTE_SHOWN[name] | AND_OTHERS[name]
    unexplained = {key: listed for key, listed in found.items() if key not in kept}
    assert unexplained == {}, "\n".join(line for listed in unexplained.values() for line in listed)
    assert set(found) == kept


@pytest.mark.parametrize("name", sorted(SETS))
def test_the_one_kept_difference_is_the_note(name: str) -> None:
    """Where synth differs, it only adds the entry's note before any link, as the guide says."""
    bibliography, _ = load_bibliography(SETS[name], REPOSITORY)
    formatter = ReferenceFormatter(bibliography)
    for key in NOTE_SHOWN[name]:
        reference, _ = formatter.format(key)
        note = field_text(bibliography.data.entries[key], "note", bibliography.data).replace("'", "’")
        want = expected(name)[key]["reference"]
        head, link, tail = want.partition(" Available at: ")
        assert reference.text == f"{head[:-1]}. {note}." + (link + tail if link else ""), key


def test_and_others_reads_et_al_where_csl_json_cannot_say_it() -> None:
    """BibTeX's ``and others`` adds "et al." after the names given, in the list and in the text."""
    bibliography, _ = load_bibliography(SETS["entries"], REPOSITORY)
    formatter = ReferenceFormatter(bibliography)
    for key in AND_OTHERS["entries"]:
        reference, _ = formatter.format(key)
        want = expected("entries")[key]
        head, year, tail = want["reference"].partition(f" ({reference.year})")
        assert reference.text == f"{head} et al.{year}{tail}", key
        assert f"({reference.author_short}, {reference.year})" == want["citation"].replace(",", " et al.,", 1)


@pytest.mark.parametrize("name", sorted(SETS))
def test_in_text_citations_differ_only_by_italics(name: str) -> None:
    """Cite Them Right's in-text HTML, without its italics, is synth's plain in-text citation."""
    bibliography, _ = load_bibliography(SETS[name], REPOSITORY)
    formatter = ReferenceFormatter(bibliography)
    for key, want in expected(name).items():
        if key in AND_OTHERS[name]:
            continue
        reference, _ = formatter.format(key)
        plain = html.unescape(re.sub(r"</?i>", "", want["citation_html"]))
        assert f"({reference.author_short}, {reference.year})" == plain, key
