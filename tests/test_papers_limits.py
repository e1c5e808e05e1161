"""Papers that would crash, stall or exhaust the PDF renderer are refused, located, before anything is printed.

The cases are the ones that once crashed or hung the PDF step after passing `synth check`: a 600-deep
blockquote, 3,000 nested ``<div>``s, a 200-level list, ``font-size: 100000000px``, ``colspan="100000000"`` and
a 40-level ``<svg><use>`` doubling. Each is now a located error from the check, so `synth pdf` and the build
stop with it; a renderer failure that gets past the check becomes ``paper.pdf-failed``, naming the paper.
"""

from __future__ import annotations

import io

import pytest
from conftest import DATA
from pypdf import PdfReader

from synth.errors import SynthError
from synth.papers import sandbox
from synth.papers.limits import Place, check_body, check_page
from synth.papers.model import parse_paper
from synth.papers.pdf import build_paper_pdfs, paper_html, render_paper_pdf
from synth.pipeline import check_project
from synth.references.style import ReferenceFormatter

EXAMPLE = DATA / "papers-example"
FRONT_MATTER = """---
title: A paper
authors:
  - name: Example, Ada
date: 2026-11-20
event: {name: A seminar, relation: prepared-for}
abstract: An abstract.
status: draft
version: "0.1"
---
"""
SVG_DOUBLING = "<svg>" + "".join(f'<g id="g{level}"><use href="#g{level - 1}"/><use href="#g{level - 1}"/></g>'
                                 for level in range(40)) + "</svg>"
HOSTILE_BODIES = {
    "600-deep blockquote": ("> " * 600 + "deep", "paper.too-deep"),
    "3,000 nested divs": ("<div>" * 3000 + "x" + "</div>" * 3000, "paper.too-deep"),
    "200-level list": ("\n".join("    " * level + "- item" for level in range(200)), "paper.too-deep"),
    "huge font size": ('<p style="font-size: 100000000px">big</p>', "paper.too-large"),
    "huge colspan": ('<table><tr><td colspan="100000000">x</td></tr></table>', "paper.too-large"),
    "svg use doubling": (SVG_DOUBLING, "paper.too-large"),
}


@pytest.fixture(scope="module")
def example():  # type: ignore[no-untyped-def]
    """The papers example's knowledge base and a formatter of its references."""
    result = check_project(EXAMPLE)
    assert result.errors == []
    return result.kb, ReferenceFormatter(result.kb.bibliography)


