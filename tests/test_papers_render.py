"""A paper's site page: embeds expanded, record text escaped, its own reference list, and a golden page."""

from __future__ import annotations

import markdown
import pytest
from conftest import DATA

from synth.citations import CitationExtension
from synth.errors import SynthError
from synth.papers.model import Paper, load_paper, parse_paper
from synth.papers.pdf import PdfCitations
from synth.papers.render import Evidence, cited_keys, expand_body, inline_text, render_paper_page, text
from synth.pipeline import check_project
from synth.records.link import KnowledgeBase
from synth.references.style import ReferenceFormatter

EXAMPLE = DATA / "papers-example"


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return check_project(EXAMPLE).kb


@pytest.fixture(scope="module")
def paper() -> Paper:
    loaded, _ = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert loaded is not None
    return loaded


def page(paper: Paper, kb: KnowledgeBase) -> str:
    return render_paper_page(paper, kb, ReferenceFormatter(kb.bibliography),
                             record_href=lambda kind, record_id: f"../../{kind}/{record_id}/")


def test_example_page_matches_golden(golden, paper: Paper, kb: KnowledgeBase) -> None:  # type: ignore[no-untyped-def]
    """The whole page: title block, abstract, expanded body, references, citation box and PDF link."""
    golden("papers/example-page.md", page(paper, kb))


def test_record_text_is_escaped_in_embeds_and_mentions(paper: Paper, kb: KnowledgeBase) -> None:
    """A `<script>` in a finding shows as text; its ``@key`` and ``[[matrix]]`` are neither a citation nor an embed."""
    output = page(paper, kb)
    assert "<script>" not in output and "<b>study" not in output
    assert "Formal meetings &lt;script&gt;alert(1)&lt;/script&gt; suited *professionals*; mail " \
           "&#64;turley2012neighbourhood [[matrix]]." in output
    assert "Formal meetings &#60;script&#62;alert&#40;1&#41;&#60;/script&#62; suited &#42;professionals&#42;; " \
           "mail &#64;turley2012neighbourhood &#91;&#91;matrix&#93;&#93;." in output


def test_page_converts_to_html_with_every_record_shown_once_and_no_stray_markup(paper: Paper,
                                                                                kb: KnowledgeBase) -> None:
    """Through Python-Markdown and the citation extension, the page is HTML with the embeds intact."""
    formatter = ReferenceFormatter(kb.bibliography)
    resolver = PdfCitations(formatter, frozenset(kb.bibliography.keys()), paper.path)
    html = markdown.Markdown(extensions=["fenced_code", CitationExtension(resolver)]).convert(page(paper, kb))
    assert resolver.unknown_keys == []
    assert html.count('<div class="paper-embed ') == 4
    assert html.count("<table ") == 3
    assert "<script>" not in html
    assert '<a href="#ref-turley2012neighbourhood" title="Turley, C. (2012)' in html
    assert "[[finding:not-a-record]] and [@not-a-key]" in html  # The code block, as written.
    assert "<code>[[finding:also-not]]</code>" in html


def test_reference_list_holds_only_what_the_paper_cites(paper: Paper, kb: KnowledgeBase) -> None:
    """Keys cited in the text and the studies of embedded records, in author-year order; nothing else."""
    evidence = Evidence(kb, ReferenceFormatter(kb.bibliography))
    expand_body(paper, evidence)
    assert cited_keys(paper, evidence) == ["alexander2021coproduction", "bovaird2012engagement",
                                           "turley2012neighbourhood"]
    assert "uncited2020" not in page(paper, kb)


def test_a_paper_with_an_unknown_record_is_not_rendered(kb: KnowledgeBase) -> None:
    """Rendering raises `SynthError` carrying the located error, so a site build fails on it."""
    front = "---\ntitle: T\nauthors:\n  - name: A\ndate: 2026-11-20\nevent: {name: E, relation: prepared-for}\n" \
            'abstract: X\nstatus: draft\nversion: "1"\n---\n\n[[barrier:nothing]]\n'
    broken, _ = parse_paper(front, "content/papers/broken.md", "broken")
    assert broken is not None
    with pytest.raises(SynthError) as raised:
        page(broken, kb)
    assert [d.format().split("\n")[0] for d in raised.value.diagnostics] == [
        "content/papers/broken.md:12:1: error[paper.unknown-record]: [[barrier:nothing]]: no barrier has the id "
        "'nothing'"]


def test_without_record_links_names_are_plain_text(paper: Paper, kb: KnowledgeBase) -> None:
    """With no ``record_href`` (as in the PDF) record names are not links; the PDF link defaults to the slug."""
    output = render_paper_page(paper, kb, ReferenceFormatter(kb.bibliography))
    assert 'href="../' not in output
    assert '<a href="example.pdf">Download this paper as a PDF</a>' in output


