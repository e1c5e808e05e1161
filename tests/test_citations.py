"""Citations in hand-written Markdown: exact HTML, code left alone, unknown keys shown and reported with lines."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from synth.citations import CitationExtension, find_citations
from synth.citations.syntax import parse_bracket
from synth.references.bibliography import load_bibliography
from synth.references.style import FormattedReference, ReferenceFormatter


def reference(key: str, author: str, year: str, text: str | None = None) -> FormattedReference:
    """A formatted reference as the style would give it, with only what citations read filled in."""
    return FormattedReference(key, f"ref-{key}", "", text or f"{author} ({year}) A title.", author, year, None,
                              None, ())


REFERENCES = {ref.key: ref for ref in (
    reference("alexander2021", "Alexander", "2021"),
    reference("turley2012", "Turley", "2012"),
    reference("bovaird2009", "Bovaird and Loeffler", "2009"),
    reference("O'Hara_1999", "O'Hara", "1999"),
    reference("st.jean2007", "St. Jean", "2007"),
    reference("ministry&local2019", "Ministry of Housing", "2019"),
    reference("tugboat:1990", "Beebe", "1990"),
    reference("odd(key)*", "Odd", "2000"),
)}


@dataclass
class FakeResolver:
    """A resolver over a fixed set of references that records every call."""

    references: dict[str, FormattedReference] = field(default_factory=lambda: dict(REFERENCES))
    unknowns: list[tuple[str, int]] = field(default_factory=list)
    cites: list[str] = field(default_factory=list)

    def lookup(self, key: str) -> FormattedReference | None:
        """The reference, if the fixed set has it."""
        return self.references.get(key)

    def href(self, key: str) -> str:
        """A link into the references page, as from a page one folder down."""
        return f"../references.md#{self.references[key].anchor}"

    def unknown(self, key: str, line: int) -> None:
        """Record an unknown key and its line."""
        self.unknowns.append((key, line))

    def cited(self, key: str) -> None:
        """Record a cited key."""
        self.cites.append(key)


def convert(text: str, resolver: FakeResolver | None = None, *extensions: str) -> str:
    """Markdown to HTML with the citation extension (and any others named)."""
    return markdown.markdown(text, extensions=[CitationExtension(resolver or FakeResolver()), *extensions])


def text(value: str) -> str:
    """Text escaped as Python-Markdown escapes it: ``& < >``."""
    return html.escape(value, quote=False)


def attribute(value: str) -> str:
    """An attribute value escaped as Python-Markdown escapes it: ``& < > "``."""
    return text(value).replace('"', "&quot;")


def a(key: str, label: str) -> str:
    """The link a known citation renders to, as Python-Markdown serialises it."""
    ref = REFERENCES[key]
    return f'<a href="../references.md#{attribute(ref.anchor)}" title="{attribute(ref.text)}">{text(label)}</a>'


def cite(inner: str) -> str:
    return f'<span class="citation">{inner}</span>'


def unknown(key: str) -> str:
    return f'<span class="citation-unknown">@{text(key)}?</span>'


def para(inner: str) -> str:
    return f"<p>{inner}</p>"


