"""Papers, stage 3: find the evidence a paper embeds and the references it cites, and check that they exist.

A paper shows records from the knowledge base with a double-bracket syntax:

| written, alone on a line | shows |
| --- | --- |
| ``[[finding:ID]]`` | the finding's statement, a quotation with its locator, its confidence and its study |
| ``[[barrier:ID]]``, ``[[facilitator:ID]]`` | the summary, the evidence behind it and each of its findings |
| ``[[outcome:ID]]`` | the same for an outcome, with how it is known (measured, observed, perceived, expected) |
| ``[[study:ID]]`` | the study's title, design, setting, summary and reference |
| ``[[table:barriers]]``, ``[[table:facilitators]]``, ``[[table:outcomes]]`` | every one of them in a table |
| ``[[matrix]]`` | the evidence matrix: how many findings from each study bear on each barrier, facilitator or outcome |

An embed must start in the first column of its line and be alone on it. Inside a sentence, a record form
(``[[barrier:ID]]`` and the others naming one record) is a *mention*: the record's name with its evidence in
brief. Code blocks, code spans and HTML comments are never read, and a backslash before ``[[`` makes it text.
Anything else in double brackets is an error, so a mistyped embed never silently shows as text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from synth.citations.scan import code_line_numbers, find_citations
from synth.errors import Diagnostic, Location, did_you_mean
from synth.papers.limits import REMEMBERED_TEXT, Place, check_body
from synth.papers.model import Paper, load_papers
from synth.records.link import KnowledgeBase

RECORD_KINDS = ("finding", "barrier", "facilitator", "outcome", "study")
TABLES = ("barriers", "facilitators", "outcomes")
FORMS = "[[finding:ID]], [[barrier:ID]], [[facilitator:ID]], [[outcome:ID]], [[study:ID]], [[table:barriers]], " \
        "[[table:facilitators]], [[table:outcomes]] or [[matrix]]"
DOUBLE_BRACKETS = re.compile(r"(?<!\\)\[\[(?P<body>[^\[\]\n]*)\]\]")
CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class Embed:
    """One double-bracket form in a paper: what it names, where it is, and whether it stands alone on its line."""

    kind: str
    """``finding``, ``barrier``, ``facilitator``, ``outcome``, ``study``, ``table`` or ``matrix``; empty when
    unreadable."""
    target: str
    """The record id or table name; empty for the matrix."""
    line: int
    column: int
    block: bool
    """True for an embed alone on its line, False for a mention inside text."""
    text: str
    """The form as written, brackets included."""
    start: int
    """Where the form starts in its line (0-based), for replacing it."""

    @property
    def is_record(self) -> bool:
        """Whether the form names one record (rather than a table or the matrix)."""
        return self.kind in RECORD_KINDS


def find_embeds(paper: Paper) -> list[Embed]:
    """Every double-bracket form in the paper's body outside code and comments, in document order."""
    scan = _remembered_embeds if len(paper.text) <= REMEMBERED_TEXT else _embeds
    return list(scan(paper.text, paper.body_line))


def _embeds(text: str, body_line: int) -> tuple[Embed, ...]:
    return tuple(_scan(text.split("\n"), body_line))


_remembered_embeds = functools.lru_cache(maxsize=64)(_embeds)
"""`_embeds` remembered: a build asks for a paper's embeds several times, and a rebuild for the same again."""


def _scan(lines: list[str], body_line: int) -> Iterator[Embed]:
    readable = _readable_lines(lines, body_line)
    for number, line in readable.items():
        for match in DOUBLE_BRACKETS.finditer(line):
            kind, _, target = match.group("body").strip().partition(":")
            block = match.start() == 0 and not line[match.end():].strip()
            yield Embed(kind.strip(), target.strip(), number, match.start() + 1, block,
                        lines[number - 1][match.start():match.end()], match.start())


def _readable_lines(lines: list[str], body_line: int) -> dict[int, str]:
    """The body's lines outside code blocks, by 1-based number, with code spans and comments blanked out."""
    body = lines[body_line - 1:]
    code = code_line_numbers(body)
    text = "\n".join("" if index in code else line for index, line in enumerate(body))
    text = COMMENT.sub(lambda match: re.sub(r"[^\n]", " ", match.group()), text)
    masked = [CODE_SPAN.sub(lambda match: " " * len(match.group()), line) for line in text.split("\n")]
    return {body_line + index: line for index, line in enumerate(masked) if "[[" in line}


