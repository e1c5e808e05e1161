"""Stage 1, bibliography: every `.bib` file read as one located database, and every way an entry can fail."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.errors import Diagnostic, Location
from synth.references.bibliography import Bibliography, load_bibliography

CORPUS = SHARED / "corpora" / "bib"
ENTRY_HEADER = re.compile(r"^\s*@\s*(\w+)\s*[{(]", re.MULTILINE)
NOT_ENTRIES = {"string", "preamble", "comment"}
DROPPING_CODES = {"bib.syntax", "bib.duplicate-key"}

CORPUS_DIAGNOSTICS = {
    "jabref210-physics-library.bib": {"bib.unknown-type": 4},
    "jabref51-political-ecology.bib": {"bib.unknown-type": 1, "bib.biblatex-field": 4},
    "lanfear-criminology-zotero-bbt.bib": {"bib.duplicate-key": 1},
    "mendeley-education-export.bib": {"bib.unknown-type": 82},
    "risrs-retraction-zotero.bib": {},
    "tugboat-beebe-large.bib": {},
    "xampl-patashnik.bib": {},
}


def write_bib(folder: Path, text: str, name: str = "refs.bib") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(folder: Path, text: str) -> tuple[Bibliography, list[Diagnostic]]:
    return load_bibliography([write_bib(folder, text)], folder)


def codes(diagnostics: list[Diagnostic]) -> list[str]:
    return [d.code for d in diagnostics]


def count_entries(text: str) -> int:
    """Count ``@type{`` headers that start a line, leaving out @string, @preamble and @comment."""
    return sum(1 for match in ENTRY_HEADER.finditer(text) if match.group(1).lower() not in NOT_ENTRIES)


@pytest.mark.parametrize(("name", "expected"), sorted(CORPUS_DIAGNOSTICS.items()))
def test_every_corpus_entry_is_kept_or_reported(name: str, expected: dict[str, int]) -> None:
    """Each real file loads without a traceback, and kept entries plus located drops equal its entries."""
    path = CORPUS / name
    bibliography, diagnostics = load_bibliography([path], CORPUS)
    dropped = [d for d in diagnostics if d.code in DROPPING_CODES and d.location is not None]
    assert len(bibliography.keys()) + len(dropped) == count_entries(path.read_text(encoding="utf-8"))
    assert len(bibliography.data.entries) == len(bibliography.keys())
    assert Counter(codes(diagnostics)) == Counter(expected)
    assert all(d.location is not None and d.location.path == name and d.location.line > 0 for d in diagnostics)


@pytest.mark.parametrize("name", sorted(CORPUS_DIAGNOSTICS))
def test_every_corpus_location_points_at_its_at_sign(name: str) -> None:
    """Each key's location is the line and column of the ``@`` of the entry that defines it."""
    lines = (CORPUS / name).read_text(encoding="utf-8").split("\n")
    bibliography, _ = load_bibliography([CORPUS / name])
    for key, where in bibliography.locations.items():
        header = lines[where.line - 1][where.column - 1 :]
        assert header.startswith("@") and key in header


def test_lanfear_keys_that_differ_only_in_case() -> None:
    """The second of two keys equal but for letter case is an error naming the first; the first is kept."""
    bibliography, diagnostics = load_bibliography([CORPUS / "lanfear-criminology-zotero-bbt.bib"], CORPUS)
    (duplicate,) = diagnostics
    assert duplicate.code == "bib.duplicate-key" and duplicate.severity == "error"
    assert duplicate.location == Location("lanfear-criminology-zotero-bbt.bib", 8653, 1)
    assert duplicate.record_id == "skoganCitizenReportingCrime1976"
    assert "'skoganCITIZENREPORTINGCRIME1976'" in duplicate.message
    assert "lanfear-criminology-zotero-bbt.bib:8638:1" in duplicate.message
    assert "skoganCITIZENREPORTINGCRIME1976" in bibliography
    assert "skoganCitizenReportingCrime1976" not in bibliography
    assert bibliography.close_matches("skoganCitizenReportingCrime1976")[0] == "skoganCITIZENREPORTINGCRIME1976"


def test_macros_defined_in_one_file_work_in_the_next(tmp_path: Path) -> None:
    """All files are one database: an @string in the first file fills a field in the second."""
    first = write_bib(tmp_path, '@string{ssj = "SN Social Sciences"}\n', "a.bib")
    entry = "@article{alexander2021, title = {T}, journal = ssj # {, Open}, year = 2021}\n"
    second = write_bib(tmp_path, entry, "b.bib")
    bibliography, diagnostics = load_bibliography([first, second], tmp_path)
    assert diagnostics == []
    assert bibliography.data.entries["alexander2021"].fields["journal"] == "SN Social Sciences, Open"
    assert bibliography.locations["alexander2021"] == Location("b.bib", 1, 1)


def test_an_undefined_macro_is_a_warning_naming_it(tmp_path: Path) -> None:
    """A mistyped macro reads as empty, with a warning naming it and a did-you-mean hint."""
    text = '@string{ssj = "SN Social Sciences"}\n@article{a, title = {T}, journal = ssjj, year = 2021}\n'
    bibliography, diagnostics = load_text(tmp_path, text)
    (warning,) = diagnostics
    assert (warning.code, warning.severity) == ("bib.undefined-macro", "warning")
    assert warning.location == Location("refs.bib", 2, 1)
    assert "'ssjj'" in warning.message
    assert warning.hint == "did you mean 'ssj'?"
    assert bibliography.data.entries["a"].fields["journal"] == ""


def test_a_macro_is_defined_only_for_the_files_after_it(tmp_path: Path) -> None:
    """Files are read in the order given, as BibTeX reads them: a macro used before its @string is undefined."""
    first = write_bib(tmp_path, "@article{a, title = {T}, journal = ssj}\n", "a.bib")
    second = write_bib(tmp_path, '@string{ssj = "SN Social Sciences"}\n', "b.bib")
    _, diagnostics = load_bibliography([first, second], tmp_path)
    assert [(d.code, d.location) for d in diagnostics] == [("bib.undefined-macro", Location("a.bib"))]


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("@article{b, title = {No comma} year = 2002}", "'}' expected"),
        ("@article{b, title = {Unclosed {brace}, year = 2002,\n}", "never closed"),
        ('@article{b, title = "Unclosed quote, year = 2002}', "unbalanced braces"),
        ("@article{, title = {No key}}", "entry key expected"),
        ("@article{b, title = {Cut short},", "never closed"),
    ],
)
def test_a_broken_entry_is_reported_at_its_line_and_the_next_still_loads(
    tmp_path: Path, broken: str, reason: str
) -> None:
    """A syntax error costs only its own entry: it is an error at the entry's line, and the entries around it load."""
    text = f"@book{{a, title = {{First}}, year = 2001}}\n\n  {broken}\n\n@misc{{c, title = {{Last}}}}\n"
    bibliography, diagnostics = load_text(tmp_path, text)
    assert bibliography.keys() == ["a", "c"]
    (error,) = diagnostics
    assert (error.code, error.severity, error.location) == ("bib.syntax", "error", Location("refs.bib", 3, 3))
    assert reason in error.message and "skipped" in error.message
    assert bibliography.locations["c"] == Location("refs.bib", 5 + broken.count("\n"), 1)


