"""Starting a knowledge base: `synth init DIR` writes a new project that builds at once.

The project is a copy of the starter files shipped inside this package (`starter/`): `mkdocs.yml`, one
commented example of each record kind, one BibTeX entry, an about page, a `.gitignore`, a pre-commit
configuration and a publishing workflow each for GitHub Pages and GitLab Pages, plus the JSON Schemas that the
records' `$schema` lines point at. Every file is written only into a folder that is missing or empty, so an
existing project is never overwritten.
"""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from synth import __version__
from synth.authoring.jsonschema import PROJECT_SCHEMA_DIR, write_schemas

DISTRIBUTION = "synth-evidence"
"""The name synth is installed by; the import package and the command stay `synth`."""

RENAMED = {
    "gitignore": ".gitignore",
    "pre-commit-config.yaml": ".pre-commit-config.yaml",
    "workflows/github-pages.yml": ".github/workflows/publish.yml",
    "workflows/gitlab-ci.yml": ".gitlab-ci.yml",
}
"""Starter files kept under a visible name in the package, written under their conventional one."""

FILLED = {"mkdocs.yml", "workflows/github-pages.yml", "workflows/gitlab-ci.yml"}
"""Starter files with `{site_name}` or `{requirement}` to fill in (nothing else in them is a placeholder)."""


class InitError(Exception):
    """The project could not be written; the message says why."""


def starter_files() -> dict[str, str]:
    """Every starter file's text, keyed by its path inside the starter folder (POSIX separators)."""
    root = resources.files("synth.authoring") / "starter"
    return dict(sorted(_walk(root, "")))


def _walk(folder: Traversable, prefix: str) -> list[tuple[str, str]]:
    files: list[tuple[str, str]] = []
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            files.extend(_walk(entry, f"{name}/"))
        elif entry.is_file():
            files.append((name, entry.read_text(encoding="utf-8")))
    return files


def site_name_for(folder: Path) -> str:
    """A readable site name from the project folder's name: `knife-crime-kb` → "Knife crime kb"."""
    words = folder.resolve().name.replace("-", " ").replace("_", " ").strip()
    return (words[:1].upper() + words[1:]) if words else "Knowledge base"


def render_project(site_name: str) -> dict[str, str]:
    """The new project's files, keyed by their path inside the project."""
    requirement = f"{DISTRIBUTION}=={__version__}"
    quoted_name = site_name.replace("\\", "\\\\").replace('"', '\\"')
    project = {}
    for name, text in starter_files().items():
        if name in FILLED:
            text = text.replace("{site_name}", quoted_name).replace("{requirement}", requirement)
        project[RENAMED.get(name, name)] = text
    return project


def init_project(folder: Path, site_name: str | None = None) -> list[Path]:
    """Write a new project into ``folder`` (missing or empty) and return the files written."""
    if folder.exists() and not folder.is_dir():
        raise InitError(f"'{folder}' exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"'{folder}' is not empty; synth init writes a new project only into an empty folder")
    name = site_name or site_name_for(folder)
    if any(ord(character) < 32 for character in name):
        raise InitError("--name: a site name cannot hold control characters or line breaks")
    written = []
    for relative, text in render_project(name).items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    written.extend(write_schemas(folder / PROJECT_SCHEMA_DIR))
    return sorted(written)


def add_init_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth init DIR [--name NAME]`: start a new knowledge base."""
    init = commands.add_parser("init", help="start a new knowledge base in an empty folder",
                               description="Write a new knowledge base project that builds with "
                                           "`mkdocs build --strict` at once: mkdocs.yml, one example of each "
                                           "record kind, a bibliography, an about page, a pre-commit "
                                           "configuration and publishing workflows for GitHub and GitLab Pages.")
    init.add_argument("folder", type=Path, metavar="DIR", help="the new project's folder (missing or empty)")
    init.add_argument("--name", metavar="NAME", help="the site's name (default: made from the folder's name)")
    init.set_defaults(run=run_init)


def run_init(args: argparse.Namespace) -> int:
    """Write the project and say what to do next."""
    try:
        written = init_project(args.folder, args.name)
    except InitError as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {len(written)} files in {args.folder}")
    print(f"next: cd {args.folder} && synth check --strict && mkdocs serve")
    return 0