@pytest.mark.parametrize(("value", "block", "inline"), [
    ("a  <b>\n c", "a &lt;b&gt; c", "a &#60;b&#62; c"),
    ("@key [x](y) *z* _w_", "&#64;key [x](y) *z* _w_", "&#64;key &#91;x&#93;&#40;y&#41; &#42;z&#42; &#95;w&#95;"),
    ("it's \"so\" & more", "it&#x27;s &quot;so&quot; &amp; more", "it&#39;s &#34;so&#34; &#38; more"),
])
def test_escaping(value: str, block: str, inline: str) -> None:
    """Block text is HTML-escaped on one line; inline text turns every Markdown-active character into a reference."""
    assert (text(value), inline_text(value)) == (block, inline)


def test_the_title_block_says_whose_paper_it_is_and_how_it_relates_to_its_event(kb: KnowledgeBase) -> None:
    """`prepared_by` is shown, escaped, under the authors; the event reads "Presented at ..." or "Prepared for ..."."""
    published, _ = load_paper(EXAMPLE / "content" / "papers" / "published.md", EXAMPLE)
    assert published is not None
    page = render_paper_page(published, kb, ReferenceFormatter(kb.bibliography))
    assert ('<p class="paper-prepared-by">Prepared by the &lt;Evidence Review Team&gt; from this knowledge base, '
            "not by the seminar&#x27;s organisers.</p>") in page
    assert '<p class="paper-details">Presented at An example seminar · 15 January 2026 · ' in page
    front = "---\ntitle: T\nauthors:\n  - name: A\ndate: 2026-11-20\nabstract: X\nstatus: draft\nversion: '1'\n---\n"
    bare, problems = parse_paper(front + "Text.\n", "x.md", "x")
    assert problems == [] and bare is not None
    page = render_paper_page(bare, kb, ReferenceFormatter(kb.bibliography))
    assert '<p class="paper-details">20 November 2026 · Version 1 · Draft</p>' in page
    assert "paper-prepared-by" not in page


def test_outcomes_embed_as_blocks_mentions_and_a_table() -> None:
    """An outcome embeds as a block with how it is known, as a mention in a sentence, and in a table."""
    site = check_project(DATA / "site-example").kb
    evidence = Evidence(site, ReferenceFormatter(site.bibliography), lambda kind, record_id: f"/{kind}/{record_id}/")
    text_in = ("---\ntitle: T\nauthors: [{name: A}]\ndate: 2024-01-02\nevent: {name: E, relation: prepared-for}\n"
               "abstract: X\nstatus: draft\nversion: '1'\n---\n\n[[outcome:residents-feel-safer]]\n\n"
               "See [[outcome:residents-feel-safer]] too.\n\n"
               "[[table:outcomes]]\n")
    paper, problems = parse_paper(text_in, "content/papers/t.md", "t")
    assert problems == [] and paper is not None
    body = expand_body(paper, evidence)
    assert '<div class="paper-embed paper-outcome">\n<p class="paper-embed-kind">Outcome</p>' in body
    assert ("How it is known: Perceived by those involved · What was found: Achieved · For: Residents of the six "
            "areas") in body
    assert ('<span class="paper-mention-note">(outcome; 1 finding from 1 study; highest confidence in a '
            "finding&#58; Moderate)</span>") in body
    assert '<table class="paper-table paper-outcomes">' in body
    assert ('<td>Moderate</td><td>Evaluated research</td><td>1</td><td>1 study: '
            '<a href="#ref-turley2012neighbourhood">') in body


def test_an_embedded_matrix_keeps_to_the_best_supported_rows_of_each_kind_and_their_studies(
        paper: Paper, kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the row limit, each kind shows its best-supported rows, says so, and has columns for their studies only."""
    monkeypatch.setattr("synth.papers.render.MATRIX_ROWS", 1)
    output = page(paper, kb)
    matrix = output[output.index('<div class="paper-matrix">'):]
    matrix = matrix[:matrix.index("</div>")]
    firsts = {kind: kb.ranked(kind)[0] for kind in ("barrier", "facilitator", "outcome") if kb.ranked(kind)}
    assert f"Barriers: the 1 best supported of {len(kb.barriers)}</th>" in matrix and len(kb.barriers) > 1
    assert matrix.count('<th scope="row">') == len(firsts)
    assert all(f"/{kind}/{record_id}/" in matrix for kind, record_id in firsts.items())
    studies = {study for kind, record_id in firsts.items() for study in kb.support[(kind, record_id)].studies}
    assert matrix.count('<th scope="col"><abbr') == len(studies)