def test_an_at_sign_in_text_between_entries_is_not_an_entry(tmp_path: Path) -> None:
    """Free text between entries may hold an e-mail address; like BibTeX, loading ignores it."""
    bibliography, diagnostics = load_text(tmp_path, "Mail me@example.org (any time).\n@misc{a, title = {T}}\n")
    assert (bibliography.keys(), diagnostics) == (["a"], [])


@pytest.mark.parametrize(("first", "second"), [("smith2001", "smith2001"), ("smith2001", "Smith2001")])
def test_a_repeated_key_is_an_error_and_the_first_entry_is_kept(tmp_path: Path, first: str, second: str) -> None:
    """Keys are compared as pybtex does, without letter case; the repeat is reported with the first's place."""
    text = f"@misc{{{first}, title = {{One}}}}\n@misc{{{second}, title = {{Two}}}}\n"
    bibliography, diagnostics = load_text(tmp_path, text)
    (error,) = diagnostics
    assert (error.code, error.severity, error.location) == ("bib.duplicate-key", "error", Location("refs.bib", 2, 1))
    assert "refs.bib:1:1" in error.message
    assert bibliography.keys() == [first]
    assert bibliography.data.entries[first].fields["title"] == "One"


@pytest.mark.parametrize(("entry_type", "nearest"), [("online", "misc"), ("web_page", "misc"), ("generic", "misc"),
                                                     ("film", "misc"), ("book_section", "incollection")])