ALEXANDER, TURLEY = a("alexander2021", "Alexander, 2021"), a("turley2012", "Turley, 2012")
RENDERED = [
    ("[@alexander2021]", para(cite("(" + ALEXANDER + ")"))),
    ("[@alexander2021, p. 12]", para(cite("(" + ALEXANDER + ", p. 12)"))),
    ("[see @alexander2021; @turley2012]", para(cite("(see " + ALEXANDER + "; " + TURLEY + ")"))),
    ("@alexander2021 argues", para(cite(a("alexander2021", "Alexander (2021)")) + " argues")),
    ("[-@alexander2021]", para(cite("(" + a("alexander2021", "2021") + ")"))),
    ("[-@alexander2021, p. 3]", para(cite("(" + a("alexander2021", "2021") + ", p. 3)"))),
    ("As @turley2012.", para("As " + cite(a("turley2012", "Turley (2012)")) + ".")),
    ("@turley2012, and", para(cite(a("turley2012", "Turley (2012)")) + ", and")),
    ("[see @bovaird2009, pp. 3–4; also -@turley2012, ch. 2]",
     para(cite("(see " + a("bovaird2009", "Bovaird and Loeffler, 2009") + ", pp. 3–4; also "
               + a("turley2012", "2012") + ", ch. 2)"))),
    ("[@alexander2021 p. 7]", para(cite("(" + ALEXANDER + ", p. 7)"))),
    ("[see\n@alexander2021,\np. 12]", para(cite("(see " + ALEXANDER + ", p. 12)"))),
    ("@O'Hara_1999 found", para(cite(a("O'Hara_1999", "O'Hara (1999)")) + " found")),
    ("Then @st.jean2007.", para("Then " + cite(a("st.jean2007", "St. Jean (2007)")) + ".")),
    ("[@ministry&local2019]", para(cite("(" + a("ministry&local2019", "Ministry of Housing, 2019") + ")"))),
    ("[@tugboat:1990]", para(cite("(" + a("tugboat:1990", "Beebe, 1990") + ")"))),
    ("@{turley2012}'s study", para(cite(a("turley2012", "Turley (2012)")) + "'s study")),
    ("[@{odd(key)*}]", para(cite("(" + a("odd(key)*", "Odd, 2000") + ")"))),
    ("*@alexander2021*", para("<em>" + cite(a("alexander2021", "Alexander (2021)")) + "</em>")),
    ("(@alexander2021)", para("(" + cite(a("alexander2021", "Alexander (2021)")) + ")")),
    ("[see *also* @turley2012]", para(cite("(see <em>also</em> " + TURLEY + ")"))),
    ("# On [@alexander2021]", "<h1>On " + cite("(" + ALEXANDER + ")") + "</h1>"),
    ("> @turley2012 wrote",
     "<blockquote>\n" + para(cite(a("turley2012", "Turley (2012)")) + " wrote") + "\n</blockquote>"),
    ("[@nokey]", para(cite("(" + unknown("nokey") + ")"))),
    ("[see @nokey; @turley2012]", para(cite("(see " + unknown("nokey") + "; " + TURLEY + ")"))),
    ("@nokey says", para(unknown("nokey") + " says")),
    ('@{"x"&y<z}', para(unknown('"x"&y<z'))),
]

NOT_CITATIONS = [
    ("write to someone@example.org today", "<p>write to someone@example.org today</p>"),
    ("first.last+tag@example.org", "<p>first.last+tag@example.org</p>"),
    (r"\@alexander2021 is a handle", "<p>@alexander2021 is a handle</p>"),
    (r"[\@alexander2021]", "<p>[@alexander2021]</p>"),
    ("[email someone@example.org]", "<p>[email someone@example.org]</p>"),
    ("see https://example.org/@alexander2021", "<p>see https://example.org/@alexander2021</p>"),
    ("a [link](https://example.org/@turley2012)", '<p>a <a href="https://example.org/@turley2012">link</a></p>'),
    ('<span title="@turley2012">x</span>', '<p><span title="@turley2012">x</span></p>'),
    ("<!-- [@nokey] -->", "<!-- [@nokey] -->"),
    ("an @ sign alone", "<p>an @ sign alone</p>"),
]


@pytest.mark.parametrize(("source", "expected"), RENDERED + NOT_CITATIONS)
def test_renders_exact_html(source: str, expected: str) -> None:
    """Each citation form renders to exactly this HTML; things that only look like citations are left as typed."""
    assert convert(source) == expected


def test_known_keys_are_reported_as_cited_and_unknown_keys_with_their_line() -> None:
    """The resolver hears of every known key cited and every unknown one, with its line in the Markdown."""
    resolver = FakeResolver()
    convert("Intro [@alexander2021; @nokey].\n\nMore @turley2012 and\n@other, p. 3.\n", resolver)
    assert resolver.cites == ["alexander2021", "turley2012"]
    assert resolver.unknowns == [("nokey", 1), ("other", 4)]


CODE = [
    "`@alexander2021 and [@nokey]`",
    "`` a ` @nokey `` ",
    "```\n[@nokey]\n@nokey\n```",
    "~~~~ python\n# [@nokey]\n~~~~",
    "Text.\n\n    [@nokey] in an indented block\n    @nokey",
    "- item\n\n        [@nokey] code inside a list item",
    "<!--\n[@nokey]\n-->",
]


@pytest.mark.parametrize("source", CODE)
def test_code_is_untouched(source: str) -> None:
    """Code spans, fenced and indented code blocks and comments are rendered as if the extension were absent."""
    resolver = FakeResolver()
    assert convert(source, resolver, "fenced_code") == markdown.markdown(source, extensions=["fenced_code"])
    assert (resolver.cites, resolver.unknowns) == ([], [])
    assert find_citations(source) == []


def test_list_content_indented_four_spaces_is_text_not_code() -> None:
    """A paragraph continuing a list item (indented four spaces) is text, so its citation resolves."""
    resolver = FakeResolver()
    output = convert("- item\n\n    more [@turley2012]\n", resolver)
    assert a("turley2012", "Turley, 2012") in output
    assert find_citations("- item\n\n    more [@turley2012]\n") == [("turley2012", 3)]


