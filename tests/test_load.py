"""Stage 1: reading record files into positioned data, and every way a file can fail to be a record."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.errors import Diagnostic, Location
from synth.records.load import Positions, RawRecord, load_records, read_yaml_file


def read(tmp_path: Path, text: str | bytes) -> RawRecord | Diagnostic:
    path = tmp_path / "record.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return read_yaml_file(path, "record.yaml", "finding", "record")


def test_every_value_keeps_its_line_and_column(tmp_path: Path) -> None:
    """A nested value is located at its own line and column, not the top of the file."""
    raw = read(tmp_path, "study: a\nevidence:\n  - quote: words\n    locator: p. 2\n")
    assert isinstance(raw, RawRecord)
    assert raw.locate(("evidence", 0, "locator")) == Location("record.yaml", 4, 14)
    assert raw.locate(("evidence", 0, "locator"), key=True) == Location("record.yaml", 4, 5)
    assert raw.locate(("evidence", 5, "quote")) == Location("record.yaml", 3, 3)


@pytest.mark.parametrize(
    ("text", "code", "line", "column"),
    [
        ("a: [1\n", "yaml.syntax", 2, 1),
        ("a: 1\nb: 2\na: 3\n", "yaml.duplicate-key", 3, 1),
        ("a:\n\tb: 1\n", "yaml.tab", 2, 1),
        ("- a\n- b\n", "yaml.not-mapping", 1, 1),
        ("just text\n", "yaml.not-mapping", 1, 1),
        ("", "yaml.not-mapping", 1, 1),
        ("a: &x [*x]\n", "yaml.recursive", 1, 4),
        ("? [a, b]\n: c\n", "yaml.bad-key", 1, 3),
        ("base: &b {a: 1}\nother:\n  <<: *b\n", "yaml.merge-key", 3, 3),
        ("a: !!python/object:os.system x\n", "yaml.syntax", 1, 4),
        ("a: ok\nb: x\x07y\n", "yaml.syntax", 2, 5),
        ("a: 1\n---\nb: 2\n", "yaml.syntax", 2, 1),
    ],
)
def test_bad_yaml_gives_a_located_error(tmp_path: Path, text: str, code: str, line: int, column: int) -> None:
    """Each way YAML can fail is one error with its code, line and column."""
    result = read(tmp_path, text)
    assert isinstance(result, Diagnostic)
    assert (result.code, result.location) == (code, Location("record.yaml", line, column))
    assert result.record_id == "record"


def test_alias_bombs_are_refused(tmp_path: Path) -> None:
    """A 'billion laughs' document is refused instead of expanded."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 7)]
    result = read(tmp_path, "\n".join(lines) + "\n")
    assert isinstance(result, Diagnostic) and result.code == "yaml.too-large"


def test_text_that_is_not_utf8_is_an_error(tmp_path: Path) -> None:
    """A Latin-1 file is reported, not decoded into mojibake."""
    result = read(tmp_path, b"statement: caf\xe9\n")
    assert isinstance(result, Diagnostic) and result.code == "yaml.encoding"


def test_load_records_reads_each_folder_and_the_themes(tmp_path: Path) -> None:
    """Records are read per folder in name order, and themes.yaml becomes one record per theme."""
    (tmp_path / "studies").mkdir()
    (tmp_path / "studies" / "b.yaml").write_text("title: B\n")
    (tmp_path / "studies" / "a.yaml").write_text("title: A\n")
    (tmp_path / "themes.yaml").write_text("one:\n  name: One\ntwo:\n  name: Two\n")
    tree = load_records(tmp_path, tmp_path)
    assert [(r.kind, r.id, r.path) for r in tree.records] == [
        ("study", "a", "studies/a.yaml"), ("study", "b", "studies/b.yaml"),
        ("theme", "one", "themes.yaml"), ("theme", "two", "themes.yaml"),
    ]
    assert tree.records[3].locate(("name",)) == Location("themes.yaml", 4, 9)