def test_an_unknown_type_is_a_warning_and_the_entry_is_kept(tmp_path: Path, entry_type: str, nearest: str) -> None:
    """Types pybtex's styles do not know are kept as written, with a warning naming the type they format as."""
    bibliography, diagnostics = load_text(tmp_path, f"@{entry_type}{{w, title = {{Web}}}}\n")
    (warning,) = diagnostics
    assert (warning.code, warning.severity) == ("bib.unknown-type", "warning")
    assert f"'@{entry_type}'" in warning.message and f"@{nearest}" in warning.message
    assert bibliography.data.entries["w"].type == entry_type


@pytest.mark.parametrize(
    ("fields", "bibtex_field", "value"),
    [
        ("date = {2020-03-01}", "year", "2020"),
        ("journaltitle = {Antipode}", "journal", "Antipode"),
        ("location = {Edinburgh}", "address", "Edinburgh"),
    ],
)
def test_a_biblatex_field_is_mapped_and_kept_with_a_warning(
    tmp_path: Path, fields: str, bibtex_field: str, value: str
) -> None:
    """A biblatex field without its BibTeX twin is copied into it, kept, and named in a warning."""
    bibliography, diagnostics = load_text(tmp_path, f"@article{{a, title = {{T}}, {fields}}}\n")
    (warning,) = diagnostics
    assert (warning.code, warning.severity) == ("bib.biblatex-field", "warning")
    assert f"'{bibtex_field}'" in warning.message
    entry = bibliography.data.entries["a"]
    assert entry.fields[bibtex_field] == value
    assert fields.split(" = ")[0] in entry.fields


def test_a_date_beside_a_year_is_fine(tmp_path: Path) -> None:
    """A biblatex date alongside a BibTeX year needs no warning."""
    _, diagnostics = load_text(tmp_path, "@article{a, title = {T}, year = {2019}, date = {2019-05}}\n")
    assert diagnostics == []


def test_a_repeated_field_keeps_the_first_value(tmp_path: Path) -> None:
    """A field given twice keeps the first value, as pybtex does, and says so."""
    bibliography, diagnostics = load_text(tmp_path, "@misc{a, title = {One}, TITLE = {Two}}\n")
    assert codes(diagnostics) == ["bib.duplicate-field"]
    assert bibliography.data.entries["a"].fields["title"] == "One"


def test_an_unreadable_name_is_a_warning(tmp_path: Path) -> None:
    """A name with too many commas is read as pybtex reads it, with a warning instead of an exception."""
    bibliography, diagnostics = load_text(tmp_path, "@misc{a, author = {Smith, John, Jr, Extra}, title = {T}}\n")
    assert codes(diagnostics) == ["bib.invalid-name"]
    assert "a" in bibliography


def test_a_windows_1252_file_is_read_with_a_warning(tmp_path: Path) -> None:
    """A file that is not UTF-8 is read as Windows-1252 rather than refused, and the first bad line is named."""
    path = tmp_path / "old.bib"
    path.write_bytes("% old\n@misc{a, title = {\u201cCaf\u00e9\u201d}}\n".encode("cp1252"))
    bibliography, diagnostics = load_bibliography([path], tmp_path)
    assert [(d.code, d.location) for d in diagnostics] == [("bib.encoding", Location("old.bib", 2, 19))]
    assert bibliography.data.entries["a"].fields["title"] == "\u201cCaf\u00e9\u201d"


