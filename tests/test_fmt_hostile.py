"""`synth fmt` never drops a comment silently, never crashes on deep nesting, and keeps links as links."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from synth.authoring.fmt import FormatError, format_file, format_text
from synth.authoring.fmt_comments import comments
from synth.cli import main
from synth.pipeline import check_project

SCHEMA = "# yaml-language-server: $schema=../../schemas/barrier.schema.json\n"
BODY = "name: N\nsummary: S\nwhat_to_do: W\n"


@pytest.mark.parametrize(("text", "comment", "line", "column"), [
    (SCHEMA + "# yaml-language-server: $schema=other.schema.json\n" + BODY,
     "# yaml-language-server: $schema=other.schema.json", 2, 1),
    ("name:\n  # between the key and its value\n  N\nsummary: S\nwhat_to_do: W\n",
     "# between the key and its value", 2, 3),
    (BODY + "tags: [one, # inside a flow list\n  two]\n", "# inside a flow list", 4, 13),
    (BODY + "...\n# after the end marker\n", "# after the end marker", 5, 1),
    (BODY + "... # on the end marker\n", "# on the end marker", 4, 5),
])
def test_a_comment_formatting_would_drop_refuses_the_file_at_that_comment(text: str, comment: str, line: int,
                                                                          column: int) -> None:
    """Where ruamel.yaml would lose a comment, the file is refused with the comment's line and column."""
    with pytest.raises(FormatError) as refused:
        format_text(text, "barrier", "b.yaml")
    diagnostic = refused.value.diagnostic
    assert (diagnostic.code, diagnostic.location and (diagnostic.location.line, diagnostic.location.column)) == (
        "fmt.comment-lost", (line, column))
    assert repr(comment) in diagnostic.message


def test_comments_are_found_by_tokens_not_by_hash_signs() -> None:
    """A ``#`` inside quotes or a block (after multi-byte letters too) is text; the others are comments."""
    text = 'name: "éééééé # not"\nsummary: |\n  üü # not either\nwhat_to_do: W # yes\n# and this\n'
    assert [(c.text, c.line, c.column) for c in comments(text)] == [("# yes", 4, 15), ("# and this", 5, 1)]


@pytest.mark.parametrize("text", ["name: N\t\n" + BODY[8:], "name: N\t# why\n" + BODY[8:]])
def test_a_tab_after_a_plain_value_is_formatted_as_check_reads_it(text: str, tmp_path: Path) -> None:
    """`synth check` accepts a tab after a value; formatting accepts it too, and keeps the comment after it."""
    folder = tmp_path / "project" / "content" / "barriers"
    folder.mkdir(parents=True)
    (folder / "b.yaml").write_text(text, encoding="utf-8")
    assert [d.code for d in check_project(tmp_path / "project").errors] == []
    result = format_text(text, "barrier", "b.yaml")
    assert result.startswith(SCHEMA + "name: N") and "\t" not in result
    assert ("# why" in result) == ("# why" in text)


@pytest.mark.parametrize("depth", [250, 300])
def test_deep_nesting_is_a_located_refusal_not_a_crash(depth: int) -> None:
    """Lists nested hundreds deep are refused with the loader's located error."""
    text = BODY + "tags: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(FormatError) as refused:
        format_text(text, "barrier", "b.yaml")
    assert refused.value.diagnostic.code == "yaml.too-deep"
    assert refused.value.diagnostic.location is not None and refused.value.diagnostic.location.line == 4


def test_a_linked_record_stays_a_link_and_its_target_is_formatted(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Formatting writes through a link: the link is kept and the file it points to gets the canonical form."""
    folder = tmp_path / "content" / "barriers"
    folder.mkdir(parents=True)
    target = tmp_path / "shared.yaml"
    target.write_text("what_to_do: W\nname: N\nsummary: S\n", encoding="utf-8")
    link = folder / "linked.yaml"
    link.symlink_to(target)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert target.read_text(encoding="utf-8") == SCHEMA + BODY
    assert "reformatted" in capsys.readouterr().out


def test_a_pipe_named_like_a_record_is_reported_not_read(tmp_path: Path) -> None:
    """A FIFO in a record folder is refused with a located error instead of blocking the formatter."""
    folder = tmp_path / "content" / "barriers"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.yaml")
    outcome = format_file(folder / "pipe.yaml", "content/barriers/pipe.yaml")
    assert outcome.diagnostic is not None and outcome.diagnostic.code == "file.not-regular"


def test_formatting_a_project_reports_what_it_cannot_read_and_formats_the_rest(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe and a link out of the project among the records are reported located; the others are formatted."""
    folder = tmp_path / "project" / "content" / "barriers"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "pipe.yaml")
    (tmp_path / "outside.yaml").write_text(BODY, encoding="utf-8")
    (folder / "outside.yaml").symlink_to(tmp_path / "outside.yaml")
    (folder / "messy.yaml").write_text("what_to_do: W\nname: N\nsummary: S\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "project")
    assert main(["fmt"]) == 1
    out = capsys.readouterr().out
    assert "content/barriers/pipe.yaml:1:1: error[file.not-regular]" in out
    assert "content/barriers/outside.yaml:1:1: error[file.outside-project]" in out
    assert out.endswith("1 file reformatted, 0 unchanged, 2 not formatted\n")
    assert (folder / "messy.yaml").read_text(encoding="utf-8") == SCHEMA + BODY
    assert (tmp_path / "outside.yaml").read_text(encoding="utf-8") == BODY
