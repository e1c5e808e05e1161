"""The pipeline: load → validate → link (→ verify quotations), run in that order over a project folder.

A project folder holds `content/` (the YAML records) and `bibliography/` (the `.bib` files). This module is
the one entry point the command line and the MkDocs plugin share, so both report the same problems in the
same words and the same order.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

from synth.errors import Diagnostic, sort_diagnostics
from synth.forked import InChild
from synth.papers.embed import check_papers
from synth.papers.limits import check_pages
from synth.papers.model import Paper
from synth.project_files import FileListing, list_project_files
from synth.records.cache import ContentCache, ObjectMemo
from synth.records.consistency import DEFAULT_MAX_SHARED_EXPLANATION, check_consistency
from synth.records.link import KnowledgeBase, link_records
from synth.records.load import load_records_beside
from synth.records.review import overdue_reviews
from synth.records.stored import RecordStore
from synth.records.validate import ValidRecord, validate_records
from synth.references.bibliography import Bibliography, load_bibliography
from synth.references.style import KeptReferences, ReferenceFormatter, incomplete_entry

T = TypeVar("T")


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


def cited_reference_problems(kb: KnowledgeBase) -> list[Diagnostic]:
    """What formatting each reference a study cites would warn of, found without formatting any.

    The same warnings, in the same order, as `format_cited_references`; the site formats each entry later.
    """
    problems: list[Diagnostic] = []
    entries = kb.bibliography.data.entries
    for key in kb.cited_by:
        if key in kb.bibliography:
            problems.extend(incomplete_entry(entries[key], kb.bibliography))
    return problems


@dataclass
class ProjectCache:
    """What one `check_project` keeps for the next, so a rebuild under `mkdocs serve` redoes only what changed.

    Record files are parsed and validated again only when their bytes change; the `.bib` files are parsed
    again (all together: ``@string`` macros cross files) only when one of them changes; a reference is
    formatted again only when its entry, a ``crossref`` ancestor or its in-text label changes. Linking and the
    checks across records are redone each time (milliseconds at a thousand records), the latter from what each
    unchanged finding said last time. Keep one object across
    rebuilds and pass it to every `check_project` of the same project.
    """

    records: ContentCache = field(default_factory=ContentCache)
    """Each record file's parse, by path and bytes; ``records.computed`` counts the files parsed."""
    validations: ObjectMemo = field(default_factory=ObjectMemo)
    """Each parsed record's validation; ``validations.computed`` counts the records validated."""
    consistency: ObjectMemo = field(default_factory=ObjectMemo)
    """What each validated finding says for the checks across findings (`check_consistency`)."""
    bibliography: ContentCache = field(default_factory=ContentCache)
    """The parsed bibliography, by the bytes of every `.bib` file; ``bibliography.computed`` counts parses."""
    references: KeptReferences = field(default_factory=KeptReferences)
    """Formatted references by entry content; ``references.laid_out`` counts the entries formatted."""
    _formatter: ReferenceFormatter | None = None
    _formatted_bibliography: Bibliography | None = None

    def formatter_for(self, bibliography: Bibliography) -> ReferenceFormatter:
        """The formatter of ``bibliography``: the same one while the bibliography is unchanged.

        For a changed bibliography, a new formatter that reuses the formatting of every unchanged entry.
        """
        if self._formatter is None or bibliography is not self._formatted_bibliography:
            self._formatter = ReferenceFormatter(bibliography, self.references)
            self._formatted_bibliography = bibliography
        return self._formatter

    def forget_unused(self) -> None:
        """Forget files and records that the check just finished did not see (deleted or renamed)."""
        self.records.forget_unused()
        self.validations.forget_unused()
        self.consistency.forget_unused()
        self.bibliography.forget_unused()


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a check builds many objects that all stay alive.

    Each collection would walk every object made so far, for nothing: records, positions and entries are kept.
    Collection resumes (as it was) when the check is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def in_child_process(work: Callable[[], T]) -> Callable[[], T]:
    """Start ``work`` in a forked child process; the returned function waits for it and gives its result.

    Where the platform cannot fork, or the child fails, the work is done in this process when the result is
    asked for. Only for a single-threaded command (`synth check`): forking a process that runs threads (as
    `mkdocs serve` does) could copy a lock another thread holds.
    """
    pending = InChild(work)

    def result() -> T:
        try:
            return pending.result()
        except Exception:  # The child could not finish: do the work here.
            return work()
    return result


