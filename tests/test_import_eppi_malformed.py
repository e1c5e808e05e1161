"""`synth import eppi` on malformed and hostile exports: located errors, all or nothing, output that reads back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from synth.authoring.imports.bibtex import target_file
from synth.authoring.imports.eppi import NotAnExport, import_eppi
from synth.cli import main
from synth.errors import Location
from synth.references.bibliography import load_bibliography
from synth.references.latex_text import latex_to_text


def item(item_id: int, title: str = "Working together", codes: Any = None) -> dict[str, Any]:
    """One EPPI item as the export writes it."""
    return {"ItemId": item_id, "Title": title, "ShortTitle": f"Smith{item_id} (2020)", "Authors": "Smith, Ann",
            "Year": "2020", "TypeName": "Journal, Article", "ParentTitle": "A Journal",
            "Codes": [{"AttributeId": 1}] if codes is None else codes}


def export(references: list[Any], code_sets: Any = None) -> dict[str, Any]:
    tree = [{"SetName": "Review", "Attributes": {"AttributesList": [{"AttributeId": 1, "AttributeName": "Code A"}]}}]
    return {"CodeSets": tree if code_sets is None else code_sets, "References": references}


def write(folder: Path, data: Any, encoding: str = "utf-8") -> Path:
    path = folder / "export.json"
    path.write_bytes(json.dumps(data, indent=1, ensure_ascii=False).encode(encoding))
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """An empty project."""
    root = tmp_path / "project"
    (root / "content").mkdir(parents=True)
    (root / "bibliography").mkdir()
    return root


def written(project: Path) -> list[str]:
    """Every file in the project, relative to it."""
    return sorted(path.relative_to(project).as_posix() for path in project.rglob("*") if path.is_file())


@pytest.mark.parametrize(("data", "message"), [
    (export([item(11), item(12, codes=[1, "x"])]), "References[1], item 12 (Smith12 (2020)): its code 1 is not"),
    (export([item(11), item(12, codes="Code A")]), "References[1], item 12 (Smith12 (2020)): its Codes are a string"),
    (export([item(11)], [{"SetName": "Review", "Attributes": {"AttributesList": [{"AttributeName": "No id"}]}}]),
     "the code 'No id' has no numeric AttributeId"),
    (export([item(11)], [{"SetName": "Review", "Attributes": {"AttributesList": ["Code A"]}}]),
     "a code is a string, not an object"),
    (export([item(11), "a note", 7]), "References[1] is a string, not an item (an object)"),
    (export([item(11, codes=[{"AttributeId": "9" * 5000}])], []), "References[0], item 11 (Smith11 (2020)): its "
     "code {'AttributeId': '999"),
])
def test_a_malformed_part_is_a_located_error_and_nothing_is_written(project: Path, tmp_path: Path, data: Any,
                                                                      message: str) -> None:
    """Codes that are not objects, codes without ids, items that are not objects: nothing imported at all."""
    report = import_eppi(project, write(tmp_path, data), target_file(project, None), tmp_path)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    assert errors and errors[0].code == "import.bad-export" and errors[0].message.startswith(message)
    assert errors[0].location is not None and errors[0].location.line > 1
    assert written(project) == []


def test_the_cli_prints_the_errors_and_exits_1_with_nothing_imported(project: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The first item is good and the second is not: neither its entry nor its study is written."""
    path = write(tmp_path, export([item(11), item(12, codes=[{"AttributeName": "x"}])]))
    assert main(["import", "eppi", str(path), "--project", str(project)]) == 1
    out = capsys.readouterr().out
    assert "error[import.bad-export]" in out and "nothing was imported" in out
    assert written(project) == []


@pytest.mark.parametrize(("raw", "located"), [
    ('{"References": [{"ItemId": 1, "Title": "Caf\u00e9"}]}'.encode("latin-1"), "export.json:1:44: not UTF-8"),
    (b"[" * 100_000 + b"]" * 100_000, "export.json:1:65: arrays and objects nest more than 64 levels deep"),
    (b'{"References": [{"ItemId": ' + b"9" * 5000 + b"}]}", "export.json: not an EPPI-Reviewer export: Exceeds"),
])
def test_an_unreadable_export_is_refused_with_its_location(project: Path, tmp_path: Path, raw: bytes,
                                                           located: str) -> None:
    """A Latin-1 file and a 100,000-deep array are refused with a line and column, not a traceback."""
    path = tmp_path / "export.json"
    path.write_bytes(raw)
    with pytest.raises(NotAnExport) as refused:
        import_eppi(project, path, target_file(project, None), tmp_path)
    assert str(refused.value).startswith(located)
    assert main(["import", "eppi", str(path), "--project", str(project)]) == 2
    assert written(project) == []


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_a_utf16_export_is_read(project: Path, tmp_path: Path, encoding: str) -> None:
    """UTF-16 (with or without a byte-order mark) and UTF-8 with a mark are read like UTF-8."""
    report = import_eppi(project, write(tmp_path, export([item(11, "Café society")]), encoding),
                         target_file(project, None), tmp_path)
    assert (len(report.studies), report.merge.added) == (1, ("smith112020cafe",))


@pytest.mark.parametrize("title", ["Closing } without opening", "Opening { never closed", "} and {", "a {b} c \\ d"])
def test_braces_in_a_title_read_back_and_importing_again_changes_nothing(project: Path, tmp_path: Path,
                                                                          title: str) -> None:
    """An unbalanced brace is written so the entry reads back with its title intact; a second import is a no-op."""
    path = write(tmp_path, export([item(11, title), item(12)]))
    target = target_file(project, None)
    first = import_eppi(project, path, target, tmp_path)
    bibliography, problems = load_bibliography([target], tmp_path)
    assert problems == [] and len(first.studies) == 2
    entry = bibliography.data.entries[first.merge.added[0]]
    assert latex_to_text(entry.fields["title"]) == " ".join(title.replace("\\", "").split()) or "\\" in title
    before = written(project), target.read_bytes()
    again = import_eppi(project, path, target, tmp_path)
    assert (again.studies, again.merge.added) == ((), ())
    assert (written(project), target.read_bytes()) == before


def test_a_failed_write_takes_back_what_was_written(project: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A disk error on the second study leaves the project as it was: no entry appended, no study kept."""
    import synth.authoring.imports.eppi as eppi

    calls: list[Path] = []

    def failing_write(path: Path, text: str) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device", str(path))
        path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(eppi, "write_new_file", failing_write)
    with pytest.raises(OSError):
        import_eppi(project, write(tmp_path, export([item(11), item(12)])), target_file(project, None), tmp_path)
    assert len(calls) == 2 and written(project) == []


def test_errors_are_located_at_the_item(project: Path, tmp_path: Path) -> None:
    """The error points at the line where the bad item begins."""
    path = write(tmp_path, export([item(11), "oops"]))
    report = import_eppi(project, path, target_file(project, None), tmp_path)
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if '"oops"' in text)
    assert [d.location for d in report.diagnostics] == [Location("export.json", line, 3)]