def check_embed(embed: Embed, kb: KnowledgeBase, path: str, paper: str) -> Diagnostic | None:
    """The problem with one embed or mention, if any: a malformed form or an id that names no record."""
    where = Location(path, embed.line, embed.column)
    if embed.is_record:
        known = _records(kb, embed.kind)
        if embed.target in known:
            return None
        hint = did_you_mean(embed.target, known) or f"see content/{_folder(embed.kind)}/ for the {embed.kind} ids"
        return Diagnostic("paper.unknown-record", f"{embed.text}: no {embed.kind} has the id '{embed.target}'",
                          where, paper, hint)
    if (embed.kind, embed.target) in {("table", name) for name in TABLES} | {("matrix", "")}:
        if embed.block:
            return None
        return Diagnostic("paper.bad-embed", f"{embed.text} must be on a line of its own, starting in column 1",
                          where, paper, "move it to its own line, with blank lines around it")
    if embed.kind == "table":
        hint = did_you_mean(embed.target, TABLES) or "write 'barriers', 'facilitators' or 'outcomes' after 'table:'"
    elif embed.kind == "matrix":
        hint = "write [[matrix]], with nothing after the word"
    else:
        hint = did_you_mean(embed.kind, (*RECORD_KINDS, "table", "matrix")) or "write '\\[[' for literal brackets"
    return Diagnostic("paper.bad-embed", f"{embed.text} is not an embed; expected one of: {FORMS}", where, paper,
                      hint)


def _records(kb: KnowledgeBase, kind: str) -> Mapping[str, object]:
    """The records of one kind in the knowledge base, by id."""
    tables: dict[str, Mapping[str, object]] = {
        "finding": kb.findings, "barrier": kb.barriers, "facilitator": kb.facilitators, "outcome": kb.outcomes,
        "study": kb.studies}
    return tables[kind]


def _folder(kind: str) -> str:
    return "studies" if kind == "study" else f"{kind}s"


def check_citations(paper: Paper, kb: KnowledgeBase) -> list[Diagnostic]:
    """One error for each citation of a key the bibliography does not hold, at its line."""
    problems = []
    for key, line in find_citations(paper.text):
        if key in kb.bibliography:
            continue
        column = _column_of(paper.lines[line - 1], key)
        matches = kb.bibliography.close_matches(key)
        hint = f"did you mean '{matches[0]}'?" if matches else "add an entry with this key to a bibliography/*.bib file"
        problems.append(Diagnostic("paper.unknown-key", f"@{key}: no BibTeX entry has the key '{key}'",
                                   Location(paper.path, line, column), paper.slug, hint))
    return problems


def _column_of(line: str, key: str) -> int:
    """The 1-based column of the key's ``@`` in its line, or 1 when it cannot be found there."""
    for form in (f"@{{{key}}}", f"@{key}"):
        if form in line:
            return line.index(form) + 1
    return 1


def check_paper(paper: Paper, kb: KnowledgeBase) -> list[Diagnostic]:
    """Every problem with what one paper embeds and cites, in line order."""
    problems = [check_embed(embed, kb, paper.path, paper.slug) for embed in find_embeds(paper)]
    found = [problem for problem in problems if problem is not None] + check_citations(paper, kb)
    found += check_body(paper.body, Place(paper.path, paper.slug, paper.body_line))
    return sorted(found, key=lambda d: (d.location.line, d.location.column) if d.location else (0, 0))


def check_papers(content_dir: Path, kb: KnowledgeBase,
                 display_root: Path | None = None) -> tuple[list[Paper], list[Diagnostic]]:
    """Read every paper in ``content_dir``/papers: the papers that could be read, and every problem in them."""
    papers, problems = load_papers(content_dir / "papers", display_root)
    return papers, problems + [problem for paper in papers for problem in check_paper(paper, kb)]


def errors_in(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The diagnostics that are errors."""
    return [d for d in diagnostics if d.severity == "error"]
