"""Papers as PDFs: the example and every real paper, checked through their extracted text, links and metadata."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from conftest import DATA, REPOSITORY
from pypdf import PdfReader

from synth.errors import SynthError
from synth.papers.model import Paper, load_paper, load_papers
from synth.papers.pdf import build_paper_pdfs, paper_html, render_paper_pdf
from synth.papers.render import Evidence, cited_keys, expand_body
from synth.pipeline import check_project
from synth.records.link import KnowledgeBase
from synth.references.latex_text import latex_to_text
from synth.references.style import ReferenceFormatter

EXAMPLE = DATA / "papers-example"
REAL_PAPERS = ["concepts", "evidence", "seminar"]


def flat(text: str) -> str:
    """Text with white space collapsed and line breaks after hyphens, dashes and slashes joined."""
    return re.sub(r"([-–/])\s+", r"\1", " ".join(text.split()))


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def numbered(texts: list[str]) -> bool:
    """Each page says "Page n of N", n its place and N the number of pages: a count no font can change."""
    return bool(texts) and all(f"Page {number} of {len(texts)}" in text
                               for number, text in enumerate(texts, start=1))


def fonts(pdf: bytes) -> set[str]:
    """The names of the fonts embedded in a PDF, without their subset prefix."""
    return {str(font.get_object()["/BaseFont"]).split("+")[-1] for page in PdfReader(io.BytesIO(pdf)).pages
            for font in (page["/Resources"].get("/Font") or {}).values()}


@pytest.fixture(scope="module")
def example_kb() -> KnowledgeBase:
    return check_project(EXAMPLE).kb


@pytest.fixture(scope="module")
def example() -> Paper:
    paper, _ = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert paper is not None
    return paper


@pytest.fixture(scope="module")
def example_pdf(example: Paper, example_kb: KnowledgeBase) -> bytes:
    return render_paper_pdf(example, example_kb, ReferenceFormatter(example_kb.bibliography))


def test_example_pdf_text_has_title_block_body_and_references(example_pdf: bytes) -> None:
    """The title, authors, date, version and status, the citations as author-year, and the reference list."""
    text = flat(" ".join(pages_text(example_pdf)))
    for expected in ("Staff continuity & independence: an example paper", "Ada Example and Evidence Review Team",
                     "Date: 20 November 2026", "Version: 0.1", "Status: Draft",
                     "Partnership work depends on people (Turley, 2012, p. 2). Alexander (2021) describes formal",
                     "(see Bovaird and Loeffler, 2012; 2021)", "References",
                     "Turley, C. (2012) Delivering neighbourhood policing in partnership. NatCen Social Research.",
                     "[[finding:not-a-record]] and [@not-a-key]"):
        assert expected in text
    assert "A work no paper cites" not in text


def test_every_page_of_a_draft_says_draft_and_is_numbered(example_pdf: bytes) -> None:
    """A draft carries DRAFT on every page, with "Page n of N" and the running title."""
    texts = pages_text(example_pdf)
    assert numbered(texts)
    for text in texts:
        assert "DRAFT" in text
        assert "Staff continuity & independence: an example paper" in flat(text)


def test_the_pdf_is_set_only_in_the_fonts_its_stylesheet_names(example_pdf: bytes) -> None:
    """DejaVu Serif, Sans and Sans Mono (installed by .ci/setup), never a fallback that would change the layout."""
    assert {"DejaVu-Serif", "DejaVu-Sans", "DejaVu-Serif-Italic", "DejaVu-Sans-Bold"} <= fonts(example_pdf)
    assert all(name.startswith("DejaVu-") for name in fonts(example_pdf)), fonts(example_pdf)


def test_a_published_paper_has_no_draft_mark(example_kb: KnowledgeBase) -> None:
    """Only drafts are marked."""
    paper, _ = load_paper(EXAMPLE / "content" / "papers" / "published.md", EXAMPLE)
    assert paper is not None
    texts = pages_text(render_paper_pdf(paper, example_kb, ReferenceFormatter(example_kb.bibliography)))
    assert numbered(texts)
    assert not any("DRAFT" in text for text in texts)
    assert "DRAFT" not in texts[0] and "Draft" not in texts[0]
    assert "Status: Published" in texts[0]
    assert "Presented at An example seminar" in texts[0]
    assert "Prepared by the <Evidence Review Team> from this knowledge base, not by the seminar's organisers." \
        in flat(texts[0])


@pytest.mark.parametrize("slug", ["concepts", "evidence", "seminar"])
def test_real_papers_say_whose_they_are_in_the_pdf(slug: str, repository_kb: KnowledgeBase) -> None:
    """Each paper of this knowledge base says, on its first page, that it is not the Cardiff project's own."""
    paper, _ = load_paper(REPOSITORY / "content" / "papers" / f"{slug}.md", REPOSITORY)
    assert paper is not None and paper.meta.prepared_by is not None and paper.meta.event is not None
    first = flat(pages_text(render_paper_pdf(paper, repository_kb, ReferenceFormatter(repository_kb.bibliography)))[0])
    assert "It is not a paper of the Cardiff University project" in first
    assert flat(paper.meta.prepared_by) in first and flat(paper.meta.event.heading) in first


