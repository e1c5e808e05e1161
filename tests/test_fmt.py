"""`synth fmt`: one canonical form, every comment and value kept, broken files left alone, atomic writes."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY

from synth.authoring import fmt
from synth.authoring.fmt import format_file, format_text, record_paths
from synth.cli import main
from synth.records.load import parse_yaml

MESSY = """\
# top comment

# about the study
study: turley-2012   # eol study
themes: [partnership-working]
# Why I rated it so
confidence:
    overall: {explanation: 'Good', rating: high}
    # about coherence
    coherence:
        explanation: 'It''s "fine"'
        concern: minor
    methodological_limitations:
      concern: minor
      explanation: >-
        folded text
        # not a comment: text in a folded block
        over lines
    adequacy: {concern: minor, explanation: y}
    relevance: {concern: minor, explanation: z}
evidence:
- locator: 'p. 1'
  # on the quote
  quote: 'a quote'
# about the statement
statement: A claim
  continued on a line.
# yaml-language-server: $schema=../../schemas/finding.schema.json
# the end
"""

CANONICAL = """\
# yaml-language-server: $schema=../../schemas/finding.schema.json
# top comment

# about the study
study: turley-2012   # eol study
# about the statement
statement: A claim continued on a line.
evidence:
    # on the quote
  - quote: "a quote"
    locator: "p. 1"
themes: [partnership-working]
# Why I rated it so
confidence:
  methodological_limitations:
    concern: minor
    explanation: >-
      folded text
      # not a comment: text in a folded block
      over lines
  # about coherence
  coherence:
    concern: minor
    explanation: "It's \\"fine\\""
  adequacy: {concern: minor, explanation: y}
  relevance: {concern: minor, explanation: z}
  overall: {rating: high, explanation: "Good"}
# the end
"""


def comments(text: str) -> Counter[str]:
    """Every comment in ``text`` (whole-line or after a value), as a multiset of their words."""
    found: Counter[str] = Counter()
    inside_values = fmt._scalar_lines(text)
    for index, line in enumerate(text.split("\n")):
        if index in inside_values:
            continue
        if line.lstrip().startswith("#"):
            found[line.strip()] += 1
        elif " #" in line:
            found[line.split(" #", 1)[1].strip()] += 1
    return found


def real_records(tmp_path: Path) -> list[Path]:
    """Copies of every record of the repository's knowledge base and of the example project."""
    paths = []
    for source in (REPOSITORY, DATA / "check-example"):
        target = Path(shutil.copytree(source / "content", tmp_path / source.name / "content"))
        paths += record_paths(target.parent)
    return paths


def test_a_messy_file_is_put_in_canonical_form() -> None:
    """Fields in schema order with their comments, two-space indentation, double quotes, $schema line first."""
    assert format_text(MESSY, "finding") == CANONICAL


def test_canonical_form_is_stable_and_keeps_every_comment_and_value() -> None:
    """Formatting twice changes nothing more; comments and loaded values are the same as before."""
    assert format_text(CANONICAL, "finding") == CANONICAL
    assert comments(CANONICAL) - comments(MESSY) == Counter({"# yaml-language-server: $schema=../../synth/"
                                                             "schemas/finding.schema.json": 0})
    assert comments(MESSY) == comments(CANONICAL)
    assert parse_yaml(MESSY)[0] == parse_yaml(CANONICAL)[0]


def test_every_real_record_keeps_its_values_and_comments_and_formats_idempotently(tmp_path: Path) -> None:
    """Over the knowledge base and the example project: values and comments kept, a second run a no-op."""
    paths = real_records(tmp_path)
    assert len(paths) > 20
    for path in paths:
        text = path.read_text(encoding="utf-8")
        outcome = format_file(path, str(path))
        assert outcome.diagnostic is None and outcome.text is not None, path
        assert parse_yaml(outcome.text)[0] == parse_yaml(text)[0], path
        expected = comments(text)
        expected[next(line for line in outcome.text.split("\n"))] += 0 if "$schema" in text else 1
        assert comments(outcome.text) == expected, path
        assert format_text(outcome.text, fmt.kind_of(path) or "") == outcome.text, path