UNKNOWN_PAGE = """\
# A paper

Known [@alexander2021], unknown [@gone].

```
[@gone] in code is not counted
```

- a list item citing @gone
    - nested @gone, and [see @gone2; @gone]

Last paragraph @gone2.

| study | source |
| --- | --- |
| one | [@gone] |

Footnote[^1].

[^1]: Cites @gone too.
"""


def test_unknown_keys_are_reported_in_document_order_with_their_lines() -> None:
    """Each occurrence of an unknown key is reported once, with its own line, even nested in lists."""
    resolver = FakeResolver()
    output = convert(UNKNOWN_PAGE, resolver, "fenced_code", "tables", "footnotes")
    assert resolver.unknowns == [("gone", 3), ("gone", 9), ("gone", 10), ("gone2", 10), ("gone", 10),
                                 ("gone2", 12), ("gone", 16), ("gone", 20)]
    assert output.count('class="citation-unknown"') == 8
    assert "<code>[@gone] in code is not counted\n</code>" in output


def test_find_citations_gives_every_key_and_line_outside_code() -> None:
    """find_citations sees the page as the extension does: same keys, same lines, code left out."""
    assert find_citations(UNKNOWN_PAGE) == [
        ("alexander2021", 3), ("gone", 3), ("gone", 9), ("gone", 10), ("gone2", 10), ("gone", 10), ("gone2", 12),
        ("gone", 16), ("gone", 20),
    ]


@pytest.mark.parametrize(("source", "expected"), [
    ("---\ntitle: A paper @notme\n---\n\n[@alexander2021]\n", [("alexander2021", 5)]),
    ("---\n\nA rule, then @turley2012\n", [("turley2012", 3)]),
    ("one\r\ntwo @turley2012\r\n", [("turley2012", 2)]),
    ("Para `code\nspan @nokey` and @turley2012", [("turley2012", 2)]),
    ("`unclosed @turley2012", [("turley2012", 1)]),
    (r"\\@turley2012 after an escaped backslash", []),
    (r"\\ @turley2012 after an escaped backslash", [("turley2012", 1)]),
    ("!!! note\n\n    Inside an admonition @turley2012\n", [("turley2012", 3)]),
    ("<https://example.org/@turley2012> <me@example.org>", []),
    ("![a picture of @turley2012](x.png)", []),
])
def test_find_citations_cases(source: str, expected: list[tuple[str, int]]) -> None:
    """Front matter is skipped but counted, and code, escapes, autolinks and image text are not citations."""
    assert find_citations(source) == expected


def test_the_extension_keeps_no_state_between_pages() -> None:
    """One extension object serves many pages (as in MkDocs): lines are counted afresh on each."""
    resolver = FakeResolver()
    extension = CitationExtension(resolver)
    markdown.markdown("\n\n[@gone]", extensions=[extension])
    md = markdown.Markdown(extensions=[extension])
    md.convert("[@gone]")
    md.reset()
    md.convert("\n\n\n@gone")
    assert resolver.unknowns == [("gone", 3), ("gone", 1), ("gone", 4)]


HOSTILE = reference("evil", '<script>alert("a")</script> & Co', "2020</a>",
                    text='"><img src=x onerror=alert(1)> \x02wzxhzdk:0\x03')


def test_bibliography_text_is_escaped() -> None:
    """Author names, years and reference text from BibTeX are escaped, and cannot reach Markdown's placeholders."""
    resolver = FakeResolver({"evil": HOSTILE})
    output = convert('<b>stashed</b> [@evil] and @evil', resolver)
    href_and_title = ('href="../references.md#ref-evil" title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; '
                      'wzxhzdk:0"')
    assert output == (
        '<p><b>stashed</b> '
        f'<span class="citation">(<a {href_and_title}>&lt;script&gt;alert("a")&lt;/script&gt; &amp; Co, '
        '2020&lt;/a&gt;</a>)</span> and '
        f'<span class="citation"><a {href_and_title}>&lt;script&gt;alert("a")&lt;/script&gt; &amp; Co '
        '(2020&lt;/a&gt;)</a></span></p>'
    )