def test_citations_link_to_the_reference_list_and_dois_link_out(example_pdf: bytes) -> None:
    """Every citation is a link to a destination in the PDF itself; a DOI is a link to doi.org."""
    reader = PdfReader(io.BytesIO(example_pdf))
    internal, external = set(), set()
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            link = annotation.get_object()
            if "/Dest" in link:
                internal.add(str(link["/Dest"]))
            elif "/A" in link:
                external.add(str(link["/A"]["/URI"]))
    assert internal == {"ref-alexander2021coproduction", "ref-bovaird2012engagement", "ref-turley2012neighbourhood"}
    assert internal <= set(reader.named_destinations)
    assert external == {"https://doi.org/10.1007/s43545-021-00058-0"}


def test_metadata_and_bytes_are_fixed_by_the_paper(example: Paper, example_kb: KnowledgeBase,
                                                   example_pdf: bytes) -> None:
    """Title, authors and dates come from the front matter, so the same paper gives the same bytes."""
    metadata = PdfReader(io.BytesIO(example_pdf)).metadata
    assert metadata is not None
    assert metadata["/Title"] == "Staff continuity & independence: an example paper"
    assert metadata["/Author"] == "Ada Example and Evidence Review Team"
    assert metadata["/CreationDate"] == metadata["/ModDate"] == "D:20261120000000Z"
    assert render_paper_pdf(example, example_kb, ReferenceFormatter(example_kb.bibliography)) == example_pdf


def test_print_html_escapes_record_text(example: Paper, example_kb: KnowledgeBase) -> None:
    """Record text reaches WeasyPrint escaped: a `<script>` in a finding is text."""
    html = paper_html(example, example_kb, ReferenceFormatter(example_kb.bibliography))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_build_paper_pdfs_writes_one_file_per_paper(tmp_path: Path, example_kb: KnowledgeBase) -> None:
    """`build_paper_pdfs` writes ``<slug>.pdf`` for each paper, for the site plugin."""
    papers, _ = load_papers(EXAMPLE / "content" / "papers", EXAMPLE)
    written = build_paper_pdfs(papers, example_kb, ReferenceFormatter(example_kb.bibliography), tmp_path / "out")
    assert [path.name for path in written] == ["example.pdf", "published.pdf"]
    assert all(path.read_bytes().startswith(b"%PDF-") for path in written)


def test_build_paper_pdfs_refuses_a_paper_with_errors(tmp_path: Path, example_kb: KnowledgeBase) -> None:
    """No PDF is written when any paper has errors; the error carries file and line."""
    papers, _ = load_papers(EXAMPLE / "content" / "papers", EXAMPLE)
    broken = Paper("broken", "content/papers/broken.md", papers[0].meta, papers[0].text + "\n[@nobody]\n",
                   papers[0].body_line)
    with pytest.raises(SynthError) as raised:
        build_paper_pdfs([papers[0], broken], example_kb, ReferenceFormatter(example_kb.bibliography), tmp_path)
    assert [d.format().split(":")[:2] for d in raised.value.diagnostics] == [["content/papers/broken.md", "47"]]
    assert list(tmp_path.iterdir()) == []


# The repository's own papers.


@pytest.fixture(scope="module")
def repository_kb() -> KnowledgeBase:
    return check_project(REPOSITORY).kb


@pytest.fixture(scope="module")
def real_pdfs(repository_kb: KnowledgeBase) -> dict[str, tuple[Paper, list[str], list[str]]]:
    """Each real paper, its PDF's text page by page, and the keys it cites (in the text or through embeds)."""
    formatter = ReferenceFormatter(repository_kb.bibliography)
    built = {}
    for slug in REAL_PAPERS:
        paper, problems = load_paper(REPOSITORY / "content" / "papers" / f"{slug}.md", REPOSITORY)
        assert problems == [] and paper is not None
        evidence = Evidence(repository_kb, formatter)
        expand_body(paper, evidence)
        pdf = render_paper_pdf(paper, repository_kb, formatter)
        built[slug] = (paper, pages_text(pdf), cited_keys(paper, evidence))
    return built


@pytest.mark.parametrize("slug", REAL_PAPERS)
def test_real_paper_pdf_holds_title_authors_cited_and_references(
        slug: str, real_pdfs: dict[str, tuple[Paper, list[str], list[str]]], repository_kb: KnowledgeBase) -> None:
    """The title, the family names of every cited work (the first of four or more), and each reference in full."""
    paper, texts, keys = real_pdfs[slug]
    text = flat(" ".join(texts))
    assert flat(paper.meta.title) in text
    references = text[text.index("References "):]
    formatter = ReferenceFormatter(repository_kb.bibliography)
    for key in keys:
        entry = repository_kb.bibliography.data.entries[key]
        persons = entry.persons.get("author", []) or entry.persons.get("editor", [])
        for person in persons[:1] if len(persons) >= 4 else persons:  # four or more read "First, I. et al."
            family = latex_to_text(" ".join(person.last_names)).strip("{}")
            assert flat(family) in references, (key, family)
        assert flat(formatter.format(key)[0].text) in references, key


@pytest.mark.parametrize("slug", REAL_PAPERS)
def test_real_paper_pdf_page_count_and_draft_mark(
        slug: str, real_pdfs: dict[str, tuple[Paper, list[str], list[str]]]) -> None:
    """Every page numbered "Page n of N" with N its real page count; a draft says DRAFT on every page."""
    paper, texts, _ = real_pdfs[slug]
    assert numbered(texts)
    if paper.is_draft:
        assert all("DRAFT" in text for text in texts)
