"""TeX in BibTeX fields becomes the plain text it stands for: cases written here, and cases from real libraries."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from conftest import SHARED, needs_shared
from hypothesis import example, given, settings
from hypothesis import strategies as st

from synth.references.bibliography import load_bibliography
from synth.references.latex_text import DECODED, decode_latex, has_text, latex_to_text
from synth.references.names import initials, name_parts, parse_person

CORPUS = SHARED / "corpora" / "bib"


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"Caf{\'e} na{\"\i}ve", "Café naïve"),
        (r"{{NASA}} and {UK}", "NASA and UK"),
        (r"Ragnhei{\d}ur", "Ragnheiður"),
        (r"\emph{Big} \textbf{Society}", "Big Society"),
        (r"50\% of \$5 \& more", "50% of $5 & more"),
        (r"See \href{javascript:alert(5)}{click here} now", "See click here now"),
        (r"\href{https://example.org/a_b}{The {NASA} site}", "The NASA site"),
        (r"The \TeX{}book", "The TeXbook"),
        (r"a \textquotedblleft quoted\textquotedblright{} word", "a “quoted” word"),
        (r"methodology\hyphen independent", "methodology-independent"),
        (r"pp. 579\psqq", "pp. 579 ff."),
        (r"{\french Le titre}", "Le titre"),
        (r"\foreignlanguage{french}{Le titre} and \selectlanguage{german} Titel", "Le titre and Titel"),
        (r"see \url{http://a.b/x%20y?q=1} now", "see http://a.b/x%20y?q=1 now"),
        (r"\url{http://a.b/~x}", "http://a.b/~x"),
        (r"\url{http://a.b/a\_b}", "http://a.b/a_b"),
        (r"50% of {NASA}", "50% of NASA"),
        (r"Roger P.{\,}G.", "Roger P. G."),
        (r"\LaTeX is fun", "LaTeX is fun"),
        (r"{\mycommand three} words", "three words"),
    ],
)
def test_tex_becomes_plain_text(tex: str, text: str) -> None:
    """Accents, braces, markup, escapes, links, logos, symbols, switches and URLs read as a person reads them."""
    assert latex_to_text(tex) == text


REAL_CASES = [
    ("jabref210-physics-library.bib", "Arbuzova_2009", "Note",
     "Original paper in Russian: Pis'ma v Zhurnal Éksperimental'noĭ i Teoreticheskoĭ Fiziki, 89 (2009), 478–482"),
    ("jabref210-physics-library.bib", "Certier_1964", "Title",
     "Etude de l'effet Zeeman de la raie n = 1 de la série jaune de Cu2O à 20 °K"),
    ("jabref210-physics-library.bib", "Clarke_1975", "Title",
     "Optical transmittance and microgravimetric studies of the oxidation of ⟨100⟩ single crystal films of copper"),
    ("jabref210-physics-library.bib", "Jayathileke_2007_proc", "Url", "http://www.ip-sl.org/procs/abs07.html#talk9"),
    ("jabref210-physics-library.bib", "Kenway_1978", "Title",
     "Evidence of a Competitive Phenomenon between the 0.72 µm and 0.93 µm Luminescences of Cu2O"),
    ("jabref51-political-ecology.bib", "Widengard2012", "title", "Jatropha: A magic bullet filled with oil"),
    ("lanfear-criminology-zotero-bbt.bib", "andersenMaternalAgeFetal2000", "copyright",
     "© 2000 BMJ Publishing Group Ltd."),
    ("lanfear-criminology-zotero-bbt.bib", "FearCrimeNeighborhood", "title",
     "Fear of Crime and Neighborhood Change | Crime and Justice: Vol 8"),
    ("lanfear-criminology-zotero-bbt.bib", "quinnManWhoLet2016", "title",
     "Man Who Let out Home on Airbnb for New Year Suffers £12,000 Damage"),
    ("tugboat-beebe-large.bib", "Spivak:TB1-1-10", "title", "AMS-TeX—“A very friendly product”"),
    ("tugboat-beebe-large.bib", "Taylor:TB12-1-35", "title", "Improving the æsthetics of mixed-font documents"),
    ("tugboat-beebe-large.bib", "Mittelbach:TB12-2-259", "title", "Solution to the riddle from tubissue 11(4)"),
    ("tugboat-beebe-large.bib", "Haralambous:TB15-3-344", "title",
     "First applications of Ω: Adobe Poetica, Arabic, Greek, Khmer"),
    ("tugboat-beebe-large.bib", "Beeton:TB19-4-366", "title", "Editorial: EncTeX, by Petr Olšák"),
    ("tugboat-beebe-large.bib", "Rahtz:TB20-1-20", "title", "The TeX Live Guide, 4th edition"),
    ("tugboat-beebe-large.bib", "Fulling:TB20-3-162", "title",
     "Keynote: TeX and the Web in the higher education of the future: Dreams and difficulties"),
    ("tugboat-beebe-large.bib", "Flynn:TB23-2-115", "title",
     "Formatting information: A beginner's introduction to typesetting with LaTeX"),
    ("tugboat-beebe-large.bib", "Anonymous:TB31-1-102", "title",
     "Les Cahiers GUTenberg: Contents of issues 48–53 (2006–2009)"),
    ("tugboat-beebe-large.bib", "Wright:TB32-1-113", "title", "‘Magic’ comments in TeXworks 0.4"),
    ("tugboat-beebe-large.bib", "Sankar:TB32-3-281", "title",
     "An XML model of CSS3 as an XLaTeX-TeXML-HTML5 stylesheet language"),
    ("xampl-patashnik.bib", "article-minimal", "journal", "G-Animal's Journal"),
    ("xampl-patashnik.bib", "inbook-minimal", "year", "1973"),
    ("xampl-patashnik.bib", "techreport-minimal", "title", "An O(n log n / log log n) Sorting Algorithm"),
]
"""Field values from the real libraries in ../shared/corpora/bib, and how they read."""


@cache
def corpus_entries(name: str) -> Any:
    return load_bibliography([CORPUS / name], CORPUS)[0].data.entries


@needs_shared(CORPUS)
@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.bib")))
def test_a_value_without_tex_reads_as_full_decoding_reads_it(name: str) -> None:
    """Every field and name of every real library that skips latexcodec reads as decoding it would give."""
    values = {value for entry in corpus_entries(name).values() for value in entry.fields.values()}
    values |= {str(person) for entry in corpus_entries(name).values() for people in entry.persons.values()
               for person in people}
    plain = sorted(value for value in values if not DECODED.search(value) and not value.isalnum())
    assert len(plain) > 20
    assert [latex_to_text(value) for value in plain] == [decode_latex(value) for value in plain]


@needs_shared(CORPUS)
@pytest.mark.parametrize(("name", "key", "field", "text"), REAL_CASES, ids=[case[1] for case in REAL_CASES])
def test_real_library_fields_read_as_text(name: str, key: str, field: str, text: str) -> None:
    """Maths, font and language switches, logos, symbols and accents from real libraries read as plain text."""
    assert latex_to_text(corpus_entries(name)[key].fields[field]) == text


@needs_shared(CORPUS)
def test_a_real_author_with_accents_keeps_every_initial() -> None:
    r"""``Ragnhei{\d}ur Bogad\'{o}ttir`` reads as Bogadóttir, R.; ``Roger P.{\,}G.`` keeps all three initials."""
    (person,) = corpus_entries("jabref51-political-ecology.bib")["Bogadottir2012"].persons["author"]
    assert (name_parts(person).family, initials(name_parts(person).given)) == ("Bogadóttir", "R.")
    assert initials(name_parts(parse_person(r"Roger P.{\,}G. Smith")).given) == "R.P.G."


