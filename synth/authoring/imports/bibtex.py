"""Importing BibTeX: merge a reference manager's export into the project's bibliography, losing nothing.

New entries are appended to one file in `bibliography/` (`imported.bib` unless told otherwise); the text
already there is never rewritten. An incoming entry whose key is already taken (keys are compared without
letter case, as pybtex does) is a duplicate when its fields are the same, and a conflict when they differ: the
existing entry is kept, nothing is written over it, and the differing fields are listed. An entry whose DOI
is already in the bibliography under another key is a duplicate too, and that key stands for it. An entry
that cannot be read is reported with its line. Every incoming entry ends up in exactly one of these lists.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pybtex.database.input.bibtex import month_names
from pybtex.utils import CaseInsensitiveDict

from synth.authoring.fmt import replace_file
from synth.authoring.scaffold import existing_ids, render_study, slugify, unique_id, write_new_file
from synth.errors import Diagnostic, Location, did_you_mean
from synth.pipeline import bib_files
from synth.project_files import MAX_FILE_BYTES, list_project_files, read_project_file
from synth.records.load import YAML_LOADER, display_path
from synth.references.bibtex_split import BrokenCommand, split_commands
from synth.references.latex_text import latex_to_text
from synth.references.text_encoding import decode_bib

DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
DEFAULT_TARGET = "imported.bib"
MACRO_MARK = "\ue010"
"""Marks, on both sides, the name of an undefined ``@string`` macro in a value, so it is written back as the macro."""
NOT_CARRIED = {"preamble": "synth's references do not use a preamble; add its definitions to the entries if they "
                           "matter"}
"""The commands an import does not carry over, and why."""


class _KeptMacros(CaseInsensitiveDict):  # type: ignore[misc]
    """``@string`` macros for an import: an undefined one reads as its marked name, not as empty text."""

    def __getitem__(self, name: str) -> str:
        try:
            value: str = super().__getitem__(name)
        except KeyError:
            return f"{MACRO_MARK}{name}{MACRO_MARK}"
        return value


@dataclass(frozen=True)
class BibEntry:
    """One BibTeX entry as written: type, key, fields in order (names as raw strings), and where it is."""

    type: str
    key: str
    fields: tuple[tuple[str, str], ...]
    location: Location

    def get(self, name: str) -> str | None:
        """The value of field ``name`` (any letter case), or None."""
        return next((value for field_name, value in self.fields if field_name.lower() == name.lower()), None)

    @property
    def doi(self) -> str | None:
        """The DOI, lower-cased and without a resolver prefix, for comparing entries."""
        value = self.get("doi")
        doi = DOI_PREFIX.sub("", " ".join(value.split()).strip("{} ")).lower() if value else ""
        return doi or None

    def comparable(self) -> dict[str, str]:
        """Type and fields with white space collapsed and names lower-cased, to tell duplicates from conflicts."""
        return {"type": self.type.lower(), **{name.lower(): " ".join(value.split()) for name, value in self.fields}}


@dataclass(frozen=True)
class MergeReport:
    """Where each incoming entry went: added, a duplicate, a conflict, or unreadable."""

    target: Path
    added: tuple[str, ...]
    key_for: Mapping[str, str]
    """Each readable incoming key → the key that stands for it in the bibliography (another one for a DOI match)."""
    diagnostics: tuple[Diagnostic, ...] = ()

    def count(self, code: str) -> int:
        """How many diagnostics carry ``code``."""
        return sum(d.code == code for d in self.diagnostics)


def read_entries(text: str, display: str,
                 macros: MutableMapping[str, str] | None = None) -> tuple[list[BibEntry], list[Diagnostic]]:
    """Every entry of a `.bib` file's ``text`` (``@string`` macros expanded), and a diagnostic per unreadable one.

    An undefined macro is kept as the macro (and reported); a ``@preamble`` or ``@comment`` is reported, as
    it is not carried over.
    """
    macros = _KeptMacros(month_names) if macros is None else macros
    entries: list[BibEntry] = []
    problems: list[Diagnostic] = []
    for command in split_commands(text.replace("\r\n", "\n"), macros):
        where = Location(display, command.line, command.column)
        if isinstance(command, BrokenCommand):
            what = f"'{command.key}'" if command.key else f"@{command.kind}"
            problems.append(Diagnostic("bib.syntax", f"cannot read {what}: {command.reason}; it is not imported",
                                       where, command.key, "check the braces, quotes and commas between fields"))
        elif command.kind.lower() in NOT_CARRIED:
            problems.append(_not_carried(command.kind.lower(), command.fields, where))
        elif command.kind != "string" and command.key is not None:
            entries.append(BibEntry(command.kind.lower(), command.key, command.fields, where))
            problems += _undefined_macros(command.key, command.fields, where)
    return entries, problems


def _not_carried(kind: str, fields: tuple[tuple[str, str], ...], where: Location) -> Diagnostic:
    """A warning for a command the import leaves behind, quoting the start of what it held."""
    text = " ".join(" ".join(value for _, value in fields).split()).replace(MACRO_MARK, "")
    shown = f": {text[:60]!r}{'...' if len(text) > 60 else ''}" if text else ""
    return Diagnostic("import.not-carried", f"@{kind} is not imported{shown}", where, None, NOT_CARRIED[kind],
                      "warning")


def _undefined_macros(key: str, fields: tuple[tuple[str, str], ...], where: Location) -> list[Diagnostic]:
    """A warning per field that uses an undefined ``@string`` macro, which is imported as the macro."""
    problems = []
    for name, value in fields:
        for macro in dict.fromkeys(value.split(MACRO_MARK)[1::2]):
            problems.append(Diagnostic(
                "bib.undefined-macro", f"field '{name}' of '{key}' uses the undefined @string macro '{macro}'; it is "
                "imported as the macro, which reads as empty text until it is defined", where, key,
                f'define it in the bibliography with @string{{{macro} = "..."}}', "warning"))
    return problems


def read_bib_file(path: Path, display_root: Path | None = None,
                  macros: MutableMapping[str, str] | None = None) -> tuple[list[BibEntry], list[Diagnostic]]:
    """Read one `.bib` file into entries: its encoding is found (see `decode_bib`) or the file is refused."""
    display = display_path(path, display_root)
    text, problems = decode_bib(path.read_bytes(), display, refuse_control=True)
    if text is None:
        return [], [Diagnostic("import.encoding", problem.message.replace("it was not read", "it was not imported"),
                               problem.location, None, "save the file as UTF-8, then import again")
                    for problem in problems]
    entries, more = read_entries(text, display, macros)
    return entries, problems + more


def project_entries(project: Path, display_root: Path | None = None) -> list[BibEntry]:
    """Every readable entry of the project's bibliography, file by file with shared macros, as the loader reads."""
    macros: MutableMapping[str, str] = _KeptMacros(month_names)
    return [entry for path in bib_files(project) for entry in read_bib_file(path, display_root, macros)[0]]


