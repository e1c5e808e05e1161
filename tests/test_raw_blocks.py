"""Raw HTML blocks set aside before Markdown converts a generated page, and put back after: the same page."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import markdown
import pytest
from conftest import REPOSITORY, SITE_EXAMPLE
from hostile import PAYLOADS, hostile_project
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.papers import load_papers
from synth.pipeline import check_project
from synth.site import raw_blocks
from synth.site.build import SiteOptions, build_site
from synth.site.paths import paper_uri
from synth.site.raw_blocks import PLACEHOLDER, put_back, set_aside
from synth.site.references import ReferenceShelf

EXTENSIONS = ["toc", "attr_list", "admonition", "tables"]
"""The repository's Markdown extensions (mkdocs.yml), with its permalinks."""
CONFIGS = {"toc": {"permalink": True}}


def convert(text: str) -> tuple[str, list[dict[str, object]]]:
    """The HTML and table of contents Python-Markdown makes of ``text``, as MkDocs configures it here."""
    md = markdown.Markdown(extensions=EXTENSIONS, extension_configs=CONFIGS)
    return md.convert(text), md.toc_tokens  # type: ignore[attr-defined]


def document(html: str) -> str:
    """``html`` parsed as a browser would, with whitespace-only text between elements left out."""
    fragment = html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)
    for element in fragment.iter():
        if element.text is not None and not element.text.strip():
            element.text = None
        if element.tail is not None and not element.tail.strip():
            element.tail = None
    return ET.tostring(fragment, encoding="unicode")


def generated_pages(project: Path) -> dict[str, str]:
    """Every page the plugin generates for ``project`` except papers (their bodies are written by hand)."""
    result = check_project(project)
    assert not result.errors
    assert result.formatter is not None
    papers, _ = load_papers(project / "content" / "papers")
    shelf = ReferenceShelf(result.kb.bibliography, result.formatter)
    site = build_site(result.kb, shelf, papers, {}, SiteOptions("Site", guide_folder="contributing"))
    return {uri: body(text) for uri, text in site.pages.items() if uri not in {paper_uri(p.slug) for p in papers}}


def body(page: str) -> str:
    """A page's Markdown after its front matter, as MkDocs hands it to the plugins."""
    return page.split("---\n", 2)[2] if page.startswith("---\n") else page


def assert_same_page(uri: str, text: str) -> bool:
    """Converting with the blocks set aside gives the page Markdown gives; True if any block was set aside."""
    aside = set_aside(text)
    if aside is None:
        return False
    whole, whole_toc = convert(text)
    stub, stub_toc = convert(aside.markdown)
    finished = put_back(stub, aside)
    assert finished is not None, uri
    assert document(finished) == document(whole), uri
    assert stub_toc == whole_toc, uri
    return True


@pytest.mark.parametrize("project", [REPOSITORY, SITE_EXAMPLE], ids=["repository", "site-example"])
def test_every_generated_page_is_the_page_markdown_makes(project: Path) -> None:
    """Each generated page, blocks set aside and put back, is the document and contents Markdown makes of it."""
    pages = generated_pages(project)
    set_aside_pages = {uri for uri, text in pages.items() if assert_same_page(uri, text)}
    records = {uri for uri in pages if uri.split("/")[0] in {"barriers", "facilitators", "findings", "studies",
                                                              "outcomes"} and not uri.endswith("index.md")}
    assert records and records <= set_aside_pages


def test_hostile_record_text_gives_the_same_pages(tmp_path: Path) -> None:
    """With markup, placeholders' look-alikes and comments in every free-text field, the pages are still the same."""
    payload = " ".join(PAYLOADS) + " synthrawhtmlblock0end\n\nsynthrawhtmlblock1end <div>"
    project = hostile_project(SITE_EXAMPLE, tmp_path / "project", lambda field: payload)
    pages = generated_pages(project)
    assert sum(assert_same_page(uri, text) for uri, text in pages.items()) > 10