def test_private_use_characters_in_a_field_are_not_taken_for_placeholders() -> None:
    """Characters from the private-use range the conversion uses internally show as U+FFFD; nothing crashes."""
    assert latex_to_text("A \\url{http://a.b/} \ue645 and \ue000 {B}") == "A http://a.b/ \ufffd and \ufffd B"


@pytest.mark.parametrize(("tex", "text"), [
    (r"a\,b", "a b"), (r"a\ b", "a b"), (r"a\;b", "a b"), (r"50\%", "50%"), (r"A\&B", "A&B"), (r"\#1", "#1"),
    (r"hy\-phen", "hyphen"), (r"x\@y", "xy"),
])
def test_control_symbols_become_a_space_themselves_or_nothing(tex: str, text: str) -> None:
    """Spacing commands read as a space, escaped characters as themselves, breaks and spacing hints as nothing."""
    assert latex_to_text(tex) == text


TEX_PIECES = ("a", "7", " ", "{", "}", "$", "~", "--", "\\\\", "\\'", '\\"', "\\c ", "\\ss", "\\i", "\\relax ",
              "\\noopsort{1973b}", "\\noopsort{", "\\href{x}", "\\href{x}{y}", "\\foreignlanguage{french}",
              "\\foreignlanguage{french}{Le}", "\\kern 1em", "\\hskip 2pt", "\\url{", "\\emph{", "\\TeX",
              "\\textquotedblleft", "$x$", "$\\alpha$", "\\alpha", "^", "_", "\\,", "\\-", "%", "\\%", "\\&",
              "\\nth{4}", "\\d", "\\=")


@given(st.lists(st.sampled_from(TEX_PIECES), max_size=8).map("".join))
@example("{\\noopsort{1973b}}")
@example("\\href{x}{}")
@example("\\foreignlanguage{french}{}")
@example("\\kern 1em")
@example("$\\alpha$")
@example("\\emph{}")
@settings(max_examples=1000, deadline=None)
def test_has_text_agrees_with_decoding(value: str) -> None:
    """`has_text` skips decoding where it can tell, and always gives what decoding would: any text or none."""
    assert has_text(value) == bool(latex_to_text(value))


@given(st.lists(st.sampled_from(("-", "--", "---", "a", "1", " ", "{", "}", "'", "\\&")), max_size=10)
       .map("".join))
@example("pp. 12--34")
@example("1--2 --- 3")
@example("a----b")
@example("{--}x")
@settings(max_examples=500, deadline=None)
def test_dashes_read_without_decoding_read_as_decoding_reads_them(value: str) -> None:
    """A value whose only TeX is dashes (page ranges) skips latexcodec and gives what decoding it gives."""
    assert latex_to_text(value) == decode_latex(value)
