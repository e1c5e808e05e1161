"""Imports: `synth import bibtex|eppi` bring references and studies into a project, losing nothing.

Each importer writes into a project folder (never over existing text) and returns a report; this module
holds the command line that prints it. Exit status: 0 when everything arrived or was already there, 1 when
an entry conflicts with an existing one or could not be read, 2 when the command was used wrongly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from synth.authoring.imports.bibtex import MergeReport, create_stubs, merge_entries, read_bib_file, target_file
from synth.authoring.imports.eppi import NotAnExport, import_eppi
from synth.errors import Diagnostic, sort_diagnostics


def add_import_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth import bibtex|eppi FILE`: bring references and studies into a project."""
    parser = commands.add_parser("import", help="import references (BibTeX) or studies (EPPI-Reviewer JSON)",
                                 description="Import references or studies into a project, losing nothing.")
    formats = parser.add_subparsers(dest="format", required=True, metavar="FORMAT")
    bibtex = formats.add_parser("bibtex", help="merge a .bib file into the bibliography",
                                description="Merge a .bib file's entries into bibliography/imported.bib (or "
                                            "--into), reporting duplicates and conflicts; existing entries are kept.")
    bibtex.add_argument("file", type=Path, metavar="FILE", help="the .bib file to import")
    bibtex.add_argument("--stubs", metavar="KEY,...", default="",
                        help="also write a study stub citing each of these keys (comma-separated)")
    eppi = formats.add_parser("eppi", help="turn an EPPI-Reviewer JSON export into studies and references",
                              description="Write one study record and one BibTeX entry for every item of an "
                                          "EPPI-Reviewer JSON export; codes become the studies' tags.")
    eppi.add_argument("file", type=Path, metavar="FILE", help="the EPPI-Reviewer JSON export")
    for sub in (bibtex, eppi):
        sub.add_argument("--project", type=Path, default=Path("."), metavar="DIR",
                         help="the project folder holding content/ and bibliography/ (default: .)")
        sub.add_argument("--into", metavar="FILE", help="the .bib file in bibliography/ to add entries to "
                                                        "(default: imported.bib)")
    bibtex.set_defaults(run=run_import_bibtex)
    eppi.set_defaults(run=run_import_eppi)


def _target(args: argparse.Namespace) -> Path | None:
    """The target .bib file, or None after printing a usage error."""
    if not (args.project / "content").is_dir():
        print(f"synth: error: '{args.project}' has no content/ folder; pass the project folder with --project",
              file=sys.stderr)
        return None
    if not args.file.is_file():
        print(f"synth: error: no such file: {args.file}", file=sys.stderr)
        return None
    try:
        return target_file(args.project, args.into)
    except ValueError as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return None


def run_import_bibtex(args: argparse.Namespace) -> int:
    """Merge the file's entries, write any stubs asked for, and print the report."""
    target = _target(args)
    if target is None:
        return 2
    entries, problems = read_bib_file(args.file, Path.cwd())
    unreadable = [problem for problem in problems if problem.severity == "error"]
    merge = merge_entries(args.project, entries, target, Path.cwd())
    keys = [key.strip() for key in args.stubs.split(",") if key.strip()]
    stubs, stub_problems = create_stubs(args.project, keys, [*entries], merge.key_for) if keys else ([], [])
    _print(problems + list(merge.diagnostics) + stub_problems)
    for path in stubs:
        print(f"wrote {path}")
    print(f"{args.file}: {len(entries) + len(unreadable)} entries: {_merge_summary(merge, target)}, "
          f"{len(unreadable)} unreadable; {len(stubs)} study stubs written")
    failed = unreadable or merge.count("import.conflict") or any(p.severity == "error" for p in stub_problems)
    return 1 if failed else 0


def run_import_eppi(args: argparse.Namespace) -> int:
    """Import every item of the export and print the report."""
    target = _target(args)
    if target is None:
        return 2
    try:
        report = import_eppi(args.project, args.file, target, Path.cwd())
    except NotAnExport as error:
        print(f"synth: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"synth: error: cannot write {error.filename}: {error.strerror}; nothing was imported", file=sys.stderr)
        return 1
    _print([*report.diagnostics, *report.merge.diagnostics])
    if any(diagnostic.severity == "error" for diagnostic in report.diagnostics):
        print(f"{args.file}: the export has errors; nothing was imported")
        return 1
    warnings = ", ".join(f"{count} {code}" for code, count in report.counts().items()) or "none"
    print(f"{args.file}: {report.items} items: {len(report.studies)} studies written to "
          f"{args.project / 'content' / 'studies'}; {_merge_summary(report.merge, target)}; warnings: {warnings}")
    print("next: fill in each new study's design and appraisal (`synth check` lists them)")
    return 1 if report.merge.count("import.conflict") else 0


def _merge_summary(merge: MergeReport, target: Path) -> str:
    return (f"{len(merge.added)} added to {target.name}, {merge.count('import.duplicate')} duplicates, "
            f"{merge.count('import.conflict')} conflicts")


def _print(diagnostics: Iterable[Diagnostic]) -> None:
    for diagnostic in sort_diagnostics(diagnostics):
        print(diagnostic.format())
