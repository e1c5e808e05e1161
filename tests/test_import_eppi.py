"""`synth import eppi`: every item of a real EPPI-Reviewer export becomes a study and an entry, none lost."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import DATA, SHARED, needs_shared

from synth.authoring.fmt import format_text
from synth.authoring.imports.bibtex import read_bib_file, target_file
from synth.authoring.imports.eppi import EppiReport, NotAnExport, import_eppi, tex_escape
from synth.cli import main
from synth.pipeline import check_project
from synth.references.latex_text import latex_to_text

EXPORT = SHARED / "corpora" / "evidence" / "eppi-reviewer-risrs" / "eppi_export--2021-09-09.json"
ZOTERO = SHARED / "corpora" / "bib" / "risrs-retraction-zotero.bib"
ITEMS = json.loads(EXPORT.read_text(encoding="utf-8"))["References"] if EXPORT.is_file() else []

pytestmark = needs_shared(EXPORT)


def empty_project(root: Path) -> Path:
    (root / "content").mkdir(parents=True)
    (root / "bibliography").mkdir()
    return root


def small_export(folder: Path, count: int = 3) -> Path:
    """The real export cut down to its first ``count`` items (and its whole code tree)."""
    data = json.loads(EXPORT.read_text(encoding="utf-8"))
    path = folder / "small.json"
    path.write_text(json.dumps({"CodeSets": data["CodeSets"], "References": data["References"][:count]}))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, EppiReport]:
    """The real export imported once into an empty project."""
    project = empty_project(tmp_path_factory.mktemp("eppi") / "project")
    return project, import_eppi(project, EXPORT, target_file(project, None))


def test_all_385_items_arrive_as_studies_and_entries(imported: tuple[Path, EppiReport]) -> None:
    """385 items in, 385 study files and 385 BibTeX entries out, each entry naming its EPPI item."""
    project, report = imported
    entries, unreadable = read_bib_file(project / "bibliography" / "imported.bib")
    assert (report.items, len(report.studies), len(report.merge.added), len(entries), unreadable) == (
        385, 385, 385, 385, [])
    assert len(list((project / "content" / "studies").glob("*.yaml"))) == 385
    assert sorted(entry.get("eppi-item-id") for entry in entries) == sorted(str(item["ItemId"]) for item in ITEMS)
    assert len({entry.key.lower() for entry in entries}) == 385


def test_the_only_problems_left_are_the_placeholders_a_researcher_must_fill(
        imported: tuple[Path, EppiReport]) -> None:
    """`synth check` names each study's design, kind and appraisal, and 23 summaries of items with no abstract."""
    project, _ = imported
    result = check_project(project)
    found = Counter((d.code, d.message.split("'")[1]) for d in result.diagnostics)
    assert found == {("schema.placeholder", "design"): 385, ("schema.placeholder", "evidence_kind"): 385,
                     ("schema.placeholder", "appraisal.strengths"): 385,
                     ("schema.placeholder", "appraisal.limitations"): 385, ("schema.placeholder", "summary"): 23}
    assert sum(not item["Abstract"].strip() for item in ITEMS) == 23
    assert len(result.kb.bibliography.keys()) == 385


def test_names_without_a_comma_are_kept_whole_with_a_warning_and_match_zotero(
        imported: tuple[Path, EppiReport]) -> None:
    """'Dal-Ré Rafael' stays one braced name; 384 items warn; the authors equal Zotero's export of the same items."""
    project, report = imported
    assert report.counts() == {"import.name-kept-whole": 384}
    entries, _ = read_bib_file(project / "bibliography" / "imported.bib")
    by_id = {entry.get("eppi-item-id"): entry for entry in entries}
    assert by_id["54780091"].get("author") == "{Dal-Ré Rafael}"
    warning = next(d for d in report.diagnostics if d.record_id == by_id["54780091"].key)
    assert "kept whole, as written: Dal-Ré Rafael" in warning.message and warning.severity == "warning"
    zotero = {entry.doi: entry for entry in read_bib_file(ZOTERO)[0] if entry.doi}
    ours = {entry.doi: entry for entry in entries if entry.doi}
    assert len(ours) == 338 and ours.keys() == zotero.keys()
    assert all(" ".join(str(ours[d].get("author")).split()) == " ".join(str(zotero[d].get("author")).split())
               for d in ours)


