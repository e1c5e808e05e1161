"""Each shortcut `synth check` takes gives exactly what the slower way it replaces gives.

The record loader resolves most scalars' tags without trying PyYAML's resolvers; well-formed BibTeX entries
are read by regular expressions instead of pybtex's scanner; a cited entry's required fields are known to
hold text without decoding their TeX. Each is compared here with the slower way, on the real reference
libraries in ../shared/corpora and on generated input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import DATA, SHARED, needs_shared
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.bibtex.utils import split_name_list
from pybtex.database.input.bibtex import month_names
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from synth.records.load import YAML_LOADER, YamlProblem, parse_yaml
from synth.references import bibtex_split
from synth.references.bibliography import _collapsed, _names_in, load_bibliography
from synth.references.latex_text import has_text, latex_to_text

CORPUS = SHARED / "corpora" / "bib"
SCALARS = ["yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "Null", "~", "", "0", "012", "0x1F",
           "0o17", "1_000", "1:30", "-2", "+3", ".5", "1e3", "1.0e+3", ".inf", "-.Inf", ".nan", "2012-01-02",
           "2012-01-02 10:00:00", "'quoted yes'", '"2012"', "turley-2012", "Title words", "=", "<<x", "!!str 12",
           "! 12", "!!int '7'", "n/a", "None", "t", "o", "f", "Yes please", "12 monkeys", "-", "- x"]


@pytest.mark.parametrize("scalar", SCALARS)
def test_a_scalar_reads_as_the_safe_loader_reads_it(scalar: str) -> None:
    """Every kind of plain, quoted and tagged scalar gets the value `yaml.safe_load` gives it, or is refused."""
    text = f"value: {scalar}\nlist: [{scalar}]\n"
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError:
        with pytest.raises(YamlProblem):
            parse_yaml(text)
    else:
        assert parse_yaml(text)[0] == expected


def test_a_resolver_added_for_every_first_character_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a resolver for any first character in a new table, a plain word takes its tag, as PyYAML gives it."""
    table = {key: list(value) for key, value in YAML_LOADER.yaml_implicit_resolvers.items()}
    table[None] = [("tag:yaml.org,2002:null", re.compile("^word$"))]
    monkeypatch.setattr(YAML_LOADER, "yaml_implicit_resolvers", table)
    assert parse_yaml("value: word\n")[0] == {"value": None}


def corpus_files() -> list[Path]:
    """The real libraries, and every `.bib` file of the test trees (broken ones included)."""
    return sorted(CORPUS.glob("*.bib")) + sorted(path for path in DATA.rglob("*.bib") if path.is_file())


def scanner_only(text: str) -> list[object]:
    """The commands pybtex's scanner reads from ``text``, the regular-expression reading turned off."""
    original = bibtex_split.read_plain_entry
    bibtex_split.read_plain_entry = lambda *arguments: None  # type: ignore[assignment]
    try:
        return list(bibtex_split.split_commands(text, CaseInsensitiveDict(month_names)))
    finally:
        bibtex_split.read_plain_entry = original


def both_readings(text: str) -> tuple[list[object], list[object]]:
    return list(bibtex_split.split_commands(text, CaseInsensitiveDict(month_names))), scanner_only(text)


@needs_shared(CORPUS)
@pytest.mark.parametrize("path", corpus_files(), ids=lambda path: path.name)
def test_a_real_library_reads_the_same_without_the_scanner(path: Path) -> None:
    """Every command of every real and planted `.bib` file, with its location and undefined macros."""
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    fast, slow = both_readings(text)
    assert fast == slow


def test_most_entries_of_a_real_library_take_the_short_way() -> None:
    """The shortcut is taken: nearly every entry of a large real library is read without the scanner."""
    text = (CORPUS / "lanfear-criminology-zotero-bbt.bib").read_text(encoding="utf-8")
    pieces = text.count("\n@") + 1
    taken = sum(bibtex_split.read_plain_entry(piece, 1, CaseInsensitiveDict(month_names)) is not None
                for piece in ("@" + part for part in text.split("\n@")))
    assert taken >= 0.95 * pieces


