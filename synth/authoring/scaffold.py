"""Scaffolding: `synth new` writes a commented record template for a researcher to fill in.

A template is a record in canonical form (fields in schema order, as `synth fmt` writes them) whose values a
person must still decide are the placeholder `TODO`. The schema refuses that placeholder, so `synth check`
names every field left unfilled. Comments above the fields are the fields' own documentation from
`synth/records/schema.py`, so the template never drifts from the schema. The record id is a slug of the title,
made unique against the folder; a file is never overwritten.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from slugify import slugify as python_slugify

from synth.authoring.jsonschema import schema_comment
from synth.errors import did_you_mean
from synth.records.load import YAML_LOADER
from synth.records.schema import (
    ACTORS,
    CONCERNS,
    DESIGNS,
    EVALUATIONS,
    EVIDENCE_KINDS,
    FOLDERS,
    MODELS,
    PLACEHOLDER,
    RATINGS,
    SLUG_PATTERN,
    Appraisal,
    ComponentAssessment,
    Confidence,
    Finding,
    Outcome,
    OverallAssessment,
    Quotation,
    Record,
    Study,
)
from synth.records.validate import RESERVED_IDS

FOLDER_OF: dict[str, str] = {kind: folder for folder, kind in FOLDERS.items()}
"""The content folder of each record kind: study → studies, ..."""
MAX_ID_LENGTH = 60
WRAP_WIDTH = 110
COMPONENTS = ("methodological_limitations", "coherence", "adequacy", "relevance")


class ScaffoldError(Exception):
    """A record could not be created; the message says why and what to do."""


def slugify(text: str, max_length: int = MAX_ID_LENGTH) -> str:
    """A lower-case slug of ``text``, transliterated by python-slugify ("Łódź" → "lodz", Cyrillic in Latin letters)."""
    slug = re.sub(r"[^a-z0-9]+", "-", python_slugify(text, lowercase=True)).strip("-")
    if len(slug) > max_length:
        cut = slug.rfind("-", 0, max_length + 1)
        slug = slug[: cut if cut > 0 else max_length].strip("-")
    return slug


def unique_id(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever no id in ``taken`` equals, ignoring letter case."""
    used = {name.casefold() for name in taken}
    candidate, number = base, 1
    while candidate.casefold() in used:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def existing_ids(folder: Path) -> list[str]:
    """The ids of the records already in a content folder (every file name, whatever its suffix)."""
    return sorted(path.stem for path in folder.iterdir()) if folder.is_dir() else []


def scalar(value: str | int) -> str:
    """``value`` as a YAML scalar: plain where YAML reads it back unchanged, else double-quoted."""
    if isinstance(value, int):
        return str(value)
    plain = value == value.strip() and "\n" not in value and _reads_back(f"k: {value}\n", value)
    return value if plain else json.dumps(value, ensure_ascii=False)


def _reads_back(text: str, value: object) -> bool:
    """Whether YAML ``text`` (one ``k:`` field) reads back as exactly ``value``."""
    try:
        return bool(yaml.load(text, Loader=YAML_LOADER) == {"k": value})
    except yaml.YAMLError:
        return False


