"""Escaping and labels: record text is data in every context a page puts it."""

from __future__ import annotations

import html

import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from synth.site.markup import (
    ENVIRONMENT,
    EXTRA_BLANK_LINES,
    design_phrase,
    joined,
    markdown_text,
    paragraphs,
    plural,
    single_blank_lines,
    yaml_string,
)

HOSTILE = [
    "<script>alert('x')</script>",
    "[click](javascript:alert(1))",
    "*bold* _em_ `code` {#id} ![img](x.png) <b>b</b> & &amp;",
    "Title with @turley2012 and [@key] citations",
    "# not a heading ### trailing #",
]


def convert(text: str) -> str:
    """Markdown to HTML with the extensions generated pages rely on."""
    return markdown.markdown(text, extensions=["toc", "attr_list", "tables"])


@pytest.mark.parametrize("text", HOSTILE)
def test_heading_text_is_shown_as_written(text: str) -> None:
    """A heading made with `markdown_text` shows the record's characters and creates no markup."""
    converted = convert(f"## {markdown_text(text)}")
    assert converted.count("<") == 2  # <h2 id="..."> and </h2> only.
    assert converted.startswith("<h2") and converted.endswith("</h2>")
    inner = converted[converted.index(">") + 1: converted.rindex("<")]
    assert html.unescape(inner) == " ".join(text.split())


def test_paragraphs_escape_and_split_on_blank_lines() -> None:
    """Each blank-line-separated paragraph becomes a <p>, with its text escaped and white space folded."""
    assert paragraphs("One <b>two</b>\nthree.\n\n  Four &  five. ") == (
        "<p>One &lt;b&gt;two&lt;/b&gt; three.</p><p>Four &amp; five.</p>")


def test_raw_html_blocks_keep_record_text_out_of_markdown() -> None:
    """Escaped text inside a raw HTML block is not read as Markdown: a link stays text."""
    html = convert(f'<div class="x">{paragraphs("[click](javascript:alert(1)) *not em*")}</div>')
    assert html == '<div class="x"><p>[click](javascript:alert(1)) *not em*</p></div>'


@pytest.mark.parametrize("text", [*HOSTILE, 'quotes " and \' and \\ and a: colon', "line\nbreak"])
def test_metadata_strings_are_yaml_holding_escaped_html(text: str) -> None:
    """Page metadata reads back as the HTML-escaped text, since the theme prints it without escaping."""
    value = yaml.safe_load(f"title: {yaml_string(text)}")["title"]
    assert "<" not in value
    assert html.unescape(value) == " ".join(text.split())


def test_plain_language_counts_and_designs() -> None:
    """Counts take the right noun form; designs are named with their counts."""
    assert [plural(1, "study"), plural(2, "study"), plural(0, "finding"), plural(3, "barrier")] == [
        "1 study", "2 studies", "0 findings", "3 barriers"]
    assert design_phrase({"ethnography": 1, "qualitative-case-studies": 2}) == (
        "ethnography: 1; qualitative case studies: 2")


def test_templates_escape_by_default() -> None:
    """Autoescaping is on: a value rendered plainly in a template is escaped."""
    template = ENVIRONMENT.from_string("<p>{{ text }}</p>")
    assert template.render(text="<script>") == "<p>&lt;script&gt;</p>"


def test_plural_of_a_noun_it_has_no_table_for_adds_an_s() -> None:
    """Any other noun (a theme, a reference) takes a plain -s, and one stays singular."""
    assert (plural(1, "theme"), plural(3, "theme"), plural(0, "reference")) == ("1 theme", "3 themes", "0 references")


@given(st.text(alphabet="\n a", max_size=40))
@settings(max_examples=300, deadline=None)
def test_single_blank_lines_is_the_regular_expression_s_result(text: str) -> None:
    """Runs of blank lines become one, exactly as the regular expression it replaces made them."""
    assert single_blank_lines(text) == EXTRA_BLANK_LINES.sub("\n\n", text)


def test_joined_rows_keep_rendered_markup_and_escape_anything_else() -> None:
    """A table's rows are written one after another; a row that is not rendered markup is text, escaped."""
    rows = [Markup("<tr><td>a &amp; b</td></tr>\n"), '<tr onclick="x()">&</tr>\n']
    assert joined(rows) == '<tr><td>a &amp; b</td></tr>\n&lt;tr onclick=&#34;x()&#34;&gt;&amp;&lt;/tr&gt;\n'
    assert isinstance(joined(rows), Markup) and joined([]) == ""
    template = ENVIRONMENT.from_string("<tbody>\n{{ rows | joined -}}\n</tbody>\n")
    assert template.render(rows=rows[:1]) == "<tbody>\n<tr><td>a &amp; b</td></tr>\n</tbody>\n"