VALUE = st.one_of(
    st.from_regex(r"\{[a-z {}\\\"'#@,=]{0,12}\}", fullmatch=True),
    st.from_regex(r'"[a-z {}\\#@,=]{0,12}"', fullmatch=True),
    st.from_regex(r"[0-9]{1,4}[a-z]?", fullmatch=True),
    st.sampled_from(["jan", "feb", "undefinedmacro", "Mar"]),
)
FIELD = st.builds(lambda name, space, parts: f"{space}{name}{space}={space}" + f"{space}#{space}".join(parts),
                  st.sampled_from(["title", "author", "year", "note", "a.b", "x-y"]),
                  st.sampled_from(["", " ", "\n  "]), st.lists(VALUE, min_size=1, max_size=3))


@st.composite
def bib_text(draw: st.DrawFn) -> str:
    """Entries assembled from valid and broken pieces: braces, quotes, concatenation, stray text and commas."""
    entries = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["article", "book", "string", "comment", "preamble", "misc"]))
        opener, closer = draw(st.sampled_from([("{", "}"), ("(", ")"), ("{", ")"), ("{", "")]))
        key = draw(st.sampled_from(["key1", "k,", "", "k}", "Key-2"]))
        fields = draw(st.lists(FIELD, max_size=4))
        separator = draw(st.sampled_from([",", ", ", ",,", " "]))
        tail = draw(st.sampled_from(["", "\n", "\ncomment text\n", "\nname@host\n", ","]))
        entries.append(f"@{kind}{opener}{key}{separator}" + separator.join(fields) + f"{closer}{tail}")
    return "\n".join(entries)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(bib_text())
def test_generated_bibtex_reads_the_same_without_the_scanner(text: str) -> None:
    """Valid or broken, every generated file gives the scanner's commands and errors, in order."""
    fast, slow = both_readings(text)
    assert fast == slow


def field_values() -> Iterator[str]:
    """Every field value of the real libraries, as loaded."""
    bibliography, _ = load_bibliography(sorted(CORPUS.glob("*.bib")))
    for entry in bibliography.data.entries.values():
        yield from entry.fields.values()


@needs_shared(CORPUS)
def test_has_text_agrees_with_decoding_on_every_real_field_value() -> None:
    """Whether a value holds text is what decoding it says, for every value of the real libraries."""
    values = set(field_values())
    assert len(values) > 10_000
    assert [value for value in values if has_text(value) != bool(latex_to_text(value))] == []


@pytest.mark.parametrize("value", ["", " ", "{}", "{\\relax}", "\\url{}", "$$", "--", "{{ }}", "\\noopsort{a}",
                                   "\\href{http://x}{}", "a", "{A}", "\\'e", "$x$", "\\%"])
def test_has_text_agrees_with_decoding_on_values_that_lose_their_text(value: str) -> None:
    """Commands that drop their argument, empty braces and math: the shortcut decodes these."""
    assert has_text(value) == bool(latex_to_text(value))


@pytest.mark.parametrize("value", ["", " ", "a  b", "\u00a0x\u2003y\n", "\x1cA\x1fB", "Smith, J. and Jones, K.",
                                   "A AND B", "{Smith and Sons}", "A and", " and B", "X anD Y", "a\tand b",
                                   "{A} and {B}", " x "])
def test_names_and_whitespace_read_as_pybtex_reads_them(value: str) -> None:
    """Whitespace collapses as pybtex's `normalize_whitespace` does, and a name list splits as `split_name_list`."""
    collapsed = normalize_whitespace(value)
    assert _collapsed(value) == collapsed
    assert _names_in(collapsed) == split_name_list(collapsed)


class _AnyMacro(CaseInsensitiveDict):  # type: ignore[misc]
    """A macro table that reads an undefined macro as its name, as `synth import bibtex` keeps one."""

    def __getitem__(self, name: str) -> str:
        try:
            return str(super().__getitem__(name))
        except KeyError:
            return f"<{name}>"


def test_a_macro_table_that_defines_every_name_is_asked_as_the_scanner_asks_it() -> None:
    """The short way looks a macro up as pybtex does, so a table that knows every name reports none undefined."""
    text = "@article{k, journal = undefinedjournal # { x}, year = 2020}\n"
    fast = list(bibtex_split.split_commands(text, _AnyMacro()))
    original = bibtex_split.read_plain_entry
    bibtex_split.read_plain_entry = lambda *arguments: None  # type: ignore[assignment]
    try:
        slow = list(bibtex_split.split_commands(text, _AnyMacro()))
    finally:
        bibtex_split.read_plain_entry = original
    assert fast == slow
    assert fast[0].fields[0] == ("journal", "<undefinedjournal> x") and fast[0].undefined_macros == ()