def render_entry(entry: BibEntry) -> str:
    """The entry as BibTeX text: one field a line, values in braces, an undefined macro as the bare macro."""
    lines = [f"@{entry.type}{{{entry.key},"]
    lines += [f"  {name} = {render_value(value)}," for name, value in entry.fields]
    return "\n".join([*lines, "}"]) + "\n"


def render_value(value: str) -> str:
    """A value in braces; where it held an undefined macro, the pieces joined by ``#`` with the macro bare."""
    if MACRO_MARK not in value:
        return f"{{{value}}}"
    pieces = value.split(MACRO_MARK)
    return " # ".join(piece if odd else f"{{{piece}}}" for odd, piece in
                      ((index % 2 == 1, piece) for index, piece in enumerate(pieces)) if odd or piece)


@dataclass
class _Index:
    """The entries known so far, by lower-cased key and by DOI."""

    by_key: dict[str, BibEntry] = field(default_factory=dict)
    by_doi: dict[str, BibEntry] = field(default_factory=dict)

    def add(self, entry: BibEntry) -> None:
        self.by_key.setdefault(entry.key.lower(), entry)
        if entry.doi:
            self.by_doi.setdefault(entry.doi, entry)


def classify(incoming: Iterable[BibEntry], existing: Iterable[BibEntry]) -> tuple[list[BibEntry], MergeReport]:
    """Sort incoming entries into new ones, duplicates and conflicts against ``existing`` (and each other)."""
    index = _Index()
    for entry in existing:
        index.add(entry)
    added: list[BibEntry] = []
    key_for: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for entry in incoming:
        known = index.by_key.get(entry.key.lower())
        same_doi = index.by_doi.get(entry.doi) if entry.doi else None
        if known is not None:
            problems.append(_same_key(entry, known))
            key_for.setdefault(entry.key, known.key)
        elif same_doi is not None:
            problems.append(_same_doi(entry, same_doi))
            key_for[entry.key] = same_doi.key
        else:
            added.append(entry)
            key_for[entry.key] = entry.key
            index.add(entry)
    return added, MergeReport(Path(), tuple(entry.key for entry in added), key_for, tuple(problems))


def _same_key(entry: BibEntry, known: BibEntry) -> Diagnostic:
    """A duplicate when the fields are the same, else a conflict naming the fields that differ."""
    ours, theirs = entry.comparable(), known.comparable()
    differing = sorted(name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name))
    if not differing:
        return Diagnostic("import.duplicate", f"'{entry.key}' is already in the bibliography at {known.location} "
                          "with the same fields; it is not added again", entry.location, entry.key,
                          severity="warning")
    return Diagnostic(
        "import.conflict", f"'{entry.key}' is already in the bibliography at {known.location} with different "
        f"fields: {', '.join(differing)}; the existing entry is kept and nothing is written over it",
        entry.location, entry.key, "compare the two entries and edit the existing one by hand, or import this "
        "one under another key")


