"""The contributor guide: every error code catalogued, every field documented, every workflow command explained."""

from __future__ import annotations

import argparse
import ast
import re
from collections.abc import Iterator

import pytest
import yaml
from conftest import DATA, REPOSITORY

from synth.authoring.guide import (
    ERROR_CODES,
    GROUPS,
    render_confidence_profiles,
    render_error_codes,
    render_schema_reference,
)
from synth.cli import build_parser
from synth.pipeline import check_project
from synth.records import schema
from synth.site.build import CONFIDENCE_PROFILES, GUIDE_PAGES

PACKAGE = REPOSITORY / "synth"
GUIDE = REPOSITORY / "docs" / "contributing"
CODE = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")
CATALOGUED = {entry.code for entry in ERROR_CODES}


def reported_codes() -> Iterator[tuple[str, str]]:
    """Each code passed to `Diagnostic(...)` (or a loader error) anywhere in synth/, as a regex, with its file.

    A code built with an f-string (``f"ref.unknown-{kind}"``) becomes a pattern with a wildcard.
    """
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            arguments = [k.value for k in node.keywords if k.arg == "code"]
            if name == "Diagnostic" or name.endswith(("Error", "Problem")):
                arguments += node.args[:1]
            for argument in arguments:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    if CODE.match(argument.value):
                        yield re.escape(argument.value), path.name
                elif isinstance(argument, ast.JoinedStr) and _code_shaped(argument):
                    yield "".join(re.escape(part.value) if isinstance(part, ast.Constant) else "[a-z-]+"
                                  for part in argument.values), path.name


def _code_shaped(text: ast.JoinedStr) -> bool:
    """An f-string that builds a code: it opens with ``prefix.`` and its fixed parts hold no spaces."""
    parts = [part.value for part in text.values if isinstance(part, ast.Constant)]
    first = text.values[0]
    return (isinstance(first, ast.Constant) and bool(re.match(r"^[a-z]+\.[a-z0-9-]*$", str(first.value)))
            and not any(" " in str(part) for part in parts))


def test_the_scan_finds_the_codes_it_should() -> None:
    """The scan itself sees plain codes, loader error codes and f-string codes (so the next test can fail)."""
    found = {pattern for pattern, _ in reported_codes()}
    assert {re.escape("schema.placeholder"), re.escape("yaml.tab"), "ref\\.unknown\\-[a-z-]+"} <= found
    assert len(found) > 40


def test_every_code_reported_in_synth_is_in_the_catalogue() -> None:
    """A new Diagnostic code without an entry in synth/authoring/guide.py fails here."""
    missing = sorted({f"{pattern} ({where})" for pattern, where in reported_codes()
                      if not any(re.fullmatch(pattern, code) for code in CATALOGUED)})
    assert missing == [], "add these codes to ERROR_CODES in synth/authoring/guide.py"


def test_every_catalogued_code_is_still_reported() -> None:
    """No entry describes a code that nothing reports any more."""
    patterns = [pattern for pattern, _ in reported_codes()]
    stale = sorted(code for code in CATALOGUED if not any(re.fullmatch(pattern, code) for pattern in patterns))
    assert stale == []
    assert sorted(c for c in CATALOGUED if c.startswith("ref.")) == [
        "ref.unknown-barrier", "ref.unknown-facilitator", "ref.unknown-outcome", "ref.unknown-study",
        "ref.unknown-theme"]


@pytest.mark.parametrize("entry", ERROR_CODES, ids=lambda entry: entry.code)
def test_each_entry_has_an_example_as_printed_and_a_fix(entry) -> None:  # type: ignore[no-untyped-def]
    """The example is a real-looking message line with the code in brackets; the fix says what to do."""
    assert CODE.match(entry.code) and entry.code.split(".")[0] in GROUPS
    first = entry.example.split("\n")[0]
    assert re.search(rf"(error|warning)\[{re.escape(entry.code)}\]: \S", first)
    assert first.split("[")[0].split(" ")[-1] in entry.severity
    assert all(line.startswith("  hint: ") for line in entry.example.split("\n")[1:])
    assert len(entry.fix) > 20 and entry.fix.endswith(".")


def test_codes_are_listed_once_each() -> None:
    assert len(CATALOGUED) == len(ERROR_CODES)