def field_lines(key: str, value: str | int, indent: int = 0) -> list[str]:
    """``key: value`` lines; long text is folded (``>-``) over several lines when that reads back exactly."""
    pad = " " * indent
    single = f"{pad}{key}: {scalar(value)}"
    if isinstance(value, int) or len(single) <= WRAP_WIDTH:
        return [single]
    wrapped = textwrap.wrap(value, WRAP_WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
    lines = [f"{pad}{key}: >-", *(f"{pad}  {line}" for line in wrapped)]
    text = "\n".join(line[indent:] for line in lines) + "\n"
    return lines if _reads_back(text.replace(f"{key}:", "k:", 1), value) else [single]


def doc(model: type[Record], field: str, extra: str = "", indent: int = 0) -> list[str]:
    """A field's documentation from the schema (and ``extra`` words), as comment lines."""
    text = f"{model.model_fields[field].description} {extra}".strip()
    return comment(text, indent)


def comment(text: str, indent: int = 0) -> list[str]:
    """``text`` as YAML comment lines indented by ``indent``, wrapped to the template's width."""
    pad = " " * indent
    return [f"{pad}# {line}" for line in textwrap.wrap(text, WRAP_WIDTH - indent - 2, break_on_hyphens=False)]


def render_study(title: str, cite: str = PLACEHOLDER, *, year: int | None = None, summary: str = PLACEHOLDER,
                 tags: Sequence[str] = (), notes: Sequence[str] = ()) -> str:
    """A study template: the values given, and the placeholder for everything only a researcher can write."""
    lines = [
        schema_comment("study"),
        "# A study: one source of evidence. Replace every TODO; `synth check` names any left.",
        *(line for note in notes for line in comment(note)),
        *doc(Study, "title"),
        *field_lines("title", title),
        *doc(Study, "cite"),
        *field_lines("cite", cite),
        *doc(Study, "design", f"One of: {', '.join(DESIGNS)}."),
        "design: TODO",
        *doc(Study, "evidence_kind", f"One of: {', '.join(EVIDENCE_KINDS)}."),
        "evidence_kind: TODO",
        *doc(Study, "evaluation", f"One of: {', '.join(EVALUATIONS)}."),
        "# evaluation: described-not-evaluated",
        "# Optional: remove the '# ' to use a field, only when the source gives it.",
        "# setting: where the study took place",
        "# country: the country or countries",
        *(field_lines("year", year) if year is not None else ["# year: 2012"]),
        "# participants: who took part, as the source describes them",
        *doc(Study, "summary"),
        *field_lines("summary", summary),
        *doc(Study, "appraisal"),
        "appraisal:",
        *doc(Appraisal, "strengths", indent=2),
        "  strengths: TODO",
        *doc(Appraisal, "limitations", indent=2),
        "  limitations: TODO",
        *doc(Study, "source"),
        "# source: name-of-the-full-text.txt",
    ]
    if tags:
        lines += [*doc(Study, "tags"), "tags:", *(f"  - {scalar(tag)}" for tag in tags)]
    return "\n".join(lines) + "\n"


def render_finding(study: str, title: str) -> str:
    """A finding template for ``study``; ``title`` names it in the opening comment."""
    lines = [
        schema_comment("finding"),
        *comment(f"A finding: {title}. Replace every TODO; `synth check` names any left."),
        *doc(Finding, "study"),
        *field_lines("study", study),
        *doc(Finding, "title"),
        "title: TODO",
        *doc(Finding, "statement"),
        "statement: TODO",
        *doc(Finding, "evidence"),
        "evidence:",
        *doc(Quotation, "quote", indent=2),
        "  - quote: TODO",
        *doc(Quotation, "locator", indent=4),
        "    locator: TODO",
        *doc(Finding, "barriers"),
        "barriers: []",
        *doc(Finding, "facilitators"),
        "facilitators: []",
        *doc(Finding, "outcomes"),
        "outcomes: []",
        *doc(Finding, "themes"),
        "themes: []",
        *doc(Finding, "keywords"),
        "keywords: []",
        *doc(Finding, "confidence", f"Each concern is one of: {', '.join(CONCERNS)}."),
        "confidence:",
    ]
    for component in COMPONENTS:
        lines += [*doc(Confidence, component, indent=2), f"  {component}:", "    concern: TODO",
                  *doc(ComponentAssessment, "explanation", indent=4), "    explanation: TODO"]
    lines += [*doc(Confidence, "overall", f"One of: {', '.join(RATINGS)}.", indent=2), "  overall:",
              "    rating: TODO", *doc(OverallAssessment, "explanation", indent=4), "    explanation: TODO"]
    return "\n".join(lines) + "\n"


def render_factor(kind: str, name: str) -> str:
    """A barrier or facilitator template named ``name``."""
    model = MODELS[kind]
    lines = [
        schema_comment(kind),
        *comment(f"A {kind}. Replace every TODO; `synth check` names any left. "
                 f"Link findings to it from their '{kind}s:' lists."),
        *doc(model, "name"),
        *field_lines("name", name),
        *doc(model, "summary"),
        "summary: TODO",
        *doc(model, "what_to_do"),
        "what_to_do: TODO",
        *doc(model, "themes"),
        "themes: []",
        *doc(model, "who_can_act", f"Any of: {', '.join(ACTORS)}."),
        "who_can_act: []",
        *doc(model, "keywords"),
        "keywords: []",
    ]
    return "\n".join(lines) + "\n"


def render_outcome(name: str) -> str:
    """An outcome template named ``name``."""
    lines = [
        schema_comment("outcome"),
        *comment("An outcome. Replace every TODO; `synth check` names any left. Link findings to it from their "
                 "'outcomes:' lists."),
        *doc(Outcome, "name"),
        *field_lines("name", name),
        *doc(Outcome, "summary"),
        "summary: TODO",
        *doc(Outcome, "for_whom"),
        "for_whom: TODO",
        *doc(Outcome, "basis"),
        "basis: TODO",
        *doc(Outcome, "direction"),
        "direction: TODO",
        *doc(Outcome, "themes"),
        "themes: []",
        *doc(Outcome, "keywords"),
        "keywords: []",
    ]
    return "\n".join(lines) + "\n"


def write_new_file(path: Path, text: str) -> None:
    """Write ``text`` to a new file at ``path`` all at once; refuse (FileExistsError) if the path is taken."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".synth-new-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.link(temporary, path)  # link, unlike rename, fails when the target exists
    finally:
        os.unlink(temporary)


def create_record(project: Path, kind: str, title: str, *, study: str | None = None,
                  record_id: str | None = None) -> Path:
    """Write a new record template of ``kind`` under ``project/content`` and return its path."""
    folder = project / "content" / FOLDER_OF[kind]
    taken = existing_ids(folder)
    record_id = record_id or unique_id(_base_id(title), [*taken, *RESERVED_IDS])
    if record_id in RESERVED_IDS:
        raise ScaffoldError(f"--id: '{record_id}' is reserved for the {FOLDER_OF[kind]} listing page; choose another")
    if not re.fullmatch(SLUG_PATTERN, record_id):
        raise ScaffoldError(f"--id: '{record_id}' is not a lower-case slug (letters, digits, single hyphens)")
    if record_id in {name.casefold() for name in taken}:
        raise ScaffoldError(f"a {kind} with the id '{record_id}' already exists in {folder}; it was left as it is")
    if kind == "finding":
        text = render_finding(_known_study(project, study), title)
    elif kind == "study":
        text = render_study(title)
    elif kind == "outcome":
        text = render_outcome(title)
    else:
        text = render_factor(kind, title)
    path = folder / f"{record_id}.yaml"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        write_new_file(path, text)
    except FileExistsError:
        raise ScaffoldError(f"{path} already exists; it was left as it is (choose another --id)") from None
    return path


def _base_id(title: str) -> str:
    base = slugify(title)
    if not base:
        raise ScaffoldError(f"cannot make an id from the title {title!r}; pass one with --id")
    return base


def _known_study(project: Path, study: str | None) -> str:
    """``study`` if a study with that id exists, else a `ScaffoldError` with a did-you-mean hint."""
    if not study:
        raise ScaffoldError("a finding needs --study ID: the id of the study it comes from")
    known = [path.stem for path in (project / "content" / "studies").glob("*.yaml")]
    if study not in known:
        hint = did_you_mean(study, known) or "create the study first with `synth new study --title ...`"
        raise ScaffoldError(f"--study: no study has the id '{study}'; {hint}")
    return study


def add_new_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth new KIND --title ...`: write a record template to fill in."""
    new = commands.add_parser("new", help="write a new record template to fill in",
                              description="Write a commented record template under content/; "
                                          "`synth check` names every TODO left in it.")
    new.add_argument("kind", choices=tuple(FOLDER_OF), help="the kind of record")
    new.add_argument("--title", required=True,
                     help="the study's title, or the name of a finding, barrier, facilitator or outcome; the id "
                          "comes from it")
    new.add_argument("--study", metavar="ID", help="for a finding: the id of the study it comes from")
    new.add_argument("--id", dest="record_id", metavar="ID", help="use this id instead of one made from the title")
    new.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                     help="the project folder holding content/ (default: .)")
    new.set_defaults(run=run_new)


def run_new(args: argparse.Namespace) -> int:
    """Create the record and print its path; 1 when it cannot be created, 2 when used wrongly."""
    project: Path = args.project
    if not (project / "content").is_dir():
        print(f"synth: error: '{project}' has no content/ folder; pass the project folder with --project",
              file=sys.stderr)
        return 2
    try:
        path = create_record(project, args.kind, args.title, study=args.study, record_id=args.record_id)
    except ScaffoldError as error:
        print(f"synth new: error: {error}", file=sys.stderr)
        return 1
    print(path)
    return 0
