"""Stage 1, load (bibliography): read every `.bib` file into one pybtex database that remembers where each entry is.

All files are read as one database, in the order given, so an ``@string`` macro defined in one file works in
the next, as with ``Parser().parse_files([...])``. Each file is split into commands by `synth.references.bibtex_split`,
so a broken entry costs only itself and every entry keeps the line and column of its ``@``.

Loading never raises on bad content and never drops an entry silently. Severity follows what the reader
loses: an **error** when an entry is dropped (it cannot be read, or its key is already taken), because a
citation of it would then fail or quietly point at another work; a **warning** when the entry is kept and
still formats, perhaps with less (an undefined macro reads as empty, an unknown type or a biblatex field is
mapped to its nearest BibTeX equivalent).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pybtex.errors
from pybtex.bibtex.utils import split_name_list
from pybtex.database import BibliographyData, Entry, Person
from pybtex.database.input.bibtex import month_names
from pybtex.textutils import normalize_whitespace
from pybtex.utils import CaseInsensitiveDict

from synth.errors import Diagnostic, Location, did_you_mean
from synth.project_files import MAX_FILE_BYTES, display_path, read_project_file
from synth.records.cache import ContentCache, content_digest
from synth.references.bibtex_split import BrokenCommand, Command, split_commands
from synth.references.names import parse_person
from synth.references.text_encoding import decode_bib

STANDARD_TYPES = frozenset({
    "article", "book", "booklet", "conference", "inbook", "incollection", "inproceedings", "manual",
    "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
})
"""The entry types of BibTeX's standard styles, which every pybtex style formats."""

NEAREST_TYPE: Mapping[str, str] = {
    "online": "misc", "electronic": "misc", "www": "misc", "web_page": "misc", "webpage": "misc",
    "generic": "misc", "film": "misc", "software": "misc", "dataset": "misc", "patent": "misc",
    "book_section": "incollection", "inreference": "incollection", "collection": "book", "mvbook": "book",
    "report": "techreport", "thesis": "phdthesis", "newspaper_article": "article",
    "magazine_article": "article", "journal_article": "article", "conference_proceedings": "inproceedings",
}
"""The BibTeX type nearest to each common non-BibTeX type (biblatex, Mendeley); anything else reads as misc."""

BIBLATEX_FIELDS: Mapping[str, str] = {"journaltitle": "journal", "location": "address", "date": "year"}
"""biblatex fields and the BibTeX field a BibTeX style reads instead."""

PERSON_FIELDS = frozenset(Person.valid_roles)
YEAR_IN_DATE = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Bibliography:
    """Every usable entry of the `.bib` files as one pybtex database, and where each entry is defined."""

    data: BibliographyData
    """The entries, under their keys as written (pybtex itself looks keys up without letter case)."""
    locations: Mapping[str, Location]
    """Each key's location: the ``@`` of the ``@type{`` that defines it, in file order."""

    def __contains__(self, key: object) -> bool:
        """Tell whether ``key`` is defined, exactly as written."""
        return isinstance(key, str) and key in self.locations

    def keys(self) -> list[str]:
        """Return every key, in file order."""
        return list(self.locations)

    def close_matches(self, key: str) -> list[str]:
        """Return keys like ``key`` for a did-you-mean hint, those differing only in letter case first."""
        same = [other for other in self.locations if other.lower() == key.lower() and other != key]
        near = difflib.get_close_matches(key, self.keys(), n=3, cutoff=0.6)
        return same + [other for other in near if other not in same and other != key]


def load_bibliography(
    paths: Sequence[Path], display_root: Path | None = None, cache: ContentCache | None = None
) -> tuple[Bibliography, list[Diagnostic]]:
    """Read all files as one database (so @string macros defined in one file work in another).

    With a ``cache`` (kept by the caller), the files are parsed again only when one of them changed (or one
    came, went or moved): the same bytes in the same order give the very same `Bibliography`.
    """
    files = [(shown, read_project_file(path, shown, MAX_FILE_BYTES[".bib"]))
             for path in paths for shown in [display_path(path, display_root)]]
    if cache is None:
        return _parse_files(files)
    fingerprint = b"".join(shown.encode() + b"\0" + (content_digest(raw) if isinstance(raw, bytes) else
                                                     repr(raw).encode()) + b"\0" for shown, raw in files)
    bibliography, diagnostics = cache.get("bibliography", fingerprint, lambda: _parse_files(files))
    return bibliography, list(diagnostics)


def _parse_files(files: Sequence[tuple[str, bytes | Diagnostic]]) -> tuple[Bibliography, list[Diagnostic]]:
    """Parse the files' bytes (or the problem reading each) in order, as one database."""
    reader = _Reader()
    for shown, raw in files:
        text = _decode(raw, shown, reader.diagnostics)
        if text is not None:
            reader.read(text, shown)
    reader.diagnostics.extend(break_crossref_cycles(reader.data, reader.locations))
    return Bibliography(reader.data, dict(reader.locations)), reader.diagnostics


