"""Diagnostics as a terminal prints them: what they quote from the input can never act on the terminal."""

from __future__ import annotations

import pytest

from synth.errors import Diagnostic, Location, visible
from synth.records.load import RawRecord
from synth.records.validate import validate_records

ESCAPES = {"\x1b[2J": "\\x1b[2J", "\x1b]0;title\x07": "\\x1b]0;title\\x07", "\x00": "\\x00", "\x9b": "\\x9b",
           "a\nb": "a\\x0ab", "\r": "\\x0d", "\u202e": "\\u202e", "\u2028": "\\u2028", "\uffff": "\\uffff"}


@pytest.mark.parametrize(("raw", "shown"), ESCAPES.items())
def test_control_characters_are_made_visible(raw: str, shown: str) -> None:
    """Each control, bidirectional override, separator and noncharacter is written as an escape."""
    assert visible(f"x{raw}y") == f"x{shown}y"


def test_a_diagnostic_prints_as_its_own_lines_whatever_it_quotes() -> None:
    """Message and hint keep no control character, and a file name with a line break is quoted."""
    diagnostic = Diagnostic("schema.invalid-value", "received \x1b[31mred\nline", Location("odd\nname.yaml", 3, 4),
                            hint="try \x07")
    assert diagnostic.format() == ('"odd\\x0aname.yaml":3:4: error[schema.invalid-value]: received \\x1b[31mred'
                                   '\\x0aline\n  hint: try \\x07')
    assert Diagnostic("a.b", "plain", Location("content/x.yaml")).format() == \
        "content/x.yaml:1:1: error[a.b]: plain"


@pytest.mark.parametrize("value", ["\x00", "Red \x1b[31malert", "\uffff", "\x7f", "next \x85 line", "\ufdd0"])
def test_record_text_with_a_control_character_is_refused_located(value: str) -> None:
    """A barrier whose name holds a control character fails with schema.control-character at that field."""
    data = {"name": value, "summary": "A summary.", "what_to_do": "Something."}
    raw = RawRecord("barrier", "x", "content/barriers/x.yaml", data, {("name",): (1, 7)}, {("name",): (1, 1)})
    _, diagnostics = validate_records([raw])
    assert [(d.code, str(d.location), d.record_id) for d in diagnostics] == [
        ("schema.control-character", "content/barriers/x.yaml:1:7", "x")]
    assert all(ord(character) >= 0x20 for character in diagnostics[0].format().replace("\n", ""))


def test_a_finding_title_with_a_control_character_is_refused_naming_it() -> None:
    """A finding's title is shown in terminals and page titles too: a control character in it is refused.

    The message names the character and where it is in the text.
    """
    data = {"study": "s", "title": "Trust \x1b]0;owned\x07 grows", "statement": "Trust grows.",
            "confidence": {}}
    raw = RawRecord("finding", "f", "content/findings/f.yaml", data, {("title",): (2, 8)}, {("title",): (2, 1)})
    _, diagnostics = validate_records([raw])
    [problem] = [d for d in diagnostics if d.code == "schema.control-character"]
    assert str(problem.location) == "content/findings/f.yaml:2:8"
    assert "'title' holds the control character U+001B at position 7" in problem.message


def test_tabs_and_line_breaks_stay_allowed() -> None:
    """Folded YAML text keeps its tabs and line breaks: they are not control characters here."""
    data = {"name": "A\tname", "summary": "Line one\nline two.\r\n", "what_to_do": "Something."}
    raw = RawRecord("barrier", "x", "content/barriers/x.yaml", data, {}, {})
    assert validate_records([raw])[1] == []


def test_a_file_name_with_a_line_break_is_one_quoted_diagnostic(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`synth check` on a record whose file name holds a line break prints one diagnostic, the name quoted."""
    import shutil
    import subprocess
    import sys

    from conftest import DATA, REPOSITORY

    project = tmp_path / "project"
    shutil.copytree(DATA / "check-example", project)
    barrier = sorted((project / "content" / "barriers").glob("*.yaml"))[0]
    shutil.copy(barrier, project / "content" / "barriers" / "evil\nname.yaml")
    result = subprocess.run([sys.executable, "-m", "synth", "check", str(project)], capture_output=True, text=True,
                            cwd=REPOSITORY, check=False)
    lines = [line for line in result.stdout.splitlines() if "evil" in line and "hint:" not in line]
    assert len(lines) == 1 and "evil\\x0aname.yaml\":1:1: error[id.not-slug]" in lines[0]
    assert lines[0].startswith('"')