def test_error_code_page_has_a_section_per_code(golden) -> None:  # type: ignore[no-untyped-def]
    """The generated page lists every code under its heading, grouped; compared with a golden file."""
    page = render_error_codes()
    assert [line[5:-1] for line in page.splitlines() if line.startswith("### `")] == [
        entry.code for prefix in GROUPS for entry in ERROR_CODES if entry.code.startswith(f"{prefix}.")]
    golden("guide/errors.md", page)


def models() -> list[type[schema.Record]]:
    """Every record model and every model nested in one."""
    return [value for value in vars(schema).values()
            if isinstance(value, type) and issubclass(value, schema.Record) and value is not schema.Record]


@pytest.mark.parametrize("model", models(), ids=lambda model: model.__name__)
def test_every_schema_field_is_documented(model: type[schema.Record]) -> None:
    """Each field of each model has a docstring, which becomes its documentation everywhere."""
    assert model.__doc__ and model.__doc__.strip()
    undocumented = [name for name, field in model.model_fields.items() if not (field.description or "").strip()]
    assert undocumented == []


def test_field_reference_lists_every_field_with_its_documentation(golden) -> None:  # type: ignore[no-untyped-def]
    """Every field of every record type appears with its description; compared with a golden file."""
    page = render_schema_reference()
    for model in (schema.Study, schema.Finding, schema.Barrier, schema.Facilitator, schema.Outcome, schema.Theme):
        for name, field in model.model_fields.items():
            description = " ".join(str(field.description).split())
            assert re.search(rf"\| `([a-z_\[\].]*\.)?{name}` \|.*\| {re.escape(description)} \|", page)
    assert "| `confidence.overall.rating` | one of the allowed values | required | `high`, `moderate`, `low`, " \
           "`very-low` |" in page
    assert "| `evidence[].quote` | text | required |" in page
    golden("guide/schema.md", page)


def subcommand(*names: str) -> argparse.ArgumentParser:
    parser = build_parser()
    for name in names:
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = action.choices[name]
    return parser


@pytest.mark.parametrize("command", [("new",), ("fmt",), ("schema",), ("import", "bibtex"), ("import", "eppi"),
                                     ("check",), ("history",), ("diff",)])
def test_the_guide_explains_every_workflow_command_and_option(command: tuple[str, ...]) -> None:
    """Each command of the researcher workflow, and each of its options, appears in the hand-written guide."""
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(GUIDE.glob("*.md")))
    assert f"synth {' '.join(command)}" in text
    options = [option for action in subcommand(*command)._actions for option in action.option_strings
               if option.startswith("--") and option != "--help"]
    assert [option for option in options if option not in text] == []


def test_the_pre_commit_example_runs_existing_commands() -> None:
    """The hook definition researchers copy is valid YAML with local hooks calling real synth commands."""
    config = yaml.safe_load((GUIDE / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] if repo["repo"] == "local" for hook in repo["hooks"]]
    assert [hook["id"] for hook in hooks] == ["synth-fmt", "synth-check"]
    for hook in hooks:
        words = hook["entry"].split()
        assert words[0] == "synth" and subcommand(words[1])
        assert hook["language"] == "system"


def test_the_pre_commit_page_shows_the_hook_file_as_it_is() -> None:
    """The page quotes the hook definition whole, so the two cannot drift apart."""
    config = (GUIDE / "pre-commit-config.yaml").read_text(encoding="utf-8")
    assert f"```yaml\n{config}```" in (GUIDE / "pre-commit.md").read_text(encoding="utf-8")


def test_links_between_guide_pages_reach_existing_files() -> None:
    """Every relative link in the hand-written guide names a file in the guide's folder or a generated guide page."""
    generated = {*GUIDE_PAGES, CONFIDENCE_PROFILES}
    for page in sorted(GUIDE.glob("*.md")):
        for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")):
                assert (GUIDE / target).is_file() or target in generated, (page.name, target)


def test_confidence_profile_page_groups_findings_and_marks_departures(golden) -> None:  # type: ignore[no-untyped-def]
    """Findings are grouped by component profile and rating; a departure without a reason is marked."""
    kb = check_project(DATA / "broken").kb
    page = render_confidence_profiles(kb.findings, lambda finding_id: f"../findings/{finding_id}.md")
    assert ("| minor | none or very minor | moderate | none or very minor | Moderate | **Very low** (departs) | "
            "[off-path-rating](../findings/off-path-rating.md) (**no reason given**) |") in page
    assert "| minor | none or very minor | moderate | none or very minor | Moderate | Moderate | " \
           "[turley-independent-manager](../findings/turley-independent-manager.md) |" in page
    golden("guide/confidence-profiles.md", page)
