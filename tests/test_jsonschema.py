"""`synth schema`: JSON Schemas from the models, committed up to date, documented, agreeing with real records."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import DATA, REPOSITORY

from synth.authoring.fmt import kind_of, record_paths
from synth.authoring.jsonschema import DEFAULT_DIR, PROJECT_SCHEMA_DIR, SCHEMA_NAMES, record_schema, render_schemas
from synth.cli import main

EXAMPLES = (REPOSITORY, DATA / "check-example")


def properties(schema: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every property of every object in ``schema`` (its $defs included), with a dotted name."""
    for name, definition in schema.get("$defs", {}).items():
        yield from properties(definition, f"$defs.{name}")
    for name, prop in schema.get("properties", {}).items():
        yield f"{where}.{name}".lstrip("."), prop


def validator(name: str) -> jsonschema.protocols.Validator:
    schema = record_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("folder", [DEFAULT_DIR, REPOSITORY / PROJECT_SCHEMA_DIR], ids=["package", "project"])
def test_committed_schemas_equal_freshly_generated_ones(folder: Path) -> None:
    """The package's and this project's schemas are what `synth schema` writes now (regenerate both after a change)."""
    committed = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.json")}
    assert committed == render_schemas(), f"stale: run `synth schema -o {folder}` and commit it"


def test_synth_schema_writes_into_the_project_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without -o, the schemas go into schemas/ of the current folder, where `$schema` lines point."""
    monkeypatch.chdir(tmp_path)
    assert main(["schema"]) == 0
    assert sorted(path.name for path in (tmp_path / "schemas").iterdir()) == sorted(render_schemas())


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_every_field_has_a_description(name: str) -> None:
    """Each field's docstring in the models becomes its description, for editors' hovers."""
    schema = record_schema(name)
    undocumented = [where for where, prop in properties(schema) if not prop.get("description", "").strip()]
    assert undocumented == []
    assert schema["description"]


@pytest.mark.parametrize("name", SCHEMA_NAMES)
def test_schemas_are_valid_json_schema_of_their_declared_dialect(name: str) -> None:
    """Each file declares draft 2020-12 and is a valid schema of it."""
    schema = record_schema(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_every_real_record_is_valid_against_its_schema() -> None:
    """The knowledge base's records and the example project's all pass their JSON Schema, as they pass check."""
    checked = 0
    for project in EXAMPLES:
        for path in record_paths(project):
            kind = kind_of(path)
            name = "theme-file" if kind == "themes" else str(kind)
            errors = [error.message for error in validator(name).iter_errors(yaml.safe_load(path.read_text()))]
            assert errors == [], path
            checked += 1
    assert checked > 20


def test_every_record_of_the_knowledge_base_names_its_schema_in_its_first_line() -> None:
    """Each record in content/, themes.yaml too, starts with its type's $schema line, in the project's schemas/."""
    paths = record_paths(REPOSITORY)
    assert REPOSITORY / "content" / "themes.yaml" in paths
    for path in paths:
        kind = kind_of(path)
        name = "theme-file" if kind == "themes" else str(kind)
        schemas = REPOSITORY / PROJECT_SCHEMA_DIR
        relative = Path(os.path.relpath(schemas / f"{name}.schema.json", path.parent)).as_posix()
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        assert first == f"# yaml-language-server: $schema={relative}", path
        assert (path.parent / first.split("=", 1)[1]).resolve() == schemas / f"{name}.schema.json"


@pytest.mark.parametrize(("name", "record", "problem"), [
    ("study", {"title": "T", "cite": "k", "design": "novel", "summary": "S",
               "appraisal": {"strengths": "s", "limitations": "l"}}, "'novel' is not one of"),
    ("barrier", {"name": "N", "summary": "S", "what_to_do": "W", "colour": "red"}, "'colour' was unexpected"),
    ("finding", {"study": "Not A Slug", "statement": "S", "confidence": {}}, "does not match"),
    ("theme-file", {"Bad Id": {"name": "N"}}, "does not match"),
    ("outcome", {"name": "N", "summary": "S", "for_whom": "F", "basis": "felt", "direction": "positive"},
     "'felt' is not one of"),
    ("facilitator", {"name": "N", "summary": "S", "what_to_do": "W", "who_can_act": ["mayor"]},
     "'mayor' is not one of"),
    ("study", {"title": "T", "cite": "k", "design": "survey", "evidence_kind": "anecdote", "summary": "S",
               "appraisal": {"strengths": "s", "limitations": "l"}}, "'anecdote' is not one of"),
    ("study", {"title": "T", "cite": "k", "design": "practice-example", "evidence_kind": "practice-example",
               "summary": "S", "appraisal": {"strengths": "s", "limitations": "l"}}, "'evaluation' is a required"),
])
def test_schemas_reject_what_check_rejects(name: str, record: dict[str, Any], problem: str) -> None:
    """An unknown value, an unknown field, a non-slug id are errors in an editor too."""
    messages = [error.message for error in validator(name).iter_errors(record)]
    assert any(problem in message for message in messages), messages


def test_cli_writes_the_schemas_into_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`synth schema -o DIR` writes the six files; a second run reports nothing changed."""
    assert main(["schema", "-o", str(tmp_path)]) == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(f"{n}.schema.json" for n in SCHEMA_NAMES)
    assert json.loads((tmp_path / "study.schema.json").read_text())["properties"]["design"]["enum"][0] == (
        "qualitative-case-studies")
    capsys.readouterr()
    assert main(["schema", "-o", str(tmp_path)]) == 0
    assert capsys.readouterr().out == f"0 of 6 schemas changed in {tmp_path}\n"


def test_the_editor_rule_for_evaluation_names_the_kinds_check_enforces() -> None:
    """The JSON Schema's evaluation rule and `synth check`'s name the same kinds of evidence."""
    from synth.records.schema import EVALUATED_KINDS, EVALUATION_REQUIRED

    condition = EVALUATION_REQUIRED["if"]
    assert isinstance(condition, dict)
    assert condition["properties"] == {"evidence_kind": {"enum": sorted(EVALUATED_KINDS)}}
