"""`synth pdf PAPER [-o FILE]`: build one paper's PDF from the command line.

The project the paper belongs to (the folder holding `content/` and `bibliography/`) is found by walking up
from the paper, so the command works from any folder. Only the paper's own problems stop it: each is printed
with its file and line, in the same words `synth check` uses, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from synth.errors import Diagnostic, SynthError, sort_diagnostics
from synth.papers.embed import check_paper, errors_in
from synth.papers.model import load_paper
from synth.papers.pdf import build_paper_pdfs, render_paper_pdf
from synth.pipeline import check_project
from synth.records.git import read_version, version_phrase
from synth.references.style import ReferenceFormatter

PAPERS = "papers"
"""The site folder of the papers' pages, where each PDF goes beside its page."""


def add_pdf_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `synth pdf PAPER [-o FILE] [--project DIR]`."""
    pdf = commands.add_parser("pdf", help="build a paper's PDF",
                              description="Build the PDF of one paper in content/papers/.")
    pdf.add_argument("paper", type=Path, metavar="PAPER", nargs="?", help="the paper's Markdown file")
    pdf.add_argument("--all", type=Path, metavar="SITE",
                     help="write every paper's PDF into the built site folder SITE (into SITE/papers/), as the "
                          "plugin does; for sites built by an engine without the plugin")
    pdf.add_argument("-o", "--output", type=Path, metavar="FILE",
                     help="where to write the PDF (default: the paper's name with .pdf, in the current folder)")
    pdf.add_argument("--project", type=Path, metavar="DIR",
                     help="the project folder holding content/ and bibliography/ (default: found above the paper)")
    pdf.set_defaults(run=run_pdf)


def run_pdf(args: argparse.Namespace) -> int:
    """Check the paper, then write its PDF; 1 and located errors if the paper has errors, 2 on misuse."""
    if args.all is not None:
        return run_all_pdfs(args.all, args.project or Path("."))
    if args.paper is None:
        return _usage_error("give a PAPER, or --all SITE")
    paper_path: Path = args.paper
    if not paper_path.is_file():
        return _usage_error(f"'{paper_path}' is not a file")
    project = args.project or find_project(paper_path)
    if project is None or not (project / "content").is_dir():
        return _usage_error(f"no project folder (with content/) holds '{paper_path}'; pass --project DIR")
    paper, problems = load_paper(paper_path, Path.cwd())
    kb = check_project(project, display_root=Path.cwd()).kb
    if paper is not None:
        problems += check_paper(paper, kb)
    if errors_in(problems) or paper is None:
        return _report(problems)
    output: Path = args.output or Path(f"{paper.slug}.pdf")
    try:
        data = render_paper_pdf(paper, kb, ReferenceFormatter(kb.bibliography),
                                version_phrase(read_version(project)))
    except SynthError as error:
        return _report(list(error.diagnostics))
    output.write_bytes(data)
    print(f"wrote {output} ({len(data) // 1024} KB)")
    return 0


def run_all_pdfs(site: Path, project: Path) -> int:
    """Write every paper's PDF beside its page in a built site, after checking the whole project."""
    if not (site / PAPERS).is_dir():
        return _usage_error(f"--all: '{site}' has no {PAPERS}/ folder; build the site first")
    result = check_project(project, display_root=Path.cwd())
    if result.errors:
        return _report(list(result.diagnostics))
    try:
        written = build_paper_pdfs(result.papers, result.kb, ReferenceFormatter(result.kb.bibliography), site / PAPERS)
    except SynthError as error:
        return _report(list(error.diagnostics))
    print(f"wrote {len(written)} PDFs in {site / PAPERS}")
    return 0


def find_project(paper: Path) -> Path | None:
    """The nearest folder above the paper that holds both `content/` and `bibliography/`."""
    for folder in paper.resolve().parents:
        if (folder / "content").is_dir() and (folder / "bibliography").is_dir():
            return folder
    return None


def _report(problems: list[Diagnostic]) -> int:
    """Print every problem in the compiler format, then say that no PDF was written."""
    for problem in sort_diagnostics(problems):
        print(problem.format())
    print(f"synth pdf: {len(errors_in(problems))} error(s); no PDF written", file=sys.stderr)
    return 1


def _usage_error(message: str) -> int:
    print(f"synth: error: {message}", file=sys.stderr)
    return 2
