"""Papers, stage 4 (print): a paper as an A4 PDF, through WeasyPrint.

The body is converted by Python-Markdown with the site's citation extension, whose links point at the
paper's own reference list inside the PDF, so every citation is clickable. `pdf.css` lays out the title
block, the running header and page numbers, the embedded records and the references; a draft carries
"DRAFT" in the margin of every page. WeasyPrint fetches nothing: the document has no outside resources and
the URL fetcher refuses every request. The PDF's dates come from the paper's own date, so the same paper
gives the same bytes. WeasyPrint runs in a child process bounded in time and memory (`synth.papers.sandbox`),
and a link to a script (``javascript:``) never reaches it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html import escape
from importlib import resources
from pathlib import Path

import markdown

from synth.citations import CitationExtension
from synth.errors import Diagnostic, Location, SynthError
from synth.papers import cite
from synth.papers.model import Paper
from synth.papers.render import Evidence, cited_keys, ensure_valid, expand_body, reference_list, text
from synth.papers.sandbox import RenderFailure, render_bounded
from synth.records.link import KnowledgeBase
from synth.records.schema import SLUG_PATTERN
from synth.references.style import FormattedReference, ReferenceFormatter

Renderer = Callable[[str, str], bytes]
"""Makes a PDF of HTML and a stylesheet."""

CITATION_WRAPPER = re.compile(r'<span class="citation">((?:(?!</?span\b).)*?)</span>', re.DOTALL)
SCRIPT_SCHEME = r"\s*(?:javascript|vbscript|data)\s*:"
SCRIPT_LINK = re.compile(rf"""\s(?:href|src|xlink:href)\s*=\s*(?:"{SCRIPT_SCHEME}[^"]*"|'{SCRIPT_SCHEME}[^']*'|"""
                         rf"""{SCRIPT_SCHEME}[^\s>]*)""", re.IGNORECASE)
"""A link to a script in the paper's HTML: dropped, so the PDF never carries one (the text stays)."""
MARKDOWN_EXTENSIONS = ("tables", "fenced_code", "footnotes", "attr_list", "sane_lists")
"""The Markdown a paper may use beyond the basics; papers keep to what any MkDocs site also reads."""


@dataclass
class PdfCitations:
    """The citation extension's resolver for a PDF: links to the reference list inside the document."""

    formatter: ReferenceFormatter
    keys: frozenset[str]
    path: str
    unknown_keys: list[Diagnostic] = field(default_factory=list)

    def lookup(self, key: str) -> FormattedReference | None:
        """The formatted reference, or None for a key the bibliography lacks."""
        return self.formatter.format(key)[0] if key in self.keys else None

    def href(self, key: str) -> str:
        """The anchor of the key's entry in this document's reference list."""
        return f"#{self.formatter.format(key)[0].anchor}"

    def unknown(self, key: str, line: int) -> None:
        """Note an unknown key (the paper's check reports these before conversion, so this is a safeguard)."""
        self.unknown_keys.append(Diagnostic("paper.unknown-key", f"@{key}: no BibTeX entry has the key '{key}'",
                                            Location(self.path, line)))

    def cited(self, key: str) -> None:
        """Nothing to do: the reference list is built from the paper's text."""


def body_html(paper: Paper, evidence: Evidence) -> str:
    """The paper's body as HTML, embeds expanded and citations linked to the reference list."""
    resolver = PdfCitations(evidence.formatter, frozenset(evidence.kb.bibliography.keys()), paper.path)
    converter = markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, CitationExtension(resolver)])
    html: str = converter.convert(expand_body(paper, evidence))
    if resolver.unknown_keys:
        raise SynthError(resolver.unknown_keys)
    # WeasyPrint 70 can break a line too early before an inline box that itself wraps; citation links need no
    # wrapper in print, so it is dropped (the links keep their own styling).
    return SCRIPT_LINK.sub("", CITATION_WRAPPER.sub(r"\1", html))


