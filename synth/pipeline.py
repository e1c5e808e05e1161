"""The pipeline: load → validate → link (→ verify quotations), run in that order over a project folder.

A project folder holds `content/` (the YAML records) and `bibliography/` (the `.bib` files). This module is
the one entry point the command line and the MkDocs plugin share, so both report the same problems in the
same words and the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from synth.errors import Diagnostic, sort_diagnostics
from synth.papers.embed import check_papers
from synth.papers.limits import check_pages
from synth.papers.model import Paper
from synth.project_files import FileListing, list_project_files
from synth.records.consistency import DEFAULT_MAX_SHARED_EXPLANATION, check_consistency
from synth.records.link import KnowledgeBase, link_records
from synth.records.load import load_records
from synth.records.quotes import verify_quotations
from synth.records.review import overdue_reviews
from synth.records.validate import validate_records
from synth.references.bibliography import Bibliography, load_bibliography
from synth.references.style import ReferenceFormatter


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking a project: the linked knowledge base and every problem found."""

    kb: KnowledgeBase
    diagnostics: tuple[Diagnostic, ...]
    quotations_verified: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    formatter: ReferenceFormatter | None = None
    papers: tuple[Paper, ...] = ()

    @property
    def errors(self) -> list[Diagnostic]:
        """The diagnostics that are errors."""
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        """The diagnostics that are warnings."""
        return [d for d in self.diagnostics if d.severity == "warning"]

    def summary(self) -> str:
        """One line: records by type (studies with their publications), references, problems, quotations."""
        c = self.counts
        kinds = ("finding", "barrier", "facilitator", "outcome", "theme")
        studies = f"{_plural(c['study'], 'study')} ({_plural(c.get('publication', 0), 'publication')})"
        records = ", ".join([studies, *(_plural(c[k], k) for k in kinds)])
        quotes = "quotations verified" if self.quotations_verified else (
            "quotations not verified (pass --sources DIR)")
        return (f"checked {records}, {_plural(c['reference'], 'reference')}: "
                f"{_plural(len(self.errors), 'error')}, {_plural(len(self.warnings), 'warning')}; {quotes}")


def _plural(count: int, word: str) -> str:
    if count == 1:
        return f"{count} {word}"
    return f"{count} {word[:-1]}ies" if word.endswith("y") else f"{count} {word}s"


def bib_listing(project: Path, display_root: Path | None = None) -> FileListing:
    """The `.bib` files under `bibliography/` (at any depth) safe to read, and what cannot be read."""
    return list_project_files(project / "bibliography", ".bib", project=project, display_root=display_root,
                              recursive=True)


def bib_files(project: Path) -> list[Path]:
    """Every readable `.bib` file under `bibliography/`, in a stable order."""
    return list(bib_listing(project).paths)


def format_cited_references(kb: KnowledgeBase, formatter: ReferenceFormatter) -> list[Diagnostic]:
    """Format every reference a study cites, so an entry the site cannot fully show is reported here too."""
    problems: list[Diagnostic] = []
    for key in kb.cited_by:
        if key in kb.bibliography:
            problems.extend(formatter.format(key)[1])
    return problems


def check_project(
    project: Path, *, sources: Path | None = None, strict: bool = False, display_root: Path | None = None,
    formatter_for: Callable[[Bibliography], ReferenceFormatter] = ReferenceFormatter,
    review_age: int | None = None,
    max_shared_explanation: int = DEFAULT_MAX_SHARED_EXPLANATION,
) -> CheckResult:
    """Load, validate and link everything under ``project``; optionally verify quotations in ``sources``.

    Papers are checked, and hand-written pages in ``project``/docs are checked for scripts.

    Paths in messages are relative to ``display_root`` (the project folder when not given). The site passes
    ``formatter_for`` to reuse its cache of formatted references across rebuilds. With ``review_age`` (days),
    each record reviewed longer ago than that gets a warning; ``max_shared_explanation`` is how many findings
    may share a component explanation word for word before a warning.
    """
    root = display_root if display_root is not None else project
    tree = load_records(project / "content", root)
    bib = bib_listing(project, root)
    bibliography, bib_problems = load_bibliography(bib.paths, root)
    bib_problems = [*bib.diagnostics, *bib_problems]
    valid, schema_problems = validate_records(tree.records)
    kb, link_problems = link_records(valid, bibliography)
    link_problems += check_consistency(valid, max_shared_explanation=max_shared_explanation)
    quote_problems = verify_quotations(valid, sources) if sources is not None else []
    quote_problems += overdue_reviews(valid, review_age) if review_age is not None else []
    papers, paper_problems = check_papers(project / "content", kb, root)
    paper_problems += check_pages(project / "docs", root)
    formatter = formatter_for(bibliography)
    reference_problems = format_cited_references(kb, formatter)
    diagnostics = [*tree.diagnostics, *bib_problems, *schema_problems, *link_problems, *quote_problems,
                   *paper_problems, *reference_problems]
    if strict:
        diagnostics = [d.escalated() for d in diagnostics]
    return CheckResult(kb, tuple(sort_diagnostics(diagnostics)), sources is not None, kb.counts, formatter,
                       tuple(papers))


def folder_problems(project: Path, sources: Path | None = None) -> list[str]:
    """What is wrong with the folders a build is pointed at, before anything is read: each a sentence."""
    problems = []
    if not project.is_dir():
        problems.append(f"project_dir: '{project}' is not a folder")
    elif not (project / "content").is_dir() and not (project / "bibliography").is_dir():
        problems.append(f"project_dir: '{project}' has neither a content/ nor a bibliography/ folder; "
                        "point project_dir at the folder that holds them (relative to mkdocs.yml)")
    if sources is not None and not sources.is_dir():
        problems.append(f"sources: '{sources}' is not a folder")
    return problems