@pytest.mark.parametrize(("body", "code"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_the_check_refuses_each_hostile_body_located(body: str, code: str) -> None:
    """Each case is one error with its code, at a line of the body, naming the paper."""
    problems = check_body(body, Place("content/papers/x.md", "x", 11))
    assert [(d.code, d.severity, d.record_id) for d in problems] == [(code, "error", "x")]
    assert problems[0].location is not None and problems[0].location.line >= 11


@pytest.mark.parametrize(("body", "code"), HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_the_pdf_step_stops_with_the_error_not_a_crash(example, tmp_path, body: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Building the PDFs of such a paper raises the located error; no renderer runs and nothing is written."""
    kb, formatter = example
    paper, problems = parse_paper(FRONT_MATTER + body + "\n", "content/papers/hostile.md", "hostile")
    assert paper is not None and problems == []
    with pytest.raises(SynthError) as raised:
        build_paper_pdfs([paper], kb, formatter, tmp_path)
    assert [(d.code, d.location.path if d.location else None) for d in raised.value.diagnostics] == [
        (code, "content/papers/hostile.md")]
    assert list(tmp_path.iterdir()) == []


def test_ordinary_nesting_and_sizes_pass() -> None:
    """A few levels of quotes and lists, tables and ordinary CSS are not limited."""
    body = ("> one\n> > two\n> > > three\n\n- a\n    - b\n        - c\n\n"
            '<table><tr><td colspan="3" style="width: 50%; font-size: 12pt">x</td></tr></table>\n'
            "```\n" + "> " * 100 + "\n<script>code is text</script>\n```\n")
    assert check_body(body, Place("p.md", "p", 1)) == []


def test_scripts_in_a_paper_or_page_are_warned_of_located() -> None:
    """<script>, an event handler and javascript: links are warnings, at their line and column."""
    body = 'Text\n<script>x()</script>\n<img src="a.png" onerror="x()">\n[link](javascript:x())\n' \
           '<a href=" JavaScript:x()">y</a>\n`<script>` in code is text'
    found = [(d.code, d.severity, str(d.location)) for d in check_body(body, Place("p.md", "p", 5))]
    assert found == [("paper.unsafe-html", "warning", "p.md:6:1"), ("paper.unsafe-html", "warning", "p.md:7:1"),
                     ("paper.unsafe-html", "warning", "p.md:8:8"), ("paper.unsafe-html", "warning", "p.md:9:1")]
    assert [d.code for d in check_page(body, "docs/x.md")] == ["page.unsafe-html"] * 4


def test_the_pdf_never_carries_a_javascript_link(example) -> None:  # type: ignore[no-untyped-def]
    """A javascript: link in a paper's body is text in the PDF, with no link annotation to a script."""
    kb, formatter = example
    body = '[click](javascript:alert(1)) and <a href="javascript:alert(2)">this</a> and [fine](https://example.org)'
    paper, _ = parse_paper(FRONT_MATTER + body + "\n", "content/papers/links.md", "links")
    assert paper is not None
    html = paper_html(paper, kb, formatter)
    assert "javascript:" not in html.lower() and 'href="https://example.org"' in html
    reader = PdfReader(io.BytesIO(render_paper_pdf(paper, kb, formatter)))
    uris = [str(annotation.get_object().get("/A", {}).get("/URI", "")) for pdf_page in reader.pages
            for annotation in pdf_page.get("/Annots", []) or []]
    assert "https://example.org" in uris and not any("javascript" in uri.lower() for uri in uris)


def test_a_renderer_that_runs_out_of_memory_is_a_located_error(example, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """With too little memory for the renderer, the PDF step reports paper.pdf-failed naming the paper."""
    kb, formatter = example
    paper, _ = parse_paper(FRONT_MATTER + "Plain text.\n", "content/papers/small.md", "small")
    assert paper is not None
    monkeypatch.setattr(sandbox, "PDF_MEMORY", 48 * 1024**2)
    with pytest.raises(SynthError) as raised:
        render_paper_pdf(paper, kb, formatter)
    [diagnostic] = raised.value.diagnostics
    assert diagnostic.code == "paper.pdf-failed" and "'small'" in diagnostic.message
    assert diagnostic.message.endswith("it needed more than 48 MB of memory")
    assert str(diagnostic.location) == "content/papers/small.md:11:1"


def test_a_renderer_that_runs_too_long_is_stopped() -> None:
    """The SVG doubling, given to the renderer directly with a two-second bound, stops with a reason."""
    document = f"<!DOCTYPE html><html><body>{SVG_DOUBLING}</body></html>"
    with pytest.raises(sandbox.RenderFailure, match=r"^the renderer took longer than 2 seconds$"):
        sandbox.render_bounded(document, "", seconds=2)


def test_the_readme_states_every_limit() -> None:
    """Each bound on a paper, and the renderer's time and memory, is stated in the README with its value."""
    readme = (DATA.parent.parent / "README.md").read_text(encoding="utf-8")
    from synth.papers.limits import LIMITS

    for value in LIMITS.values():
        assert f"| {value:,} " in readme or f"| {value} levels" in readme, value
    assert f"{sandbox.PDF_SECONDS} seconds" in readme and f"{sandbox.PDF_MEMORY // 1024**3} GB" in readme


def test_a_body_checked_again_gives_the_same_problems_remembered_or_not(monkeypatch: pytest.MonkeyPatch) -> None:
    """A body checked again (each rebuild checks every paper) gives a first check's problems, in a list of its own.

    So does a body too long to be remembered.
    """
    body = "\n".join(f"{text}\n" for text, _ in HOSTILE_BODIES.values()) + '<a href="javascript:x()">x</a>\n'
    place = Place("content/papers/x.md", "x", 11)
    first = check_body(body, place)
    assert {d.code for d in first} == {"paper.too-deep", "paper.too-large", "paper.unsafe-html"}
    first.clear()
    again = check_body(body, place)
    assert again == check_body(body, Place("content/papers/x.md", "x", 11)) and len(again) >= 4
    assert check_body(body, Place("content/papers/x.md", "x", 12))[0].location != again[0].location
    monkeypatch.setattr("synth.papers.limits.REMEMBERED_TEXT", 10)
    assert check_body(body, place) == again
