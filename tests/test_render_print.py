"""Paper: the print header each page carries, search text that keeps labels apart, and the briefing PDF."""

from __future__ import annotations

import io
import re
from types import SimpleNamespace

import jinja2
from pypdf import PdfReader

from synth.records.schema import RATING_LABELS
from synth.site.briefing import briefing_html, briefing_sections, render_briefing_pdf
from synth.site.home import home_sections, render_home_page
from synth.site.page_html import PrintStamp, print_extra, separate_block_text
from synth.versions import theme_overrides

STAMP = PrintStamp("Example <knowledge> base", "2026-03-01", "v1.2")


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed to single spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_block_texts_are_separated_for_search() -> None:
    """A label and its value in adjacent blocks get whitespace between them; inline markup and code do not."""
    html = ("<dl><dt>Kind of evidence</dt><dd>Practice example</dd></dl><table><tr><td>7</td><td>6</td></tr></table>"
            "<p>A <strong>bold</strong><em>word</em></p><pre><code>&lt;/td&gt;</td><td>x</code></pre>")
    separated = separate_block_text(html)
    assert "<dt>Kind of evidence</dt>\n<dd>Practice example</dd>\n</dl>" in separated
    assert "<td>7</td>\n<td>6</td>\n</tr>" in separated
    assert "<strong>bold</strong><em>word</em>" in separated
    assert "<pre><code>&lt;/td&gt;</td><td>x</code></pre>" in separated
    assert re.sub(r"\s", "", separated) == re.sub(r"\s", "", html)


def print_header(stamp: PrintStamp | None, canonical_url: str | None, url: str = "a/") -> str:
    """The print header the theme's partial writes, in an environment set up as MkDocs sets up the theme's."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme_overrides()))  # No autoescaping, as in MkDocs.
    extra = {"synth_print": print_extra(stamp)} if stamp is not None else {}
    page = SimpleNamespace(canonical_url=canonical_url, url=url)
    return env.get_template("partials/synth-print-header.html").render(config={"extra": extra}, page=page).strip()


def test_the_print_header_names_site_address_build_date_and_version_escaped() -> None:
    """The print-only header carries the four facts, every one escaped; without a stamp there is none."""
    header = print_header(STAMP, "https://example.org/kb/barriers/a/?x=1&y=<2>")
    assert header.startswith('<div class="synth-print-header">') and header.endswith("</div>")
    assert '<p class="synth-print-header__site">Example &lt;knowledge&gt; base</p>' in header
    assert "https://example.org/kb/barriers/a/?x=1&amp;y=&lt;2&gt;" in header
    assert "Built 2026-03-01 · version v1.2" in header
    assert '<p class="synth-print-header__address">/barriers/a/</p>' in print_header(STAMP, None, "barriers/a/")
    assert "version" not in print_header(PrintStamp("Site", "2026-03-01"), "/a/")
    assert print_header(None, "/a/") == ""
    hostile = print_header(PrintStamp('"><script>x</script>', "2026", "<b>"), "/a/")
    assert "<script>" not in hostile and "<b>" not in hostile


def test_briefing_follows_the_home_page_sections(site_example) -> None:  # type: ignore[no-untyped-def]
    """The briefing prints the home page's sections, in its order, every item with its evidence."""
    kb, _ = site_example
    sections = briefing_sections(kb)
    assert [heading for heading, *_ in sections] == [heading for heading, *_ in home_sections(kb)]
    for (_, items, total), (_, kind, _, ids) in zip(sections, home_sections(kb), strict=True):
        assert [item.name for item in items] == [kb.supported(kind)[i].name for i in ids]
        assert total == len(ids)


def test_a_long_section_shows_its_best_supported_items_and_says_how_many_more(site_example) -> None:  # type: ignore[no-untyped-def]
    """Past ``shown`` items, the briefing and the home page keep the best supported and say how many there are."""
    kb, _ = site_example
    (_, items, total), *_ = briefing_sections(kb, shown=1)
    _, kind, _, ids = home_sections(kb)[0]
    assert total == len(ids) > 1 and [item.name for item in items] == [kb.supported(kind)[ids[0]].name]
    html = briefing_html(kb, STAMP, "https://example.org/kb/", shown=1)
    assert f"The 1 best supported of {total}; every one is on the site at https://example.org/kb/." in html
    assert "“At a glance” lists the best-supported points" in html
    page = render_home_page(kb, "Example", shown=1)
    assert f"These are the 1 best supported of {total}." in page
    assert page.count('<p class="synth-factor-list__name">') == sum(min(1, len(ids)) for *_, ids in home_sections(kb))
    assert "every point" in briefing_html(kb, STAMP) and "best supported of" not in render_home_page(kb, "Example")


def test_briefing_pdf_text_holds_every_item_with_its_confidence_and_kind_of_evidence(site_example) -> None:  # type: ignore[no-untyped-def]
    """Site name, build date, version; each section and item with its confidence and evidence; what ratings mean."""
    kb, _ = site_example
    text = pdf_text(render_briefing_pdf(kb, STAMP, "https://example.org/kb/"))
    assert "Example <knowledge> base" in text and "Built 2026-03-01 · version v1.2" in text
    assert "https://example.org/kb/" in text
    sections = briefing_sections(kb)
    first_detail = text.index("Confidence in the best-supported finding:")
    glance, details = text[:first_detail], text[text.rindex(sections[0][0], 0, first_detail):]
    position = glance.index("At a glance")
    for _, items, _ in sections:
        for item in items:
            position = glance.index(f"{' '.join(item.name.split())} {item.confidence}", position)
    text = details
    position = 0
    for heading, items, _ in sections:
        position = text.index(heading, position)
        for item in items:
            position = text.index(" ".join(item.name.split()), position)
            line = f"Confidence in the best-supported finding: {item.confidence} · {item.support} · Kind of evidence:"
            assert text.index(line, position) == text.index(line.split(":")[0], position)
    assert "not the size of an effect" in glance
    for label in RATING_LABELS.values():
        assert label in text[text.index("What confidence means"):]


def test_briefing_pdf_is_reproducible(site_example) -> None:  # type: ignore[no-untyped-def]
    """The same knowledge base and stamp give the same bytes."""
    kb, _ = site_example
    assert render_briefing_pdf(kb, STAMP) == render_briefing_pdf(kb, STAMP)