def test_with_the_real_reference_formatter(tmp_path: Path) -> None:
    """Against a real .bib and the author-year style: the names and year come from BibTeX, escaped."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@book{alexander2021, author = {Alexander, Claire and Turley, Ann and Roe, Jim}, title = {Co-production},\n"
        "  year = {2021}, publisher = {Policy Press}}\n"
        "@article{evil, author = {{<script>alert(1)</script>} and Roe, Jane},\n"
        '  title = {"><img src=x onerror=alert(1)>}, journal = {J}, year = {2020}}\n', encoding="utf-8")
    bibliography, problems = load_bibliography([bib])
    formatter = ReferenceFormatter(bibliography)
    resolver = FakeResolver({key: formatter.format(key)[0] for key in bibliography.locations})
    output = convert("[@alexander2021, p. 4] and @evil", resolver)
    assert problems == []
    assert output == (
        '<p><span class="citation">(<a href="../references.md#ref-alexander2021" '
        'title="Alexander, C., Turley, A. and Roe, J. (2021) Co-production. Policy Press.">'
        'Alexander, Turley and Roe, 2021</a>'
        ', p. 4)</span> and <span class="citation"><a href="../references.md#ref-evil" '
        'title="&lt;script&gt;alert(1)&lt;/script&gt; and Roe, J. (2020) '
        '‘&quot;&gt;&lt;img src=x onerror=alert(1)&gt;’, J [Preprint].">'
        "&lt;script&gt;alert(1)&lt;/script&gt; and Roe (2020)</a></span></p>"
    )


FRAGMENTS = st.sampled_from([
    "word", "@alexander2021", "@alexander2021.", "[@turley2012, p. 3]", "[see @alexander2021; -@turley2012]",
    "`@turley2012`", "``[@turley2012]``", "someone@example.org", r"\@alexander2021", "*@turley2012*", "(@nokey)",
    "@{turley2012}'s", 'x <span title="@turley2012">x</span>', "x <!-- @nokey -->", "[not one]", "`", "\\", "*",
    "[@nokey", "]", "_", "@", "<me@example.org>", "[see", "-@turley2012]", "\n", "\n    ", "\n- item", "**", "x <b>",
    "[link](https://example.org/@nokey)", "@alexander2021;", "[", "; @turley2012]", "# ",
])
BLOCKS = st.one_of(
    st.lists(FRAGMENTS, min_size=1, max_size=8).map(" ".join),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map(lambda words: "```\n" + " ".join(words) + "\n```"),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map(lambda words: "    " + " ".join(words)),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map(lambda words: "- item " + " ".join(words)),
    st.lists(FRAGMENTS, min_size=1, max_size=4).map(lambda words: "> " + " ".join(words)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(BLOCKS, min_size=1, max_size=6).map("\n\n".join))
def test_find_citations_agrees_with_the_rendered_page(source: str) -> None:
    """On any mix of citations, code, escapes, emails and raw HTML, the keys found are the keys rendered."""
    resolver = FakeResolver()
    markdown.markdown(source, extensions=[CitationExtension(resolver), "pymdownx.superfences"],
                      extension_configs={"pymdownx.highlight": {"use_pygments": False}})  # No lexer look-ups.
    rendered = Counter(resolver.cites) + Counter(key for key, _ in resolver.unknowns)
    assert Counter(key for key, _ in find_citations(source)) == rendered


MARKUP_AROUND_A_KEY = [
    ("[see @alexander2021, p. <script>alert(1)</script>]",
     "(see " + ALEXANDER + ", p. &lt;script&gt;alert(1)&lt;/script&gt;)"),
    ("[see <script>alert(1)</script> @alexander2021, p. 3]",
     "(see &lt;script&gt;alert(1)&lt;/script&gt; " + ALEXANDER + ", p. 3)"),
    ("[@alexander2021, p. <b onclick=alert(1)>3</b>]", "(" + ALEXANDER + ", p. &lt;b onclick=alert(1)&gt;3&lt;/b&gt;)"),
    ("[<img src=x onerror=alert(1)> @alexander2021]", "(&lt;img src=x onerror=alert(1)&gt; " + ALEXANDER + ")"),
    ("[@alexander2021, p. &lt;3 &amp; 4]", "(" + ALEXANDER + ", p. &lt;3 &amp; 4)"),
    ("[@alexander2021, p. <!-- x --> 3]", "(" + ALEXANDER + ", p. &lt;!-- x --&gt; 3)"),
    ("[see *also* @alexander2021, *passim*]", "(see <em>also</em> " + ALEXANDER + ", <em>passim</em>)"),
]


@pytest.mark.parametrize(("source", "expected"), MARKUP_AROUND_A_KEY)
def test_markup_before_and_after_a_key_is_text(source: str, expected: str) -> None:
    """Raw HTML in the words before or after a key shows as text, the same on both sides; emphasis still works."""
    assert convert(source) == para(cite(expected))


def test_each_item_of_a_bracket_knows_where_its_key_is() -> None:
    """The offset of every item in a bracket of several points at its key (after a `-` that hides the author)."""
    body = "see @alpha, p. 2; -@beta2000; also @gamma-x pp. 3--4"
    items = parse_bracket(body)
    assert items is not None and [item.key for item in items] == ["alpha", "beta2000", "gamma-x"]
    for item in items:
        assert body[item.offset:].lstrip("-").startswith(f"@{item.key}"), item
