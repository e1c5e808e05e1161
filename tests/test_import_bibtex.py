"""`synth import bibtex`: entries merged into the bibliography, duplicates and conflicts reported, none lost."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, SHARED, needs_shared

from synth.authoring.imports.bibtex import create_stubs, merge_entries, read_bib_file, read_entries, target_file
from synth.authoring.imports.eppi import import_eppi
from synth.cli import main
from synth.pipeline import check_project

CORPORA = SHARED / "corpora" / "bib"
INCOMING = """\
@article{alexander2021coproduction,
  author = {Alexander, James},
  title = {Co-production: fostering greater inclusion or reproducing existing exclusion?},
  journal = {SN Social Sciences},
  year = {2021}, volume = {1}, eid = {56},
  doi = {10.1007/s43545-021-00058-0}
}
@techreport{Turley2012Neighbourhood,
  author = {Turley, Caroline},
  title = {Delivering neighbourhood policing in partnership (summary)},
  institution = {NatCen Social Research},
  year = {2013},
  month = may
}
@article{other2021key,
  author = {Alexander, J.},
  title = {Co-production},
  doi = {https://doi.org/10.1007/S43545-021-00058-0}
}
@book{broken2020,
  title = {No closing brace
@book{bovaird2009,
  author = {Bovaird, Tony and L{\\"o}ffler, Elke},
  title = {{User} and community co-production of public services},
  year = {2009},
  publisher = {INLOGOV}
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the small example project, with a .bib file to import next to it."""
    root = Path(shutil.copytree(DATA / "check-example", tmp_path / "project"))
    (tmp_path / "incoming.bib").write_text(INCOMING, encoding="utf-8")
    return root


def test_new_entries_are_appended_and_every_other_entry_is_accounted_for(project: Path) -> None:
    """One added; a same-key same-fields duplicate; a conflict; a DOI duplicate; a broken entry with its line."""
    entries, unreadable = read_bib_file(project.parent / "incoming.bib")
    existing = {path: path.read_bytes() for path in (project / "bibliography").iterdir()}
    report = merge_entries(project, entries, target_file(project, None))
    assert report.added == ("bovaird2009",)
    assert [(d.code, d.record_id, d.severity) for d in report.diagnostics] == [
        ("import.duplicate", "alexander2021coproduction", "warning"),
        ("import.conflict", "Turley2012Neighbourhood", "error"),
        ("import.duplicate", "other2021key", "warning"),
    ]
    assert [(d.code, d.location.line if d.location else 0) for d in unreadable] == [("bib.syntax", 20)]
    assert len(entries) + len(unreadable) == 5
    assert {path: path.read_bytes() for path in existing} == existing
    assert report.key_for == {"alexander2021coproduction": "alexander2021coproduction",
                              "Turley2012Neighbourhood": "turley2012neighbourhood",
                              "other2021key": "alexander2021coproduction", "bovaird2009": "bovaird2009"}


def test_a_conflict_lists_the_differing_fields_and_keeps_the_existing_entry(project: Path) -> None:
    """Keys compare without letter case; the message names each field that differs and says nothing is written."""
    entries, _ = read_bib_file(project.parent / "incoming.bib")
    report = merge_entries(project, entries, target_file(project, None))
    conflict = next(d for d in report.diagnostics if d.code == "import.conflict")
    assert conflict.message == (
        "'Turley2012Neighbourhood' is already in the bibliography at "
        f"{project / 'bibliography' / 'more.bib'}:1:1 with different fields: title, year; the existing entry is kept "
        "and nothing is written over it")
    assert conflict.location is not None and conflict.location.line == 8
    imported = (project / "bibliography" / "imported.bib").read_text()
    assert "Turley" not in imported and "@book{bovaird2009," in imported


def test_the_merged_bibliography_loads_and_checks_cleanly(project: Path) -> None:
    """What was written is read back by the loader: 3 references, no diagnostics."""
    entries, _ = read_bib_file(project.parent / "incoming.bib")
    merge_entries(project, entries, target_file(project, None))
    result = check_project(project)
    assert result.diagnostics == ()
    assert sorted(result.kb.bibliography.keys()) == ["alexander2021coproduction", "bovaird2009",
                                                     "turley2012neighbourhood"]
    assert result.kb.bibliography.data.entries["bovaird2009"].persons["author"][1].last_names == ['L{\\"o}ffler']


def test_appending_keeps_the_existing_text_of_the_target_byte_for_byte(project: Path) -> None:
    """A second import into the same file appends after what is there, changing none of it."""
    target = target_file(project, "extra/more.bib")
    target.parent.mkdir()
    target.write_text("% my notes\n@misc{keep,\n  title = {Keep me}\n}", encoding="utf-8")
    entries, _ = read_entries("@misc{new1, title = {One}}\n@misc{new2, title = {Two}}\n", "x.bib")
    merge_entries(project, entries, target)
    text = target.read_text()
    assert text.startswith("% my notes\n@misc{keep,\n  title = {Keep me}\n}\n\n@misc{new1,\n")
    assert text.endswith("@misc{new2,\n  title = {Two},\n}\n")


@pytest.mark.parametrize("into", ["../escape.bib", "/tmp/elsewhere.bib", "notes.txt", ""])
def test_into_must_name_a_bib_file_inside_the_bibliography_folder(project: Path, into: str) -> None:
    """--into never reaches a path outside bibliography/."""
    with pytest.raises(ValueError, match=r"expected a \.bib file inside"):
        target_file(project, into or ".")


def test_stubs_cite_the_chosen_keys_and_are_checked_only_for_their_placeholders(project: Path) -> None:
    """A stub per key, titled from the entry; an unknown key gets a did-you-mean; a cited key no second stub."""
    entries, _ = read_bib_file(project.parent / "incoming.bib")
    report = merge_entries(project, entries, target_file(project, None))
    written, problems = create_stubs(project, ["bovaird2009", "bovaird2090", "Turley2012Neighbourhood"], entries,
                                     report.key_for)
    assert [path.name for path in written] == ["user-and-community-co-production-of-public-services.yaml"]
    assert [(d.code, d.hint) for d in problems] == [("import.unknown-key", "did you mean 'bovaird2009'?"),
                                                    ("import.already-cited", None)]
    stub = written[0].read_text()
    assert "title: User and community co-production of public services\ncite: bovaird2009\n" in stub.replace(
        "# The BibTeX key of the study's reference in `bibliography/`.\n", "")
    assert "year: 2009\n" in stub
    fields = sorted(d.message.split("'")[1] for d in check_project(project).diagnostics)
    assert fields == ["appraisal.limitations", "appraisal.strengths", "design", "evidence_kind", "summary"]


def test_cli_reports_every_entry_and_exits_1_on_a_conflict(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Diagnostics in the compiler format, then one summary line; a conflict or broken entry means exit 1."""
    code = main(["import", "bibtex", str(project.parent / "incoming.bib"), "--project", str(project),
                 "--stubs", "bovaird2009"])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert [line.split(": ", 2)[1] for line in out if ": warning[" in line or ": error[" in line] == [
        "warning[import.duplicate]", "error[import.conflict]", "warning[import.duplicate]", "error[bib.syntax]"]
    assert out[-1] == (f"{project.parent / 'incoming.bib'}: 5 entries: 1 added to imported.bib, 2 duplicates, "
                       "1 conflicts, 1 unreadable; 1 study stubs written")
    assert main(["import", "bibtex", str(project.parent / "missing.bib"), "--project", str(project)]) == 2


@needs_shared(CORPORA)
@pytest.mark.parametrize(("name", "entries", "outcome", "left_behind"), [
    ("risrs-retraction-zotero.bib", 385, {"added": 385}, []),
    ("lanfear-criminology-zotero-bbt.bib", 758, {"added": 717, "import.duplicate": 40, "import.conflict": 1}, []),
    ("xampl-patashnik.bib", 36, {"added": 36}, ["import.not-carried"]),
])
def test_real_libraries_arrive_whole_and_a_second_import_adds_nothing(
        tmp_path: Path, name: str, entries: int, outcome: dict[str, int], left_behind: list[str]) -> None:
    """Every entry of a real library is added or reported, and importing it again only reports duplicates.

    A DOI under two keys is a duplicate; two keys that differ only in letter case are a conflict. The one
    `@preamble` (in xampl) is reported as not carried over.
    """
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    incoming, problems = read_bib_file(CORPORA / name)
    assert (len(incoming), [problem.code for problem in problems]) == (entries, left_behind)
    target = target_file(project, None)
    first = merge_entries(project, incoming, target)
    assert {"added": len(first.added), **Counter(d.code for d in first.diagnostics)} == outcome
    assert len(check_project(project).kb.bibliography.keys()) == len(first.added)
    before = target.read_bytes()
    second = merge_entries(project, incoming, target)
    assert second.added == () and target.read_bytes() == before
    assert Counter(d.code for d in second.diagnostics) == {"import.duplicate": entries - outcome.get(
        "import.conflict", 0), **({"import.conflict": 1} if "import.conflict" in outcome else {})}


@needs_shared(CORPORA)
def test_the_zotero_export_of_an_eppi_review_matches_its_eppi_import_by_doi(tmp_path: Path) -> None:
    """After `import eppi`, importing Zotero's .bib of the same 385 items finds the 338 with a DOI already there."""
    export = SHARED / "corpora" / "evidence" / "eppi-reviewer-risrs" / "eppi_export--2021-09-09.json"
    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    import_eppi(project, export, target_file(project, "eppi.bib"))
    incoming, _ = read_bib_file(CORPORA / "risrs-retraction-zotero.bib")
    report = merge_entries(project, incoming, target_file(project, "zotero.bib"))
    assert (len(report.added), report.count("import.duplicate"), report.count("import.conflict")) == (47, 338, 0)


def test_a_target_file_in_another_encoding_is_refused_not_mixed(tmp_path: Path) -> None:
    """Appending to a Latin-1 .bib would mix two encodings in one file: the import stops with a usage error."""
    from synth.cli import main

    project = tmp_path / "project"
    (project / "content").mkdir(parents=True)
    (project / "bibliography").mkdir()
    target = project / "bibliography" / "old.bib"
    target.write_bytes(b"@book{caf\xe9, title = {Caf\xe9}, year = {2001}}\n")
    incoming = tmp_path / "new.bib"
    incoming.write_text("@book{new2020, title = {New}, year = {2020}, publisher = {P}}\n", encoding="utf-8")
    assert main(["import", "bibtex", str(incoming), "--project", str(project), "--into", "old.bib"]) == 2
    assert target.read_bytes() == b"@book{caf\xe9, title = {Caf\xe9}, year = {2001}}\n"