def check_project(
    project: Path, *, sources: Path | None = None, strict: bool = False, display_root: Path | None = None,
    formatter_for: Callable[[Bibliography], ReferenceFormatter] | None = None,
    review_age: int | None = None,
    max_shared_explanation: int = DEFAULT_MAX_SHARED_EXPLANATION,
    cache: ProjectCache | None = None,
    in_parallel: bool = False,
    store: RecordStore | None = None,
) -> CheckResult:
    """Load, validate and link everything under ``project``; optionally verify quotations in ``sources``.

    Papers are checked, and hand-written pages in ``project``/docs are checked for scripts.

    Paths in messages are relative to ``display_root`` (the project folder when not given). With ``review_age``
    (days), each record reviewed longer ago than that gets a warning; ``max_shared_explanation`` is how many
    findings may share a component explanation word for word before a warning. A ``cache`` kept across calls
    (`ProjectCache`) makes a check of a project that changed a little cost little; the result is the same as
    without one. ``formatter_for`` makes the result's reference formatter (by default the cache's, else a new one).
    ``in_parallel`` (for a process running no other thread, such as a command or a site build, and without a
    cache) reads the records in two processes, this one reading the bibliography first. A ``store``
    (`RecordStore`, for a command without a ``cache``) gives the parses of the record files unchanged since the
    last check, and keeps this check's for the next.
    """
    with collection_paused():
        return _check(project, sources, strict, display_root if display_root is not None else project, formatter_for,
                      review_age, max_shared_explanation, cache, in_parallel and cache is None,
                      store if cache is None else None)


def _check(project: Path, sources: Path | None, strict: bool, root: Path,
           formatter_for: Callable[[Bibliography], ReferenceFormatter] | None, review_age: int | None,
           max_shared_explanation: int, cache: ProjectCache | None, in_parallel: bool,
           store: RecordStore | None = None) -> CheckResult:
    """`check_project`, its paths shown relative to ``root``."""
    bib = bib_listing(project, root)
    read_bibliography = store.bibliography_reader(bib.paths, root) if store else partial(
        load_bibliography, bib.paths, root, cache.bibliography if cache else None)
    records_cache = cache.records if cache else store.cache if store else None
    # Read here while a child starts on the records (or read from the store, which costs little).
    tree, (bibliography, bib_problems) = load_records_beside(
        read_bibliography, project / "content", root, cache=records_cache, in_parallel=in_parallel)
    records_stored = _stored(store, in_parallel) if store else _nothing
    bib_problems = [*bib.diagnostics, *bib_problems]
    valid, schema_problems = validate_records(tree.records, cache.validations if cache else None)
    kb, link_problems = link_records(valid, bibliography)
    link_problems += check_consistency(valid, max_shared_explanation=max_shared_explanation,
                                       memo=cache.consistency if cache else None)
    quote_problems = _verified_quotations(valid, sources) if sources is not None else []
    quote_problems += overdue_reviews(valid, review_age) if review_age is not None else []
    papers, paper_problems = check_papers(project / "content", kb, root)
    paper_problems += check_pages(project / "docs", root)
    if formatter_for is None:
        formatter_for = cache.formatter_for if cache else ReferenceFormatter
    formatter = formatter_for(bibliography)
    reference_problems = cited_reference_problems(kb)
    diagnostics = [*tree.diagnostics, *bib_problems, *schema_problems, *link_problems, *quote_problems,
                   *paper_problems, *reference_problems]
    if strict:
        diagnostics = [d.escalated() for d in diagnostics]
    if cache is not None:
        cache.forget_unused()
    records_stored()
    return CheckResult(kb, tuple(sort_diagnostics(diagnostics)), sources is not None, kb.counts, formatter,
                       tuple(papers))


def _nothing() -> None:
    """Nothing to do."""


def _stored(store: RecordStore, in_parallel: bool) -> Callable[[], None]:
    """What stores the parses this check used: in a child process when ``in_parallel`` and there are any to write.

    With nothing to write (no record file changed) nothing is forked: a child would cost more than the write,
    and while it lives every page of this process it shares is copied as soon as this process touches it.
    """
    changed = store.changed()
    if in_parallel and changed:
        return in_child_process(partial(store.save, changed))
    return partial(store.save, changed)


def _verified_quotations(valid: list[ValidRecord], sources: Path) -> list[Diagnostic]:
    """`verify_quotations`, imported only when quotations are verified (it brings in the fuzzy matcher)."""
    from synth.records.quotes import verify_quotations

    return verify_quotations(valid, sources)


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
