"""Papers: backing papers written in Markdown that cite references and embed evidence records.

A paper lives in `content/papers/<slug>.md`. It is read and its front matter validated (`model`), its
embeds and citations are checked against the knowledge base (`embed`), and it is published twice: as a
Markdown page for the site (`render`) and as an A4 PDF (`pdf`). The site plugin calls
`render_paper_page` and `build_paper_pdfs`; `synth check` calls `check_papers`; `synth pdf` builds one PDF.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synth.papers.embed import check_paper, check_papers
    from synth.papers.model import Paper, PaperMeta, load_paper, load_papers
    from synth.papers.pdf import build_paper_pdfs, render_paper_pdf
    from synth.papers.render import render_paper_page

_HOMES = {
    "check_paper": "embed", "check_papers": "embed", "Paper": "model", "PaperMeta": "model", "load_paper": "model",
    "load_papers": "model", "build_paper_pdfs": "pdf", "render_paper_pdf": "pdf", "render_paper_page": "render",
}
"""The module each name comes from: imported when the name is first asked for, so `synth check` (which needs
`embed` alone) does not import the PDF and page renderers."""

__all__ = [
    "Paper", "PaperMeta", "build_paper_pdfs", "check_paper", "check_papers", "load_paper", "load_papers",
    "render_paper_page", "render_paper_pdf",
]


def __getattr__(name: str) -> Any:
    """A public name of the package, imported from its module on first use."""
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"synth.papers.{_HOMES[name]}"), name)