def test_a_yml_file_is_reported_not_ignored(tmp_path: Path) -> None:
    """A record saved with the wrong extension is a warning, so it is not silently left out."""
    (tmp_path / "findings").mkdir()
    (tmp_path / "findings" / "x.yml").write_text("study: a\n")
    tree = load_records(tmp_path, tmp_path)
    assert [(d.code, d.severity) for d in tree.diagnostics] == [("content.stray-file", "warning")]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#? \t\n,.%@`\\\x00é€")) , max_size=80) | st.text())
def test_any_text_gives_a_record_or_a_located_error(tmp_path: Path, text: str) -> None:
    """Whatever the text, reading it yields a record or a located diagnostic, never an exception."""
    result = read(tmp_path, text)
    if isinstance(result, Diagnostic):
        assert result.location is not None and result.location.line >= 1 and result.location.column >= 1
        assert result.code.startswith("yaml.")
    else:
        assert isinstance(result.data, dict)


def test_one_long_quotation_repeated_by_alias_is_refused(tmp_path: Path) -> None:
    """A 134 KB finding naming one 120 KB quotation 2,000 times is refused, located at the repeated value."""
    quote = "word " * 24_000
    text = f"statement: S\nstudy: s\nspare: &q {quote}\nquotes:\n" + "  - *q\n" * 2000
    assert 130_000 < len(text) < 140_000
    result = read(tmp_path, text)
    assert isinstance(result, Diagnostic)
    assert result.code == "yaml.too-large" and "MiB of text" in result.message
    assert result.location == Location("record.yaml", 3, 8)


@pytest.mark.parametrize("depth", [150, 250, 300])
def test_deep_nesting_is_a_located_refusal(tmp_path: Path, depth: int) -> None:
    """Lists nested hundreds deep are refused with a located error, not a RecursionError."""
    result = read(tmp_path, "a: " + "[" * depth + "]" * depth + "\n")
    assert isinstance(result, Diagnostic) and result.code == "yaml.too-deep"
    assert result.location == Location("record.yaml", 1, 104)


def test_one_long_tag_repeated_by_alias_is_refused(tmp_path: Path) -> None:
    """A study naming one 100 KB tag 3,000 times (a 581 MB site once) is refused before anything is built."""
    text = f"title: T\ntags:\n  - &t {'x' * 100_000}\n" + "  - *t\n" * 3000
    result = read(tmp_path, text)
    assert isinstance(result, Diagnostic) and result.code == "yaml.too-large"
    assert result.location == Location("record.yaml", 3, 5)


def test_pickled_positions_are_read_only_when_asked_and_locate_alike(tmp_path: Path) -> None:
    """A parse pickled and read back (a stored parse) keeps its positions as bytes until a location is asked."""
    raw = read(tmp_path, "study: a\nevidence:\n  - quote: words\n    locator: p. 2\n")
    assert isinstance(raw, RawRecord)
    back = pickle.loads(pickle.dumps(raw))
    assert isinstance(back.positions, Positions) and back.positions._table is None
    assert back.locate(("evidence", 0, "locator")) == raw.locate(("evidence", 0, "locator")) == Location(
        "record.yaml", 4, 14)
    assert back.locate(("evidence", 0), key=True) == raw.locate(("evidence", 0), key=True)
    assert back == raw and dict(back.key_positions) == dict(raw.key_positions)


def test_pickled_positions_naming_a_class_are_refused(tmp_path: Path) -> None:
    """Positions whose bytes name any class (a tampered cache) are not unpickled: locations fall back to line 1."""
    marker = tmp_path / "ran"
    planted = Positions(pickle.dumps({("study",): Planted(marker)}))
    raw = RawRecord("finding", "x", "x.yaml", {"study": "a"}, planted, Positions({}))
    assert raw.locate(("study",)) == Location("x.yaml", 1, 1)
    assert not marker.exists()
    assert Positions(b"not a pickle") == {}


class Planted:
    """An object whose unpickling would run a command."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, ...]]:
        return (os.system, (f"touch {self.marker}",))