def break_crossref_cycles(data: BibliographyData, locations: Mapping[str, Location]) -> list[Diagnostic]:
    """Report each entry whose ``crossref`` chain leads back to itself, and drop its ``crossref`` field.

    Chains are followed in a loop, never by recursion, so one of any length costs nothing; once the cycles are
    broken, every chain ends, and a later stage that follows one cannot run forever.
    """
    finished: set[str] = set()
    cycles: list[list[str]] = []
    for start in locations:
        trail: dict[str, int] = {}  # Each key on this walk (lower case) and its place along it.
        walked: list[str] = []
        key: str | None = start
        while key is not None and key.lower() not in finished:
            if key.lower() in trail:
                cycles.append(walked[trail[key.lower()]:])
                break
            trail[key.lower()] = len(walked)
            walked.append(key)
            key = _parent_key(data, key)
        finished.update(trail)
    return [_cycle_error(data, cycle, member, locations) for cycle in cycles for member in cycle]


def _parent_key(data: BibliographyData, key: str) -> str | None:
    """The key of the entry ``key`` names as its ``crossref`` parent, as the database spells it; None if absent."""
    parent = data.entries[key].fields.get("crossref")
    if parent is None or parent not in data.entries:
        return None
    return str(data.entries[parent].key)


def _cycle_error(data: BibliographyData, cycle: list[str], member: str,
                 locations: Mapping[str, Location]) -> Diagnostic:
    """One entry of a cycle: located at its ``@``; its ``crossref`` is removed so nothing follows it again."""
    named = data.entries[member].fields.pop("crossref")
    start = cycle.index(member)
    path = " → ".join([*cycle[start:], *cycle[:start], member])
    message = f"'{member}' is in a crossref cycle ({path}); its crossref = {{{named}}} is ignored"
    return Diagnostic("bib.crossref-cycle", message, locations[member], member,
                      "a crossref names the parent entry (the book or proceedings); remove the one that points back")


def _decode(raw: bytes | Diagnostic, shown: str, diagnostics: list[Diagnostic]) -> str | None:
    """Return the file's text with newlines normalised, its encoding found by `decode_bib`; None if refused."""
    if isinstance(raw, Diagnostic):
        diagnostics.append(raw)
        return None
    text, problems = decode_bib(raw, shown)
    diagnostics.extend(problems)
    return text.replace("\r\n", "\n").replace("\r", "\n") if text is not None else None


@dataclass
class _Reader:
    """The state shared across files while reading: the database, macros, first keys and problems."""

    data: BibliographyData = field(default_factory=BibliographyData)
    macros: MutableMapping[str, str] = field(default_factory=lambda: CaseInsensitiveDict(month_names))
    locations: dict[str, Location] = field(default_factory=dict)
    first_keys: dict[str, str] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    names: NameMemo = field(default_factory=dict)

    def read(self, text: str, shown: str) -> None:
        """Add every command of one file's ``text``, shown to the user as path ``shown``."""
        for command in split_commands(text, self.macros):
            where = Location(shown, command.line, command.column)
            if isinstance(command, BrokenCommand):
                self.diagnostics.append(_syntax_error(command, where))
                continue
            if command.kind in ("string", "preamble"):
                self.diagnostics.extend(self._macro_warnings(command, where))
            if command.kind == "preamble":
                self.data.add_to_preamble(normalize_whitespace(command.fields[0][1]))
            elif command.kind != "string" and command.key is not None:
                self.add_entry(command, command.key, where)

    def add_entry(self, command: Command, key: str, where: Location) -> None:
        """Add one entry, unless its key (compared without letter case, as pybtex does) is taken."""
        first = self.first_keys.get(key.lower())
        if first is not None:
            self.diagnostics.append(_duplicate_error(key, first, self.locations[first], where))
            return
        entry, problems = _build_entry(command, key, where, self.names)
        self.diagnostics.extend([*self._macro_warnings(command, where), *problems])
        self.data.add_entry(key, entry)
        self.first_keys[key.lower()] = key
        self.locations[key] = where

    def _macro_warnings(self, command: Command, where: Location) -> list[Diagnostic]:
        """Warn once for each undefined ``@string`` macro the command uses."""
        what = f"entry '{command.key}'" if command.key else f"@{command.kind}"
        return [
            Diagnostic("bib.undefined-macro", f"undefined @string macro '{name}' in {what}; it reads as empty text",
                       where, command.key, _macro_hint(name, self.macros), "warning")
            for name in dict.fromkeys(command.undefined_macros)
        ]


