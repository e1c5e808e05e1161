"""Papers, stage 1 and 2: read a paper's Markdown file and validate its YAML front matter.

A paper is a Markdown file in `content/papers/` that opens with a YAML front matter block between two
``---`` lines. The front matter is validated against `PaperMeta`, a pydantic model in the manner of
`synth.records.schema`, so each field's docstring is its documentation and every problem becomes a `Diagnostic` at
the line of the offending field. The body is kept as written, with the line it starts on, so later checks
point at lines of the file itself.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError

from synth.errors import Diagnostic, Location
from synth.project_files import MAX_FILE_BYTES, list_project_files, read_project_file
from synth.records.load import RawRecord, YamlProblem, display_path, parse_yaml
from synth.records.schema import SLUG_PATTERN, Record, Text
from synth.records.validate import RESERVED_IDS, schema_diagnostic

FRONT_MATTER_FENCE = re.compile(r"^-{3}[ \t]*$")
FRONT_MATTER_END = re.compile(r"^(?:-{3}|\.{3})[ \t]*$")
Status = Literal["draft", "published"]
Relation = Literal["prepared-for", "presented-at"]
RELATION_WORDS = {"prepared-for": "prepared for", "presented-at": "presented at"}
"""How the title block, the running text of a reference and the citation exports word each relation."""


class Author(Record):
    """One author of a paper, as the title block and the citation exports show them."""

    name: Text
    """A person as ``Family, Given`` (printed as "Given Family"), or a group's name without a comma."""
    affiliation: Text | None = None
    """Where the author works, printed under the names in the title block."""

    @property
    def display_name(self) -> str:
        """The name as printed: ``Given Family`` for a person, the name itself for a group."""
        family, _, given = self.name.partition(",")
        return f"{given.strip()} {family.strip()}".strip() if given.strip() else self.name

    @property
    def family(self) -> str:
        """The family name of a person, or a group's whole name."""
        return self.name.partition(",")[0].strip()


class PaperEvent(Record):
    """The event a paper relates to, and how: written for it, or presented at it."""

    name: Text
    """The event, such as a seminar, as the sources describe it."""
    relation: Relation
    """``prepared-for`` (written for the event; it says nothing of the event's organisers having asked for it or
    used it) or ``presented-at`` (given at the event)."""

    @property
    def phrase(self) -> str:
        """``prepared for <name>`` or ``presented at <name>``, to follow "Paper" in a reference."""
        return f"{RELATION_WORDS[self.relation]} {self.name}"

    @property
    def heading(self) -> str:
        """``Prepared for <name>`` or ``Presented at <name>``, as the title block shows it."""
        return self.phrase[0].upper() + self.phrase[1:]


class PaperMeta(Record):
    """The front matter of a paper: what the title block, the running header and the citation exports show."""

    title: Text
    """The paper's title."""
    authors: Annotated[tuple[Author, ...], Field(min_length=1)]
    """Who wrote the paper, in order; at least one."""
    date: datetime.date
    """The date of this version, as ``YYYY-MM-DD``; it is also the PDF's creation date."""
    prepared_by: Text | None = None
    """Whose paper it is and what it was prepared from, in a sentence shown under the authors; say plainly
    when the paper is not the work of an event's organisers or of the project a source describes."""
    event: PaperEvent | None = None
    """The event the paper relates to, if any: ``name`` and ``relation`` (``prepared-for`` or ``presented-at``)."""
    abstract: Text
    """A plain-text summary of the paper, shown under the title (citations are not resolved in it)."""
    status: Status
    """``draft`` (every PDF page is marked DRAFT) or ``published``."""
    version: Text
    """The version of this text, such as ``'0.1'`` (quote it, so YAML keeps it as text)."""


@dataclass(frozen=True)
class Paper:
    """One paper: its slug (the file name), where it is, its validated front matter and its Markdown text."""

    slug: str
    path: str
    """The file's path as the user sees it, for diagnostics."""
    meta: PaperMeta
    text: str
    """The whole file, front matter included, so line numbers are the file's own."""
    body_line: int
    """The 1-based line on which the body (after the front matter) starts."""

    @property
    def lines(self) -> list[str]:
        """The file's lines, without their newlines."""
        return self.text.split("\n")

    @property
    def body(self) -> str:
        """The Markdown after the front matter."""
        return "\n".join(self.lines[self.body_line - 1:])

    @property
    def is_draft(self) -> bool:
        """Whether the paper is still a draft."""
        return self.meta.status == "draft"