def test_a_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    """A path that cannot be read is reported and the other files still load."""
    present = write_bib(tmp_path, "@misc{a, title = {T}}\n")
    bibliography, diagnostics = load_bibliography([tmp_path / "gone.bib", present], tmp_path)
    assert codes(diagnostics) == ["file.unreadable"]
    assert bibliography.keys() == ["a"]


def test_locations_are_relative_to_the_display_root(tmp_path: Path) -> None:
    """Paths in locations are as the user would type them from the display root, else as passed."""
    folder = tmp_path / "bibliography"
    folder.mkdir()
    path = write_bib(folder, "% a comment\n\n   @misc{a, title = {T}}\n")
    assert load_bibliography([path], tmp_path)[0].locations["a"] == Location("bibliography/refs.bib", 3, 4)
    assert load_bibliography([path])[0].locations["a"].path == path.as_posix()


def test_keys_membership_and_close_matches(tmp_path: Path) -> None:
    """Keys come in file order, membership is exact, and close matches serve did-you-mean hints."""
    bibliography, _ = load_text(tmp_path, "@misc{turley2012, title = {T}}\n@misc{bovaird2009, title = {B}}\n")
    assert bibliography.keys() == ["turley2012", "bovaird2009"]
    assert "turley2012" in bibliography and "Turley2012" not in bibliography and 3 not in bibliography
    assert bibliography.close_matches("turley2021") == ["turley2012"]
    assert bibliography.close_matches("Turley2012") == ["turley2012"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet='@{}(),="#\\ \nabk1%', max_size=120))
def test_any_text_loads_without_a_traceback(tmp_path: Path, text: str) -> None:
    """Whatever a file holds, loading returns diagnostics with places, never an exception."""
    bibliography, diagnostics = load_text(tmp_path, text)
    assert all(d.location is not None and d.location.line >= 1 for d in diagnostics)
    assert len(bibliography.keys()) == len(bibliography.data.entries)


def test_biblatex_extended_names_are_read_not_shown_raw(tmp_path: Path) -> None:
    """``family=…, given=…`` names, options and all, are parsed into their parts with no warning."""
    bibliography, diagnostics = load_text(tmp_path, "@book{k, author = {given=Fred, family=Flummox and "
                                                    "family=Ryzin, given=Gregg, prefix=van, useprefix=true, "
                                                    "sortingnamekeytemplatename=short}, title = {T}, year = 2000}")
    assert diagnostics == []
    first, second = bibliography.data.entries["k"].persons["author"]
    assert (first.first_names, first.last_names) == (["Fred"], ["Flummox"])
    assert (second.first_names, second.prelast_names, second.last_names) == (["Gregg"], ["van"], ["Ryzin"])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_a_utf16_file_is_read_whole(tmp_path: Path, encoding: str) -> None:
    """A UTF-16 file (as EndNote writes it), with or without a byte-order mark, gives every entry, not none."""
    path = tmp_path / "endnote.bib"
    path.write_bytes("@misc{a, title = {Caf\u00e9 \u2019quoted\u2019}}\n@misc{b, title = {Two}}\n".encode(encoding))
    bibliography, diagnostics = load_bibliography([path], tmp_path)
    assert (diagnostics, bibliography.keys()) == ([], ["a", "b"])
    assert bibliography.data.entries["a"].fields["title"] == "Caf\u00e9 \u2019quoted\u2019"


def test_a_file_in_no_known_encoding_is_an_error_at_its_byte(tmp_path: Path) -> None:
    """Bytes that are neither UTF-8 nor Windows-1252 are refused with their line and column, not misread."""
    path = tmp_path / "bad.bib"
    path.write_bytes(b"@misc{a, title = {ok}}\n@misc{b, title = {\x81}}\n")
    bibliography, diagnostics = load_bibliography([path], tmp_path)
    assert [(d.code, d.severity, d.location) for d in diagnostics] == [
        ("bib.encoding", "error", Location("bad.bib", 2, 19))]
    assert bibliography.keys() == []