def _macro_hint(name: str, macros: Iterable[str]) -> str:
    """Suggest a defined macro of a similar name, or how to define or avoid one."""
    return did_you_mean(name, macros) or f'define it first with @string{{{name} = "..."}}, or brace the value'


def _syntax_error(command: BrokenCommand, where: Location) -> Diagnostic:
    """Report a command that could not be read; for an entry, that entry is skipped."""
    what = f"@{command.kind} entry '{command.key}'" if command.key else f"@{command.kind}"
    line, column = command.stopped_at
    message = f"cannot read {what}: {command.reason} (reading stopped at {line}:{column}); it is skipped"
    hint = "check the braces, quotes and the commas between fields"
    return Diagnostic("bib.syntax", message, where, command.key, hint)


def _duplicate_error(key: str, first: str, first_where: Location, where: Location) -> Diagnostic:
    """Report a repeated key; the first entry is kept."""
    same = "the key" if key == first else f"'{first}' (keys are compared without letter case)"
    message = f"duplicate key '{key}': {same} is already defined at {first_where}; this entry is skipped"
    return Diagnostic("bib.duplicate-key", message, where, key, "give one of the entries a different key")


NameMemo = dict[str, tuple[Person, tuple[Exception, ...]]]
"""Names already read in this load, with pybtex's complaints about each: a name recurs across entries."""


def _build_entry(command: Command, key: str, where: Location,
                 names: NameMemo | None = None) -> tuple[Entry, list[Diagnostic]]:
    """Build a pybtex `Entry` as pybtex's parser would, reporting repeated fields and unreadable names."""
    entry = Entry(command.kind)
    problems: list[Diagnostic] = []
    name_errors: list[Exception] = []
    names = {} if names is None else names
    for name, value in command.fields:
        if name.lower() in entry.fields or name.lower() in entry.persons:
            message = f"field '{name}' appears twice in '{key}'; the first value is kept"
            problems.append(Diagnostic("bib.duplicate-field", message, where, key, severity="warning"))
        elif name.lower() in PERSON_FIELDS:
            for text in _names_in(_collapsed(value)):
                person, errors = names[text] if text in names else names.setdefault(text, _read_name(text))
                entry.add_person(person, name.lower())
                name_errors.extend(errors)
        else:
            entry.fields[name] = _collapsed(value)
    problems += [Diagnostic("bib.invalid-name", f"{error} in '{key}'", where, key, severity="warning")
                 for error in name_errors]
    return entry, problems + _type_warnings(entry, key, where) + _map_biblatex_fields(entry, key, where)


def _collapsed(value: str) -> str:
    """``value`` with each run of whitespace one space, and none at either end: pybtex's `normalize_whitespace`.

    pybtex's regular expression and `str.split` take the same characters for whitespace; splitting costs less.
    """
    return " ".join(value.split())


def _names_in(value: str) -> list[str]:
    """The names of a list (``A and B``): pybtex's `split_name_list`, without its scan when there is no ``and``."""
    if " and " not in value.lower():
        return [value.strip()] if value else []
    names: list[str] = split_name_list(value)
    return names


def _read_name(text: str) -> tuple[Person, tuple[Exception, ...]]:
    """One name as a pybtex `Person` (shared by every entry that names it: nothing changes a read name)."""
    with pybtex.errors.capture() as errors:
        person = parse_person(text)
    return person, tuple(errors)


def _type_warnings(entry: Entry, key: str, where: Location) -> list[Diagnostic]:
    """Warn when the entry type is not a BibTeX type; the entry is kept and formatted as the nearest type."""
    if entry.type in STANDARD_TYPES:
        return []
    nearest = NEAREST_TYPE.get(entry.type, "misc")
    message = f"entry type '@{entry.original_type}' of '{key}' is not a BibTeX type; it is formatted as @{nearest}"
    return [Diagnostic("bib.unknown-type", message, where, key, f"use @{nearest}", "warning")]


def _map_biblatex_fields(entry: Entry, key: str, where: Location) -> list[Diagnostic]:
    """Copy each biblatex field into the BibTeX field styles read, when that is missing, and warn."""
    problems = []
    for biblatex, bibtex in BIBLATEX_FIELDS.items():
        if biblatex not in entry.fields or bibtex in entry.fields:
            continue
        value = entry.fields[biblatex]
        if biblatex == "date":
            year = YEAR_IN_DATE.search(value)
            value = year.group() if year else ""
        if value:
            entry.fields[bibtex] = value
        message = f"'{key}' has the biblatex field '{biblatex}' but no '{bibtex}', which BibTeX styles read"
        taken = f"; {bibtex} = {{{value}}} is taken from it" if value else ""
        hint = f"add {bibtex} = {{...}}" if biblatex == "date" else f"rename '{biblatex}' to '{bibtex}'"
        problems.append(Diagnostic("bib.biblatex-field", message + taken, where, key, hint, "warning"))
    return problems