@pytest.mark.parametrize("text", [
    "# A\n\n```\n<div>\n</div>\n```\n",
    "# A\n\n<div><!-- a comment --></div>\n",
    "# A\n\n<div>\n<pre>x</pre>\n</div>\n",
    "# A\n\n<div>never closed\n",
    "# A\n\n<div>a</div> and text after\n",
    "# A\n\n</div>\n",
    "# A\n\nJust Markdown.\n",
], ids=["fenced-code", "comment", "verbatim", "unclosed", "text-after", "end-tag-first", "no-block"])
def test_pages_it_cannot_be_sure_of_stay_markdown(text: str) -> None:
    """Fenced code, comments, verbatim elements, unbalanced tags or no block at all: the page is left whole."""
    assert set_aside(text) is None


def test_blocks_need_a_blank_line_or_block_before_them() -> None:
    """A block-level tag straight after a paragraph line is left to Markdown; one after a blank line is set aside."""
    aside = set_aside("Text\n<div>a</div>\n\n<div>b</div>\n<ul>\n<li>c</li>\n</ul>\n## Next\n")
    assert aside is not None
    assert aside.blocks == ("<div>b</div>", "<ul>\n<li>c</li>\n</ul>")
    assert aside.markdown.startswith("Text\n<div>a</div>\n")
    assert "\n## Next" in aside.markdown


def test_a_changed_placeholder_is_noticed() -> None:
    """If another extension changes a placeholder, put_back says so instead of losing the block."""
    aside = set_aside("# A\n\n<div>a</div>\n\n<div>b</div>\n")
    assert aside is not None
    html, _ = convert(aside.markdown)
    assert put_back(html, aside) is not None
    assert put_back(html.replace(PLACEHOLDER.format(1), "changed"), aside) is None


def test_anchor_ids_of_the_blocks_are_known() -> None:
    """Ids inside the blocks set aside are reported, so links to them from other pages can be checked."""
    aside = set_aside("# A\n\n<table id=\"t\"><tr><td id='c'>x</td></tr></table>\n")
    assert aside is not None
    assert aside.anchor_ids == {"t", "c"}


@pytest.fixture(scope="module")
def repository_pages() -> list[str]:
    """The repository's generated pages that have blocks set aside, longest first."""
    pages = generated_pages(REPOSITORY)
    return sorted((text for text in pages.values() if set_aside(text) is not None), key=len, reverse=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_an_edited_page_sets_aside_the_same_blocks_with_its_earlier_blocks_given(repository_pages: list[str],
                                                                                 data: st.DataObject) -> None:
    """Whatever the edit, the blocks an earlier version of the page gives change nothing in what is set aside."""
    page = data.draw(st.sampled_from(repository_pages[:12]), label="page")
    start = data.draw(st.integers(0, len(page)), label="start")
    end = data.draw(st.integers(start, min(len(page), start + 400)), label="end")
    inserted = data.draw(st.sampled_from(["", "x", "\n", "\n\n", "</div>", "<div>", "<p>new</p>\n", "<!-- c -->",
                                          page[start:end], "<table>\n<tr><td>a</td></tr>\n</table>\n"]),
                         label="inserted")
    edited = page[:start] + inserted + page[end:]
    assert set_aside(edited, set_aside(page)) == set_aside(edited)


def test_an_edit_walks_the_tags_of_the_changed_blocks_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """A finding's statement edited on the themes page: only the block that shows it is walked again."""
    page = generated_pages(REPOSITORY)["themes.md"]
    first = set_aside(page)
    assert first is not None and len(first.blocks) > 5
    item_end = '</a>\n<span class="synth-finding-list__confidence">'
    edited = page.replace(item_end, " Edited." + item_end, 1)
    assert edited != page
    walks: list[int] = []
    block_end = raw_blocks._block_end
    monkeypatch.setattr(raw_blocks, "_block_end", lambda text, start: walks.append(start) or block_end(text, start))
    again = set_aside(edited, first)
    walked = len(walks)
    monkeypatch.undo()
    assert again == set_aside(edited)
    assert walked == 1
