"""Papers: backing papers written in Markdown that cite references and embed evidence records.

A paper lives in `content/papers/<slug>.md`. It is read and its front matter validated (`model`), its
embeds and citations are checked against the knowledge base (`embed`), and it is published twice: as a
Markdown page for the site (`render`) and as an A4 PDF (`pdf`). The site plugin calls
`render_paper_page` and `build_paper_pdfs`; `synth check` calls `check_papers`; `synth pdf` builds one PDF.
"""

from synth.papers.embed import check_paper, check_papers
from synth.papers.model import Paper, PaperMeta, load_paper, load_papers
from synth.papers.pdf import build_paper_pdfs, render_paper_pdf
from synth.papers.render import render_paper_page

__all__ = [
    "Paper", "PaperMeta", "build_paper_pdfs", "check_paper", "check_papers", "load_paper", "load_papers",
    "render_paper_page", "render_paper_pdf",
]