def test_themes_file_keeps_its_theme_order_and_orders_each_themes_fields() -> None:
    """In themes.yaml the ids stay in the author's order; within a theme, name comes before description."""
    text = "# themes\nb-theme:\n  description: B things\n  name: B\na-theme:\n  name: A\n"
    assert format_text(text, "themes") == (
        "# yaml-language-server: $schema=../schemas/theme-file.schema.json\n"
        "# themes\nb-theme:\n  name: B\n  description: B things\na-theme:\n  name: A\n")


@pytest.mark.parametrize(("text", "expected"), [
    ("summary: S\r\n# on name\r\nname: N\r\nwhat_to_do: W\r\n", "# on name\nname: N\nsummary: S\nwhat_to_do: W\n"),
    ("---\nname: N\nsummary: S\nwhat_to_do: W\n...\n", "name: N\nsummary: S\nwhat_to_do: W\n"),
    ("\ufeffname: N\nsummary: S\nwhat_to_do: W", "name: N\nsummary: S\nwhat_to_do: W\n"),
    ("name: &a N\nsummary: *a\nwhat_to_do: yes\n", "name: &a N\nsummary: *a\nwhat_to_do: yes\n"),
])
def test_line_ends_markers_and_aliases_take_the_canonical_form(text: str, expected: str) -> None:
    """Windows line ends, document markers and a byte-order mark go; aliases and YAML 1.1 words stay as written."""
    assert format_text(text, "barrier").split("\n", 1)[1] == expected


def test_unknown_fields_stay_after_the_known_ones_in_their_own_order() -> None:
    """A field the schema does not know is kept (check reports it), after the schema's fields."""
    text = "zeta: 1\nname: N\nalpha: 2\nsummary: S\n"
    assert format_text(text, "barrier").split("\n", 1)[1] == "name: N\nsummary: S\nzeta: 1\nalpha: 2\n"


def test_a_syntax_error_is_reported_with_file_and_line_and_the_file_left_untouched(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file that does not parse is named with its line and column, and not written; the others are."""
    folder = tmp_path / "content" / "barriers"
    folder.mkdir(parents=True)
    broken = folder / "broken.yaml"
    broken.write_bytes(b"name: N\nsummary: a: b\nwhat_to_do: W\n")
    messy = folder / "fine.yaml"
    messy.write_text("summary: S\nname: N\nwhat_to_do: W\n")
    assert main(["fmt", str(broken), str(messy)]) == 1
    out = capsys.readouterr().out
    assert "broken.yaml:2:" in out
    assert "error[yaml.syntax]" in out
    assert broken.read_bytes() == b"name: N\nsummary: a: b\nwhat_to_do: W\n"
    assert messy.read_text().endswith("name: N\nsummary: S\nwhat_to_do: W\n")
    assert out.splitlines()[-1] == "1 file reformatted, 0 unchanged, 1 not formatted"


def test_check_lists_the_files_it_would_change_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--check exits 1 naming each file that is not canonical, and 0 once all are."""
    folder = tmp_path / "content" / "facilitators"
    folder.mkdir(parents=True)
    (folder / "a.yaml").write_text("summary: S\nname: N\nwhat_to_do: W\n")
    (folder / "b.yaml").write_text(format_text("name: N\nsummary: S\nwhat_to_do: W\n", "facilitator"))
    before = (folder / "a.yaml").read_text()
    assert main(["fmt", "--check", "--project", str(tmp_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("would reformat ") and lines[0].endswith("a.yaml")
    assert lines[1] == "1 file would be reformatted, 1 unchanged, 0 not formatted"
    assert (folder / "a.yaml").read_text() == before
    assert main(["fmt", "--project", str(tmp_path)]) == 0
    assert main(["fmt", "--check", str(folder)]) == 0


def test_a_failed_write_leaves_the_original_file_and_no_temporary_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The new text goes to a temporary file renamed over the original; if that fails, nothing changes."""
    path = tmp_path / "content" / "barriers" / "a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text("summary: S\nname: N\nwhat_to_do: W\n")

    def fail(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(fmt.os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        fmt.format_paths([path], check=False)
    assert path.read_text() == "summary: S\nname: N\nwhat_to_do: W\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.yaml"]


def test_a_file_outside_the_record_folders_is_refused() -> None:
    """Only record files are formatted: their kind comes from their folder."""
    outcome = format_file(REPOSITORY / "pyproject.toml", "pyproject.toml")
    assert outcome.diagnostic is not None and outcome.diagnostic.code == "fmt.not-a-record"
