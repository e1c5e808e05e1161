"""Stage 4, references: the Cite Them Right Harvard style, its escaping, anchors, disambiguation and fallbacks."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from conftest import SHARED

from synth.errors import Diagnostic, Location
from synth.references.bibliography import Bibliography, load_bibliography
from synth.references.disambiguation import disambiguate
from synth.references.interchange import csl_item, label_item
from synth.references.latex_text import latex_to_text
from synth.references.style import FormattedReference, ReferenceFormatter, _citable, anchor

CORPUS = SHARED / "corpora" / "bib"
INCOMPLETE_ENTRIES = {
    "jabref210-physics-library.bib": 11,
    "jabref51-political-ecology.bib": 0,
    "lanfear-criminology-zotero-bbt.bib": 13,
    "mendeley-education-export.bib": 26,
    "risrs-retraction-zotero.bib": 58,
    "tugboat-beebe-large.bib": 0,
    "xampl-patashnik.bib": 1,
}
Formatted = tuple[Bibliography, dict[str, tuple[FormattedReference, list[Diagnostic]]]]


@pytest.fixture(scope="module")
def corpus() -> Callable[[str], Formatted]:
    """Load and format each corpus file at most once per module: the tugboat file alone has 3,644 entries."""

    @cache
    def formatted(name: str) -> Formatted:
        bibliography, _ = load_bibliography([CORPUS / name], CORPUS)
        formatter = ReferenceFormatter(bibliography)
        return bibliography, {key: formatter.format(key) for key in bibliography.locations}

    return formatted


def load(folder: Path, text: str) -> Bibliography:
    path = folder / "refs.bib"
    path.write_text(text, encoding="utf-8")
    return load_bibliography([path], folder)[0]


def formatter_for(folder: Path, text: str) -> ReferenceFormatter:
    return ReferenceFormatter(load(folder, text))


def format_one(folder: Path, text: str) -> tuple[FormattedReference, list[Diagnostic]]:
    bibliography = load(folder, text)
    (key,) = bibliography.keys()
    return ReferenceFormatter(bibliography).format(key)


@pytest.mark.parametrize("name", sorted(INCOMPLETE_ENTRIES))
def test_every_corpus_entry_formats(corpus: Callable[[str], Formatted], name: str) -> None:
    """Every entry of every real file formats, and only entries missing a required field are reported."""
    bibliography, references = corpus(name)
    assert list(references) == bibliography.keys()
    problems = [d for _, diagnostics in references.values() for d in diagnostics]
    assert len(problems) == INCOMPLETE_ENTRIES[name]
    assert all(d.code == "bib.incomplete-entry" and d.severity == "warning" for d in problems)
    assert all(d.location == bibliography.locations[d.record_id or ""] for d in problems)
    assert all(reference.html and reference.text and reference.year for reference, _ in references.values())


@pytest.mark.parametrize("name", sorted(INCOMPLETE_ENTRIES))
def test_no_corpus_reference_shows_raw_tex(corpus: Callable[[str], Formatted], name: str) -> None:
    """Accents, logos and macros all become text: no backslash or brace reaches a reference outside a link."""
    for reference, _ in corpus(name)[1].values():
        text = reference.text.replace(reference.url or "\0", "").replace(reference.doi or "\0", "")
        assert "\\" not in text, (reference.key, text)


@pytest.mark.parametrize("name", sorted(INCOMPLETE_ENTRIES))
def test_corpus_anchors_are_unique_and_slug_safe(corpus: Callable[[str], Formatted], name: str) -> None:
    """Every anchor is an HTML id and file name made of lower-case letters, digits, '-' and '_', one per key."""
    anchors = [reference.anchor for reference, _ in corpus(name)[1].values()]
    assert all(re.fullmatch(r"ref-[a-z0-9_-]+", anchor) for anchor in anchors)
    assert len(set(anchors)) == len(anchors)


ARTICLE = """@article{alexander2021,
  author = {Alexander, James},
  title = {Co-production: fostering greater inclusion or reproducing existing exclusion?},
  journal = {SN Social Sciences}, year = {2021}, volume = {1}, number = {56},
  doi = {https://doi.org/10.1007/s43545-021-00058-0}}"""
BOOK = """@book{bourdieu1977, author = {Bourdieu, Pierre}, title = {Outline of a Theory of Practice},
  publisher = {Cambridge University Press}, address = {Cambridge}, year = 1977}"""
INCOLLECTION = """@incollection{alford2013, author = {Alford, John and O'Flynn, Janine},
  editor = {Lindquist, E. A. and Vincent, S. and Wanna, J.},
  title = {Engaging citizens in co-producing service outcomes}, booktitle = {Putting Citizens First},
  publisher = {ANU Press}, address = {Canberra}, year = {2013}, pages = {75--82}}"""
TECHREPORT = """@techreport{turley2012, author = {Turley, Caroline},
  title = {Delivering neighbourhood policing in partnership}, institution = {NatCen Social Research},
  address = {London}, number = {P2956}, year = {2012}}"""
MISC = """@misc{nefpublic, author = {{New Economics Foundation (NEF)}}, title = {Public Services Inside Out},
  url = {http://www.neweconomics.org/publications/inside-out?a=1&b=2}, urldate = {2021-05-01}}"""
CORPORATE = """@book{lgg2010, author = {{Local Government Group}}, title = {The Big Society: Looking after ourselves},
  publisher = {Local Government Group}, address = {London}, year = {2010}}"""
ACCENTS = """@article{muller2012, author = {M{\\"u}ller, J{\\"o}rg and Bogad\\'{o}ttir, Ragnhei{\\d}ur},
  title = {{\\'E}tudes sur Ragnhei{\\d}ur}, journal = {Revue d'{\\'E}cologie}, year = {2012}, pages = {83--96}}"""
BRACES = """@article{nasa1999, author = {Adler, P. and Heckscher, C. and Prusak, L.},
  title = {{{NASA}} and the {\\TeX}book: {T}he {\\em case} of \\acro{TUG}},
  journal = {Journal of {\\LaTeX} Studies}, year = {{\\noopsort{1999a}}1999}, volume = {3}, pages = {7}}"""


@pytest.mark.parametrize(
    ("bib", "html"),
    [
        (ARTICLE, "Alexander, J. (2021) ‘Co-production: fostering greater inclusion or reproducing existing "
                  "exclusion?’, <em>SN Social Sciences</em>, 1(56). Available at: "
                  "<a href=\"https://doi.org/10.1007/s43545-021-00058-0\">"
                  "https://doi.org/10.1007/s43545-021-00058-0</a>."),
        (BOOK, "Bourdieu, P. (1977) <em>Outline of a Theory of Practice</em>. Cambridge: Cambridge University Press."),
        (INCOLLECTION, "Alford, J. and O’Flynn, J. (2013) ‘Engaging citizens in co-producing service outcomes’, in "
                       "E.A. Lindquist, S. Vincent, and J. Wanna (eds) <em>Putting Citizens First</em>. "
                       "Canberra: ANU Press, pp. 75–82."),
        (TECHREPORT, "Turley, C. (2012) <em>Delivering neighbourhood policing in partnership</em>. Report P2956. "
                     "London: NatCen Social Research."),
        (MISC, "New Economics Foundation (NEF) (no date) <em>Public Services Inside Out</em>. Available at: "
               "<a href=\"http://www.neweconomics.org/publications/inside-out?a=1&amp;b=2\">"
               "http://www.neweconomics.org/publications/inside-out?a=1&amp;b=2</a> (Accessed: 1 May 2021)."),
        (CORPORATE, "Local Government Group (2010) <em>The Big Society: Looking after ourselves</em>. "
                    "London: Local Government Group."),
        (ACCENTS, "Müller, J. and Bogadóttir, R. (2012) ‘Études sur Ragnheiður’, <em>Revue d’Écologie</em>, "
                  "pp. 83–96."),
        (BRACES, "Adler, P., Heckscher, C. and Prusak, L. (1999) ‘NASA and the TeXbook: The case of TUG’, "
                 "<em>Journal of LaTeX Studies</em>, 3, p. 7."),
    ],
)
def test_typical_entries_format_as_harvard(tmp_path: Path, bib: str, html: str) -> None:
    """Each type reads as Cite Them Right Harvard: ``Family, I. (Year) ‘Title’, *Container*, details.``."""
    reference, diagnostics = format_one(tmp_path, bib)
    assert diagnostics == []
    assert reference.html == html
    assert reference.text == re.sub(r"<[^>]+>", "", html).replace("&amp;", "&")


@pytest.mark.parametrize(
    ("authors", "short"),
    [
        ("Alexander, James", "Alexander"),
        ("Bovaird, Tony and Loeffler, Elke", "Bovaird and Loeffler"),
        ("Adler, P. and Heckscher, C. and Prusak, L.", "Adler, Heckscher and Prusak"),
        ("Adler, P. and Heckscher, C. and Prusak, L. and Roe, J.", "Adler et al."),
        ("Adler, P. and others", "Adler et al."),
        ("{Local Government Group}", "Local Government Group"),
        ("van der Berg, Jan", "van der Berg"),
        ("M{\\\"u}ller, J{\\\"o}rg", "Müller"),
    ],
)
def test_author_short_names_for_in_text_citations(tmp_path: Path, authors: str, short: str) -> None:
    """In-text names: up to three family names joined by "and", four or more as the first and "et al."."""
    reference, _ = format_one(tmp_path, f"@misc{{k, author = {{{authors}}}, title = {{T}}, year = 2001}}")
    assert (reference.author_short, reference.year) == (short, "2001")


@pytest.mark.parametrize(
    ("fields", "short"),
    [("editor = {Hornborg, Alf}, title = {Ecology and Power}", "Hornborg"), ("title = {Ten Big Questions}",
     "‘Ten Big Questions’"), ("title = {Ten Big Questions}, url = {https://a.example}", "Ten Big Questions"),
     ("note = {Only a note}", "k")],
)
def test_author_short_falls_back_to_editors_title_or_key(tmp_path: Path, fields: str, short: str) -> None:
    """With no authors, citations name the editors, else the title (quoted for a part), else the key: "no date"."""
    reference, _ = format_one(tmp_path, f"@misc{{k, {fields}}}")
    assert (reference.author_short, reference.year) == (short, "no date")


def test_title_leads_when_no_one_is_named(tmp_path: Path) -> None:
    """A work with no author or editor starts with its title, as Harvard does."""
    reference, _ = format_one(tmp_path, "@misc{k, title = {Ten Big Questions}, howpublished = {Booklet}}")
    assert reference.text == "‘Ten Big Questions’ (no date). Booklet."


def test_record_text_is_escaped_in_html(tmp_path: Path) -> None:
    """A ``<script>`` in a title or a quote in a URL shows as text; it never becomes markup."""
    bib = '@misc{x, title = {<script>alert("x")</script> & co}, url = {http://example.org/?q="a"&b=<c>}}'
    reference, _ = format_one(tmp_path, bib)
    assert "<script>" not in reference.html
    assert "&lt;script&gt;alert(\"x\")&lt;/script&gt; &amp; co" in reference.html
    assert 'href="http://example.org/?q=&quot;a&quot;&amp;b=&lt;c&gt;"' in reference.html
    assert "<script>alert(\"x\")</script> & co" in reference.text


def test_only_web_addresses_become_links(tmp_path: Path) -> None:
    """A URL that is not http, https or ftp (``javascript:``, a bare host) is shown as text, not linked."""
    reference, _ = format_one(tmp_path, "@misc{x, title = {T}, url = {javascript:alert(1)}}")
    assert "<a " not in reference.html and "Available at: javascript:alert(1)" in reference.html
    assert reference.url == "javascript:alert(1)"


@pytest.mark.parametrize(
    "doi", ["10.1007/s43545-021-00058-0", "doi:10.1007/s43545-021-00058-0", "https://doi.org/10.1007/s43545-021-00058-0",
            "http://dx.doi.org/10.1007/s43545-021-00058-0", "DOI: 10.1007/s43545-021-00058-0"],
)
def test_a_doi_links_to_doi_org_whatever_its_prefix(tmp_path: Path, doi: str) -> None:
    """Any ``doi:`` or resolver prefix in the field is stripped before linking to https://doi.org/."""
    reference, _ = format_one(tmp_path, f"@misc{{x, title = {{T}}, doi = {{{doi}}}, url = {{http://a.example}}}}")
    assert reference.doi == "10.1007/s43545-021-00058-0"
    assert reference.html.endswith(
        'Available at: <a href="https://doi.org/10.1007/s43545-021-00058-0">'
        'https://doi.org/10.1007/s43545-021-00058-0</a>.')


def test_a_missing_required_field_formats_what_is_there_with_a_warning(tmp_path: Path) -> None:
    """An article without a journal still appears, with what it has, and a located warning."""
    reference, diagnostics = format_one(tmp_path, "\n@article{k, author = {Smith, Jo}, title = {T}, year = 2000,\n"
                                                  " volume = {3}, pages = {1--9}}")
    assert reference.text == "Smith, J. (2000) ‘T’, 3, pp. 1–9."
    (warning,) = diagnostics
    assert (warning.code, warning.severity, warning.location) == ("bib.incomplete-entry", "warning",
                                                                  Location("refs.bib", 2, 1))
    assert "'journal'" in warning.message


def test_an_unknown_type_formats_as_the_nearest_bibtex_type(tmp_path: Path) -> None:
    """An ``@online`` entry reads as ``@misc``; the loader has already warned, so formatting adds nothing."""
    reference, diagnostics = format_one(tmp_path, "@online{w, author = {Doe, Jane}, title = {Page}, year = 2020,"
                                                  " url = {https://example.org}}")
    assert diagnostics == []
    assert reference.text == "Doe, J. (2020) Page. Available at: https://example.org."


def test_crossref_children_inherit_from_their_parent(tmp_path: Path) -> None:
    """A child takes missing fields and editors from its ``crossref`` parent, a biblatex parent's title as booktitle."""
    formatter = formatter_for(tmp_path, """
@incollection{child, author = {Malm, Andreas}, title = {Steam}, pages = {108--123}, crossref = {parent}}
@collection{parent, editor = {Hornborg, Alf and Clark, Brett}, title = {Ecology and Power},
  publisher = {Routledge}, address = {New York}, year = {2012}}""")
    reference, diagnostics = formatter.format("child")
    assert diagnostics == []
    assert reference.text == ("Malm, A. (2012) ‘Steam’, in A. Hornborg and B. Clark (eds) Ecology and Power. "
                              "New York: Routledge, pp. 108–123.")


def test_formatting_is_cached_per_key(tmp_path: Path) -> None:
    """Each entry is formatted once: asking again, in any letter case, returns the same reference."""
    formatter = formatter_for(tmp_path, BOOK)
    first, _ = formatter.format("bourdieu1977")
    assert formatter.format("Bourdieu1977")[0] is first
    with pytest.raises(KeyError):
        formatter.format("nobody2000")


def test_anchors_are_slug_safe_unique_and_stable() -> None:
    """Keys with ``: / ' &`` or spaces get anchors safe in ids and file names, one per key, the same every run."""
    keys = ["smith2001", "smith-2001", "smith:2001", "smith/2001", "smith'2001", "smith&2001", "smith 2001"]
    keys.append("Welland:TB1")
    anchors = [anchor(key) for key in keys]
    assert all(re.fullmatch(r"ref-[a-z0-9_-]+", each) for each in anchors)
    assert len(set(anchors)) == len(keys)
    assert anchors[:2] == ["ref-smith2001", "ref-smith-2001"]
    assert anchor("Welland:TB1") == anchors[-1] == "ref-welland-tb1-" + anchors[-1].rsplit("-", 1)[1]


def test_sort_key_ignores_case_and_accents(tmp_path: Path) -> None:
    """References sort by family names, year and title, case-folded and without accents."""
    formatter = formatter_for(tmp_path, ACCENTS + "\n" + "@misc{abel, author = {abel, Ann}, title = {Z}, year = 2020}")
    assert formatter.format("muller2012")[0].sort_key == ("muller bogadottir", "2012", "etudes sur ragnheiður")
    assert formatter.format("abel")[0].sort_key < formatter.format("muller2012")[0].sort_key


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("{\\'e}cole", "école"),
        ('\\"o', "ö"),
        ("Ragnhei{\\d}ur", "Ragnheiður"),
        ("{{NASA}}", "NASA"),
        ("The \\TeX{}book", "The TeXbook"),
        ("\\acro{TUG} 2001", "TUG 2001"),
        ("{\\noopsort{1973b}}1973", "1973"),
        ("100\\% {\\&} \\$5", "100% & $5"),
        ("$^{3}$He and $\\alpha$", "3He and α"),
        ("\\unknownmacro{argument} and \\Logo{} here", "argument and Logo here"),
        ("pages 1--9 --- done", "pages 1–9 — done"),
        ("a \\{ literal \\} brace", "a { literal } brace"),
        ("unbalanced } brace {", "unbalanced brace"),
    ],
)
def test_latex_becomes_unicode_text(latex: str, text: str) -> None:
    """LaTeX accents, logos, protective braces and unknown macros become plain text, never an exception."""
    assert latex_to_text(latex) == text


