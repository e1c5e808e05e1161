"""`synth check`: every problem in a tree in one run, golden output, exit codes and JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY

from synth.cli import main

BROKEN = DATA / "broken"


def run(*args: str, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "synth", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPOSITORY)}, check=False)


def test_broken_tree_reports_every_problem_once(golden) -> None:  # type: ignore[no-untyped-def]
    """Every planted mistake is reported with file, line and column, in one run, and the exit status is 1."""
    result = run("check", "tests/data/broken", "--sources", "tests/data/broken/sources")
    assert result.returncode == 1
    golden("check/broken.txt", result.stdout)


def test_every_error_code_has_a_broken_example() -> None:
    """The broken tree holds an example of every content error code the checker can report from a tree."""
    output = run("check", "tests/data/broken", "--sources", "tests/data/broken/sources", "--review-age", "1000").stdout
    expected = {
        "yaml.syntax", "yaml.duplicate-key", "yaml.tab", "yaml.not-mapping", "yaml.encoding", "yaml.recursive",
        "schema.unknown-field", "schema.missing-field", "schema.invalid-value",
        "id.not-slug", "id.mismatch", "id.duplicate",
        "ref.unknown-study", "ref.unknown-barrier", "ref.unknown-facilitator", "ref.unknown-outcome",
        "ref.unknown-theme", "evidence.no-evaluation", "evidence.evaluation-mismatch",
        "bib.unknown-key", "bib.syntax", "bib.duplicate-key", "bib.undefined-macro", "bib.unknown-type",
        "bib.biblatex-field", "evidence.no-quote", "evidence.unsupported", "cerqual.no-explanation",
        "quote.not-found", "quote.no-source", "quote.source-missing", "content.stray-file", "schema.placeholder",
        "record.review-overdue",
        "confidence.inconsistent", "confidence.repeated-explanation",
        "schema.control-character", "paper.too-deep", "paper.too-large", "paper.unsafe-html", "page.unsafe-html",
        "yaml.too-large", "yaml.too-deep", "bib.crossref-cycle", "file.not-regular", "file.unreadable",
        "file.outside-project",
    }
    found = {line.split("[", 1)[1].split("]", 1)[0] for line in output.splitlines() if "error[" in line
             or "warning[" in line}
    assert expected <= found


def test_the_new_fields_mistakes_are_located_in_the_broken_tree() -> None:
    """Who can act, an outcome's basis, direction and keywords, and an outcome link are each named at their line."""
    output = run("check", "tests/data/broken", "--sources", "tests/data/broken/sources").stdout
    for located in (
            "broken/content/barriers/who-can-act-mistyped.yaml:5:23: error[schema.invalid-value]: 'who_can_act[1]'",
            "broken/content/outcomes/bad-outcome.yaml:4:8: error[schema.invalid-value]: 'basis'",
            "broken/content/outcomes/bad-outcome.yaml:5:12: error[schema.invalid-value]: 'direction'",
            "broken/content/outcomes/bad-outcome.yaml:7:18: error[schema.invalid-value]: 'keywords[1]'",
            "broken/content/findings/unknown-links.yaml:9:12: error[ref.unknown-outcome]: outcomes: no outcome has the "
            "id 'residents-feel-safe'\n  hint: did you mean 'residents-feel-safer'?",
            "broken/content/studies/practice-unevaluated.yaml:4:1: error[evidence.no-evaluation]"):
        assert located in output


def test_json_output_carries_the_same_diagnostics(golden) -> None:  # type: ignore[no-untyped-def]
    """`--format json` gives one object per diagnostic with path, line, column, record, code and hint."""
    result = run("check", "tests/data/broken", "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 1
    assert report["errors"] == sum(d["severity"] == "error" for d in report["diagnostics"])
    first = report["diagnostics"][0]
    assert set(first) == {"severity", "code", "message", "path", "line", "column", "record", "hint"}
    golden("check/broken.json", result.stdout)


def test_clean_tree_exits_zero_and_says_quotations_were_not_verified() -> None:
    """A clean tree exits 0 and its summary says whether quotations were checked."""
    result = run("check", "tests/data/check-example")
    assert result.returncode == 0
    assert result.stdout == (
        "checked 1 study (1 publication), 2 findings, 1 barrier, 1 facilitator, 0 outcomes, 2 themes, 2 references: "
        "0 errors, "
        "0 warnings; quotations not verified (pass --sources DIR)\n")


def test_strict_fails_on_warnings(tmp_path: Path) -> None:
    """With --strict a warning makes the exit status 1."""
    project = tmp_path / "p"
    (project / "content" / "facilitators").mkdir(parents=True)
    (project / "content" / "facilitators" / "alone.yaml").write_text("name: A\nsummary: S\nwhat_to_do: W\n")
    assert run("check", str(project)).returncode == 0
    assert run("check", "--strict", str(project)).returncode == 1


@pytest.mark.parametrize(
    "args",
    [["check", "/nonexistent/project"], ["check", "--format", "xml"], ["check", "--sources", "/nonexistent"],
     ["frobnicate"], []],
)
def test_usage_errors_exit_two(args: list[str]) -> None:
    """A wrong command, option or folder is a usage error with exit status 2."""
    result = run(*args)
    assert result.returncode == 2
    assert "error" in result.stderr


def test_main_returns_the_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    """The console entry point returns 1 for a tree with errors."""
    assert main(["check", str(BROKEN)]) == 1
    assert "error[yaml.syntax]" in capsys.readouterr().out


@pytest.mark.parametrize(("args", "name"), [
    (["check", "tests/data/broken", "--sources", "tests/data/broken/sources"], "check/broken.txt"),
    (["check", "tests/data/broken", "--format", "json"], "check/broken.json"),
])
def test_the_report_is_the_same_in_process(args: list[str], name: str, golden, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` called in this process prints the golden report too (so tools that trace this process see it)."""
    monkeypatch.chdir(REPOSITORY)
    assert main(args) == 1
    golden(name, capsys.readouterr().out)


@pytest.mark.parametrize(("sources", "verified"), [(None, "quotations not verified (pass --sources DIR)"),
                                                   ("tests/data/check-example/sources", "quotations verified")])
def test_the_summary_line_counts_every_kind_and_says_what_was_verified(
        sources: str | None, verified: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One study, two findings, one of each factor, two themes and references, in process; singular and plural."""
    monkeypatch.chdir(REPOSITORY)
    assert main(["check", "tests/data/check-example", *(["--sources", sources] if sources else [])]) == 0
    assert capsys.readouterr().out == (
        "checked 1 study (1 publication), 2 findings, 1 barrier, 1 facilitator, 0 outcomes, 2 themes, 2 references: "
        f"0 errors, 0 warnings; {verified}\n")
