"""Hostile text in every field: the built site, parsed as a browser parses it, holds none of it as markup.

The example project is copied with markup in every free-text field of every record kind, every paper
front-matter field, every BibTeX field, a hand-written page's title, the words after citation keys and a
page's file name (`tests/hostile.py`), and built with `mkdocs build`. Every built page is parsed with
html5lib; no element, attribute, script or ``javascript:`` link may come from the input. A property test
draws a different payload for each field. The CSV downloads and the papers' PDF metadata are checked too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from conftest import SITE_EXAMPLE
from hostile import MARKER, PAYLOADS, all_fields, hostile_project, markup_from_input, text_fields
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from pypdf import PdfReader

from synth.papers.model import PaperMeta
from synth.records.schema import MODELS
from synth.site.export import csv_cell

EVERY_PAYLOAD = " ".join(PAYLOADS)
FORMULAS = ("=HYPERLINK(\"http://example.org\",\"x\")", "+1+1", "-2+3", "@SUM(A1:A2)")


def build_site(project: Path) -> Path:
    """Build ``project`` with `mkdocs build` in this process; the site folder."""
    installed = MkDocsConfig.plugins.installed_plugins
    installed.setdefault("synth", EntryPoint("synth", "synth.mkdocs_plugin:SynthPlugin", "mkdocs.plugins"))
    build(load_config(str(project / "mkdocs.yml"), site_dir=str(project / "site")))
    return project / "site"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The example with every payload in every free-text field, built with its papers' PDFs."""
    project = hostile_project(SITE_EXAMPLE, tmp_path_factory.mktemp("hostile") / "project",
                              lambda field: EVERY_PAYLOAD)
    yield build_site(project)


def test_fields_are_found_from_the_models() -> None:
    """Nested and list fields are found from the models; slugs, fixed lists and cross-references are not text."""
    study, finding = list(text_fields(MODELS["study"])), list(text_fields(MODELS["finding"]))
    assert {"title", "summary", "appraisal.strengths", "tags[]", "participants"} <= set(study)
    assert {"evidence[].quote", "evidence[].locator", "confidence.overall.explanation"} <= set(finding)
    assert not {"id", "cite", "design", "source", "year"} & set(study)
    assert not {"study", "barriers", "themes", "confidence.overall.rating"} & set(finding)
    assert {"title", "authors[].name", "authors[].affiliation", "abstract"} <= set(text_fields(PaperMeta))


def test_no_element_or_attribute_of_a_built_page_comes_from_the_input(hostile_site: Path) -> None:
    """Every built page, parsed by html5lib, has no element, attribute, script or javascript: link from the input."""
    pages = sorted(hostile_site.rglob("*.html"))
    assert len(pages) > 20
    found = {str(path.relative_to(hostile_site)): markup_from_input(path.read_text(encoding="utf-8"))
             for path in pages}
    assert {page: problems for page, problems in found.items() if problems} == {}


def test_the_payloads_reach_the_pages_as_text(hostile_site: Path) -> None:
    """The check above is not vacuous: the payloads are on the pages, as text, in <title> and headings too."""
    page = (hostile_site / "papers" / "staff-continuity" / "index.html").read_text(encoding="utf-8")
    import html5lib

    document = html5lib.parse(page, treebuilder="etree", namespaceHTMLElements=False)
    title = document.find(".//title")
    heading = document.find(".//article//h1")
    assert title is not None and title.text is not None and heading is not None
    assert title.text.startswith(" ".join(EVERY_PAYLOAD.split()))
    assert " ".join("".join(heading.itertext()).split()).startswith(" ".join(EVERY_PAYLOAD.split()))
    about = (hostile_site / "about" / "index.html").read_text(encoding="utf-8")
    assert f"&lt;{MARKER}&gt;" in about


def test_the_pdf_metadata_holds_the_title_as_plain_text(hostile_site: Path) -> None:
    """The PDF's title and author metadata are the front matter's text, neither markup nor escaped twice."""
    metadata = PdfReader(hostile_site / "papers" / "staff-continuity.pdf").metadata
    assert metadata is not None
    assert metadata.title == " ".join(EVERY_PAYLOAD.split())
    assert metadata.author is not None and f"<{MARKER}>" in metadata.author


@pytest.fixture(scope="module")
def formula_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example with a spreadsheet formula at the start of every free-text field."""
    fields = all_fields()
    project = hostile_project(SITE_EXAMPLE, tmp_path_factory.mktemp("formulas") / "project",
                              lambda field: FORMULAS[fields.index(field) % len(FORMULAS)] if field in fields
                              else FORMULAS[0], pdfs=False)
    return build_site(project)


@pytest.mark.parametrize("name", ["studies.csv", "findings.csv", "barriers.csv", "facilitators.csv"])
def test_no_csv_cell_starts_a_formula(formula_site: Path, name: str) -> None:
    """No cell of a CSV download begins with = + - @, a tab or a carriage return; such text keeps a leading '."""
    text = (formula_site / "downloads" / name).read_text(encoding="utf-8")
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(cell.startswith(("'=", "'+", "'-", "'@")) for cell in cells)


@pytest.mark.parametrize("value", [*FORMULAS, "\tx", "\rx", "-", "@"])
def test_a_csv_cell_that_could_be_a_formula_gets_a_quote(value: str) -> None:
    """Each character that may start a formula gets a leading quote; other text and numbers are unchanged."""
    assert csv_cell(value) == f"'{value}"
    assert csv_cell(f"x{value}") == f"x{value}"
    assert csv_cell(-3) == -3


def test_the_downloads_page_says_how_csv_cells_are_written(formula_site: Path) -> None:
    """The open-data page tells readers about the leading quote."""
    page = (formula_site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert "never runs it as a formula" in page


FIELD_PAYLOADS = st.tuples(
    st.sampled_from(PAYLOADS),
    st.text(st.characters(exclude_categories=("Cc", "Cs", "Cn", "Zl", "Zp")), max_size=12),
).map(lambda parts: f"{parts[0]} {parts[1]}")


@settings(max_examples=3, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.fixed_dictionaries({field: FIELD_PAYLOADS for field in all_fields()}))
def test_any_payload_in_any_field_stays_text(tmp_path_factory: pytest.TempPathFactory,
                                            payloads: dict[str, str]) -> None:
    """Property: with any payload drawn for each field, no built page holds an element or attribute from it."""
    project = hostile_project(SITE_EXAMPLE, tmp_path_factory.mktemp("property") / "project",
                              lambda field: payloads.get(field, PAYLOADS[0]), pdfs=False)
    site = build_site(project)
    found = {str(path.relative_to(site)): markup_from_input(path.read_text(encoding="utf-8"))
             for path in sorted(site.rglob("*.html"))}
    assert {page: problems for page, problems in found.items() if problems} == {}