def load_papers(folder: Path, display_root: Path | None = None) -> tuple[list[Paper], list[Diagnostic]]:
    """Read every ``*.md`` file in ``folder`` (a project's `content/papers/`), in name order.

    Only regular files inside the project (the folder two levels up) are read; others are reported.
    """
    listing = list_project_files(folder, ".md", project=folder.parent.parent, display_root=display_root)
    papers: list[Paper] = []
    diagnostics: list[Diagnostic] = list(listing.diagnostics)
    for path in listing.paths:
        paper, problems = load_paper(path, display_root)
        diagnostics.extend(problems)
        if paper is not None:
            papers.append(paper)
    return papers, diagnostics


def load_paper(path: Path, display_root: Path | None = None) -> tuple[Paper | None, list[Diagnostic]]:
    """Read one paper; None and located diagnostics when its file name or front matter is unusable."""
    shown = display_path(path, display_root)
    data = read_project_file(path, shown, MAX_FILE_BYTES[".md"])
    if isinstance(data, Diagnostic):
        return None, [data]
    try:
        text = data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        return None, [Diagnostic("paper.encoding", f"not UTF-8 text ({error.reason})", Location(shown), path.stem,
                                 "save the file as UTF-8")]
    return parse_paper(text, shown, path.stem)


def parse_paper(text: str, shown: str, slug: str) -> tuple[Paper | None, list[Diagnostic]]:
    """Split ``text`` into front matter and body and validate the front matter; ``shown`` is its path."""
    problems = _check_slug(slug, shown)
    lines = text.split("\n")
    end = _front_matter_end(lines)
    if end is None:
        problems.append(Diagnostic(
            "paper.no-front-matter", "a paper must open with YAML front matter between two '---' lines",
            Location(shown), slug, "start the file with '---', the fields title, authors, date, abstract, status "
            "and version (and, if wanted, prepared_by and event), and another '---'"))
        return None, problems
    meta = _validate(slug, shown, "\n".join(lines[1:end]), problems)
    if meta is None or problems:
        return None, problems
    return Paper(slug, shown, meta, text, end + 2), problems


def _check_slug(slug: str, shown: str) -> list[Diagnostic]:
    """A paper's file name names its page and its PDF, so it must be a lower-case slug, and not `index`."""
    if slug in RESERVED_IDS:
        return [Diagnostic("id.reserved", f"the id '{slug}' is reserved: it is the address of the papers listing",
                           Location(shown), slug, "rename the file")]
    if re.fullmatch(SLUG_PATTERN, slug):
        return []
    suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-") or "paper"
    return [Diagnostic("paper.not-slug", f"file name '{slug}' is not a lower-case slug (letters, digits, hyphens)",
                       Location(shown), slug, f"rename it to '{suggestion}.md'")]


def _front_matter_end(lines: list[str]) -> int | None:
    """The 0-based index of the line closing the front matter, or None when the file has none."""
    if not lines or not FRONT_MATTER_FENCE.match(lines[0]):
        return None
    return next((i for i in range(1, len(lines)) if FRONT_MATTER_END.match(lines[i])), None)


def _validate(slug: str, shown: str, yaml_text: str, problems: list[Diagnostic]) -> PaperMeta | None:
    """Parse and validate the front matter, adding a located diagnostic for every problem."""
    try:
        data, positions, key_positions = parse_yaml(yaml_text)
    except YamlProblem as error:
        problems.append(Diagnostic(error.code, error.message, Location(shown, error.line + 1, error.column), slug,
                                   error.hint))
        return None
    shift = {path: (line + 1, column) for path, (line, column) in positions.items()}
    key_shift = {path: (line + 1, column) for path, (line, column) in key_positions.items()}
    if not isinstance(data, dict):
        problems.append(Diagnostic("yaml.not-mapping", "the front matter must be a mapping of fields",
                                   Location(shown, 2), slug, "write one 'field: value' per line"))
        return None
    raw = RawRecord("paper", slug, shown, data, shift, key_shift)
    try:
        return PaperMeta.model_validate(data)
    except ValidationError as error:
        problems.extend(schema_diagnostic(raw, PaperMeta, detail) for detail in error.errors(include_url=False))
        return None