def paper_html(paper: Paper, kb: KnowledgeBase, formatter: ReferenceFormatter, kb_version: str | None = None) -> str:
    """The whole paper as one HTML document for WeasyPrint: metadata, title block, body, references.

    With ``kb_version``, the title block and the citation name the knowledge base's version.
    """
    ensure_valid(paper, kb)
    evidence = Evidence(kb, formatter)
    body = body_html(paper, evidence)
    meta = paper.meta
    stamp = f"{meta.date.isoformat()}T00:00:00Z"
    affiliations = cite.affiliation_line(meta.authors)
    status = "draft" if paper.is_draft else "published"
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{text(meta.title)}</title>",
        f'<meta name="author" content="{text(cite.author_line(meta.authors))}">',
        f'<meta name="description" content="{text(meta.abstract)}">',
        '<meta name="generator" content="synth">',
        f'<meta name="dcterms.created" content="{stamp}">',
        f'<meta name="dcterms.modified" content="{stamp}">',
        "</head>",
        f'<body class="paper paper-{status}">',
        '<header class="paper-title-block">',
        *([f'<p class="paper-event">{text(meta.event.heading)}</p>'] if meta.event else []),
        f'<h1 class="paper-title">{text(meta.title)}</h1>',
        f'<p class="paper-authors">{text(cite.author_line(meta.authors))}</p>',
        *([f'<p class="paper-affiliations">{text(affiliations)}</p>'] if affiliations else []),
        *([f'<p class="paper-prepared-by">{text(meta.prepared_by)}</p>'] if meta.prepared_by else []),
        '<dl class="paper-details">',
        f"<dt>Date</dt><dd>{cite.long_date(meta.date)}</dd>",
        f'<dt>Version</dt><dd class="paper-version">{text(meta.version)}</dd>',
        f'<dt>Status</dt><dd class="paper-status">{meta.status.capitalize()}</dd>',
        *([f'<dt>Knowledge base</dt><dd class="paper-kb-version">{text(kb_version)}</dd>'] if kb_version else []),
        "</dl>",
        "</header>",
        f'<section class="paper-abstract"><h2>Abstract</h2><p>{text(meta.abstract)}</p></section>',
        f'<main class="paper-body">\n{body}\n</main>',
        '<section class="paper-reference-list">',
        "<h2>References</h2>",
        reference_list(cited_keys(paper, evidence), formatter),
        "</section>",
        '<section class="paper-how-to-cite">',
        "<h2>How to cite this paper</h2>",
        f"<p>{escape(cite.plain_reference(paper, kb_version))}</p>",
        "</section>",
        "</body>",
        "</html>",
    ])


def stylesheet() -> str:
    """The print stylesheet shipped with the package."""
    return resources.files("synth.papers").joinpath("pdf.css").read_text(encoding="utf-8")


def render_paper_pdf(paper: Paper, kb: KnowledgeBase, formatter: ReferenceFormatter,
                     kb_version: str | None = None, render: Renderer = render_bounded) -> bytes:
    """The paper as PDF bytes, naming ``kb_version``, rendered in a process bounded in time and memory.

    Raises `SynthError` when the paper embeds or cites what does not exist, and `paper.pdf-failed`, located
    at the paper, when the renderer fails, stops or runs out of time or memory (`synth.papers.sandbox`).
    ``render`` turns HTML and CSS into a PDF (a cache in front of `render_bounded` under `mkdocs serve`).
    """
    try:
        return render(paper_html(paper, kb, formatter, kb_version), stylesheet())
    except RecursionError:
        failure = "the paper is nested too deeply to convert"
    except RenderFailure as error:
        failure = str(error)
    raise SynthError([Diagnostic("paper.pdf-failed", f"no PDF could be made of '{paper.slug}': {failure}",
                                 Location(paper.path, paper.body_line), paper.slug,
                                 "simplify what the paper holds (deep nesting, large sizes, complex SVG)")])


def paper_pdfs(papers: Iterable[Paper], kb: KnowledgeBase, formatter: ReferenceFormatter,
               kb_version: str | None = None, render: Renderer = render_bounded) -> dict[str, bytes]:
    """Each paper's PDF by its file name, ``<slug>.pdf``, naming ``kb_version``.

    Raises `SynthError` with every paper's errors.
    """
    papers = list(papers)
    problems: list[Diagnostic] = []
    for paper in papers:
        try:
            ensure_valid(paper, kb)
        except SynthError as error:
            problems.extend(error.diagnostics)
    if problems:
        raise SynthError(problems)
    for paper in papers:
        if not re.fullmatch(SLUG_PATTERN, paper.slug):  # The slug names a file: nothing else may reach the path.
            raise ValueError(f"paper slug {paper.slug!r} cannot be used as a file name")
    # Each PDF renders in its own child process, so they run side by side, one per processor.
    with ThreadPoolExecutor(max_workers=max(1, min(len(papers), os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda paper: _render_or_problems(paper, kb, formatter, kb_version, render), papers))
    pdfs = {}
    for paper, (pdf, failures) in zip(papers, results, strict=True):
        problems.extend(failures)
        if pdf is not None:
            pdfs[f"{paper.slug}.pdf"] = pdf
    if problems:
        raise SynthError(problems)
    return pdfs


def build_paper_pdfs(papers: Iterable[Paper], kb: KnowledgeBase, formatter: ReferenceFormatter,
                     output_dir: Path, kb_version: str | None = None) -> list[Path]:
    """Write ``<slug>.pdf`` for each paper into ``output_dir``, naming ``kb_version``.

    Raises `SynthError` with every paper's errors.
    """
    pdfs = paper_pdfs(papers, kb, formatter, kb_version)
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, pdf in pdfs.items():
        target = output_dir / name
        target.write_bytes(pdf)
        written.append(target)
    return written


def _render_or_problems(paper: Paper, kb: KnowledgeBase, formatter: ReferenceFormatter,
                        kb_version: str | None = None, render: Renderer = render_bounded,
                        ) -> tuple[bytes | None, tuple[Diagnostic, ...]]:
    """The paper's PDF, or None and the located errors that stopped it."""
    try:
        return render_paper_pdf(paper, kb, formatter, kb_version, render), ()
    except SynthError as error:
        return None, error.diagnostics
