"""`synth import bibtex` loses nothing without saying so: undefined macros, encodings, preambles and comments."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY

from synth.authoring.imports.bibtex import merge_entries, read_bib_file, target_file
from synth.cli import main
from synth.errors import Location
from synth.references.bibliography import load_bibliography

MACROS = """@string{known = "Known Journal"}

@article{macro2020,
  author = {Smith, Ann},
  title = {Uses macros},
  journal = known,
  publisher = undefinedpress,
  note = undefinedmacro # { and text},
  year = 2020
}
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the small example project."""
    return Path(shutil.copytree(DATA / "check-example", tmp_path / "project"))


def codes_at(problems: list) -> list[tuple[str, Location | None]]:  # type: ignore[type-arg]
    return [(problem.code, problem.location) for problem in problems]


def test_an_undefined_macro_is_kept_as_the_macro_and_reported(project: Path, tmp_path: Path) -> None:
    """The field is written as the bare macro, not as empty braces, and reads as its definition once defined."""
    path = tmp_path / "incoming.bib"
    path.write_text(MACROS, encoding="utf-8")
    entries, problems = read_bib_file(path, tmp_path)
    assert [(p.code, p.severity, p.location) for p in problems] == [
        ("bib.undefined-macro", "warning", Location("incoming.bib", 3, 1))] * 2
    assert "field 'publisher' of 'macro2020' uses the undefined @string macro 'undefinedpress'" in problems[0].message
    target = target_file(project, None)
    merge_entries(project, entries, target)
    written = target.read_text(encoding="utf-8")
    assert "  publisher = undefinedpress,\n  note = undefinedmacro # { and text},\n" in written
    assert "journal = {Known Journal}" in written
    (project / "bibliography" / "a-macros.bib").write_text(
        '@string{undefinedpress = "Press"}\n@string{undefinedmacro = "Note"}\n', encoding="utf-8")
    bibliography, loaded = load_bibliography(sorted((project / "bibliography").glob("*.bib")), project)
    assert loaded == []
    fields = bibliography.data.entries["macro2020"].fields
    assert (fields["publisher"], fields["note"]) == ("Press", "Note and text")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_a_utf16_file_is_read_whole(tmp_path: Path, encoding: str) -> None:
    """UTF-16 with or without a byte-order mark gives every entry, accents intact, not "0 entries"."""
    path = tmp_path / "endnote.bib"
    path.write_bytes("@book{a, title = {Café ’quoted’}}\n@book{b, title = {Two}}\n".encode(encoding))
    entries, problems = read_bib_file(path, tmp_path)
    assert (problems, [entry.get("title") for entry in entries]) == ([], ["Café ’quoted’", "Two"])


def test_a_windows_1252_file_keeps_its_curly_quotes(project: Path, tmp_path: Path) -> None:
    """Byte 0x92 is a right quotation mark, never the control character U+0092; a warning names its line."""
    path = tmp_path / "old.bib"
    path.write_bytes("@book{old2001, title = {It\u2019s caf\u00e9 time}, year = 2001}\n".encode("cp1252"))
    entries, problems = read_bib_file(path, tmp_path)
    assert codes_at(problems) == [("bib.encoding", Location("old.bib", 1, 27))]
    merge_entries(project, entries, target_file(project, None))
    written = (project / "bibliography" / "imported.bib").read_text(encoding="utf-8")
    assert "It\u2019s caf\u00e9 time" in written and "\u0092" not in written


@pytest.mark.parametrize(("raw", "location"), [
    (b"@book{a, title = {ok}}\n@book{b, title = {\x81bad}}\n", Location("bad.bib", 2, 19)),
    (b"@book{a, title = {esc \x1b[31m red}}\n", Location("bad.bib", 1, 23)),
    (b"\xff\xfe" + "@book{a, title = {x}}".encode("utf-16-le") + b"\x00\xd8", Location("bad.bib", 1, 45)),
])
def test_a_file_in_no_known_encoding_is_refused_with_its_location(project: Path, tmp_path: Path, raw: bytes,
                                                                  location: Location,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Undecodable bytes or control characters: a located error, nothing written, exit status 1."""
    path = tmp_path / "bad.bib"
    path.write_bytes(raw)
    entries, problems = read_bib_file(path, tmp_path)
    assert (entries, codes_at(problems)) == ([], [("import.encoding", location)])
    before = sorted(p.name for p in (project / "bibliography").iterdir())
    assert main(["import", "bibtex", str(path), "--project", str(project)]) == 1
    assert "error[import.encoding]" in capsys.readouterr().out
    assert sorted(p.name for p in (project / "bibliography").iterdir()) == before


def test_a_preamble_is_reported_as_not_carried_over(tmp_path: Path) -> None:
    """Nothing is dropped silently: a @preamble the import leaves behind gets a warning at its line."""
    path = tmp_path / "with-preamble.bib"
    path.write_text('@misc{a, title = {A}}\n@preamble{"\\newcommand{\\noopsort}[1]{}"}\n', encoding="utf-8")
    entries, problems = read_bib_file(path, tmp_path)
    assert [entry.key for entry in entries] == ["a"]
    assert [(p.code, p.severity, p.location) for p in problems] == [
        ("import.not-carried", "warning", Location("with-preamble.bib", 2, 1))]
    assert problems[0].message.startswith("@preamble is not imported: '\\\\newcommand")


def test_the_cli_prints_warnings_but_exits_0(project: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Warnings about what was kept differently are printed; they are not failures."""
    path = tmp_path / "incoming.bib"
    path.write_text(MACROS, encoding="utf-8")
    assert main(["import", "bibtex", str(path), "--project", str(project)]) == 0
    out = capsys.readouterr().out
    assert out.count("warning[bib.undefined-macro]") == 2
    assert "1 entries: 1 added to imported.bib, 0 duplicates, 0 conflicts, 0 unreadable" in out


def test_a_pipe_among_the_studies_does_not_stop_an_import(project: Path, tmp_path: Path) -> None:
    """Finding which keys studies cite reads only regular files, so a pipe named like a study never blocks."""
    os.mkfifo(project / "content" / "studies" / "pipe.yaml")
    path = tmp_path / "incoming.bib"
    path.write_text("@misc{fresh2020, title = {Fresh}, year = 2020}\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "synth", "import", "bibtex", str(path), "--project", str(project),
                             "--stubs", "fresh2020"], capture_output=True, text=True, timeout=120, check=False,
                            env={**os.environ, "PYTHONPATH": str(REPOSITORY)})
    assert result.returncode == 0, result.stderr
    assert "1 study stubs written" in result.stdout