def test_each_study_carries_the_items_title_year_abstract_and_codes_as_tags(
        imported: tuple[Path, EppiReport]) -> None:
    """Title, year, abstract (as the summary) and the item's codes, labelled with their parent code."""
    _, report = imported
    item = next(item for item in ITEMS if item["ItemId"] == 46663107)
    path = next(path for path in report.studies if path.name.startswith("abbas-2018-"))
    study = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert study["title"] == item["Title"]
    assert study["year"] == 2018
    assert study["summary"] == " ".join(item["Abstract"].split())
    assert study["cite"] == "abbas2018conflicts"
    assert study["tags"] == ["Database search limitations: Database source--field limitation",
                             "Processes and policies: Analysis of reasons for retraction",
                             "Studies related to discipline or geography: Field-specific study (including "
                             "systematic reviews)", "Language: English"]
    assert sum(len(yaml.safe_load(p.read_text())["tags"]) for p in report.studies) == sum(
        len(item["Codes"]) for item in ITEMS)


def test_imported_studies_are_already_in_canonical_form(imported: tuple[Path, EppiReport]) -> None:
    """`synth fmt` would change none of the written studies."""
    _, report = imported
    for path in report.studies[:40]:
        text = path.read_text(encoding="utf-8")
        assert format_text(text, "study") == text, path


def test_importing_again_adds_nothing_and_writes_no_second_study(
        imported: tuple[Path, EppiReport], tmp_path: Path) -> None:
    """A second import finds every item's entry by its EPPI id and every study by its citation."""
    project = Path(shutil.copytree(imported[0], tmp_path / "project"))
    target = target_file(project, None)
    before = target.read_bytes()
    again = import_eppi(project, EXPORT, target)
    assert (len(again.studies), len(again.merge.added)) == (0, 0)
    assert again.counts() == {"import.already-cited": 385, "import.duplicate": 385, "import.name-kept-whole": 384}
    assert target.read_bytes() == before
    assert len(list((project / "content" / "studies").glob("*.yaml"))) == 385


def test_an_item_whose_doi_is_already_in_the_bibliography_cites_the_existing_entry(tmp_path: Path) -> None:
    """The existing key stands for the item: no second entry, and the study cites it."""
    project = empty_project(tmp_path / "project")
    (project / "bibliography" / "mine.bib").write_text(
        "@article{mine2019,\n  author = {Dal-Ré, Rafael},\n  title = {Analysis},\n  year = {2019},\n"
        "  doi = {https://doi.org/10.1111/BCP.14021},\n}\n", encoding="utf-8")
    report = import_eppi(project, small_export(tmp_path), target_file(project, None))
    assert len(report.merge.added) == 2
    assert report.merge.key_for["dalre2019analysis"] == "mine2019"
    study = next(p for p in report.studies if p.name.startswith("dal-re-2019-analysis"))
    assert yaml.safe_load(study.read_text())["cite"] == "mine2019"
    keys = check_project(project).kb.bibliography.keys()
    assert (len(keys), "mine2019" in keys, "dalre2019analysis" in keys) == (3, True, False)


@pytest.mark.parametrize(("text", "expected"), [
    ("50% of $5 & #1 under_score", r"50\% of \$5 \& \#1 under\_score"),
    ("p\\textless0.001 {a}", r"p\textbackslash{}textless0.001 \{a\}"),
])
def test_tex_escape_reads_back_as_the_same_text(text: str, expected: str) -> None:
    """Plain text written into BibTeX reads back, through the reference formatter's decoder, as itself."""
    assert tex_escape(text) == expected
    assert latex_to_text(tex_escape("50% of $5 & #1 under_score")) == "50% of $5 & #1 under_score"


def test_a_file_that_is_not_an_export_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not JSON, or JSON without References: a usage error, and nothing written."""
    project = Path(shutil.copytree(DATA / "check-example", tmp_path / "project"))
    (tmp_path / "x.json").write_text('{"CodeSets": []}')
    with pytest.raises(NotAnExport, match="expected an object with a 'References' list"):
        import_eppi(project, tmp_path / "x.json", target_file(project, None))
    assert main(["import", "eppi", str(tmp_path / "x.json"), "--project", str(project)]) == 2
    (tmp_path / "y.json").write_text("{not json")
    assert main(["import", "eppi", str(tmp_path / "y.json"), "--project", str(project)]) == 2
    assert "not JSON" in capsys.readouterr().err
    assert not (project / "bibliography" / "imported.bib").exists()


def test_cli_summarises_the_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command prints each warning and one summary line with the counts."""
    project = empty_project(tmp_path / "project")
    export = small_export(tmp_path)
    assert main(["import", "eppi", str(export), "--project", str(project), "--into", "risrs.bib"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum("warning[import.name-kept-whole]" in line for line in out) == 3
    assert out[-2] == (f"{export}: 3 items: 3 studies written to {project / 'content' / 'studies'}; 3 added to "
                       "risrs.bib, 0 duplicates, 0 conflicts; warnings: 3 import.name-kept-whole")
    assert (project / "bibliography" / "risrs.bib").is_file()