def test_works_alike_in_text_are_told_apart_as_cite_them_right_does(tmp_path: Path) -> None:
    """Same first author and year: more names; same name and year: initials; else 2015a and 2015b, in list order."""
    formatter = formatter_for(tmp_path, """
@article{b1, author = {Bovaird, T. and Stoker, G. and Jones, T. and Loeffler, E.}, title = {A}, journal = {J},
  year = 2015}
@article{b2, author = {Bovaird, T. and Van Ryzin, G. and Loeffler, E. and Parrado, S.}, title = {B}, journal = {J},
  year = 2015}
@book{s1, author = {Smith, John}, title = {C}, publisher = {P}, year = 2016}
@book{s2, author = {Smith, Kate}, title = {D}, publisher = {P}, year = 2016}
@book{l2, author = {Loeffler, Elke}, title = {Why}, publisher = {P}, year = 2018}
@book{l1, author = {Loeffler, Elke}, title = {Co-production}, publisher = {P}, year = 2018}""")
    cited = {key: (formatter.format(key)[0].author_short, formatter.format(key)[0].year)
             for key in ("b1", "b2", "s1", "s2", "l1", "l2")}
    assert cited == {"b1": ("Bovaird, Stoker, et al.", "2015"), "b2": ("Bovaird, Van Ryzin, et al.", "2015"),
                     "s1": ("J. Smith", "2016"), "s2": ("K. Smith", "2016"),
                     "l1": ("Loeffler", "2018a"), "l2": ("Loeffler", "2018b")}
    assert formatter.format("l2")[0].text == "Loeffler, E. (2018b) Why. P."
    assert formatter.format("b1")[0].text.startswith("Bovaird, T., Stoker, G., et al. (2015) ‘A’")


