"""The `synth` command line: each subcommand parses its options and hands off to the core.

Exit codes follow compilers: 0 when there is nothing wrong, 1 when the content has errors, 2 when the
command itself was used wrongly (argparse's own convention).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from synth import __version__
from synth.pipeline import check_project, collection_paused
from synth.records.consistency import DEFAULT_MAX_SHARED_EXPLANATION
from synth.records.stored import RecordStore, stored_parses_disabled

Command = Callable[[argparse.Namespace], int]


def _top_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction[argparse.ArgumentParser]]:
    """The `synth` parser, without subcommands yet."""
    parser = argparse.ArgumentParser(prog="synth", description="Check and publish evidence syntheses.")
    parser.add_argument("--version", action="version", version=f"synth {__version__}")
    return parser, parser.add_subparsers(dest="command", required=True, metavar="COMMAND")


def check_parser() -> argparse.ArgumentParser:
    """The parser for `synth check ...` alone: it imports nothing that only other commands need."""
    parser, commands = _top_parser()
    add_check_command(commands)
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand."""
    from synth.authoring.fmt import add_fmt_command
    from synth.authoring.imports import add_import_command
    from synth.authoring.init import add_init_command
    from synth.authoring.jsonschema import add_schema_command
    from synth.authoring.scaffold import add_new_command
    from synth.papers.command import add_pdf_command
    from synth.site.generate import add_generate_command
    from synth.versions import add_history_commands

    parser, commands = _top_parser()
    add_init_command(commands)
    add_check_command(commands)
    add_new_command(commands)
    add_schema_command(commands)
    add_fmt_command(commands)
    add_import_command(commands)
    add_pdf_command(commands)
    add_generate_command(commands)
    add_history_commands(commands)
    return parser


def add_check_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`synth check [DIR]`: report every problem in a project's content and bibliography."""
    check = commands.add_parser("check", help="check every record and reference in a project",
                                description="Check every record and reference in a project folder.")
    check.add_argument("project", nargs="?", default=".", type=Path, metavar="DIR",
                       help="the project folder holding content/ and bibliography/ (default: .)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument("--sources", type=Path, metavar="DIR",
                       help="folder of the studies' full texts; verify every quotation against them")
    check.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    check.add_argument("--review-age", type=int, metavar="DAYS",
                       help="warn about each record whose 'reviewed' date is more than DAYS days old")
    check.add_argument("--max-shared-explanation", type=int, default=DEFAULT_MAX_SHARED_EXPLANATION, metavar="N",
                       help="warn when more than N findings explain a confidence component in the same words "
                            f"(default: {DEFAULT_MAX_SHARED_EXPLANATION})")
    check.add_argument("--no-cache", action="store_true",
                       help="parse every record file again, neither reading nor writing the parses kept in the "
                            "user's cache folder (also: SYNTH_NO_CACHE=1; SYNTH_CACHE_DIR moves that folder)")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    """Run the checker and print its report; 1 if there are errors."""
    project: Path = args.project
    if not (project / "content").is_dir():
        return usage_error(f"'{project}' has no content/ folder; pass the project folder")
    if args.sources is not None and not args.sources.is_dir():
        return usage_error(f"--sources: '{args.sources}' is not a folder")
    if args.review_age is not None and args.review_age < 0:
        return usage_error("--review-age: DAYS must be 0 or more")
    if args.max_shared_explanation < 1:
        return usage_error("--max-shared-explanation: N must be at least 1")
    with collection_paused():  # What the check made is kept until its report is printed.
        store = None if args.no_cache or stored_parses_disabled() else _record_store(project)
        result = check_project(project, sources=args.sources, strict=args.strict, display_root=Path.cwd(),
                               review_age=args.review_age, max_shared_explanation=args.max_shared_explanation,
                               in_parallel=True, store=store)
        if args.format == "json":
            report = {"diagnostics": [d.as_dict() for d in result.diagnostics], "counts": result.counts,
                      "errors": len(result.errors), "warnings": len(result.warnings),
                      "quotations_verified": result.quotations_verified}
            print(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            for diagnostic in result.diagnostics:
                print(diagnostic.format())
            print(result.summary())
        # The command ends here: set what the check made aside from the collector, which would otherwise walk it
        # all once collection resumes (and again as Python exits), for nothing.
        gc.freeze()
        code = 1 if result.errors else 0
        if args.leave_at_once:  # As mypy does: the report is out and the parses stored; freeing it all is waste.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    return code


def _record_store(project: Path) -> RecordStore | None:
    """The parses kept from the last check of ``project``; None when the cache folder cannot be used at all."""
    try:
        return RecordStore.for_project(project, Path.cwd())
    except (OSError, RuntimeError, ValueError, ImportError):  # A store only saves time: the check runs without.
        return None


def usage_error(message: str) -> int:
    """Print a usage error the way argparse does, and return its exit code."""
    print(f"synth: error: {message}", file=sys.stderr)
    return 2


def main(argv: Sequence[str] | None = None, *, leave_at_once: bool = False) -> int:
    """Run the `synth` command given by ``argv`` (by default the process's arguments); its exit code.

    With ``leave_at_once`` (the console command), `synth check` ends the process itself once its report is
    printed, without freeing what it made (a tenth of its time at 10,000 records).
    """
    arguments = sys.argv[1:] if argv is None else list(argv)
    parser = check_parser() if arguments[:1] == ["check"] else build_parser()
    args = parser.parse_args(arguments)
    args.leave_at_once = leave_at_once
    run: Command = args.run
    return run(args)


def console() -> None:
    """Entry point of the `synth` console command (and of `python -m synth`)."""
    sys.exit(main(leave_at_once=True))
