"""Citing a paper: its reference in the house style, BibTeX and RIS, built from the front matter alone."""

from __future__ import annotations

import dataclasses
import datetime
from pathlib import Path

import pytest
from conftest import DATA
from pybtex.database import parse_string

from synth.papers.cite import (
    affiliation_line,
    author_line,
    bibtex,
    cite_box,
    harvard_names,
    long_date,
    plain_reference,
    ris,
)
from synth.papers.model import Author, Paper, load_paper
from synth.references.bibliography import load_bibliography
from synth.references.latex_text import latex_to_text

EXAMPLE = DATA / "papers-example"


@pytest.fixture(scope="module")
def paper() -> Paper:
    loaded, _ = load_paper(EXAMPLE / "content" / "papers" / "example.md", EXAMPLE)
    assert loaded is not None
    return loaded


def test_bibtex_entry(paper: Paper) -> None:
    """An ``@misc`` entry: people as written, a group braced whole, the title braced, LaTeX specials escaped."""
    assert bibtex(paper, "https://example.org/papers/example/") == """\
@misc{example2026,
  author       = {Example, Ada and {Evidence Review Team}},
  title        = {{Staff continuity \\& independence: an example paper}},
  year         = {2026},
  month        = nov,
  howpublished = {Paper prepared for An example seminar on <mobilising> communities},
  note         = {Version 0.1, draft},
  url          = {https://example.org/papers/example/},
}"""


def test_bibtex_entry_parses_back_to_the_same_authors_and_title(paper: Paper) -> None:
    """The entry parses back with pybtex: two authors, the second a group, and the title."""
    entry = parse_string(bibtex(paper), "bibtex").entries["example2026"]
    assert [str(person) for person in entry.persons["author"]] == ["Example, Ada", "{Evidence Review Team}"]
    assert entry.fields["title"] == "{Staff continuity \\& independence: an example paper}"
    assert entry.fields["month"] == "November"


def test_ris_record(paper: Paper) -> None:
    """An RIS record, ``UNPB`` while a draft, each value on one line."""
    assert ris(paper) == """\
TY  - UNPB
AU  - Example, Ada
AU  - Evidence Review Team
TI  - Staff continuity & independence: an example paper
PY  - 2026
DA  - 2026/11/20/
ET  - 0.1
T2  - An example seminar on <mobilising> communities
AB  - A short paper that cites two works and embeds the evidence on staff continuity.
N1  - Version 0.1, draft
ER  - """


def test_published_paper_is_a_report_in_ris() -> None:
    """Once published, the RIS type is ``RPRT``."""
    published, _ = load_paper(EXAMPLE / "content" / "papers" / "published.md", EXAMPLE)
    assert published is not None
    assert ris(published).splitlines()[0] == "TY  - RPRT"


def test_plain_reference_and_names(paper: Paper) -> None:
    """The reference as the knowledge base's style writes its BibTeX, the author line, affiliations, the long date."""
    assert plain_reference(paper) == ("Example, A. and Evidence Review Team (2026) ‘Staff continuity & independence: "
                                      "an example paper’. Paper prepared for An example seminar on <mobilising> "
                                      "communities. Version 0.1, draft.")
    assert author_line(paper.meta.authors) == "Ada Example and Evidence Review Team"
    assert affiliation_line(paper.meta.authors) == "Example University"
    assert long_date(datetime.date(2026, 1, 5)) == "5 January 2026"


def test_three_people_are_listed_with_commas() -> None:
    """``A, B and C`` in both styles; initials from every given name."""
    authors = [Author(name="Smith, Jo Ann"), Author(name="Lee, K."), Author(name="Team")]
    assert author_line(authors) == "Jo Ann Smith, K. Lee and Team"
    assert harvard_names(authors) == "Smith, J.A., Lee, K. and Team"


def test_cite_box_escapes_everything(paper: Paper) -> None:
    """The box is HTML: angle brackets escaped, and ``@misc`` written so no citation extension reads it."""
    box = cite_box(paper)
    assert "<mobilising>" not in box
    assert "&lt;mobilising&gt;" in box
    assert '<pre class="paper-bibtex"><code>&#64;misc{example2026,' in box


def test_a_paper_writes_names_as_the_reference_list_does() -> None:
    """A hyphenated given name keeps both initials, as in the reference list: "Sartre, J.-P."."""
    assert harvard_names([Author(name="Sartre, Jean-Paul")]) == "Sartre, J.-P."


@pytest.mark.parametrize("title", ["Seminar } notes", "Open { only", "} reversed {", "50% & {nested {braces}}"])
def test_bibtex_of_a_title_with_unbalanced_braces_reads_back(paper: Paper, title: str, tmp_path: Path) -> None:
    """Braces are escaped with the importers' function, so the entry parses whole and its title reads back."""
    changed = dataclasses.replace(paper, meta=paper.meta.model_copy(update={"title": title}))
    text = bibtex(changed)
    fields = parse_string(text, "bibtex").entries["example2026"].fields
    assert (fields["year"], fields["note"]) == ("2026", "Version 0.1, draft")
    (tmp_path / "cite.bib").write_text(text, encoding="utf-8")
    bibliography, problems = load_bibliography([tmp_path / "cite.bib"], tmp_path)
    assert problems == []
    assert latex_to_text(bibliography.data.entries["example2026"].fields["title"]) == title
    assert bibliography.data.entries["example2026"].fields["howpublished"].startswith("Paper prepared for")