def test_more_than_702_works_alike_get_three_letters_not_an_error(tmp_path: Path) -> None:
    """After 2015a … 2015z and 2015aa … 2015zz (702 works) come 2015aaa and on: every label differs.

    A knowledge base with a large bibliography (a reference manager's export copied together) can hold that many
    works by one author in one year.
    """
    count = 26 + 26 * 26 + 3
    formatter = formatter_for(tmp_path, "\n".join(
        f"@book{{w{number:04d}, author = {{Smith, John}}, title = {{T{number:04d}}}, publisher = {{P}}, year = 2015}}"
        for number in range(count)))
    years = [formatter.format(f"w{number:04d}")[0].year for number in range(count)]
    assert years[:2] == ["2015a", "2015b"] and years[25:28] == ["2015z", "2015aa", "2015ab"]
    assert years[701:] == ["2015zz", "2015aaa", "2015aab", "2015aac"]
    assert len(set(years)) == count


def test_an_article_number_is_not_printed_as_an_issue(tmp_path: Path) -> None:
    """``eid`` is an article number, which Cite Them Right leaves out: "1", not "1(56)"."""
    reference, _ = format_one(tmp_path, "@article{a, author = {Alexander, James}, title = {T}, journal = {J},"
                                        " year = 2021, volume = 1, eid = 56}")
    assert reference.text == "Alexander, J. (2021) ‘T’, J, 1."


