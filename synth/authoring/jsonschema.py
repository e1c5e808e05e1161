"""JSON Schemas for editors: `synth schema` writes one per record type, generated from the record models.

Editors that run yaml-language-server (VS Code's YAML extension, Neovim, Emacs, JetBrains, Helix...) read the
`# yaml-language-server: $schema=...` line at the top of each record and then complete field names, list the
allowed values and show each field's documentation while a researcher types. The schemas come from the
pydantic models in `synth/records/schema.py` (`model_json_schema()`), whose attribute docstrings become the
descriptions, so they can never disagree with `synth check`. The generated files are committed in
`synth/schemas/`; a test fails when they are stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from synth.records.schema import MODELS, SLUG_PATTERN, Theme

DIALECT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT_DIR = Path(__file__).parent.parent / "schemas"
"""The schemas published inside the package (regenerated with `synth schema -o synth/schemas` after a model changes)."""
PROJECT_SCHEMA_DIR = "schemas"
"""The folder of a project that `synth schema` writes into and the records' `$schema` lines point at."""
RECORD_TYPES = ("study", "finding", "barrier", "facilitator", "outcome")
SCHEMA_NAMES = (*RECORD_TYPES, "theme-file")
"""The schemas written, by name: `<name>.schema.json`."""


def record_schema(name: str) -> dict[str, Any]:
    """The JSON Schema named ``name``: a record type, or `theme-file` for `content/themes.yaml`."""
    if name == "theme-file":
        return _theme_file_schema()
    model = MODELS[name]
    schema = model.model_json_schema()
    return {"$schema": DIALECT, "title": f"synth {name} record", **_without_title(schema)}


def _without_title(schema: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in schema.items() if key != "title"}


def _theme_file_schema() -> dict[str, Any]:
    """`themes.yaml` maps each theme id (a slug) to a theme's fields."""
    theme = Theme.model_json_schema()
    return {
        "$schema": DIALECT,
        "title": "synth themes file",
        "description": "The controlled list of themes: each key is a theme id (a lower-case slug) that findings, "
                       "barriers and facilitators name in their `themes:` lists.",
        "type": "object",
        "propertyNames": {"pattern": SLUG_PATTERN},
        "additionalProperties": {"$ref": "#/$defs/Theme"},
        "$defs": {"Theme": theme},
    }


def render_schemas() -> dict[str, str]:
    """Every schema as the text of its file, keyed by file name."""
    return {f"{name}.schema.json": json.dumps(record_schema(name), indent=2, ensure_ascii=False) + "\n"
            for name in SCHEMA_NAMES}


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema into ``directory``; return the paths whose contents changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for file_name, text in render_schemas().items():
        path = directory / file_name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8", newline="\n")
            changed.append(path)
    return changed


def add_schema_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth schema [-o DIR]`: write the JSON Schemas editors use."""
    schema = commands.add_parser("schema", help="write the JSON Schemas of the record types",
                                 description="Write one JSON Schema per record type (and one for themes.yaml), "
                                             "generated from the record models, for editors to validate against.")
    schema.add_argument("-o", "--output", type=Path, default=Path(PROJECT_SCHEMA_DIR), metavar="DIR",
                        help=f"the folder to write them in (default: {PROJECT_SCHEMA_DIR}/ in the current folder, "
                             "where the records' $schema lines point)")
    schema.set_defaults(run=run_schema)


def run_schema(args: argparse.Namespace) -> int:
    """Write the schemas and say which changed."""
    output: Path = args.output
    if output.exists() and not output.is_dir():
        print(f"synth: error: -o: '{output}' is not a folder", file=sys.stderr)
        return 2
    changed = write_schemas(output)
    for path in changed:
        print(f"wrote {path}")
    print(f"{len(changed)} of {len(SCHEMA_NAMES)} schemas changed in {output}")
    return 0


def schema_comment(kind: str) -> str:
    """The `$schema` comment line of a record file of ``kind``, pointing at the project's schemas folder.

    Record files sit two folders down (`content/studies/x.yaml`); the themes file one (`content/themes.yaml`).
    """
    if kind == "theme-file":
        return f"# yaml-language-server: $schema=../{PROJECT_SCHEMA_DIR}/theme-file.schema.json"
    return f"# yaml-language-server: $schema=../../{PROJECT_SCHEMA_DIR}/{kind}.schema.json"