def _same_doi(entry: BibEntry, known: BibEntry) -> Diagnostic:
    return Diagnostic("import.duplicate", f"'{entry.key}' has the DOI {entry.doi}, already in the bibliography as "
                      f"'{known.key}' at {known.location}; it is not added, and '{known.key}' stands for it",
                      entry.location, entry.key, f"cite it as '{known.key}'", "warning")


def merge_entries(project: Path, incoming: Sequence[BibEntry], target: Path,
                  display_root: Path | None = None) -> MergeReport:
    """Append the new ones of ``incoming`` to ``target`` (existing text untouched) and report on every entry."""
    new, report = classify(incoming, project_entries(project, display_root))
    append_entries(target, new)
    return MergeReport(target, report.added, report.key_for, report.diagnostics)


def append_entries(target: Path, new: Sequence[BibEntry]) -> None:
    """Append ``new`` entries to ``target`` in one atomic replacement; the text already there is kept as it is."""
    if not new:
        return
    before = target.read_text(encoding="utf-8") if target.is_file() else ""
    separator = "" if not before or before.endswith("\n\n") else ("\n" if before.endswith("\n") else "\n\n")
    target.parent.mkdir(parents=True, exist_ok=True)
    replace_file(target, before + separator + "\n".join(render_entry(entry) for entry in new))


def target_file(project: Path, into: str | None) -> Path:
    """The `.bib` file entries go into: ``into`` (a path inside `bibliography/`), or `imported.bib`."""
    folder = (project / "bibliography").resolve()
    name = into or DEFAULT_TARGET
    target = (folder / name).resolve()
    if not name.endswith(".bib") or not target.is_relative_to(folder) or target == folder:
        raise ValueError(f"--into: expected a .bib file inside {project / 'bibliography'} but received: '{name}'")
    if target.is_file() and not _is_utf8(target):
        # Appending UTF-8 to a file in another encoding would leave it in two encodings at once.
        raise ValueError(f"--into: '{name}' is not UTF-8 text; save it as UTF-8 first, then import again")
    return target


def _is_utf8(path: Path) -> bool:
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def cited_keys(project: Path) -> dict[str, Path]:
    """The `cite:` key of every study already in the project (lower-cased), and the study's file."""
    cited: dict[str, Path] = {}
    for path in list_project_files(project / "content" / "studies", ".yaml", project=project).paths:
        raw = read_project_file(path, path.name, MAX_FILE_BYTES[".yaml"])
        try:
            data = yaml.load(raw, Loader=YAML_LOADER) if isinstance(raw, bytes) else None
        except (yaml.YAMLError, UnicodeDecodeError):
            continue  # `synth check` reports it; a stub is still refused only for a readable cite
        if isinstance(data, dict) and isinstance(data.get("cite"), str):
            cited.setdefault(data["cite"].lower(), path)
    return cited


def create_stubs(project: Path, keys: Sequence[str], entries: Sequence[BibEntry],
                 key_for: Mapping[str, str]) -> tuple[list[Path], list[Diagnostic]]:
    """A study stub (a `synth new` template citing the entry, titled from it) for each of ``keys``."""
    by_key = {entry.key.lower(): entry for entry in entries}
    cited = cited_keys(project)
    folder = project / "content" / "studies"
    written: list[Path] = []
    problems: list[Diagnostic] = []
    for key in keys:
        entry = by_key.get(key.lower())
        if entry is None:
            hint = did_you_mean(key, [e.key for e in entries]) or "name a key of the imported file"
            problems.append(Diagnostic("import.unknown-key", f"--stubs: no entry has the key '{key}'; no stub "
                                       "was written", None, key, hint))
            continue
        cite = key_for.get(entry.key, entry.key)
        if cite.lower() in cited:
            problems.append(Diagnostic("import.already-cited", f"'{cite}' is already cited by {cited[cite.lower()]}; "
                                       "no stub was written", entry.location, key, severity="warning"))
            continue
        path = _write_stub(folder, entry, cite)
        cited[cite.lower()] = path
        written.append(path)
    return written, problems


def _write_stub(folder: Path, entry: BibEntry, cite: str) -> Path:
    title = latex_to_text(entry.get("title") or "") or entry.key
    year_text = (entry.get("year") or "").strip()
    year = int(year_text) if re.fullmatch(r"1[89]\d\d|20\d\d|2100", year_text) else None
    record_id = unique_id(slugify(title) or slugify(entry.key) or "study", existing_ids(folder))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record_id}.yaml"
    write_new_file(path, render_study(title, cite, year=year))
    return path