@pytest.mark.parametrize(
    ("author", "written"),
    [
        ("Sartre, Jean-Paul", "Sartre, J.-P."),
        ("Jean-Paul Sartre", "Sartre, J.-P."),
        ("Roger P.{\\,}G. Smith", "Smith, R.P.G."),
        ("Lindquist, E. A.", "Lindquist, E.A."),
        ("given=Fred, family=Flummox", "Flummox, F."),
        ("family=Ryzin, given=Gregg, prefix=van, useprefix=true", "van Ryzin, G."),
        ("sortingnamekeytemplatename=x, family={Van Ryzin}, given={Gregg G.}", "Van Ryzin, G.G."),
    ],
)
def test_names_are_written_one_way_whatever_their_form(tmp_path: Path, author: str, written: str) -> None:
    """BibTeX and biblatex extended names all read ``Family, I.``, hyphenated and spaced initials kept."""
    reference, diagnostics = format_one(tmp_path, f"@book{{k, author = {{{author}}}, title = {{T}}, publisher = {{P}},"
                                                  " year = 2000}")
    assert reference.text == f"{written} (2000) T. P."
    assert diagnostics == []


@pytest.mark.parametrize("name", sorted(INCOMPLETE_ENTRIES))
def test_works_are_told_apart_alike_from_their_names_titles_and_types_alone(name: str) -> None:
    """Every corpus entry's in-text label is the same from the part of its CSL item labels read as from the whole."""
    bibliography, _ = load_bibliography([CORPUS / name], CORPUS)
    entries = bibliography.data.entries
    for entry in entries.values():
        whole, part = csl_item(entry, bibliography.data, prose=False), label_item(entry, bibliography.data)
        assert part == {field: whole[field] for field in part}, entry.key
    labels = disambiguate({key: _citable(entry, bibliography) for key, entry in entries.items()})
    assert disambiguate({key: _citable(entry, bibliography, whole=False) for key, entry in entries.items()}) == labels
    assert any(re.search(r"\d[a-z]+$", label.year) for label in labels.values())  # Some needed telling apart.
